"""科室占用锁：同一科室的数据同一时间只由一处写入（整个使用期间持有）。

    sections/<科室id>/.lock              操作系统文件锁（filelock）；进程结束时由系统释放
    sections/<科室id>/lock-holder.json   占用者信息：电脑名、用户、进程号、开始时间、心跳、令牌

第二个窗口（或命令行写入）拿不到锁时读出占用者信息，改为只读并说明“由谁、在哪台电脑、
自何时起使用”。进程崩溃时系统释放文件锁，下一次打开直接取得锁，并从残留的占用者信息得知
上次没有正常关闭。

共享文件夹上，死机电脑的网络会话可能在一段时间内仍然“持有”文件锁。此时占用者信息显示
该进程已不在（同一台电脑）或很久没有心跳，视为失效，可以“接管”：换用下一代锁文件
（.lock.2、.lock.3……）并把自己写为占用者。原占用者若还活着，下一次保存前核对占用者令牌，
发现已被接管，即改为只读，不会与接管者同时写入。
"""

from __future__ import annotations

import getpass
import os
import re
import secrets
import socket
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path

from filelock import FileLock, Timeout

from creditcheck.oserrors import os_reason
from creditcheck.records import dataclass

from .atomic import StorageError, read_json, write_json_atomic

HOLDER_NAME = "lock-holder.json"
LOCK_NAME = ".lock"
_LOCK_RE = re.compile(r"^\.lock(?:\.(\d{1,6}))?$")
DEFAULT_STALE_AFTER = timedelta(hours=12)
HEARTBEAT_EVERY = timedelta(minutes=5)


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # 某些受限账户取不到用户名
        return os.environ.get("USERNAME") or os.environ.get("USER") or "未知用户"


def host_name() -> str:
    try:
        return socket.gethostname() or "未知电脑"
    except OSError:
        return "未知电脑"


_MACHINE: str | None = None


def machine_id() -> str:
    """本机网卡地址（十六进制）；取不到真实地址时为空。用来区分同名的两台电脑（同一个系统镜像
    装出来的办公电脑常常电脑名相同），免得把另一台电脑上正在运行的进程当成本机已不在的进程。"""
    global _MACHINE
    if _MACHINE is None:
        import uuid

        try:
            node = uuid.getnode()
        except Exception:  # 极少数环境取不到
            node = 1 << 40
        _MACHINE = "" if node & (1 << 40) else f"{node:012x}"  # 组播位为 1：随机数，不是真实地址
    return _MACHINE


def pid_alive(pid: int) -> bool:
    """本机上该进程是否仍在运行。"""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return _win_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    # 已结束但未被回收的子进程（僵尸）也算不在运行
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def _win_pid_alive(pid: int) -> bool:  # pragma: no cover - Windows only
    """Windows：打不开进程句柄时，只有“参数错误”（没有这个进程）才算不在运行；
    “拒绝访问”是另一个用户（或以管理员身份运行）的进程，它仍在运行。查不清时按仍在运行处理，
    免得把别人正在用的占用当成失效（失效还可以由心跳超时判断）。"""
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    kernel32.GetExitCodeProcess.restype = wintypes.BOOL
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() != 87  # type: ignore[attr-defined]  # ERROR_INVALID_PARAMETER：没有这个进程
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _fmt(ts: str) -> str:
    try:
        return datetime.fromisoformat(ts).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(ts or "未知时间")


