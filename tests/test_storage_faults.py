"""真实故障：写入途中 kill -9、两个进程同时写、损坏的文件、不可写的文件夹、磁盘写满、
带空格和中文的佐证路径、消失的路径。每种都有中文说明，且不丢数据。"""

from __future__ import annotations

import json
import os
import random
import resource
import select
import shutil
import signal
import tempfile
import time
import traceback
from datetime import datetime
from pathlib import Path

import pytest

from creditcheck.evidence import attach
from creditcheck.models import SectionMonth, Status
from creditcheck.month import Month
from storage import DamagedFileError, Store
from storage.atomic import StorageError
from storage.doctor import ERROR, WARN, diagnose
from storage.notices import DAMAGED

NOV = Month(2026, 11)
MONTHS = [Month(2026, 9), Month(2026, 10), Month(2026, 11)]
posix_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="需要 fork")


def _save_value(store: Store, sid: str, month: Month, value: int) -> None:
    sm = store.load_month(sid, month, "2022.1")
    sm.entry(8).counts["credit_checks"] = value
    sm.entry(8).note = "写" * (value % 50)  # 文件大小随写入变化
    store.save_month(sm, actor="测试")


def _value(store: Store, sid: str, month: Month) -> int | None:
    return store.load_month(sid, month).entry(8).counts.get("credit_checks")


def _wait_for(
    fd: int, buf: bytearray, marker: bytes, after: bytes = b"", limit: float = 120.0
) -> None:
    """读管道直到 ``buf`` 中 ``after`` 之后出现 ``marker``（子进程被杀或超过 ``limit`` 秒也返回）。"""
    deadline = time.monotonic() + limit
    while marker not in bytes(buf)[len(after) :] and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                return
            buf.extend(chunk)


def _read_acks(fd: int, acks: list[tuple[str, int]], buf: bytearray) -> None:
    while True:
        *lines, rest = bytes(buf).split(b"\n")
        buf[:] = rest
        for line in lines:
            if line == b"ready":
                continue
            m, v = line.decode().split()
            acks.append((m, int(v)))
        chunk = os.read(fd, 65536)
        if not chunk:
            return
        buf.extend(chunk)


# ── kill -9 ──


@posix_only
def test_kill_minus_9_at_random_moments_loses_nothing_acknowledged(data_dir: Path) -> None:
    rng = random.Random(3)
    last_ack: dict[str, int] = {}
    all_acked: set[int] = set()
    kills = 0
    # 先在父进程里完整打开、关闭一次本科室：存储层按需加载的模块（TinyDB、占用锁、备份）都已导入，
    # fork 出的子进程不必再花时间导入，随机的“杀死时刻”才真正落在保存过程中（而不是都落在导入上）。
    Store(data_dir, section_id="window", actor="预热").close()
    for round_no in range(120):
        r, w = os.pipe()
        start = (round_no + 1) * 100_000
        pid = os.fork()
        if pid == 0:  # 子进程：打开本科室（含打开时的备份），不停地保存，每次保存返回后报一行
            try:
                os.close(r)
                store = Store(data_dir, section_id="window", actor="测试")
                os.write(w, b"ready\n")  # 打开（取锁、备份）完毕：杀死时刻从这里起算
                i = start
                while True:
                    month = MONTHS[i % 3]
                    _save_value(store, "window", month, i)
                    os.write(w, f"{month} {i}\n".encode())
                    i += 1
            finally:
                os._exit(0)
        os.close(w)
        acks: list[tuple[str, int]] = []
        buf = bytearray()
        # 等的是条件而不是钟点：先等子进程打开完毕（机器再忙也一样），每四轮里有一轮还要等到
        # 至少一次保存确认过；然后再随机等 0～80 毫秒，杀死时刻落在保存过程中的任意位置。
        _wait_for(r, buf, b"ready\n")
        if round_no % 4 == 0:
            _wait_for(r, buf, b"\n", after=b"ready\n")
        deadline = time.monotonic() + rng.uniform(0.0, 0.08)
        while time.monotonic() < deadline:
            ready, _, _ = select.select([r], [], [], max(0.0, deadline - time.monotonic()))
            if ready:
                buf.extend(os.read(r, 65536))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        kills += 1
        # 被杀前已经发出的确认都要算数（包括还留在管道里的；最后的半行不算）
        _read_acks(r, acks, buf)
        os.close(r)
        for m, v in acks:
            last_ack[m] = v
            all_acked.add(v)
        in_flight = (acks[-1][1] + 1) if acks else start
        # 每个文件都能读；每个确认过的写入都在
        check = Store(data_dir, read_only=True)
        for month in MONTHS:
            if str(month) not in last_ack:
                continue
            v = _value(check, "window", month)
            assert v is not None
            assert v == last_ack[str(month)] or (
                v == in_flight and MONTHS[in_flight % 3] == month
            ), (round_no, month, v)
            last_ack[str(month)] = v  # 没来得及确认但已落盘的那次写入成为下一轮的基准
        assert not check.notices
    assert kills >= 100
    assert len(all_acked) >= 30  # 每四轮至少等到一次确认：确实有写入完成
    # 审计日志：每个确认过的写入都有一行（被杀时的半行被跳过）
    store = Store(data_dir, read_only=True)
    logged = set()
    for rec in store.audit("window", 2026):
        for c in rec["changes"]:
            if c["path"] == "entries.8.counts.credit_checks":
                logged.add(c["new"])
            elif c["path"] == "entries.8":  # 该月第一次保存：整条记录
                logged.add(c["new"]["counts"]["credit_checks"])
    assert all_acked <= logged
    # 体检：没有损坏的数据文件
    rep = diagnose(data_dir)
    assert rep.sound, [str(f) for f in rep.errors]


