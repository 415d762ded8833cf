"""读数据文件：损坏的移开并说明、旧版本升级（先备份再写回）、新版本只读冻结。

月度记录、台账都经这里读出；写入由各自的模块做（都经 ``atomic.write_bytes_atomic``）。
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditcheck.month import Month

from .atomic import AtomicJSONStorage, CorruptFileError, StorageError, write_json_atomic
from .identity import Clock, Identity
from .layout import Layout, aside
from .migrations import CURRENT, MONTHS, file_schema, migrate, migrate_audit_v1, split_year_file
from .notices import DAMAGED, FUTURE_SCHEMA, MIGRATED, DamagedFileError, Notice, ReadOnlyError
from .schema import check_data_file
from .session import Session

if TYPE_CHECKING:
    from .backups import Backups


class DataFiles:
    """按格式版本与完好与否读出数据文件。"""

    def __init__(
        self,
        layout: Layout,
        session: Session,
        identity: Identity,
        clock: Clock,
        backups: Callable[[], Backups],
    ) -> None:
        self.layout = layout
        self.session = session
        self.identity = identity
        self.clock = clock
        self.backups = backups
        self.frozen: dict[Path, int] = {}
        """由更新版本的程序写入、本程序不覆盖的文件 → 它的格式版本。"""

    def load(self, path: Path, kind: str, section_id: str, year: int) -> dict[str, Any] | None:
        """读一个数据文件（TinyDB 布局）：损坏时移开并抛 DamagedFileError；旧版本升级；新版本冻结。"""
        try:
            raw = AtomicJSONStorage(path, read_only=True).read()
            check_data_file(
                path, raw, kind
            )  # 能解析但结构不对的文件同样算损坏（结构校验在 schema.py）
        except CorruptFileError as e:
            raise DamagedFileError(self.damaged(path, e.detail, section_id)) from None
        if raw is None:
            return None
        version = file_schema(raw)
        if version > CURRENT:
            self.freeze(path, version, section_id)
            return raw
        if version < CURRENT:
            migrated = migrate(raw, kind, section_id, year)
            self._write_migrated(path, migrated, kind, section_id, version)
            return migrated
        return raw

    def load_for_write(
        self, path: Path, kind: str, section_id: str, year: int, notices: list[Notice] | None = None
    ) -> dict[str, Any]:
        """写入前（已在 ``session.writing`` 之内）读出文件：损坏但已移开时当作新文件（提示记进 ``notices``）。"""
        self.check_not_frozen(path)
        try:
            data = self.load(path, kind, section_id, year) or {}
        except DamagedFileError as e:
            if e.notice.moved_to is None:
                raise
            if notices is not None:
                notices.append(e.notice)
            data = {}
        self.check_not_frozen(path)
        return data

    def freeze(self, path: Path, version: int, section_id: str) -> None:
        if path in self.frozen:
            return
        self.frozen[path] = version
        msg = (
            f"数据文件 {path} 由更新版本的程序写入（格式第{version}版，本程序只认识到第{CURRENT}版）。"
            "为免损坏，本程序只读打开它、不会覆盖；请把本程序升级到最新版本。"
        )
        s = self.session
        s.notices.append(Notice(FUTURE_SCHEMA, msg, path=path))
        if s.mine and section_id == s.section_id and not s.read_only:
            s.read_only = True
            s.read_only_reason = msg

    def check_not_frozen(self, path: Path) -> None:
        if path in self.frozen:
            raise ReadOnlyError(
                f"数据文件 {path} 由更新版本的程序写入，本程序不会覆盖它；请升级本程序后再修改"
            )

    def _backup_before_migrating(self, section_id: str) -> None:
        """把格式升级写回之前，先备份该科室的文件夹（在科室的锁内调用）。"""
        self.backups().backup(
            {section_id: self.layout.section_dir(section_id)},
            "migrate",
            self.identity.who(),
            now=self.clock(),
        )

    def _write_migrated(
        self, path: Path, data: dict[str, Any], kind: str, section_id: str, old: int
    ) -> None:
        if not self.session.can_write(section_id) or kind == MONTHS:
            return  # 第1版的年度记录文件由 legacy_months 拆分
        try:
            with self.session.writing(section_id):
                self._backup_before_migrating(section_id)
                write_json_atomic(path, data)
        except StorageError:
            return  # 升级只是顺手写回；写不了时照样按内存中升级后的内容使用
        self.session.notices.append(
            Notice(
                MIGRATED,
                f"数据文件 {path.name} 已从格式第{old}版升级到第{CURRENT}版（升级前已备份）。",
                path=path,
            )
        )

    def damaged(self, path: Path, detail: str, section_id: str) -> Notice:
        """损坏的文件：能写时改名移开（原样保留），说明最近的完好备份。返回（并记下）这条提示。"""
        moved: Path | None = None
        if self.session.can_write(section_id):
            try:
                with self.session.writing(section_id):
                    moved = aside(path, self.clock)
            except (StorageError, OSError):
                moved = None
        from .backups import reason_label

        snap = self.backups().newest_good(section_id, path.name)
        msg = f"数据文件已损坏，无法读取：{path}（{detail}）。"
        msg += (
            f"已把它改名为 {moved.name} 原样保留，没有覆盖。"
            if moved
            else "文件保持原样，没有做任何改动。"
        )
        if snap is not None:
            msg += f"最近的完好备份是 {snap.label}（{reason_label(snap.reason)}），可以从它恢复。"
        else:
            msg += "没有找到这个文件的完好备份。"
        notice = Notice(
            DAMAGED,
            msg,
            path=path,
            moved_to=moved,
            backup_id=snap.id if snap else None,
            backup_time=snap.label if snap else None,
        )
        self.session.notices.append(notice)
        return notice

    def legacy_months(self, section_id: str, year: int) -> dict[str, dict[str, Any]]:
        """第1版的年度文件 <年>.json 中的各月记录。可写时顺手拆成每月一个文件（先备份），
        并把旧文件改名为 <年>.json.v1 保留；只读时只在内存中升级。"""
        path = self.layout.year_path(section_id, year)
        if not path.exists():
            return {}
        data = self.load(path, MONTHS, section_id, year)
        if data is None:
            return {}
        old = file_schema(data)
        files = split_year_file(data, section_id, year)
        docs = {m: next(iter(d["months"].values())) for m, d in files.items()}
        if not self.session.can_write(section_id) or old > CURRENT:
            return docs
        try:
            with self.session.writing(section_id):
                self._backup_before_migrating(section_id)
                for m, fdata in files.items():
                    target = self.layout.month_path(section_id, Month.parse(m))
                    if not target.exists():
                        write_json_atomic(target, fdata)
                migrate_audit_v1(path.parent, year, section_id)
                path.replace(path.with_name(path.name + ".v1"))
        except (StorageError, OSError):
            return docs
        self.session.notices.append(
            Notice(
                MIGRATED,
                f"数据文件 {path.name} 已从格式第{old}版升级到第{CURRENT}版：拆成每月一个文件，"
                f"原文件改名为 {path.name}.v1 保留（升级前已备份）。",
                path=path,
            )
        )
        return docs
