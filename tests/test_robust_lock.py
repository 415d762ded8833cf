"""占用锁在办公室网络里的情形：同一个系统镜像装出来的电脑常常电脑名相同。"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from storage.locking import Holder, SectionLock, host_name, machine_id

NOW = datetime(2026, 11, 28, 10, 0)


@pytest.fixture(scope="module")
def dead_pid() -> int:
    r = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(r.stdout)


def _holder(pid: int, machine: str) -> Holder:
    t = NOW.isoformat(timespec="seconds")
    return Holder(host_name(), "张三", "张三", pid, t, t, "tok", machine=machine)


def test_same_name_other_machine_is_not_judged_by_local_pid(dead_pid: int) -> None:
    if not machine_id():
        pytest.skip("本机取不到网卡地址")
    other = "0" * 12 if machine_id() != "0" * 12 else "1" * 12
    h = _holder(dead_pid, other)
    assert not h.on_this_machine()
    assert h.stale_reason(NOW, stale_after=timedelta(hours=12)) is None


@pytest.mark.parametrize("machine", ["same", ""])  # 本机写的 / 旧版本写的（没有网卡地址）
def test_dead_pid_on_this_machine_is_stale(dead_pid: int, machine: str) -> None:
    h = _holder(dead_pid, machine_id() if machine == "same" else "")
    assert h.on_this_machine()
    reason = h.stale_reason(NOW, stale_after=timedelta(hours=12))
    assert reason is not None and str(dead_pid) in reason


def test_holder_file_records_machine_and_old_files_still_read(tmp_path: Path) -> None:
    lock = SectionLock(tmp_path / "office", "张三", clock=lambda: NOW)
    assert lock.acquire()
    raw = json.loads((tmp_path / "office" / "lock-holder.json").read_text(encoding="utf-8"))
    assert raw["machine"] == machine_id() and raw["host"] == host_name()
    lock.release()
    old = {k: v for k, v in raw.items() if k != "machine"}
    h = Holder.from_dict(old)
    assert h is not None and h.machine == "" and h.host == host_name()
