"""数据仓库：界面与命令行通过这里读写自查记录，不直接碰 TinyDB。

文件按科室（和年份）分开，一次保存只改写一个小文件：

    DATA/
      sections/<科室id>/<年>.json          每月自查记录（表 months，每月一条）
      sections/<科室id>/audit-<年>.json    审计日志（只追加）
      sections/<科室id>/ledger-<种类>-<年>.json  台账行（每月一条）
      calendar/*.csv                       用户导入的节假日安排
      catalog.toml                         用户目录（可选）

科室名永不直接成为文件名：只用目录中的科室 id（英文字母、数字、-、_）。
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB

from creditcheck.models import SCHEMA_VERSION, SectionMonth
from creditcheck.month import Month

from .atomic import AtomicJSONStorage, StorageError

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def safe_id(section_id: str) -> str:
    if not _SAFE_ID.match(section_id or ""):
        raise StorageError(f"科室编号不合法：“{section_id}”")
    return section_id


class Store:
    """一个数据文件夹上的仓库。``read_only`` 时任何写入都给出中文提示而不写。"""

    def __init__(self, data_dir: Path | str, *, read_only: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.read_only = read_only

    # ── 路径 ──
    def section_dir(self, section_id: str) -> Path:
        return self.data_dir / "sections" / safe_id(section_id)

    def _year_path(self, section_id: str, year: int) -> Path:
        return self.section_dir(section_id) / f"{year}.json"

    def _db(self, path: Path) -> TinyDB:
        return TinyDB(path, storage=AtomicJSONStorage, read_only=self.read_only)

    # ── 自查记录 ──
    def load_month(self, section_id: str, month: Month, catalog_version: str = "") -> SectionMonth:
        """某科室某月的记录；还没有时返回一个空记录（不写盘）。"""
        path = self._year_path(section_id, month.year)
        if path.exists():
            db = self._db(path)
            row = db.table("months").get(Query().month == str(month))
            if row is not None:
                return SectionMonth.from_dict(dict(row))
        return SectionMonth(section_id, month, catalog_version)

    def save_month(self, sm: SectionMonth, actor: str = "") -> None:
        """保存一个月的记录（只改写该科室该年的文件）。"""
        if self.read_only:
            raise StorageError("当前为只读模式（另一处正在使用本科室数据），不能保存")
        path = self._year_path(sm.section_id, sm.month.year)
        db = self._db(path)
        doc = sm.to_dict()
        doc["saved_at"] = datetime.now().isoformat(timespec="seconds")
        db.table("months").upsert(doc, Query().month == str(sm.month))
        meta = db.table("_meta")
        if not meta.all():
            meta.insert({"schema": SCHEMA_VERSION})

    def months(self, section_id: str) -> list[SectionMonth]:
        """该科室已有的全部月份，按月份排序。"""
        folder = self.section_dir(section_id)
        out: list[SectionMonth] = []
        if not folder.is_dir():
            return out
        for path in sorted(folder.glob("[0-9][0-9][0-9][0-9].json")):
            db = self._db(path)
            out.extend(SectionMonth.from_dict(dict(r)) for r in db.table("months").all())
        return sorted(out, key=lambda m: m.month)

    def section_ids(self) -> list[str]:
        root = self.data_dir / "sections"
        if not root.is_dir():
            return []
        return sorted(p.name for p in root.iterdir() if p.is_dir() and _SAFE_ID.match(p.name))

    # ── 台账 ──
    def save_ledger(self, section_id: str, month: Month, kind: str, rows: list[dict[str, Any]], meta: dict[str, Any] | None = None) -> None:
        if self.read_only:
            raise StorageError("当前为只读模式，不能保存台账")
        path = self.section_dir(section_id) / f"ledger-{safe_id(kind)}-{month.year}.json"
        db = self._db(path)
        db.table("imports").upsert(
            {"month": str(month), "kind": kind, "rows": rows, "meta": meta or {}},
            Query().month == str(month),
        )

    def load_ledger(self, section_id: str, month: Month, kind: str) -> list[dict[str, Any]] | None:
        path = self.section_dir(section_id) / f"ledger-{safe_id(kind)}-{month.year}.json"
        if not path.exists():
            return None
        row = self._db(path).table("imports").get(Query().month == str(month))
        return list(row["rows"]) if row else None

    def iter_all_months(self) -> Iterator[SectionMonth]:
        for sid in self.section_ids():
            yield from self.months(sid)

    def close(self) -> None:
        pass

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
