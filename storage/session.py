"""本科室的一次使用：占用锁、只读与否、写入许可，以及要告诉用户的提示。

- 以科室身份打开（``section_id``）：整个期间持有本科室的占用锁；拿不到锁时只读并说明占用者；
  取得后由仓库备份有改动的文件（``on_acquired``）。``defer_lock`` 时取锁留到 ``open_session()``。
- 不以科室身份打开：每次写入只在写入期间取得该科室的锁（``TransientLock``）。

写入前一律经过 ``writing(section_id)``：可写、是本科室、占用仍属于自己（或取得临时锁）。
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

from .atomic import StorageError
from .identity import Clock, Identity
from .layout import Layout, safe_id
from .notices import LOCKED, PREVIOUS_CRASH, STALE_LOCK, TAKEN_OVER, Notice, ReadOnlyError

if TYPE_CHECKING:
    from .locking import SectionLock, TransientLock

DEFAULT_STALE_HOURS = 12.0
"""占用多久没有心跳视为失效（与 locking.DEFAULT_STALE_AFTER 相同）。"""


class Session:
    """一个仓库对象的占用状态与写入许可。"""

    def __init__(
        self,
        layout: Layout,
        identity: Identity,
        clock: Clock,
        *,
        section_id: str | None,
        read_only: bool,
        lock_wait: float,
    ) -> None:
        self.layout = layout
        self.identity = identity
        self.clock = clock
        self.section_id = safe_id(section_id) if section_id else None
        self.read_only = read_only
        self.read_only_reason = "以只读方式打开" if read_only else ""
        self.lock_wait = lock_wait
        self.notices: list[Notice] = []
        self.lock_holder: str | None = None
        self.lock_stale_reason: str | None = None
        self.on_acquired: Callable[[], None] = lambda: None
        """取得占用之后要做的事（仓库在这里做“打开时备份”）。"""
        self._lock: SectionLock | None = None
        self._transient: dict[str, TransientLock] = {}
        self._pending: tuple[float, bool] | None = None
        self._opening = threading.Lock()

    # ── 取得占用 ──
    def start(self, stale_after_hours: float, backup: bool, defer: bool) -> None:
        if self.section_id and not self.read_only:
            if defer:
                self._pending = (stale_after_hours, backup)
            else:
                self._open(stale_after_hours, backup)

    def _open(self, stale_after_hours: float, backup: bool) -> None:
        """取得本科室的占用锁（拿不到时只读并说明占用者），取得后备份有改动的文件。"""
        from .locking import SectionLock

        assert self.section_id is not None
        self._lock = SectionLock(
            self.layout.section_dir(self.section_id),
            self.identity.actor,
            stale_after=timedelta(hours=stale_after_hours),
            clock=self.clock,
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
            prev = self._lock.previous
            if prev is not None:
                self.notices.append(
                    Notice(
                        PREVIOUS_CRASH,
                        f"上次使用（{prev.describe()}）没有正常关闭，可能是程序被强行结束或电脑断电。"
                        "数据以最后一次保存为准，请核对最近的修改。",
                    )
                )
            if backup:
                self.on_acquired()
        else:
            self._on_refused()

    @property
    def pending(self) -> bool:
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
                self.read_only_reason = (
                    f"打开时备份本科室数据失败（{e}），为免丢失数据，本窗口只能查看；"
                    "请检查数据文件夹后重新打开。"
                )
                self.notices.append(Notice(LOCKED, self.read_only_reason))
        return True

    def ensure(self) -> None:
        if self._pending is not None:
            self.open_session()

    @property
    def mine(self) -> bool:
        """以科室身份打开（持有或将要持有本科室的占用）。"""
        return self._lock is not None or self._pending is not None

    @property
    def holds_lock(self) -> bool:
        return self._lock is not None and self._lock.held

    @property
    def long_lived(self) -> bool:
        """整个期间持有本科室的占用（而不是每次写入临时取锁）。"""
        return self._lock is not None

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

    def take_over(self, force: bool = False) -> bool:
        """接管失效的占用。返回是否真的接管了（已持有时为 False）。"""
        self.ensure()
        if self._lock is None:
            raise StorageError("本窗口不是以科室身份打开的，无需接管")
        if self._lock.held:
            return False
        self._lock.take_over(force=force)
        self.read_only = False
        self.read_only_reason = ""
        self.lock_holder = None
        self.lock_stale_reason = None
        return True

    def heartbeat(self) -> None:
        if self._lock is not None and self._lock.held:
            self._lock.heartbeat()

    # ── 写入许可 ──
    @contextlib.contextmanager
    def writing(self, section_id: str) -> Iterator[None]:
        """写入某科室文件的前提：可写、是本科室、占用仍属于自己（或取得临时锁）。"""
        safe_id(section_id)
        self.ensure()
        if self.read_only:
            raise ReadOnlyError(self.read_only_reason or "当前为只读模式，不能保存")
        if self._lock is not None:
            if section_id != self.section_id:
                raise ReadOnlyError(
                    f"本窗口只能修改本科室（{self.section_id}）的数据，其他科室的数据只能查看"
                )
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

        lk = TransientLock(self.layout.section_dir(section_id), wait=self.lock_wait)
        with lk:
            self._transient[section_id] = lk
            try:
                yield
            finally:
                del self._transient[section_id]

    def can_write(self, section_id: str) -> bool:
        self.ensure()
        if self.read_only:
            return False
        if self._lock is not None:
            return section_id == self.section_id and self._lock.held
        return True

    def close(self) -> None:
        """正常关闭：放开本科室的占用（还没有 ``open_session()`` 时没有什么要放开的）。"""
        if self._pending is not None:
            self._pending = None
            self.read_only = True  # 关闭之后不再写入（不会改用临时锁去写）
            self.read_only_reason = "本窗口已关闭本科室的数据，不能再修改"
        if self._lock is not None:
            self._lock.release()