# ── 两个进程同时写 ──


def _writer(data_dir: Path, sid: str, n: int) -> None:
    store = Store(data_dir, section_id=sid, actor=sid)
    for i in range(1, n + 1):
        _save_value(store, sid, MONTHS[i % 3], i)
    store.close()


@posix_only
def test_two_processes_writing_different_sections_lose_nothing(data_dir: Path) -> None:
    n = 1000
    pids = []
    for sid in ("commerce", "social"):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                _writer(data_dir, sid, n)
                code = 0
            finally:
                os._exit(code)
        pids.append(pid)
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    store = Store(data_dir, read_only=True)
    for sid in ("commerce", "social"):
        # 每个月最后一次写入的值
        assert {str(m): _value(store, sid, m) for m in MONTHS} == {
            str(MONTHS[i % 3]): i for i in range(n - 2, n + 1)
        }
        revs = [rec["rev"] for rec in store.audit(sid, 2026)]
        assert len(revs) == n
        assert {"path": "entries.8.counts.credit_checks", "old": n - 3, "new": n} in store.audit(
            sid, 2026
        )[-1]["changes"]


# ── 损坏的文件 ──


def _prepare(data_dir: Path) -> tuple[Store, Path, bytes]:
    store = Store(data_dir, section_id="office", actor="王芳")
    for m in MONTHS:
        sm = SectionMonth("office", m, "2022.1")
        sm.entry(1).note = f"{m.label}的说明"
        store.save_month(sm)
    store.backup("export")
    path = data_dir / "sections/office/2026-11.json"
    return store, path, path.read_bytes()