@dataclass
class Holder:
    """占用者信息（lock-holder.json）。"""

    host: str
    user: str
    actor: str
    pid: int
    since: str
    heartbeat: str
    token: str
    lock: str = LOCK_NAME
    released: bool = False
    machine: str = ""
    """网卡地址（machine_id）；旧版本写的占用信息没有这一项。"""

    @classmethod
    def from_dict(cls, d: object) -> Holder | None:
        if not isinstance(d, dict):
            return None
        try:
            lock = str(d.get("lock") or LOCK_NAME)
            if not _LOCK_RE.match(lock):
                lock = LOCK_NAME
            return cls(
                host=str(d.get("host", "")),
                user=str(d.get("user", "")),
                actor=str(d.get("actor", "")),
                pid=int(d.get("pid", 0)),
                since=str(d.get("since", "")),
                heartbeat=str(d.get("heartbeat", d.get("since", ""))),
                token=str(d.get("token", "")),
                lock=lock,
                released=bool(d.get("released", False)),
                machine=str(d.get("machine", "")),
            )
        except (TypeError, ValueError):
            return None

    @property
    def who(self) -> str:
        return self.actor or self.user or "未知用户"

    def describe(self) -> str:
        """人看的一句话：由 PC-123 上的 张三 自 2026-11-28 09:30 起使用。"""
        return f"由 {self.host or '未知电脑'} 上的 {self.who} 自 {_fmt(self.since)} 起使用"

    def on_this_machine(self) -> bool:
        """占用者是不是本机：电脑名相同，且（都记下了网卡地址时）网卡地址也相同。"""
        if self.host != host_name():
            return False
        mine = machine_id()
        return not (self.machine and mine and self.machine != mine)

    def stale_reason(self, now: datetime, stale_after: timedelta) -> str | None:
        """占用看来已失效的原因；仍然有效时为 None。"""
        if self.on_this_machine() and not pid_alive(self.pid):
            return f"该电脑上的进程（{self.pid}）已不在运行"
        try:
            beat = datetime.fromisoformat(self.heartbeat)
        except (TypeError, ValueError):
            return "占用信息不完整"
        if now - beat > stale_after:
            hours = (now - beat).total_seconds() / 3600
            return f"已有 {hours:.0f} 小时没有活动"
        return None


