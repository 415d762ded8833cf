"""台账：每个科室每种台账每年一个文件，每月一条（整月的行一次替换）。"""

from __future__ import annotations

from typing import Any

from creditcheck.month import Month

from .atomic import write_json_atomic
from .files import DataFiles
from .identity import Clock, Identity
from .layout import Layout
from .migrations import LEDGER, meta_record
from .session import Session


class Ledgers:
    """各科室的台账文件。"""

    def __init__(
        self, layout: Layout, session: Session, identity: Identity, clock: Clock, files: DataFiles
    ) -> None:
        self.layout = layout
        self.session = session
        self.identity = identity
        self.clock = clock
        self.files = files

    def save(
        self,
        section_id: str,
        month: Month,
        kind: str,
        rows: list[dict[str, Any]],
        meta: dict[str, Any] | None = None,
        actor: str = "",
    ) -> None:
        """保存某月某种台账的全部行（只改写该科室该种台账该年的文件；读、改、写都在科室的锁内）。"""
        from . import audit as audit_log

        path = self.layout.ledger_path(section_id, kind, month.year)
        with self.session.writing(section_id):
            data = self.files.load_for_write(path, LEDGER, section_id, month.year)
            table: dict[str, Any] = data.setdefault("imports", {})
            key = next(
                (
                    k
                    for k, d in table.items()
                    if isinstance(d, dict) and d.get("month") == str(month)
                ),
                None,
            )
            old = table.get(key) if key is not None else None
            if key is None:
                key = str(max((int(k) for k in table if str(k).isdigit()), default=0) + 1)
            now = self.clock()
            who = self.identity.who(actor)
            table[key] = {
                "month": str(month),
                "kind": kind,
                "rows": rows,
                "meta": meta or {},
                "saved_at": now.isoformat(timespec="seconds"),
                "saved_by": who,
            }
            data["_meta"] = {"1": meta_record(LEDGER, section_id, month.year)}
            write_json_atomic(path, data)
            changes = [
                {
                    "path": f"ledger.{kind}.rows",
                    "old": len(old["rows"]) if old else None,
                    "new": len(rows),
                }
            ]
            changes += audit_log.diff(
                (old or {}).get("meta") or {}, meta or {}, f"ledger.{kind}.meta"
            )
            audit_log.append(
                audit_log.audit_path(self.layout.section_dir(section_id), month.year),
                self.identity.audit_header(now, who, section_id, month=str(month), changes=changes),
            )

    def load_record(self, section_id: str, month: Month, kind: str) -> dict[str, Any] | None:
        """某月某种台账的完整记录 {"rows": [...], "meta": {...}, "saved_at": ...}；没有时为 None。"""
        path = self.layout.ledger_path(section_id, kind, month.year)
        data = self.files.load(path, LEDGER, section_id, month.year)
        for d in ((data or {}).get("imports") or {}).values():
            if isinstance(d, dict) and d.get("month") == str(month):
                return d
        return None

    def load(self, section_id: str, month: Month, kind: str) -> list[dict[str, Any]] | None:
        rec = self.load_record(section_id, month, kind)
        return list(rec.get("rows") or []) if rec is not None else None
