"""备份与恢复（对仓库的使用者）：备份有改动的文件、列出备份、整体恢复到某次备份、恢复一个损坏的文件。

备份区本身（副本、清单、轮换）见 backups.py；这里决定备份哪些文件夹、在谁的锁下恢复、记哪些审计日志。
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .atomic import CorruptFileError, StorageError, read_json, write_bytes_atomic, write_json_atomic
from .files import DataFiles
from .identity import Clock, Identity
from .layout import LEDGER_FILE, REVIEWS_KEY, YEAR_FILE, Layout, aside, file_year, is_record_file
from .schema import LEDGER, MONTHS, check_data_file
from .session import Session

if TYPE_CHECKING:
    from .backups import BackupInfo, BackupResult, Backups, RestoreResult, Snapshot


class BackupsAndRestore:
    """一个仓库对象的备份与恢复。"""

    def __init__(
        self,
        layout: Layout,
        session: Session,
        identity: Identity,
        clock: Clock,
        files: DataFiles,
        backups: Callable[[], Backups],
    ) -> None:
        self.layout = layout
        self.session = session
        self.identity = identity
        self.clock = clock
        self.files = files
        self.area = backups

    def scope(self, sections: list[str] | None) -> dict[str, Path]:
        self.session.ensure()
        if self.session.long_lived:
            ids = [self.session.section_id] if self.session.section_id else []
        else:
            ids = sections if sections is not None else self.layout.section_ids()
            if sections is None and self.layout.reviews_dir.is_dir():
                ids = [*ids, REVIEWS_KEY]
        return {sid: self.layout.folder(sid) for sid in ids}

    def backup(
        self, reason: str = "manual", sections: list[str] | None = None, force: bool = False
    ) -> BackupResult:
        """见 ``Store.backup``。"""
        from .backups import BackupResult

        self.session.ensure()
        if self.session.read_only:
            return BackupResult(None)
        return self.area().backup(
            self.scope(sections), reason, self.identity.who(), now=self.clock(), force=force
        )

    def listing(self) -> list[BackupInfo]:
        return self.area().list()

    def find(self, when: str) -> str | None:
        return self.area().match(when)

    def restore(self, when: str, sections: list[str] | None = None) -> RestoreResult:
        """见 ``Store.restore``。"""
        from . import audit as audit_log
        from .backups import RestoreResult, sha256_bytes
        from .reviews import writing_lock

        self.session.ensure()
        area = self.area()
        target = area.match(when)
        area.refuse_damaged(when, target, sections if sections is not None else area.section_ids())
        if target is None:
            raise StorageError(
                f"找不到与“{when}”对应的备份；不带参数运行 creditcheck restore 可列出全部备份"
            )
        scope = self.scope(sections if sections is not None else area.section_ids())
        result = RestoreResult(target, None)
        with contextlib.ExitStack() as stack:
            for sid in scope:
                if sid == REVIEWS_KEY:
                    stack.enter_context(
                        writing_lock(self.layout.reviews_dir, self.session.lock_wait)
                    )
                else:
                    stack.enter_context(self.session.writing(sid))
            pre = area.backup(scope, "restore", self.identity.who(), now=self.clock())
            result.pre_backup = pre.id
            now = self.clock()
            for sid, sdir in scope.items():
                state = area.state_at(sid, target)
                for name, (snap, info) in sorted(state.items()):
                    if name.endswith(".jsonl"):
                        continue  # 审计日志只追加，不回退
                    cur = sdir / name
                    try:
                        same = cur.is_file() and sha256_bytes(cur.read_bytes()) == info.get(
                            "sha256"
                        )
                    except OSError:
                        same = False
                    if same:
                        result.unchanged.append(cur)
                        continue
                    write_bytes_atomic(cur, area.restore_bytes(snap, name))
                    self.files.frozen.pop(cur, None)
                    result.restored.append(cur)
                    year = file_year(name)
                    if year:
                        folder = (
                            self.layout.reviews_dir
                            if sid == REVIEWS_KEY
                            else self.layout.section_dir(sid)
                        )
                        audit_log.append(
                            audit_log.audit_path(folder, year),
                            self.identity.audit_header(
                                now,
                                self.identity.who(),
                                "" if sid == REVIEWS_KEY else sid,
                                action="restore",
                                changes=[
                                    {"path": f"file:{name}", "old": None, "new": f"备份 {target}"}
                                ],
                            ),
                        )
                if sdir.is_dir():
                    for p in sorted(sdir.iterdir()):
                        if p.is_file() and p.name not in state and is_record_file(p.name):
                            result.newer_kept.append(p)
        return result

    def newest_good(self, path: Path) -> Snapshot | None:
        return self.area().newest_good(path.parent.name, path.name)

    def restore_file(self, path: Path, backup_id: str | None = None) -> Path:
        """见 ``Store.restore_file``。"""
        area = self.area()
        path = Path(path)
        sid, name = path.parent.name, path.name
        if backup_id:
            snap = next(
                (s for s in area.snapshots(sid) if s.id == backup_id and name in s.files), None
            )
        else:
            snap = area.newest_good(sid, name)
        if snap is None:
            raise StorageError(f"没有找到 {name} 的完好备份")
        data = area.restore_bytes(snap, name)
        with self.session.writing(sid):
            area.backup(
                {sid: self.layout.section_dir(sid)},
                "damaged",
                self.identity.who(),
                now=self.clock(),
            )
            current = None
            try:
                current = read_json(path)
                check_data_file(path, current, LEDGER if LEDGER_FILE.match(name) else MONTHS)
            except CorruptFileError:
                current = None
                aside(path, self.clock)
            if isinstance(current, dict) and (YEAR_FILE.match(name) or LEDGER_FILE.match(name)):
                table = "months" if YEAR_FILE.match(name) else "imports"
                restored = json.loads(data.decode("utf-8"))
                restored_tbl = restored.setdefault(table, {})
                by_month = {
                    d.get("month"): k for k, d in restored_tbl.items() if isinstance(d, dict)
                }
                for doc in (current.get(table) or {}).values():
                    if not isinstance(doc, dict):
                        continue
                    k = by_month.get(doc.get("month"))
                    if k is None:
                        k = str(
                            max((int(x) for x in restored_tbl if str(x).isdigit()), default=0) + 1
                        )
                    restored_tbl[k] = doc
                write_json_atomic(path, restored)
            else:
                write_bytes_atomic(path, data)
            self.files.frozen.pop(path, None)
        return path
