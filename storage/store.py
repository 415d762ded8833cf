"""数据仓库：界面与命令行通过这里读写自查记录，不直接碰 TinyDB。

文件按科室和月份（台账按年份）分开，一次保存只改写一个小文件，耗时不随历史增长::

    DATA/
      sections/<科室id>/<年>-<月>.json            一个月的自查记录（TinyDB 表 months，一条）
      sections/<科室id>/ledger-<种类>-<年>.json    台账（表 imports，每月一条）
      sections/<科室id>/audit-<年>.jsonl           审计日志（只追加，见 audit.py）
      sections/<科室id>/.lock, lock-holder.json    占用锁与占用者信息（见 locking.py）
      backups/<科室id>/<备份编号>/                  备份（见 backups.py）
      calendar/*.csv                              用户导入的节假日安排
      catalog.toml                                用户目录（可选）

科室名永不直接成为文件名：只用目录中的科室 id（英文字母、数字、-、_）。

两种用法：

- ``Store(data_dir, section_id="office", actor="张三")``：本科室的一次使用。整个期间持有本科室的
  占用锁；拿不到锁时 ``read_only`` 为真、``lock_holder`` 说明占用者；打开时自动备份有改动的文件。
  只能写本科室的文件；其他科室（体系科审阅时）照样可以读。
- ``Store(data_dir)``：不长期占用（命令行、测试）。每次写入只在写入期间取得该科室的锁，
  科室正被别处使用时给出中文说明而不写。``read_only=True`` 时只读、不加锁。

需要告诉用户的事（文件损坏已移开、来自新版本、上次没有正常关闭……）记在 ``notices`` 里，
界面用 ``take_notices()`` 取出显示；读取损坏文件时抛出 ``DamagedFileError``（带 ``notice``）。
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from creditcheck.models import SectionMonth
from creditcheck.month import Month

from . import audit as audit_log
from .atomic import AtomicJSONStorage, CorruptFileError, StorageError, read_json, write_json_atomic
from .backups import (
    BackupInfo,
    BackupResult,
    Backups,
    RestoreResult,
    Snapshot,
    reason_label,
    sha256_bytes,
    write_bytes_atomic,
)
from .locking import DEFAULT_STALE_AFTER, SectionLock, TransientLock, host_name, os_user
from .migrations import (
    CURRENT,
    LEDGER,
    MONTHS,
    file_schema,
    meta_record,
    migrate,
    migrate_audit_v1,
    split_year_file,
)
from .notices import (
    DAMAGED,
    FUTURE_SCHEMA,
    LOCKED,
    MIGRATED,
    PREVIOUS_CRASH,
    STALE_LOCK,
    TAKEN_OVER,
    DamagedFileError,
    Notice,
    ReadOnlyError,
)

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_YEAR_FILE = re.compile(r"^(\d{4})\.json$")
"""第1版：一个科室一年一个文件（打开时拆成每月一个文件）。"""
_MONTH_FILE = re.compile(r"^(\d{4})-(\d{2})\.json$")
_LEDGER_FILE = re.compile(r"^ledger-([A-Za-z0-9_-]{1,40})-(\d{4})\.json$")


def safe_id(section_id: str) -> str:
    if not _SAFE_ID.match(section_id or ""):
        raise StorageError(f"科室编号不合法：“{section_id}”")
    return section_id


@dataclass
class SaveResult:
    """一次保存的结果：修订号、改动（写入审计日志的内容）、以及需要告诉用户的提示。"""

    rev: int
    changes: list[dict[str, Any]] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


class Store:
    """一个数据文件夹上的仓库。"""

    def __init__(
        self,
        data_dir: Path | str,
        *,
        read_only: bool = False,
        section_id: str | None = None,
        actor: str = "",
        stale_after_hours: float = DEFAULT_STALE_AFTER.total_seconds() / 3600,
        backup_on_open: bool = True,
        lock_wait: float = 2.0,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.read_only = read_only
        """为真时任何写入都给出中文说明而不写。"""
        self.read_only_reason = "以只读方式打开" if read_only else ""
        """只读的原因（给用户看）。"""
        self.section_id = safe_id(section_id) if section_id else None
        self.actor = actor
        self.lock_wait = lock_wait
        """不长期占用时，每次写入等待科室锁的秒数。"""
        self.notices: list[Notice] = []
        self.lock_holder: str | None = None
        """本科室正被别处使用时：“由 PC-123 上的 张三 自 2026-11-28 09:30 起使用”。"""
        self.lock_stale_reason: str | None = None
        """占用看来已失效的原因（此时可以 ``take_over()``）。"""
        self._backups = Backups(self.data_dir)
        self._frozen: dict[Path, int] = {}
        self._transient: dict[str, TransientLock] = {}
        self._lock: SectionLock | None = None
        if self.section_id and not read_only:
            self._lock = SectionLock(
                self.section_dir(self.section_id), actor,
                stale_after=timedelta(hours=stale_after_hours),
            )
            try:
                acquired = self._lock.acquire()
            except StorageError as e:
                # 文件夹不可写（权限、只读共享……）：照样可以查看
                self.read_only = True
                self.read_only_reason = f"{e}。本窗口以只读方式打开，可以查看但不能修改。"
                self.notices.append(Notice(LOCKED, self.read_only_reason))
                return
            if acquired:
                self._on_acquired(backup_on_open)
            else:
                self._on_refused()

    # ── 占用 ──
    @property
    def lock_stale(self) -> bool:
        return self.lock_stale_reason is not None

    @property
    def holds_lock(self) -> bool:
        return self._lock is not None and self._lock.held

    def _on_acquired(self, backup: bool) -> None:
        assert self._lock is not None
        prev = self._lock.previous
        if prev is not None:
            self.notices.append(Notice(
                PREVIOUS_CRASH,
                f"上次使用（{prev.describe()}）没有正常关闭，可能是程序被强行结束或电脑断电。"
                "数据以最后一次保存为准，请核对最近的修改。",
            ))
        if backup:
            self.backup("session")

    def _on_refused(self) -> None:
        assert self._lock is not None
        other = self._lock.other
        self.read_only = True
        self.lock_holder = other.describe() if other else "由另一处使用（占用者信息读不到）"
        self.lock_stale_reason = self._lock.stale_reason()
        msg = f"本科室的数据正{self.lock_holder}，本窗口以只读方式打开，可以查看但不能修改。"
        if self.lock_stale_reason:
            msg += f"这个占用看来已失效（{self.lock_stale_reason}），确认对方已不再使用后可以接管。"
            self.notices.append(Notice(STALE_LOCK, msg))
        else:
            msg += "请在那台电脑上操作，或等对方关闭后重新打开。"
            self.notices.append(Notice(LOCKED, msg))
        self.read_only_reason = msg

    def take_over(self, force: bool = False) -> None:
        """接管失效的占用（对方进程已不在或长时间没有活动）；之后本窗口可以保存。"""
        if self._lock is None:
            raise StorageError("本窗口不是以科室身份打开的，无需接管")
        if self._lock.held:
            return
        self._lock.take_over(force=force)
        self.read_only = False
        self.read_only_reason = ""
        self.lock_holder = None
        self.lock_stale_reason = None
        self.backup("session")

    def heartbeat(self) -> None:
        """告诉别处“本窗口还在用”（每 5 分钟最多写一次）；界面可定时调用。"""
        if self._lock is not None and self._lock.held:
            self._lock.heartbeat()

    def take_notices(self) -> list[Notice]:
        """取出并清空待显示的提示。"""
        out, self.notices = self.notices, []
        return out

    @contextlib.contextmanager
    def _writing(self, section_id: str) -> Iterator[None]:
        """写入某科室文件的前提：可写、是本科室、占用仍属于自己（或取得临时锁）。"""
        safe_id(section_id)
        if self.read_only:
            raise ReadOnlyError(self.read_only_reason or "当前为只读模式，不能保存")
        if self._lock is not None:
            if section_id != self.section_id:
                raise ReadOnlyError(f"本窗口只能修改本科室（{self.section_id}）的数据，其他科室的数据只能查看")
            try:
                self._lock.verify()
            except StorageError as e:
                self.read_only = True
                self.read_only_reason = str(e)
                self.notices.append(Notice(TAKEN_OVER, str(e)))
                raise ReadOnlyError(str(e)) from None
            yield
            return
        if section_id in self._transient:
            yield
            return
        lk = TransientLock(self.section_dir(section_id), wait=self.lock_wait)
        with lk:
            self._transient[section_id] = lk
            try:
                yield
            finally:
                del self._transient[section_id]

    def _can_write(self, section_id: str) -> bool:
        if self.read_only:
            return False
        if self._lock is not None:
            return section_id == self.section_id and self._lock.held
        return True

    # ── 路径 ──
    def section_dir(self, section_id: str) -> Path:
        return self.data_dir / "sections" / safe_id(section_id)

    def _year_path(self, section_id: str, year: int) -> Path:
        return self.section_dir(section_id) / f"{year}.json"

    def month_path(self, section_id: str, month: Month) -> Path:
        """某科室某月记录的文件。"""
        return self.section_dir(section_id) / f"{month}.json"

    def _ledger_path(self, section_id: str, kind: str, year: int) -> Path:
        return self.section_dir(section_id) / f"ledger-{safe_id(kind)}-{year}.json"

    def tinydb(self, section_id: str, month: Month) -> TinyDB:
        """该科室该月的记录文件，以只读 TinyDB 打开（供查询；写入请用 save_month）。"""
        return TinyDB(self.month_path(section_id, month), storage=AtomicJSONStorage, read_only=True)

    # ── 读文件：损坏、新版本、旧版本 ──
    def _load(self, path: Path, kind: str, section_id: str, year: int) -> dict[str, Any] | None:
        """读一个数据文件（TinyDB 布局）：损坏时移开并抛 DamagedFileError；旧版本升级；新版本冻结。"""
        try:
            raw = AtomicJSONStorage(path, read_only=True).read()
        except CorruptFileError as e:
            raise DamagedFileError(self._damaged(path, e.detail, section_id)) from None
        if raw is None:
            return None
        version = file_schema(raw)
        if version > CURRENT:
            self._freeze(path, version, section_id)
            return raw
        if version < CURRENT:
            migrated = migrate(raw, kind, section_id, year)
            self._write_migrated(path, migrated, kind, section_id, year, version)
            return migrated
        return raw

    def _freeze(self, path: Path, version: int, section_id: str) -> None:
        if path in self._frozen:
            return
        self._frozen[path] = version
        msg = (f"数据文件 {path} 由更新版本的程序写入（格式第{version}版，本程序只认识到第{CURRENT}版）。"
               "为免损坏，本程序只读打开它、不会覆盖；请把本程序升级到最新版本。")
        self.notices.append(Notice(FUTURE_SCHEMA, msg, path=path))
        if self._lock is not None and section_id == self.section_id and not self.read_only:
            self.read_only = True
            self.read_only_reason = msg

    def _write_migrated(self, path: Path, data: dict[str, Any], kind: str, section_id: str, year: int, old: int) -> None:
        if not self._can_write(section_id) or kind == MONTHS:
            return  # 第1版的年度记录文件由 _legacy_months 拆分
        try:
            with self._writing(section_id):
                self._backups.backup({section_id: self.section_dir(section_id)}, "migrate", self._who())
                write_json_atomic(path, data)
        except StorageError:
            return  # 升级只是顺手写回；写不了时照样按内存中升级后的内容使用
        self.notices.append(Notice(
            MIGRATED, f"数据文件 {path.name} 已从格式第{old}版升级到第{CURRENT}版（升级前已备份）。", path=path,
        ))

    def _damaged(self, path: Path, detail: str, section_id: str) -> Notice:
        moved: Path | None = None
        if self._can_write(section_id):
            try:
                with self._writing(section_id):
                    moved = _aside(path)
            except (StorageError, OSError):
                moved = None
        snap = self._backups.newest_good(section_id, path.name)
        msg = f"数据文件已损坏，无法读取：{path}（{detail}）。"
        msg += f"已把它改名为 {moved.name} 原样保留，没有覆盖。" if moved else "文件保持原样，没有做任何改动。"
        if snap is not None:
            msg += f"最近的完好备份是 {snap.label}（{reason_label(snap.reason)}），可以从它恢复。"
        else:
            msg += "没有找到这个文件的完好备份。"
        notice = Notice(DAMAGED, msg, path=path, moved_to=moved,
                        backup_id=snap.id if snap else None, backup_time=snap.label if snap else None)
        self.notices.append(notice)
        return notice

    def _check_not_frozen(self, path: Path) -> None:
        if path in self._frozen:
            raise ReadOnlyError(f"数据文件 {path} 由更新版本的程序写入，本程序不会覆盖它；请升级本程序后再修改")

    def _who(self, actor: str = "") -> str:
        return actor or self.actor or os_user()

    def _legacy_months(self, section_id: str, year: int) -> dict[str, dict[str, Any]]:
        """第1版的年度文件 <年>.json 中的各月记录。可写时顺手拆成每月一个文件（先备份），
        并把旧文件改名为 <年>.json.v1 保留；只读时只在内存中升级。"""
        path = self._year_path(section_id, year)
        if not path.exists():
            return {}
        data = self._load(path, MONTHS, section_id, year)
        if data is None:
            return {}
        old = file_schema(data)
        files = split_year_file(data, section_id, year)
        docs = {m: next(iter(d["months"].values())) for m, d in files.items()}
        if not self._can_write(section_id) or old > CURRENT:
            return docs
        try:
            with self._writing(section_id):
                self._backups.backup({section_id: self.section_dir(section_id)}, "migrate", self._who())
                for m, fdata in files.items():
                    target = self.month_path(section_id, Month.parse(m))
                    if not target.exists():
                        write_json_atomic(target, fdata)
                migrate_audit_v1(path.parent, year, section_id)
                path.replace(path.with_name(path.name + ".v1"))
        except (StorageError, OSError):
            return docs
        self.notices.append(Notice(
            MIGRATED, f"数据文件 {path.name} 已从格式第{old}版升级到第{CURRENT}版：拆成每月一个文件，"
            f"原文件改名为 {path.name}.v1 保留（升级前已备份）。", path=path,
        ))
        return docs

    # ── 自查记录 ──
    def load_month(self, section_id: str, month: Month, catalog_version: str = "") -> SectionMonth:
        """某科室某月的记录；还没有时返回一个空记录（不写盘）。文件损坏时抛 DamagedFileError。"""
        path = self.month_path(section_id, month)
        data = self._load(path, MONTHS, section_id, month.year)
        doc = _find_month(data, month)
        if doc is None and data is None:
            doc = self._legacy_months(section_id, month.year).get(str(month))
        if doc is not None:
            return _month_from_doc(doc, path)
        return SectionMonth(section_id, month, catalog_version)

    def save_month(self, sm: SectionMonth, actor: str = "") -> SaveResult:
        """保存一个月的记录（只改写该科室该月的文件），并把改动追加到审计日志。

        内容与盘上相同时不写。该月的文件损坏时：移开保留、另写新文件，提示在结果与 ``notices`` 里。
        """
        sid = sm.section_id
        path = self.month_path(sid, sm.month)
        with self._writing(sid):
            self._check_not_frozen(path)
            notices: list[Notice] = []
            if self._year_path(sid, sm.month.year).exists():
                try:
                    self._legacy_months(sid, sm.month.year)
                except DamagedFileError as e:
                    notices.append(e.notice)
            try:
                data = self._load(path, MONTHS, sid, sm.month.year) or {}
            except DamagedFileError as e:
                if e.notice.moved_to is None:
                    raise
                notices.append(e.notice)
                data = {}
            self._check_not_frozen(path)
            table: dict[str, Any] = data.setdefault("months", {})
            key = next((k for k, d in table.items() if isinstance(d, dict) and d.get("month") == str(sm.month)), None)
            old = table.get(key) if key is not None else None
            new = sm.to_dict()
            # 新建的月份与空记录比较，审计日志只记有内容的部分
            base = old if old is not None else SectionMonth(sid, sm.month, sm.catalog_version).to_dict()
            changes = audit_log.diff(base, new)
            if old is not None and not changes:
                return SaveResult(int(old.get("rev", 1)), [], notices)
            rev = int((old or {}).get("rev", 0)) + 1
            now = datetime.now()
            who = self._who(actor)
            new.update(rev=rev, saved_at=now.isoformat(timespec="seconds"), saved_by=who)
            if key is None:
                key = str(max((int(k) for k in table if str(k).isdigit()), default=0) + 1)
            table[key] = new
            data["_meta"] = {"1": meta_record(MONTHS, sid, sm.month.year, str(sm.month))}
            AtomicJSONStorage(path).write(data)
            self._audit(sid, sm.month.year, {
                "at": now.isoformat(timespec="seconds"), "who": who, "user": os_user(), "host": host_name(),
                "section": sid, "month": str(sm.month), "rev": rev, "created": old is None, "changes": changes,
            })
            return SaveResult(rev, changes, notices)

    def _audit(self, section_id: str, year: int, record: dict[str, Any]) -> None:
        audit_log.append(audit_log.audit_path(self.section_dir(section_id), year), record)

    def months(self, section_id: str) -> list[SectionMonth]:
        """该科室已有的全部月份，按月份排序。损坏的文件跳过，提示记在 ``notices``。"""
        folder = self.section_dir(section_id)
        if not folder.is_dir():
            return []
        names = sorted(p.name for p in folder.iterdir())
        docs: dict[str, tuple[dict[str, Any], Path]] = {}
        for name in names:
            m = _YEAR_FILE.match(name)
            if m:
                try:
                    for k, doc in self._legacy_months(section_id, int(m.group(1))).items():
                        docs[k] = (doc, folder / name)
                except DamagedFileError:
                    continue
        for name in names:
            m = _MONTH_FILE.match(name)
            if not m:
                continue
            path = folder / name
            try:
                data = self._load(path, MONTHS, section_id, int(m.group(1)))
            except DamagedFileError:
                continue
            for doc in ((data or {}).get("months") or {}).values():
                if isinstance(doc, dict):
                    docs[str(doc.get("month"))] = (doc, path)
        out: list[SectionMonth] = []
        for doc, path in docs.values():
            try:
                out.append(_month_from_doc(doc, path))
            except StorageError as e:
                self.notices.append(Notice(DAMAGED, str(e), path=path))
        return sorted(out, key=lambda m: m.month)

    def section_ids(self) -> list[str]:
        root = self.data_dir / "sections"
        if not root.is_dir():
            return []
        return sorted(p.name for p in root.iterdir() if p.is_dir() and _SAFE_ID.match(p.name))

    def iter_all_months(self) -> Iterator[SectionMonth]:
        for sid in self.section_ids():
            yield from self.months(sid)

    def audit(self, section_id: str, year: int) -> list[dict[str, Any]]:
        """该科室该年的审计记录（从旧到新）。"""
        records, _ = audit_log.read(audit_log.audit_path(self.section_dir(section_id), year))
        return records

    # ── 台账 ──
    def save_ledger(
        self, section_id: str, month: Month, kind: str, rows: list[dict[str, Any]], meta: dict[str, Any] | None = None,
        actor: str = "",
    ) -> None:
        """保存某月某种台账的全部行（只改写该科室该种台账该年的文件）。"""
        path = self._ledger_path(section_id, kind, month.year)
        with self._writing(section_id):
            self._check_not_frozen(path)
            try:
                data = self._load(path, LEDGER, section_id, month.year) or {}
            except DamagedFileError as e:
                if e.notice.moved_to is None:
                    raise
                data = {}
            self._check_not_frozen(path)
            table: dict[str, Any] = data.setdefault("imports", {})
            key = next((k for k, d in table.items() if isinstance(d, dict) and d.get("month") == str(month)), None)
            old = table.get(key) if key is not None else None
            if key is None:
                key = str(max((int(k) for k in table if str(k).isdigit()), default=0) + 1)
            now = datetime.now()
            who = self._who(actor)
            table[key] = {"month": str(month), "kind": kind, "rows": rows, "meta": meta or {},
                          "saved_at": now.isoformat(timespec="seconds"), "saved_by": who}
            data["_meta"] = {"1": meta_record(LEDGER, section_id, month.year)}
            write_json_atomic(path, data)
            changes = [{"path": f"ledger.{kind}.rows", "old": len(old["rows"]) if old else None, "new": len(rows)}]
            changes += audit_log.diff((old or {}).get("meta") or {}, meta or {}, f"ledger.{kind}.meta")
            self._audit(section_id, month.year, {
                "at": now.isoformat(timespec="seconds"), "who": who, "user": os_user(), "host": host_name(),
                "section": section_id, "month": str(month), "changes": changes,
            })

    def load_ledger_record(self, section_id: str, month: Month, kind: str) -> dict[str, Any] | None:
        """某月某种台账的完整记录 {"rows": [...], "meta": {...}, "saved_at": ...}；没有时为 None。"""
        path = self._ledger_path(section_id, kind, month.year)
        data = self._load(path, LEDGER, section_id, month.year)
        for d in ((data or {}).get("imports") or {}).values():
            if isinstance(d, dict) and d.get("month") == str(month):
                return d
        return None

    def load_ledger(self, section_id: str, month: Month, kind: str) -> list[dict[str, Any]] | None:
        rec = self.load_ledger_record(section_id, month, kind)
        return list(rec.get("rows") or []) if rec is not None else None

    # ── 备份与恢复 ──
    def _scope(self, sections: list[str] | None) -> dict[str, Path]:
        if self._lock is not None:
            ids = [self.section_id] if self.section_id else []
        else:
            ids = sections if sections is not None else self.section_ids()
        return {sid: self.section_dir(sid) for sid in ids}

    def backup(self, reason: str = "manual", sections: list[str] | None = None, force: bool = False) -> BackupResult:
        """备份有改动的数据文件。科室使用时只备份本科室；否则备份 ``sections``（默认全部科室）。

        ``reason``：session 打开时、export 导出前、manual 手动、restore 恢复前……
        只读窗口不备份（返回空结果）。
        """
        if self.read_only:
            return BackupResult(None)
        return self._backups.backup(self._scope(sections), reason, self._who(), force=force)

    def backups(self) -> list[BackupInfo]:
        """全部备份，从旧到新。"""
        return self._backups.list()

    def find_backup(self, when: str) -> str | None:
        """备份编号或日期时间前缀（如 2026-11-28、2026-11-28 09:30）→ 最后一个匹配的备份编号。"""
        return self._backups.match(when)

    def restore(self, when: str, sections: list[str] | None = None) -> RestoreResult:
        """把数据恢复到某次备份时的样子（先备份当前状态）。审计日志不回退，而是记下这次恢复。"""
        target = self._backups.match(when)
        if target is None:
            raise StorageError(f"找不到与“{when}”对应的备份；不带参数运行 creditcheck restore 可列出全部备份")
        scope = self._scope(sections if sections is not None else self._backups.section_ids())
        result = RestoreResult(target, None)
        with contextlib.ExitStack() as stack:
            for sid in scope:
                stack.enter_context(self._writing(sid))
            pre = self._backups.backup(scope, "restore", self._who())
            result.pre_backup = pre.id
            now = datetime.now().isoformat(timespec="seconds")
            for sid, sdir in scope.items():
                state = self._backups.state_at(sid, target)
                for name, (snap, info) in sorted(state.items()):
                    if name.endswith(".jsonl"):
                        continue  # 审计日志只追加，不回退
                    cur = sdir / name
                    try:
                        same = cur.is_file() and sha256_bytes(cur.read_bytes()) == info.get("sha256")
                    except OSError:
                        same = False
                    if same:
                        result.unchanged.append(cur)
                        continue
                    write_bytes_atomic(cur, self._backups.restore_bytes(snap, name))
                    self._frozen.pop(cur, None)
                    result.restored.append(cur)
                    year = _file_year(name)
                    if year:
                        self._audit(sid, year, {
                            "at": now, "who": self._who(), "user": os_user(), "host": host_name(), "section": sid,
                            "action": "restore", "changes": [{"path": f"file:{name}", "old": None, "new": f"备份 {target}"}],
                        })
                if sdir.is_dir():
                    for p in sorted(sdir.iterdir()):
                        if p.is_file() and p.name not in state and (_MONTH_FILE.match(p.name) or _LEDGER_FILE.match(p.name)):
                            result.newer_kept.append(p)
        return result

    def newest_good_backup(self, path: Path) -> Snapshot | None:
        """某个数据文件最新的完好备份。"""
        return self._backups.newest_good(path.parent.name, path.name)

    def restore_file(self, path: Path, backup_id: str | None = None) -> Path:
        """从备份恢复一个数据文件（文件损坏后用）。默认用最新的完好备份。恢复前先备份当前状态。

        台账文件：损坏后若已另写了新文件（保存过），新文件中的月份保留并优先于备份中的同一月份。
        """
        path = Path(path)
        sid, name = path.parent.name, path.name
        if backup_id:
            snap = next((s for s in self._backups.snapshots(sid) if s.id == backup_id and name in s.files), None)
        else:
            snap = self._backups.newest_good(sid, name)
        if snap is None:
            raise StorageError(f"没有找到 {name} 的完好备份")
        data = self._backups.restore_bytes(snap, name)
        with self._writing(sid):
            self._backups.backup({sid: self.section_dir(sid)}, "damaged", self._who())
            current = None
            try:
                current = read_json(path)
            except CorruptFileError:
                _aside(path)
            if isinstance(current, dict) and (_YEAR_FILE.match(name) or _LEDGER_FILE.match(name)):
                import json

                table = "months" if _YEAR_FILE.match(name) else "imports"
                restored = json.loads(data.decode("utf-8"))
                restored_tbl = restored.setdefault(table, {})
                by_month = {d.get("month"): k for k, d in restored_tbl.items() if isinstance(d, dict)}
                for doc in (current.get(table) or {}).values():
                    if not isinstance(doc, dict):
                        continue
                    k = by_month.get(doc.get("month"))
                    if k is None:
                        k = str(max((int(x) for x in restored_tbl if str(x).isdigit()), default=0) + 1)
                    restored_tbl[k] = doc
                write_json_atomic(path, restored)
            else:
                write_bytes_atomic(path, data)
            self._frozen.pop(path, None)
        return path

    # ── 关闭 ──
    def close(self) -> None:
        """正常关闭：放开本科室的占用。"""
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _find_month(data: dict[str, Any] | None, month: Month) -> dict[str, Any] | None:
    for d in ((data or {}).get("months") or {}).values():
        if isinstance(d, dict) and d.get("month") == str(month):
            return d
    return None


def _month_from_doc(doc: dict[str, Any], path: Path) -> SectionMonth:
    try:
        return SectionMonth.from_dict(dict(doc))
    except (KeyError, TypeError, ValueError, AssertionError) as e:
        raise StorageError(f"数据文件 {path} 中 {doc.get('month', '某月')} 的记录内容不完整（{e}）") from None


def _file_year(name: str) -> int | None:
    m = re.search(r"(\d{4})(?:-\d{2})?\.jsonl?$", name)
    return int(m.group(1)) if m else None


def _aside(path: Path) -> Path:
    """把损坏的文件改名保留：2026.json → 2026.json.damaged-20261128-093000。"""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 2
    while aside.exists():
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
        n += 1
    path.replace(aside)
    return aside
