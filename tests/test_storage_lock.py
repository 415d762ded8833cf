"""科室占用锁：第二个窗口只读并说明占用者；失效的占用可以接管；体系科只读查看其他科室。"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from storage_helpers import on_latest

from creditcheck.models import SectionMonth
from creditcheck.month import Month
from storage import Store
from storage.atomic import StorageError
from storage.locking import os_user
from storage.notices import LOCKED, PREVIOUS_CRASH, STALE_LOCK, TAKEN_OVER, ReadOnlyError

NOV = Month(2026, 11)
posix_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="需要 fork")


_DATA: list[Path] = []


@pytest.fixture(autouse=True)
def _where(data_dir: Path) -> None:
    _DATA[:] = [data_dir]


def _sm(sid: str = "office", note: str = "") -> SectionMonth:
    """一次在盘上最新一版之上的修改（这些测试关心锁，不关心旧副本；旧副本见 test_storage_cas.py）。"""
    sm = SectionMonth(sid, NOV, "2022.1")
    sm.entry(1).note = note
    return on_latest(sm, _DATA[0])


def _holder(data_dir: Path, sid: str = "office") -> dict:
    return json.loads((data_dir / "sections" / sid / "lock-holder.json").read_text("utf-8"))


def test_second_copy_is_read_only_and_names_the_holder(data_dir: Path) -> None:
    first = Store(data_dir, section_id="office", actor="张三")
    assert not first.read_only and first.holds_lock
    h = _holder(data_dir)
    assert h["host"] == socket.gethostname() and h["user"] == os_user() and h["pid"] == os.getpid()
    assert h["actor"] == "张三" and h["since"]
    second = Store(data_dir, section_id="office", actor="李四")
    assert second.read_only and not second.holds_lock
    assert second.lock_holder is not None
    assert second.lock_holder.startswith(f"由 {socket.gethostname()} 上的 张三 自 ")
    assert second.lock_holder.endswith("起使用")
    notice = second.notices[0]
    assert notice.kind == LOCKED and "只读" in notice.message and "张三" in notice.message
    with pytest.raises(ReadOnlyError, match="张三"):
        second.save_month(_sm())
    # 只读窗口照样可以看
    first.save_month(_sm(note="第一处写入"))
    assert second.load_month("office", NOV).entry(1).note == "第一处写入"
    first.close()
    third = Store(data_dir, section_id="office")
    assert not third.read_only
    assert not any(n.kind == PREVIOUS_CRASH for n in third.notices)  # 上次正常关闭
    third.close()


def test_session_writes_only_its_own_section(data_dir: Path) -> None:
    coord = Store(data_dir, section_id="system", actor="孙丽")
    Store(data_dir).save_month(_sm("office", note="办公室的记录"))
    assert coord.load_month("office", NOV).entry(1).note == "办公室的记录"
    with pytest.raises(ReadOnlyError, match="只能修改本科室"):
        coord.save_month(_sm("office"))
    coord.save_month(_sm("system", note="体系科自己的"))
    coord.close()


def test_coordinator_read_only_store_takes_no_lock(data_dir: Path) -> None:
    office = Store(data_dir, section_id="office", actor="张三")
    office.save_month(_sm(note="a"))
    viewer = Store(data_dir, read_only=True)
    assert viewer.load_month("office", NOV).entry(1).note == "a"
    assert not viewer.notices
    office.save_month(_sm(note="b"))  # 查看者不妨碍写入
    assert viewer.load_month("office", NOV).entry(1).note == "b"
    office.close()


def test_cli_style_write_is_refused_while_a_session_holds_the_section(data_dir: Path) -> None:
    office = Store(data_dir, section_id="office", actor="张三")
    cli = Store(data_dir, lock_wait=0.1)
    with pytest.raises(StorageError, match="张三.*现在不能写入"):
        cli.save_month(_sm())
    cli.save_month(_sm("personnel"))  # 别的科室不受影响
    office.close()
    cli.save_month(_sm(note="关闭后可以写"))
    assert cli.load_month("office", NOV).entry(1).note == "关闭后可以写"


def test_stale_lock_by_old_heartbeat_can_be_taken_over(data_dir: Path) -> None:
    ghost = Store(data_dir, section_id="office", actor="张三")
    ghost.save_month(_sm(note="张三写的"))
    h = _holder(data_dir)
    h["heartbeat"] = (datetime.now() - timedelta(hours=13)).isoformat(timespec="seconds")
    (data_dir / "sections/office/lock-holder.json").write_text(
        json.dumps(h, ensure_ascii=False), "utf-8"
    )
    newcomer = Store(data_dir, section_id="office", actor="李四")
    assert newcomer.read_only and newcomer.lock_stale
    notice = next(n for n in newcomer.notices if n.kind == STALE_LOCK)
    assert (
        "已失效" in notice.message
        and "13 小时没有活动" in notice.message
        and "接管" in notice.message
    )
    newcomer.take_over()
    assert not newcomer.read_only and newcomer.holds_lock
    assert _holder(data_dir)["actor"] == "李四" and _holder(data_dir)["lock"] == ".lock.2"
    newcomer.save_month(_sm(note="李四接管后写的"))
    # 原占用者还活着：下一次保存前发现被接管，改为只读，不会覆盖
    with pytest.raises(ReadOnlyError, match="已被接管.*李四"):
        ghost.save_month(_sm(note="张三的迟到写入"))
    assert ghost.read_only and any(n.kind == TAKEN_OVER for n in ghost.notices)
    assert (
        Store(data_dir, read_only=True).load_month("office", NOV).entry(1).note == "李四接管后写的"
    )
    newcomer.close()
    # 之后的打开沿用新一代锁文件
    again = Store(data_dir, section_id="office")
    assert not again.read_only and _holder(data_dir)["lock"] == ".lock.2"
    again.close()
    ghost.close()


def test_stale_lock_by_dead_pid_on_this_host(data_dir: Path) -> None:
    holder = Store(data_dir, section_id="office", actor="张三")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    h = _holder(data_dir)
    h["pid"] = int(dead.stdout)
    (data_dir / "sections/office/lock-holder.json").write_text(
        json.dumps(h, ensure_ascii=False), "utf-8"
    )
    other = Store(data_dir, section_id="office")
    assert other.read_only and other.lock_stale_reason and "进程" in other.lock_stale_reason
    holder.close()


def test_live_lock_cannot_be_taken_over(data_dir: Path) -> None:
    holder = Store(data_dir, section_id="office", actor="张三")
    other = Store(data_dir, section_id="office")
    with pytest.raises(StorageError, match="仍然有效"):
        other.take_over()
    assert other.read_only
    holder.close()


def test_heartbeat_is_refreshed_on_save(data_dir: Path) -> None:
    s = Store(data_dir, section_id="office")
    h = _holder(data_dir)
    old = (datetime.now() - timedelta(hours=1)).isoformat(timespec="seconds")
    lock = s._session._lock
    assert lock is not None and lock._mine is not None
    lock._mine.heartbeat = old
    s.save_month(_sm(note="x"))
    assert _holder(data_dir)["heartbeat"] > old and _holder(data_dir)["token"] == h["token"]
    s.close()
    assert _holder(data_dir)["released"] is True


@posix_only
def test_second_process_is_refused_cleanly(data_dir: Path) -> None:
    r, w = os.pipe()
    r2, w2 = os.pipe()
    pid = os.fork()
    if pid == 0:  # 子进程：占用办公室，等父进程说“结束”
        try:
            os.close(r)
            os.close(w2)
            s = Store(data_dir, section_id="office", actor="张三")
            s.save_month(_sm(note="子进程写的"))
            os.write(w, b"ready\n")
            os.read(r2, 10)
            s.close()
        finally:
            os._exit(0)
    os.close(w)
    os.close(r2)
    assert os.read(r, 100) == b"ready\n"
    other = Store(data_dir, section_id="office", actor="李四")
    assert other.read_only
    assert (
        other.lock_holder
        and "张三" in other.lock_holder
        and socket.gethostname() in other.lock_holder
    )
    assert not other.lock_stale  # 对方进程活着
    assert other.load_month("office", NOV).entry(1).note == "子进程写的"
    with pytest.raises(ReadOnlyError):
        other.save_month(_sm(note="不该写进去"))
    os.write(w2, b"quit")
    os.waitpid(pid, 0)
    after = Store(data_dir, section_id="office")
    assert not after.read_only and after.load_month("office", NOV).entry(1).note == "子进程写的"
    after.close()


@posix_only
def test_crashed_session_is_reported_and_lock_is_free(data_dir: Path) -> None:
    pid = os.fork()
    if pid == 0:
        try:
            s = Store(data_dir, section_id="office", actor="张三")
            s.save_month(_sm(note="崩溃前保存的"))
            os.kill(os.getpid(), signal.SIGKILL)
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status)
    s = Store(data_dir, section_id="office", actor="李四")
    assert not s.read_only
    crash = next(n for n in s.notices if n.kind == PREVIOUS_CRASH)
    assert "没有正常关闭" in crash.message and "张三" in crash.message
    assert s.load_month("office", NOV).entry(1).note == "崩溃前保存的"
    s.close()