@pytest.mark.parametrize(
    ("damage", "detail"),
    [
        (lambda b: b[: len(b) // 2], "JSON 格式错误"),
        (lambda b: b"\x00" * len(b), "全是零字节"),
        (lambda b: b.replace("说明".encode(), b"\xff\xfe", 1), "不是有效的 UTF-8"),
        (lambda b: b"   \n", "空白"),
    ],
    ids=["truncated", "zeros", "invalid-utf8", "blank"],
)
def test_damaged_file_is_moved_aside_told_and_restorable(
    data_dir: Path, damage, detail: str
) -> None:
    store, path, good = _prepare(data_dir)
    bad = damage(good)
    path.write_bytes(bad)
    with pytest.raises(DamagedFileError) as ei:
        store.load_month("office", NOV)
    notice = ei.value.notice
    assert notice.kind == DAMAGED and detail in notice.message
    assert (
        "已把它改名为" in notice.message
        and "没有覆盖" in notice.message
        and "完好备份" in notice.message
    )
    # 原文件一字节不差地保留在旁边
    assert notice.moved_to is not None and notice.moved_to.name.startswith("2026-11.json.damaged-")
    assert notice.moved_to.read_bytes() == bad
    assert not path.exists()
    # 提供最新的完好备份，一步恢复
    assert notice.backup_id is not None
    store.restore_file(path, notice.backup_id)
    assert store.load_month("office", NOV).entry(1).note == "2026年11月的说明"
    assert [str(m.month) for m in store.months("office")] == [str(m) for m in MONTHS]
    store.close()


def test_damage_stays_in_one_month_and_saving_over_it_keeps_both(data_dir: Path) -> None:
    store, path, good = _prepare(data_dir)
    path.write_bytes(good[:10])
    # 其他月份照常读写：一个月的文件坏了不连累别的月份
    dec = SectionMonth("office", Month(2026, 12), "2022.1")
    dec.entry(1).note = "十二月"
    assert not store.save_month(dec).notices
    assert store.load_month("office", Month(2026, 10)).entry(1).note == "2026年10月的说明"
    # 直接保存损坏的那个月：坏文件移开保留，另写新文件，并告诉用户
    sm = SectionMonth("office", NOV, "2022.1")
    sm.entry(1).note = "损坏之后新写的"
    result = store.save_month(sm)
    assert result.notices and result.notices[0].kind == DAMAGED
    assert (
        result.notices[0].moved_to is not None
        and result.notices[0].moved_to.read_bytes() == good[:10]
    )
    assert store.load_month("office", NOV).entry(1).note == "损坏之后新写的"
    # 从备份恢复：恢复前把新写的也备份了，两份都找得到
    store.restore_file(path)
    assert store.load_month("office", NOV).entry(1).note == "2026年11月的说明"
    copies = [store._backups.read_copy(s, path.name) for s in store._backups.snapshots("office")]
    assert any(c and "损坏之后新写的".encode() in c for c in copies)
    assert {str(m.month) for m in store.months("office")} == {
        "2026-09",
        "2026-10",
        "2026-11",
        "2026-12",
    }
    store.close()


def test_read_only_viewer_never_moves_a_damaged_file(data_dir: Path) -> None:
    store, path, good = _prepare(data_dir)
    path.write_bytes(b"\x00" * 64)
    viewer = Store(data_dir, read_only=True)
    with pytest.raises(DamagedFileError) as ei:
        viewer.load_month("office", NOV)
    assert ei.value.notice.moved_to is None and "保持原样" in str(ei.value)
    assert path.read_bytes() == b"\x00" * 64
    # 列出月份时跳过损坏的那个月，其余照常；提示留给界面
    assert [str(m.month) for m in viewer.months("office")] == ["2026-09", "2026-10"]
    assert any(n.kind == DAMAGED for n in viewer.take_notices())
    rep = diagnose(data_dir)
    assert not rep.sound and any(
        "2026-11.json 已损坏" in f.text and "creditcheck restore" in f.text for f in rep.errors
    )
    store.close()


# ── 写不进去的文件夹 ──


@posix_only
def test_read_only_folder_gives_a_message_and_keeps_data() -> None:
    # 普通用户要能走到这里：pytest 的临时文件夹只有 root 能进，所以另建一个
    base = Path(tempfile.mkdtemp(prefix="creditcheck-ro-"))
    try:
        base.chmod(0o755)
        _read_only_folder(base / "data")
    finally:
        for p in base.rglob("*"):
            if p.is_dir():
                p.chmod(0o755)
        shutil.rmtree(base)


def _read_only_folder(data_dir: Path) -> None:
    Store(data_dir).save_month(SectionMonth("office", NOV, "2022.1", person="原来的"))
    before = {p: p.read_bytes() for p in (data_dir / "sections/office").iterdir() if p.is_file()}
    os.chmod(data_dir / "sections/office", 0o555)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(65534)
            os.setuid(65534)  # 以普通用户身份：root 不受文件夹权限限制
            out = []
            s = Store(data_dir, section_id="office", actor="张三")
            out.append(f"read_only={s.read_only}|{s.read_only_reason}")
            out.append(s.load_month("office", NOV).person)
            try:
                Store(data_dir).save_month(SectionMonth("office", NOV, "2022.1", person="新的"))
                out.append("saved")
            except StorageError as e:
                out.append(f"error={e}")
            os.write(w, "\n".join(out).encode())
        except BaseException:
            os.write(w, traceback.format_exc().encode())
        finally:
            os._exit(0)
    os.close(w)
    os.waitpid(pid, 0)
    lines = os.read(r, 100000).decode().split("\n")
    os.chmod(data_dir / "sections/office", 0o755)
    assert lines[0].startswith("read_only=True|"), "\n".join(lines)
    assert "无法在数据文件夹中建立占用锁" in lines[0] and "没有权限" in lines[0]
    assert "只读方式打开" in lines[0]
    assert lines[1] == "原来的"
    assert lines[2].startswith("error=") and (
        "不可写" in lines[2] or "没有权限" in lines[2] or "Permission" in lines[2]
    )
    assert {
        p: p.read_bytes() for p in (data_dir / "sections/office").iterdir() if p.is_file()
    } == before


@posix_only
def test_disk_full_during_write_keeps_the_old_file(data_dir: Path) -> None:
    store = Store(data_dir)
    store.save_month(SectionMonth("office", NOV, "2022.1", person="原来的"))
    path = data_dir / "sections/office/2026-11.json"
    before = path.read_bytes()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) + 200, len(before) + 200))
            child = Store(data_dir)
            sm = child.load_month("office", NOV, "2022.1")
            sm.person = "新的"
            sm.entry(1).note = "很长的说明" * 2000
            try:
                child.save_month(sm)
                os.write(w, b"saved")
            except StorageError as e:
                os.write(w, str(e).encode())
        finally:
            os._exit(0)
    os.close(w)
    os.waitpid(pid, 0)
    msg = os.read(r, 10000).decode()
    assert msg.startswith("写入失败") and "2026-11.json" in msg
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