class SectionLock:
    """一个科室文件夹的占用锁。"""

    def __init__(
        self,
        section_dir: Path,
        actor: str = "",
        *,
        stale_after: timedelta = DEFAULT_STALE_AFTER,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.dir = section_dir
        self.actor = actor
        self.stale_after = stale_after
        self.clock = clock
        self.holder_path = section_dir / HOLDER_NAME
        self.token = secrets.token_hex(8)
        self._lock: FileLock | None = None
        self._mine: Holder | None = None
        self.other: Holder | None = None
        """拿不到锁时：当前占用者（可能为 None：占用者信息读不到）。"""
        self.previous: Holder | None = None
        """取得锁时发现的、上次没有正常关闭的占用者。"""

    # ── 读写占用者信息 ──
    def read_holder(self) -> Holder | None:
        try:
            return Holder.from_dict(read_json(self.holder_path))
        except StorageError:
            return None

    def _write_holder(self, h: Holder) -> None:
        write_json_atomic(self.holder_path, asdict(h))

    @property
    def held(self) -> bool:
        return self._lock is not None

    def _new_lock(self, name: str) -> FileLock:
        return FileLock(self.dir / name, timeout=0, thread_local=False, preserve_lock_file=True)

    def _try(self, name: str) -> FileLock | None:
        lk = self._new_lock(name)
        try:
            lk.acquire(timeout=0)
        except Timeout:
            return None
        except OSError as e:
            raise StorageError(
                f"无法在数据文件夹中建立占用锁：{self.dir / name}（{os_reason(e)}）"
            ) from None
        return lk

    def acquire(self) -> bool:
        """试着取得锁（不等待）。成功返回 True；否则 ``other`` 为占用者。"""
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StorageError(f"无法创建数据文件夹：{self.dir}（{os_reason(e)}）") from None
        for _ in range(3):
            holder = self.read_holder()
            name = holder.lock if holder else LOCK_NAME
            lk = self._try(name)
            if lk is None:
                self.other = holder if holder and not holder.released else None
                return False
            # 取得锁之后再读一次：期间若有人接管换了锁文件，就放开重来
            again = self.read_holder()
            if again is not None and again.lock != name:
                lk.release()
                continue
            self._lock = lk
            if again is not None and not again.released and again.token:
                self.previous = again
            self._hold(name)
            return True
        self.other = self.read_holder()
        return False

    def stale_reason(self) -> str | None:
        if self.other is None:
            return None
        return self.other.stale_reason(self.clock(), self.stale_after)

    def take_over(self, force: bool = False) -> None:
        """接管失效的占用：换用下一代锁文件。占用仍有效时（除非 ``force``）拒绝。"""
        if self.held:
            return
        current = self.read_holder()
        if current is not None and not force:
            reason = current.stale_reason(self.clock(), self.stale_after)
            if reason is None:
                raise StorageError(f"本科室数据正{current.describe()}，占用仍然有效，不能接管")
        m = _LOCK_RE.match(current.lock if current else LOCK_NAME)
        gen = int(m.group(1)) if m and m.group(1) else 1
        name = f"{LOCK_NAME}.{gen + 1}"
        lk = self._try(name)
        if lk is None:
            raise StorageError("另一处刚刚接管了本科室数据，请稍后重新打开")
        self._lock = lk
        self.previous = current
        self.other = None
        self._hold(name)

    def _hold(self, name: str) -> None:
        """取得锁文件 ``name`` 之后：写下本窗口的占用记录（机器、用户、专人、进程、时间、令牌）。"""
        now = self.clock().isoformat(timespec="seconds")
        self._mine = Holder(
            host_name(),
            os_user(),
            self.actor,
            os.getpid(),
            now,
            now,
            self.token,
            name,
            machine=machine_id(),
        )
        self._write_holder(self._mine)

    def verify(self) -> None:
        """写入前核对：占用者仍是自己（没有被接管）；顺便更新心跳。"""
        if self._mine is None:
            raise StorageError("本窗口没有取得本科室数据的占用，不能保存")
        current = self.read_holder()
        if current is None or current.token != self.token:
            who = current.describe() if current else "由另一处使用"
            self.release(write=False)
            raise StorageError(f"本科室数据已被接管（现{who}），本窗口改为只读；请关闭后重新打开")
        self.heartbeat()

    def heartbeat(self, force: bool = False) -> None:
        """更新心跳时间（每 5 分钟最多写一次）。界面可定时调用。"""
        if self._mine is None:
            return
        now = self.clock()
        try:
            last = datetime.fromisoformat(self._mine.heartbeat)
        except ValueError:
            last = now - HEARTBEAT_EVERY
        if force or now - last >= HEARTBEAT_EVERY:
            self._mine.heartbeat = now.isoformat(timespec="seconds")
            self._write_holder(self._mine)

    def release(self, write: bool = True) -> None:
        """正常关闭：标记占用者信息为已释放，放开文件锁。"""
        if self._lock is None:
            return
        if write and self._mine is not None:
            current = self.read_holder()
            if current is not None and current.token == self.token:
                self._mine.released = True
                try:
                    self._write_holder(self._mine)
                except StorageError:
                    pass
        try:
            self._lock.release()
        finally:
            self._lock = None
            self._mine = None


class TransientLock:
    """没有长期占用的写入（命令行、测试）：只在一次写入期间取得科室锁。"""

    def __init__(self, section_dir: Path, wait: float = 2.0) -> None:
        self.dir = section_dir
        self.wait = wait
        self._lock: FileLock | None = None

    def __enter__(self) -> TransientLock:
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StorageError(f"无法创建数据文件夹：{self.dir}（{os_reason(e)}）") from None
        holder = None
        try:
            holder = Holder.from_dict(read_json(self.dir / HOLDER_NAME))
        except StorageError:
            pass
        name = holder.lock if holder else LOCK_NAME
        lk = FileLock(
            self.dir / name, timeout=self.wait, thread_local=False, preserve_lock_file=True
        )
        try:
            lk.acquire(timeout=self.wait, poll_interval=0.02)
        except Timeout:
            who = holder.describe() if holder and not holder.released else "由另一处使用"
            raise StorageError(
                f"本科室数据正{who}，现在不能写入；请在那里操作，或等对方关闭后再试"
            ) from None
        except OSError as e:
            raise StorageError(f"数据文件夹不可写：{self.dir}（{os_reason(e)}）") from None
        self._lock = lk
        return self

    def __exit__(self, *exc: object) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
