"""数据仓库：界面与命令行通过这里读写自查记录，不直接碰 TinyDB。

文件按科室和月份（台账按年份）分开，一次保存只改写一个小文件，耗时不随历史增长::

    DATA/
      sections/<科室id>/<年>-<月>.json            一个月的自查记录（TinyDB 表 months，一条）
      sections/<科室id>/ledger-<种类>-<年>.json    台账（表 imports，每月一条）
      sections/<科室id>/audit-<年>.jsonl           审计日志（只追加，见 audit.py）
      sections/<科室id>/.lock, lock-holder.json    占用锁与占用者信息（见 locking.py）
      reviews/<科室id>-<年>-<月>.json              体系科的审核决定（见 reviews.py；record_decision 写）
      reviews/audit-<年>.jsonl, reviews/.lock      体系科的审计日志；写审核文件时短暂持有的锁
      backups/<科室id>/<备份编号>/                  备份（见 backups.py）
      calendar/*.csv                              用户导入的节假日安排
      catalog.toml                                用户目录（可选）

科室名永不直接成为文件名：只用目录中的科室 id（英文字母、数字、-、_）。

两种用法：

- ``Store(data_dir, section_id="office", actor="张三")``：本科室的一次使用。整个期间持有本科室的
  占用锁；拿不到锁时 ``read_only`` 为真、``lock_holder`` 说明占用者；打开时自动备份有改动的文件。
  只能写本科室的文件；其他科室（体系科审阅时）照样可以读。
  加 ``defer_lock=True`` 时先只读取，取锁与备份留到 ``open_session()``（界面在首页画好后调用）；
  在那之前的任何写入（以及需要写盘的读取，如升级旧文件）都会先完成 ``open_session()``。
- ``Store(data_dir)``：不长期占用（命令行、测试）。每次写入只在写入期间取得该科室的锁，
  科室正被别处使用时给出中文说明而不写。``read_only=True`` 时只读、不加锁。

需要告诉用户的事（文件损坏已移开、来自新版本、上次没有正常关闭……）记在 ``notices`` 里，
界面用 ``take_notices()`` 取出显示；读取损坏文件时抛出 ``DamagedFileError``（带 ``notice``）。
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditcheck.models import ReviewRecord, ReviewState, SectionMonth
from creditcheck.month import Month

from .atomic import AtomicJSONStorage, CorruptFileError, StorageError, read_json, write_json_atomic
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
    REVIEW,
    STALE_LOCK,
    TAKEN_OVER,
    DamagedFileError,
    Notice,
    ReadOnlyError,
)

if TYPE_CHECKING:
    from tinydb import TinyDB

    from .backups import BackupInfo, BackupResult, Backups, RestoreResult, Snapshot
    from .locking import SectionLock, TransientLock
    from .reviews import DecisionsFile

# 备份（hashlib、shutil……）、占用锁（filelock）、审计日志只在写入、备份或取锁时才加载：
# 只读查看和界面的第一屏用不到它们。
_DEFAULT_STALE_HOURS = 12.0
"""占用多久没有心跳视为失效（与 locking.DEFAULT_STALE_AFTER 相同）。"""

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_YEAR_FILE = re.compile(r"^(\d{4})\.json$")
"""第1版：一个科室一年一个文件（打开时拆成每月一个文件）。"""
_MONTH_FILE = re.compile(r"^(\d{4})-(\d{2})\.json$")
_LEDGER_FILE = re.compile(r"^ledger-([A-Za-z0-9_-]{1,40})-(\d{4})\.json$")
_REVIEW_FILE = re.compile(r"^[A-Za-z0-9_-]{1,40}-\d{4}-\d{2}\.json$")
REVIEWS_KEY = "reviews"
"""体系科审核文件所在的文件夹名（DATA/reviews），也是它在备份区的名字。"""


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
        stale_after_hours: float = _DEFAULT_STALE_HOURS,
        backup_on_open: bool = True,
        lock_wait: float = 2.0,
        defer_lock: bool = False,
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
        self._backups_obj: Backups | None = None
        self._frozen: dict[Path, int] = {}
        self._transient: dict[str, TransientLock] = {}
        self._lock: SectionLock | None = None
        self._pending: tuple[float, bool] | None = None
        """defer_lock 时尚未做的“取锁 + 打开时备份”（失效时长、是否备份）。"""
        self._opening = threading.Lock()
        self._review_sigs: dict[tuple[str, str], tuple[int, int] | None] = {}
        """``refresh_review`` 上次看时审核文件的（修改时间，大小）：没变就不重读。"""
        self._review_notified: set[Path] = set()
        self._reviews_backed_up = False
        if self.section_id and not read_only:
            if defer_lock:
                self._pending = (stale_after_hours, backup_on_open)
            else:
                self._open(stale_after_hours, backup_on_open)

    @property
    def _backups(self) -> Backups:
        if self._backups_obj is None:
            from .backups import Backups

            self._backups_obj = Backups(self.data_dir)
        return self._backups_obj

    # ── 占用 ──
    def _open(self, stale_after_hours: float, backup: bool) -> None:
        """取得本科室的占用锁（拿不到时只读并说明占用者），取得后备份有改动的文件。"""
        from .locking import SectionLock

        assert self.section_id is not None
        self._lock = SectionLock(
            self.section_dir(self.section_id), self.actor,
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
            self._on_acquired(backup)
        else:
            self._on_refused()

    @property
    def session_pending(self) -> bool:
        """``defer_lock`` 打开、还没有 ``open_session()``（还不知道能否修改）。"""
        return self._pending is not None

    def open_session(self) -> bool:
        """``defer_lock=True`` 时：取得本科室的占用锁并备份有改动的文件（拿不到锁时改为只读）。

        返回这次是否真的做了（已经做过、或本来就不需要时为 False）。写入前会自动调用。
        """
        if self._pending is None:
            return False
        with self._opening:
            pending, self._pending = self._pending, None
            if pending is None:
                return False  # 另一个线程刚做完
            try:
                self._open(*pending)
            except (StorageError, OSError) as e:
                # 打开时的备份没有做成：宁可只读，也不在没有备份的情况下修改
                if self._lock is not None:
                    self._lock.release()
                self.read_only = True
                self.read_only_reason = (f"打开时备份本科室数据失败（{e}），为免丢失数据，本窗口只能查看；"
                                         "请检查数据文件夹后重新打开。")
                self.notices.append(Notice(LOCKED, self.read_only_reason))
        return True

    def _ensure_session(self) -> None:
        if self._pending is not None:
            self.open_session()

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
        self._ensure_session()
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
        self._ensure_session()
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
        from .locking import TransientLock

        lk = TransientLock(self.section_dir(section_id), wait=self.lock_wait)
        with lk:
            self._transient[section_id] = lk
            try:
                yield
            finally:
                del self._transient[section_id]

    def _can_write(self, section_id: str) -> bool:
        self._ensure_session()
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

    @property
    def reviews_dir(self) -> Path:
        """体系科的审核文件夹（见 storage/reviews.py）。"""
        return self.data_dir / REVIEWS_KEY

    def decisions_path(self, section_id: str, month: Month) -> Path:
        """某科室某月体系科决定（审核通过、退回修改、重新打开）的文件。"""
        return self.reviews_dir / f"{safe_id(section_id)}-{month}.json"

    def _folder(self, key: str) -> Path:
        """备份区的名字 → 数据文件夹：科室 id 或 reviews（审核文件）。"""
        return self.reviews_dir if key == REVIEWS_KEY else self.section_dir(key)

    def _ledger_path(self, section_id: str, kind: str, year: int) -> Path:
        return self.section_dir(section_id) / f"ledger-{safe_id(kind)}-{year}.json"

    def tinydb(self, section_id: str, month: Month) -> TinyDB:
        """该科室该月的记录文件，以只读 TinyDB 打开（供查询；写入请用 save_month）。"""
        from tinydb import TinyDB

        return TinyDB(self.month_path(section_id, month), storage=AtomicJSONStorage, read_only=True)

    # ── 读文件：损坏、新版本、旧版本 ──
    def _load(self, path: Path, kind: str, section_id: str, year: int) -> dict[str, Any] | None:
        """读一个数据文件（TinyDB 布局）：损坏时移开并抛 DamagedFileError；旧版本升级；新版本冻结。"""
        try:
            raw = AtomicJSONStorage(path, read_only=True).read()
            _check_data_file(path, raw, kind)  # 能解析但结构不对的文件同样算损坏
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
        mine = self._lock is not None or self._pending is not None
        if mine and section_id == self.section_id and not self.read_only:
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
        from .backups import reason_label

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
        from .locking import os_user

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
            return self._with_decisions(_month_from_doc(doc, path))
        return self._with_decisions(SectionMonth(section_id, month, catalog_version))

    # ── 审核：科室的记录 + 体系科的决定 ──
    def _read_decisions(self, section_id: str, month: Month) -> DecisionsFile:
        """读体系科对该科室该月的决定；损坏时记一条提示（每个文件一次）、按没有决定处理，不改文件。"""
        from .reviews import read_decisions

        path = self.decisions_path(section_id, month)
        df = read_decisions(path)
        if df.damaged and path not in self._review_notified:
            self._review_notified.add(path)
            from .backups import reason_label

            snap = self._backups.newest_good(REVIEWS_KEY, path.name)
            msg = (f"体系科的审核记录文件已损坏，无法读取：{path}（{df.detail}）。文件保持原样，没有做任何改动；"
                   "在恢复之前，本月的审核状态按科室自己的记录显示。")
            if snap is not None:
                msg += (f"最近的完好备份是 {snap.label}（{reason_label(snap.reason)}），"
                        f"可用 creditcheck restore {snap.id} 恢复。")
            self.notices.append(Notice(DAMAGED, msg, path=path, backup_id=snap.id if snap else None,
                                       backup_time=snap.label if snap else None))
        if df.future and path not in self._frozen:
            self._frozen[path] = df.future
            self.notices.append(Notice(
                FUTURE_SCHEMA, f"审核记录文件 {path} 由更新版本的程序写入（格式第{df.future}版），本程序只读、不会覆盖；"
                "请把本程序升级到最新版本。", path=path))
        return df

    def _with_decisions(self, sm: SectionMonth) -> SectionMonth:
        """把体系科的决定并入该月的审核记录，按状态机重放得出当前状态（原地修改并返回 ``sm``）。

        旧数据里写在月度文件中的审核通过、退回修改等记录照样算数（与审核文件中的合并、去重）。
        """
        from creditcheck.review import effective_state, merge_histories

        df = self._read_decisions(sm.section_id, sm.month)
        if df.records or sm.history:
            stored = sm.review
            sm.history = merge_histories(sm.history, df.records)
            sm.review = effective_state(sm.history, stored)
        return sm

    def record_decision(
        self, section_id: str, month: Month, action: str, by: str = "", now: datetime | None = None,
        comment: str = "", catalog_version: str = "",
    ) -> SectionMonth:
        """体系科记录一个决定：``approve`` 审核通过、``return`` 退回修改（须写意见）、``reopen`` 重新打开（须写理由）。

        读出该月最新的记录（科室的月度文件 + 审核文件），按 creditcheck.review 的状态机核对这一步，
        只写审核文件 reviews/<科室>-<年-月>.json（原子写入），并在体系科的审计日志
        reviews/audit-<年>.jsonl 记一行。不需要也不碰科室的占用锁：科室正在使用时照样可以审核；
        写入期间持有 reviews/.lock，两个体系科窗口不会同时写。本窗口第一次记录前备份审核文件夹。

        返回合并后的该月记录。这一步不允许时抛 ReviewError（什么也不写）；以只读方式打开时抛 ReadOnlyError。
        """
        from creditcheck.review import ACTION_LABELS, DECIDE

        from . import audit as audit_log
        from .locking import host_name, os_user
        from .reviews import new_file, writing_lock

        safe_id(section_id)
        decide = DECIDE.get(action)
        if decide is None:
            raise StorageError(f"不认识的审核操作“{action}”（可用：approve、return、reopen）")
        if self.read_only and self._lock is None and not getattr(self, "_pending", None):
            raise ReadOnlyError(self.read_only_reason or "当前为只读模式，不能记录审核决定")
        path = self.decisions_path(section_id, month)
        who = by or self._who()
        stamp = now or datetime.now()
        with writing_lock(self.reviews_dir, self.lock_wait):
            df = self._read_decisions(section_id, month)
            if df.damaged:
                raise StorageError(
                    f"体系科的审核记录文件已损坏：{path}（{df.detail}），为免覆盖，现在不能记录审核决定；"
                    "请先用 creditcheck restore 从备份恢复（creditcheck doctor 会列出可用的备份）")
            self._check_not_frozen(path)
            if not self._reviews_backed_up:
                self._backups.backup({REVIEWS_KEY: self.reviews_dir}, "review", who)
                self._reviews_backed_up = True
            sm = self.load_month(section_id, month, catalog_version)
            before = sm.review
            decide(sm, who, stamp, comment)
            rec = sm.history[-1]
            real = datetime.now()
            data = dict(df.raw) if df.raw is not None else new_file(section_id, month)
            data["decisions"] = [*list(data.get("decisions") or []), {
                **rec.to_dict(), "recorded_at": real.isoformat(timespec="seconds"), "user": os_user(), "host": host_name(),
            }]
            data.update(rev=int(data.get("rev") or 0) + 1, saved_at=real.isoformat(timespec="seconds"), saved_by=who)
            write_json_atomic(path, data)
            audit_log.append(audit_log.audit_path(self.reviews_dir, month.year), {
                "at": real.isoformat(timespec="seconds"), "who": who, "user": os_user(), "host": host_name(),
                "section": section_id, "month": str(month), "action": action, "label": ACTION_LABELS[action],
                "decided_at": rec.to_dict()["at"], "comment": rec.comment,
                "changes": [{"path": "review", "old": before.value, "new": sm.review.value}],
            })
        return sm

    def refresh_review(self, sm: SectionMonth) -> str | None:
        """界面定时调用：审核文件自上次读取后有变化时，重读并把最新的审核状态与记录换进 ``sm``。

        没有变化时只查看一下文件的修改时间（很快），返回 None；有新的决定时返回一句给用户看的说明。
        ``sm`` 的其余内容不动（科室的修改都已即时保存）。
        """
        from creditcheck.review import is_decision, record_key

        key = (sm.section_id, str(sm.month))
        sig = _signature(self.decisions_path(sm.section_id, sm.month))
        if key in self._review_sigs and self._review_sigs[key] == sig:
            return None
        fresh = self.load_month(sm.section_id, sm.month, sm.catalog_version)
        self._review_sigs[key] = sig
        before = {record_key(r) for r in sm.history}
        if [record_key(r) for r in fresh.history] == [record_key(r) for r in sm.history] and fresh.review is sm.review:
            return None
        new = [r for r in fresh.history if is_decision(r) and record_key(r) not in before]
        sm.history, sm.review = fresh.history, fresh.review
        if not new:
            return f"{sm.month.label}的审核状态已更新为“{sm.review.value}”"
        return _review_news(new[-1])

    def review_audit(self, year: int) -> list[dict[str, Any]]:
        """体系科该年的审核审计记录（从旧到新）。"""
        from . import audit as audit_log

        records, _ = audit_log.read(audit_log.audit_path(self.reviews_dir, year))
        return records

    def save_month(self, sm: SectionMonth, actor: str = "", *, force: bool = False) -> SaveResult:
        """保存一个月的记录（只改写该科室该月的文件），并把改动追加到审计日志。

        内容与盘上相同时不写。该月的文件损坏时：移开保留、另写新文件，提示在结果与 ``notices`` 里。

        审核记录：月度文件里只写科室自己的操作（提交、撤回）；体系科的决定另存（``record_decision``），
        不会写进来（旧数据里已有的原样保留）。写之前重新读体系科的审核文件：本月已审核通过（锁定）
        时有改动就拒绝保存；新的提交或撤回在最新状态下不允许时也拒绝——都抛
        ``creditcheck.review.ReviewConflictError``，什么也不写。成功后 ``sm.history`` / ``sm.review``
        换成合并了最新决定的结果；体系科在此期间有新决定时，结果的 ``notices`` 里有一条说明。
        ``force``（导入数据包时加 --force）不做这两项检查。
        """
        from creditcheck.review import (
            ACTION_LABELS,
            ReviewConflictError,
            actor_label,
            describe,
            effective_state,
            is_decision,
            last_decision,
            merge_histories,
            record_key,
            step,
        )

        from . import audit as audit_log
        from .locking import host_name, os_user

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
            # 新建的月份与空记录比较，审计日志只记有内容的部分
            base = old if old is not None else SectionMonth(sid, sm.month, sm.catalog_version).to_dict()
            old_history = _history_of(old)
            stored = _review_of(old)
            df = self._read_decisions(sid, sm.month)
            decisions = [r for r in sm.history if is_decision(r)] if df.damaged else df.records
            known = {record_key(r) for r in (*old_history, *decisions)}
            mine_new = [r for r in sm.history if not is_decision(r) and record_key(r) not in known]
            current = merge_histories(old_history, decisions)
            state = effective_state(current, stored)
            new = sm.to_dict()
            if not force:
                if any(is_decision(r) and record_key(r) not in known for r in sm.history):
                    raise ReviewConflictError(
                        f"{sm.month.label}的审核记录与体系科那边的不一致（可能刚从备份恢复过），刚才的修改未保存；"
                        "请切换到别的月份再切回来（重新读取）后再修改")
                touched = bool(audit_log.diff(_content(base), _content(new)))
                if state is ReviewState.APPROVED and (touched or mine_new):
                    appr = last_decision(current)
                    who_when = f"{actor_label(appr)}于 {appr.at:%Y-%m-%d %H:%M} " if appr else "体系科"
                    raise ReviewConflictError(
                        f"{sm.month.label}已由{who_when}审核通过并锁定，刚才的修改未保存；如需修改请联系体系科重新打开")
                probe = state
                for r in mine_new:
                    nxt = step(probe, r.action)
                    if nxt is None:
                        last = last_decision(current)
                        why = f"{describe(last)}。" if last else ""
                        raise ReviewConflictError(
                            f"{why}{sm.month.label}现为“{probe.value}”，刚才的{ACTION_LABELS.get(r.action, r.action)}未保存")
                    probe = nxt
            written = [*old_history, *mine_new]
            new["history"] = [r.to_dict() for r in written]
            new["review"] = effective_state(written, sm.review if not sm.history else ReviewState.DRAFT).value
            merged = merge_histories(written, decisions)
            caller = {record_key(r) for r in sm.history}
            news = [r for r in decisions if record_key(r) not in caller]
            if news:
                notices.append(Notice(REVIEW, _review_news(news[-1])))
            changes = audit_log.diff(base, new)
            if old is not None and not changes:
                sm.history, sm.review = merged, effective_state(merged, ReviewState(new["review"]))
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
            sm.history, sm.review = merged, effective_state(merged, ReviewState(new["review"]))
            return SaveResult(rev, changes, notices)

    def _audit(self, section_id: str, year: int, record: dict[str, Any]) -> None:
        from . import audit as audit_log

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
                out.append(self._with_decisions(_month_from_doc(doc, path)))
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
        from . import audit as audit_log

        records, _ = audit_log.read(audit_log.audit_path(self.section_dir(section_id), year))
        return records

    # ── 台账 ──
    def save_ledger(
        self, section_id: str, month: Month, kind: str, rows: list[dict[str, Any]], meta: dict[str, Any] | None = None,
        actor: str = "",
    ) -> None:
        """保存某月某种台账的全部行（只改写该科室该种台账该年的文件）。"""
        from . import audit as audit_log
        from .locking import host_name, os_user

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
        self._ensure_session()
        if self._lock is not None:
            ids = [self.section_id] if self.section_id else []
        else:
            ids = sections if sections is not None else self.section_ids()
            if sections is None and self.reviews_dir.is_dir():
                ids = [*ids, REVIEWS_KEY]
        return {sid: self._folder(sid) for sid in ids}

    def backup(self, reason: str = "manual", sections: list[str] | None = None, force: bool = False) -> BackupResult:
        """备份有改动的数据文件。科室使用时只备份本科室；否则备份 ``sections``（默认全部科室和体系科的审核文件）。

        ``reason``：session 打开时、export 导出前、manual 手动、restore 恢复前……
        只读窗口不备份（返回空结果）。
        """
        from .backups import BackupResult

        self._ensure_session()
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
        from .backups import RestoreResult, sha256_bytes, write_bytes_atomic
        from .locking import host_name, os_user

        self._ensure_session()
        target = self._backups.match(when)
        self._backups.refuse_damaged(when, target, sections if sections is not None else self._backups.section_ids())
        if target is None:
            raise StorageError(f"找不到与“{when}”对应的备份；不带参数运行 creditcheck restore 可列出全部备份")
        scope = self._scope(sections if sections is not None else self._backups.section_ids())
        result = RestoreResult(target, None)
        with contextlib.ExitStack() as stack:
            for sid in scope:
                if sid == REVIEWS_KEY:
                    from .reviews import writing_lock

                    stack.enter_context(writing_lock(self.reviews_dir, self.lock_wait))
                else:
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
                    if year and sid == REVIEWS_KEY:
                        from . import audit as audit_log

                        audit_log.append(audit_log.audit_path(self.reviews_dir, year), {
                            "at": now, "who": self._who(), "user": os_user(), "host": host_name(), "section": "",
                            "action": "restore", "changes": [{"path": f"file:{name}", "old": None, "new": f"备份 {target}"}],
                        })
                    elif year:
                        self._audit(sid, year, {
                            "at": now, "who": self._who(), "user": os_user(), "host": host_name(), "section": sid,
                            "action": "restore", "changes": [{"path": f"file:{name}", "old": None, "new": f"备份 {target}"}],
                        })
                if sdir.is_dir():
                    for p in sorted(sdir.iterdir()):
                        if p.is_file() and p.name not in state and (
                                _MONTH_FILE.match(p.name) or _LEDGER_FILE.match(p.name) or _REVIEW_FILE.match(p.name)):
                            result.newer_kept.append(p)
        return result

    def newest_good_backup(self, path: Path) -> Snapshot | None:
        """某个数据文件最新的完好备份。"""
        return self._backups.newest_good(path.parent.name, path.name)

    def restore_file(self, path: Path, backup_id: str | None = None) -> Path:
        """从备份恢复一个数据文件（文件损坏后用）。默认用最新的完好备份。恢复前先备份当前状态。

        台账文件：损坏后若已另写了新文件（保存过），新文件中的月份保留并优先于备份中的同一月份。
        """
        from .backups import write_bytes_atomic

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
                _check_data_file(path, current, LEDGER if _LEDGER_FILE.match(name) else MONTHS)
            except CorruptFileError:
                current = None
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
        """正常关闭：放开本科室的占用（还没有 ``open_session()`` 时没有什么要放开的）。"""
        if self._pending is not None:
            self._pending = None
            self.read_only = True  # 关闭之后不再写入（不会改用临时锁去写）
            self.read_only_reason = "本窗口已关闭本科室的数据，不能再修改"
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_data_file(path: Path, data: Any, kind: str) -> None:
    """结构校验在 schema.py（月份记录、台账文件各自的字段与类型）。"""
    from .schema import check_data_file

    check_data_file(path, data, kind)


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


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _history_of(doc: dict[str, Any] | None) -> list[ReviewRecord]:
    try:
        return [ReviewRecord.from_dict(r) for r in (doc or {}).get("history") or []]
    except (KeyError, TypeError, ValueError, AttributeError, AssertionError):
        return []


def _review_of(doc: dict[str, Any] | None) -> ReviewState:
    try:
        return ReviewState((doc or {}).get("review") or ReviewState.DRAFT.value)
    except ValueError:
        return ReviewState.DRAFT


def _content(doc: dict[str, Any]) -> dict[str, Any]:
    """月度记录中科室填写的内容（不含审核状态与记录）：判断“有没有改动”用。"""
    return {k: v for k, v in doc.items() if k not in ("review", "history")}


def _review_news(record: ReviewRecord) -> str:
    from creditcheck.review import describe

    tail = {"approve": "本月已锁定，只能查看。", "return": "请按意见修改后重新提交。",
            "reopen": "本月已重新打开，可以修改后重新提交。"}.get(record.action, "")
    return f"{describe(record)}。{tail}"


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