# ── 佐证材料的路径 ──


def test_evidence_with_spaces_and_chinese_then_vanished(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "信用 材料" / "2026年 第11月"
    folder.mkdir(parents=True)
    f = folder / "诚信宣传 活动 现场照片（一）.jpg"
    f.write_bytes(b"\xff\xd8 photo \xff\xd9")
    ev = attach(f'"{f}"', now=datetime(2026, 11, 28, 10, 0), kind="JPG")
    sm = SectionMonth("office", NOV, "2022.1")
    sm.entry(7).evidence.append(ev)
    sm.entry(7).status = Status.DONE
    Store(data_dir).save_month(sm)
    back = Store(data_dir, read_only=True).load_month("office", NOV).entry(7).evidence[0]
    assert back.abs_path == str(f) and back.sha256 == ev.sha256
    rep = diagnose(data_dir)
    assert rep.sound and rep.evidence_states == {"ok": 1}
    # 文件夹被改名：路径消失，只是提醒，不是损坏
    (tmp_path / "信用 材料").rename(tmp_path / "改名后")
    rep = diagnose(data_dir)
    assert rep.sound and rep.evidence_states == {"missing": 1}
    warn = next(x for x in rep.findings if x.topic == "佐证材料")
    assert warn.level == WARN and "文件缺失" in warn.text and str(f) in warn.text
    assert not any(x.level == ERROR for x in rep.findings)
    # 记录本身毫发无损
    assert Store(data_dir, read_only=True).load_month("office", NOV).entry(7).evidence[
        0
    ].abs_path == str(f)


def test_settings_file_damage_is_reported_and_kept(tmp_path: Path) -> None:
    from storage.notices import SETTINGS_DAMAGED
    from storage.settings_file import load_settings

    p = tmp_path / "settings.json"
    p.write_bytes(b'{"section_id": "off')
    notices: list = []
    s = load_settings(p, notices)
    assert s.section_id == "" and notices and notices[0].kind == SETTINGS_DAMAGED
    assert "设置文件已损坏" in notices[0].message and "重新填写" in notices[0].message
    aside = notices[0].moved_to
    assert aside is not None and aside.read_bytes() == b'{"section_id": "off'
    assert json.loads(json.dumps(s.to_dict()))["section_id"] == ""
