"""数据仓库：界面与命令行通过这里读写自查记录，不直接碰 TinyDB。

``Store`` 是一个小门面，把活交给按职责分开的模块::

    layout.py     数据文件夹的布局（路径只在这里拼）
    atomic.py     唯一的原子写入（临时文件、fsync、os.replace 与 Windows 上的重试）与读取
    session.py    本科室的占用锁、只读与写入许可、要告诉用户的提示
    files.py      读数据文件：损坏移开、旧版本升级、新版本冻结
    months.py     月度记录：读出、列出、保存（比较并交换修订号）、审计日志
    reviews.py    体系科的审核决定
    ledgers.py    台账
    restore.py    备份与恢复（备份区本身见 backups.py）
    identity.py   谁在写（填报人、账户、电脑）与时钟：由外面传入

文件按科室和月份（台账按年份）分开，一次保存只改写一个小文件，耗时不随历史增长（布局见 layout.py）。
审核规则在领域层（``creditcheck.review``）；这里只负责在锁内读出最新的一版、核对、写盘。

两种用法：

- ``Store(data_dir, section_id="office", actor="张三")``：本科室的一次使用。整个期间持有本科室的
  占用锁；拿不到锁时 ``read_only`` 为真、``lock_holder`` 说明占用者；打开时自动备份有改动的文件。
  只能写本科室的文件；其他科室（体系科审阅时）照样可以读。
  加 ``defer_lock=True`` 时先只读取，取锁与备份留到 ``open_session()``（界面在首页画好后调用）；
  在那之前的任何写入（以及需要写盘的读取，如升级旧文件）都会先完成 ``open_session()``。
- ``Store(data_dir)``：不长期占用（命令行、测试）。每次写入只在写入期间取得该科室的锁，
  科室正被别处使用时给出中文说明而不写。``read_only=True`` 时只读、不加锁。

保存是“比较并交换”：``load_month`` 读出的记录带着盘上那一版的修订号，``save_month`` 在锁内核对
盘上仍是那一版才写，否则抛 ``creditcheck.errors.StaleRecordError``（什么也不写），免得整条记录写回
时冲掉别处在此期间的保存。

需要告诉用户的事（文件损坏已移开、来自新版本、上次没有正常关闭……）记在 ``notices`` 里，
界面用 ``take_notices()`` 取出显示；读取损坏文件时抛出 ``DamagedFileError``（带 ``notice``）。
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditcheck.models import SectionMonth
from creditcheck.month import Month

from .atomic import AtomicJSONStorage
from .identity import Clock, Identity
from .layout import REVIEWS_KEY, Layout, safe_id
from .notices import Notice
from .session import DEFAULT_STALE_HOURS, Session

if TYPE_CHECKING:
    from tinydb import TinyDB

    from .backups import BackupInfo, BackupResult, Backups, RestoreResult, Snapshot
    from .files import DataFiles
    from .ledgers import Ledgers
    from .months import MonthRecords, SaveResult
    from .restore import BackupsAndRestore
    from .reviews import Decisions

_PARTS = frozenset({"_files", "_decisions", "_months", "_ledgers", "_restore"})
"""读写各类文件的几个部分：第一次用到时才导入并建好（打开程序、画出首页时用不到，少导入六个模块）。"""

__all__ = ["REVIEWS_KEY", "Store", "safe_id"]


class Store:
    """一个数据文件夹上的仓库（门面）。

    ``now``：返回“现在”的函数（保存时间、审计日志、备份编号都用它；默认 ``datetime.now``）；
    ``identity``：写入数据的人（默认用 ``actor`` 与本机的账户、电脑名）。
    """

    def __init__(
        self,
        data_dir: Path | str,
        *,
        read_only: bool = False,
        section_id: str | None = None,
        actor: str = "",
        stale_after_hours: float = DEFAULT_STALE_HOURS,
        backup_on_open: bool = True,
        lock_wait: float = 2.0,
        defer_lock: bool = False,
        now: Clock | None = None,
        identity: Identity | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.identity = identity if identity is not None else Identity(actor)
        self.clock: Clock = now or datetime.now
        self.layout = Layout(self.data_dir)
        self._session = Session(
            self.layout,
            self.identity,
            self.clock,
            section_id=section_id,
            read_only=read_only,
            lock_wait=lock_wait,
        )
        self._backups_obj: Backups | None = None
        self._parts_lock = threading.Lock()
        self._session.on_acquired = self._backup_on_open
        self._session.start(stale_after_hours, backup_on_open, defer_lock)

    _files: DataFiles
    _decisions: Decisions
    _months: MonthRecords
    _ledgers: Ledgers
    _restore: BackupsAndRestore

    def __getattr__(self, name: str) -> Any:
        # 只在普通属性里找不到时才调用：读写文件的几个部分第一次用到时建好（见 _PARTS）
        if name in _PARTS:
            self._build_parts()
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _build_parts(self) -> None:
        from .files import DataFiles
        from .ledgers import Ledgers
        from .months import MonthRecords
        from .restore import BackupsAndRestore
        from .reviews import Decisions

        with self._parts_lock:  # 界面线程与后台线程可能同时第一次用到
            if "_files" in self.__dict__:
                return
            args = (self.layout, self._session, self.identity, self.clock)
            files = DataFiles(*args, self._area)
            decisions = Decisions(*args, self._area, files.frozen, self.load_month)
            self._months = MonthRecords(*args, files, decisions)
            self._ledgers = Ledgers(*args, files)
            self._restore = BackupsAndRestore(*args, files, self._area)
            self._decisions = decisions
            self._files = files  # 最后放：见到它就说明都建好了

    def _backup_on_open(self) -> None:
        self.backup("session")

    def _area(self) -> Backups:
        if self._backups_obj is None:
            from .backups import Backups

            self._backups_obj = Backups(self.data_dir)
        return self._backups_obj

    @property
    def _backups(self) -> Backups:
        """备份区（备份、轮换、副本；见 backups.py）。"""
        return self._area()

    # ── 身份与状态（委托给 session） ──
    @property
    def actor(self) -> str:
        return self.identity.actor

    @actor.setter
    def actor(self, value: str) -> None:
        self.identity.actor = value

    @property
    def section_id(self) -> str | None:
        return self._session.section_id

    @property
    def read_only(self) -> bool:
        """为真时任何写入都给出中文说明而不写。"""
        return self._session.read_only

    @read_only.setter
    def read_only(self, value: bool) -> None:
        self._session.read_only = value

    @property
    def read_only_reason(self) -> str:
        """只读的原因（给用户看）。"""
        return self._session.read_only_reason

    @read_only_reason.setter
    def read_only_reason(self, value: str) -> None:
        self._session.read_only_reason = value

    @property
    def lock_wait(self) -> float:
        """不长期占用时，每次写入等待科室锁的秒数。"""
        return self._session.lock_wait

    @lock_wait.setter
    def lock_wait(self, value: float) -> None:
        self._session.lock_wait = value

    @property
    def notices(self) -> list[Notice]:
        return self._session.notices

    @notices.setter
    def notices(self, value: list[Notice]) -> None:
        self._session.notices = value

    @property
    def lock_holder(self) -> str | None:
        """本科室正被别处使用时：“由 PC-123 上的 张三 自 2026-11-28 09:30 起使用”。"""
        return self._session.lock_holder

    @property
    def lock_stale_reason(self) -> str | None:
        """占用看来已失效的原因（此时可以 ``take_over()``）。"""
        return self._session.lock_stale_reason

    @property
    def lock_stale(self) -> bool:
        return self._session.lock_stale_reason is not None

    @property
    def holds_lock(self) -> bool:
        return self._session.holds_lock

    @property
    def session_pending(self) -> bool:
        """``defer_lock`` 打开、还没有 ``open_session()``（还不知道能否修改）。"""
        return self._session.pending

    def open_session(self) -> bool:
        """``defer_lock=True`` 时：取得本科室的占用锁并备份有改动的文件（拿不到锁时改为只读）。

        返回这次是否真的做了（已经做过、或本来就不需要时为 False）。写入前会自动调用。
        """
        return self._session.open_session()

    def take_over(self, force: bool = False) -> None:
        """接管失效的占用（对方进程已不在或长时间没有活动）；之后本窗口可以保存。"""
        if self._session.take_over(force=force):
            self.backup("session")

    def heartbeat(self) -> None:
        """告诉别处“本窗口还在用”（每 5 分钟最多写一次）；界面可定时调用。"""
        self._session.heartbeat()

    def take_notices(self) -> list[Notice]:
        """取出并清空待显示的提示。"""
        out, self._session.notices = self._session.notices, []
        return out

    # ── 路径 ──
    def section_dir(self, section_id: str) -> Path:
        return self.layout.section_dir(section_id)

    def month_path(self, section_id: str, month: Month) -> Path:
        """某科室某月记录的文件。"""
        return self.layout.month_path(section_id, month)

    @property
    def reviews_dir(self) -> Path:
        """体系科的审核文件夹（见 storage/reviews.py）。"""
        return self.layout.reviews_dir

    def decisions_path(self, section_id: str, month: Month) -> Path:
        """某科室某月体系科决定（审核通过、退回修改、重新打开）的文件。"""
        return self.layout.decisions_path(section_id, month)

    def section_ids(self) -> list[str]:
        return self.layout.section_ids()

    def tinydb(self, section_id: str, month: Month) -> TinyDB:
        """该科室该月的记录文件，以只读 TinyDB 打开（供查询；写入请用 save_month）。"""
        from tinydb import TinyDB

        return TinyDB(self.month_path(section_id, month), storage=AtomicJSONStorage, read_only=True)

    # ── 自查记录 ──
    def load_month(self, section_id: str, month: Month, catalog_version: str = "") -> SectionMonth:
        """某科室某月的记录；还没有时返回一个空记录（不写盘）。文件损坏时抛 DamagedFileError。

        记录带着盘上那一版的修订号（``rev`` / ``saved_at``），``save_month`` 据此核对。
        """
        return self._months.load(section_id, month, catalog_version)

    def save_month(self, sm: SectionMonth, actor: str = "", *, force: bool = False) -> SaveResult:
        """保存一个月的记录（只改写该科室该月的文件），并把改动追加到审计日志。

        比较并交换：在科室的锁内读出盘上的这一条，它已不是 ``sm`` 读出时的那一版（``sm.rev`` /
        ``sm.saved_at``）时抛 ``creditcheck.errors.StaleRecordError``，什么也不写——应重新载入后再改。
        还没有保存过的月份（``sm.rev == 0``）在此期间被别处建好时同样拒绝。

        内容与盘上相同时不写。该月的文件损坏时：移开保留、另写新文件，提示在结果与 ``notices`` 里。

        审核记录：月度文件里只写科室自己的操作（提交、撤回），按记录编号追加；体系科的决定另存
        （``record_decision``），不会写进来（旧数据里已有的原样保留）。写之前按领域层的规则
        （``creditcheck.review.admit_section_save``）与最新的审核状态核对：本月已审核通过（锁定）时
        有改动就拒绝；新的提交或撤回在最新状态下不允许时也拒绝——都抛
        ``creditcheck.review.ReviewConflictError``，什么也不写。成功后 ``sm.history`` / ``sm.review``
        换成合并了最新决定的结果、``sm.rev`` / ``sm.saved_at`` 换成新的一版；体系科在此期间有新决定时，
        结果的 ``notices`` 里有一条说明。
        ``force``（导入数据包时）有意替换：不核对修订号，也不做审核核对。
        """
        return self._months.save(sm, actor, force=force)

    def months(self, section_id: str) -> list[SectionMonth]:
        """该科室已有的全部月份，按月份排序。损坏的文件跳过，提示记在 ``notices``。"""
        return self._months.of_section(section_id)

    def iter_all_months(self) -> Iterator[SectionMonth]:
        yield from self._months.iter_all()

    def audit(self, section_id: str, year: int) -> list[dict[str, Any]]:
        """该科室该年的审计记录（从旧到新）。"""
        return self._months.audit(section_id, year)

    # ── 审核：科室的记录 + 体系科的决定 ──
    def record_decision(
        self,
        section_id: str,
        month: Month,
        action: str,
        by: str = "",
        now: datetime | None = None,
        comment: str = "",
        catalog_version: str = "",
    ) -> SectionMonth:
        """体系科记录一个决定：``approve`` 审核通过、``return`` 退回修改（须写意见）、``reopen`` 重新打开（须写理由）。

        读出该月最新的记录（科室的月度文件 + 审核文件），按 creditcheck.review 的状态机核对这一步，
        只写审核文件 reviews/<科室>-<年-月>.json（原子写入），并在体系科的审计日志
        reviews/audit-<年>.jsonl 记一行。不需要也不碰科室的占用锁：科室正在使用时照样可以审核；
        写入期间持有 reviews/.lock，两个体系科窗口不会同时写。本窗口第一次记录前备份审核文件夹。

        返回合并后的该月记录。这一步不允许时抛 ReviewError（什么也不写）；以只读方式打开时抛 ReadOnlyError。
        """
        return self._decisions.record(section_id, month, action, by, now, comment, catalog_version)

    def refresh_review(self, sm: SectionMonth) -> str | None:
        """界面定时调用：审核文件自上次读取后有变化时，重读并把最新的审核状态与记录换进 ``sm``。

        没有变化时只查看一下文件的修改时间（很快），返回 None；有新的决定时返回一句给用户看的说明。
        ``sm`` 的其余内容不动（科室的修改都已即时保存）。
        """
        return self._decisions.refresh(sm)

    def review_audit(self, year: int) -> list[dict[str, Any]]:
        """体系科该年的审核审计记录（从旧到新）。"""
        return self._decisions.audit(year)

    # ── 台账 ──
    def save_ledger(
        self,
        section_id: str,
        month: Month,
        kind: str,
        rows: list[dict[str, Any]],
        meta: dict[str, Any] | None = None,
        actor: str = "",
    ) -> None:
        """保存某月某种台账的全部行（只改写该科室该种台账该年的文件）。"""
        self._ledgers.save(section_id, month, kind, rows, meta, actor)

    def load_ledger_record(self, section_id: str, month: Month, kind: str) -> dict[str, Any] | None:
        """某月某种台账的完整记录 {"rows": [...], "meta": {...}, "saved_at": ...}；没有时为 None。"""
        return self._ledgers.load_record(section_id, month, kind)

    def load_ledger(self, section_id: str, month: Month, kind: str) -> list[dict[str, Any]] | None:
        return self._ledgers.load(section_id, month, kind)

    # ── 备份与恢复 ──
    def backup(
        self, reason: str = "manual", sections: list[str] | None = None, force: bool = False
    ) -> BackupResult:
        """备份有改动的数据文件。科室使用时只备份本科室；否则备份 ``sections``（默认全部科室和体系科的审核文件）。

        ``reason``：session 打开时、export 导出前、manual 手动、restore 恢复前……
        只读窗口不备份（返回空结果）。
        """
        return self._restore.backup(reason, sections, force)

    def backups(self) -> list[BackupInfo]:
        """全部备份，从旧到新。"""
        return self._restore.listing()

    def find_backup(self, when: str) -> str | None:
        """备份编号或日期时间前缀（如 2026-11-28、2026-11-28 09:30）→ 最后一个匹配的备份编号。"""
        return self._restore.find(when)

    def restore(self, when: str, sections: list[str] | None = None) -> RestoreResult:
        """把数据恢复到某次备份时的样子（先备份当前状态）。审计日志不回退，而是记下这次恢复。"""
        return self._restore.restore(when, sections)

    def newest_good_backup(self, path: Path) -> Snapshot | None:
        """某个数据文件最新的完好备份。"""
        return self._restore.newest_good(path)

    def restore_file(self, path: Path, backup_id: str | None = None) -> Path:
        """从备份恢复一个数据文件（文件损坏后用）。默认用最新的完好备份。恢复前先备份当前状态。

        台账文件：损坏后若已另写了新文件（保存过），新文件中的月份保留并优先于备份中的同一月份。
        """
        return self._restore.restore_file(path, backup_id)

    # ── 关闭 ──
    def close(self) -> None:
        """正常关闭：放开本科室的占用（还没有 ``open_session()`` 时没有什么要放开的）。"""
        self._session.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
