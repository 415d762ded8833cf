"""保存是比较并交换（issue 13 的“丢失更新”）：月度记录带修订号，盘上已不是读出时那一版时拒绝保存，
什么也不写；两个真实进程同时“读出—修改—保存”同一科室同一月，确认过的保存一次也不丢。"""

from __future__ import annotations

import json
import multiprocessing
from datetime import datetime
from pathlib import Path

import pytest

from creditcheck.errors import StaleRecordError
from creditcheck.models import SectionMonth, Status
from creditcheck.month import Month
from storage import Store

NOV = Month(2026, 11)
STALE = "该月数据已在别处更改，请重新载入后再改。"


def _file(data_dir: Path) -> Path:
    return data_dir / "sections" / "office" / "2026-11.json"


def _first(data_dir: Path) -> None:
    with Store(data_dir, actor="王芳") as s:
        sm = SectionMonth("office", NOV, "2022.1", person="王芳")
        sm.entry(1).note = "第一版"
        assert s.save_month(sm).rev == 1 and sm.rev == 1 and sm.saved_at is not None


def test_stale_copy_is_refused_and_nothing_is_written(data_dir: Path) -> None:
    _first(data_dir)
    a, b = Store(data_dir, actor="甲"), Store(data_dir, actor="乙")
    mine, theirs = a.load_month("office", NOV), b.load_month("office", NOV)
    assert mine.rev == theirs.rev == 1
    theirs.entry(2).note = "乙先保存"
    assert b.save_month(theirs).rev == 2
    before = _file(data_dir).read_bytes()
    audit_before = len(a.audit("office", 2026))
    mine.entry(1).note = "甲在旧副本上改的"
    with pytest.raises(StaleRecordError) as e:
        a.save_month(mine)
    assert str(e.value) == STALE
    assert _file(data_dir).read_bytes() == before
    assert len(a.audit("office", 2026)) == audit_before
    assert mine.rev == 1  # 失败的保存不改调用方手里的版本标记
    # 重新载入后再改：成功，两处的修改都在
    fresh = a.load_month("office", NOV)
    fresh.entry(1).note = "甲重新载入后改的"
    assert a.save_month(fresh).rev == 3
    final = Store(data_dir, read_only=True).load_month("office", NOV)
    assert (final.entry(1).note, final.entry(2).note, final.rev) == (
        "甲重新载入后改的",
        "乙先保存",
        3,
    )


def test_a_new_record_for_a_month_that_now_exists_is_refused(data_dir: Path) -> None:
    store = Store(data_dir)
    blank = store.load_month("office", NOV, "2022.1")  # 还没有这个月：版本 0
    assert blank.rev == 0
    _first(data_dir)  # 期间别处建好了这个月
    blank.entry(3).status = Status.DONE
    with pytest.raises(StaleRecordError):
        store.save_month(blank)
    assert Store(data_dir, read_only=True).load_month("office", NOV).entry(1).note == "第一版"


def test_saving_again_from_the_same_copy_keeps_working(data_dir: Path) -> None:
    store = Store(data_dir)
    sm = store.load_month("office", NOV, "2022.1")
    for i in range(1, 4):
        sm.entry(1).note = f"第{i}次"
        assert store.save_month(sm).rev == i and sm.rev == i
    # 没有改动的保存不写，也不改变版本
    r = store.save_month(sm)
    assert (r.rev, r.changed, sm.rev) == (3, False, 3)


def test_copy_read_before_a_restore_is_refused_even_if_the_number_repeats(data_dir: Path) -> None:
    moments = iter([datetime(2026, 11, 20, 9, 0, s) for s in range(0, 60, 1)])
    store = Store(data_dir, actor="王芳", now=lambda: next(moments))
    sm = store.load_month("office", NOV, "2022.1")
    sm.entry(1).note = "版本1"
    store.save_month(sm)
    store.backup("manual")
    sm.entry(1).note = "版本2"
    store.save_month(sm)
    old_reader = store.load_month("office", NOV)  # 第2版
    assert old_reader.rev == 2
    store.restore(store.backups()[0].id)  # 回到第1版（修订号也回到 1）
    again = store.load_month("office", NOV)
    assert (again.rev, again.entry(1).note) == (1, "版本1")
    again.entry(1).note = "恢复后另改的"
    assert store.save_month(again).rev == 2  # 修订号又是 2，但保存时间不同
    old_reader.entry(1).note = "旧副本"
    with pytest.raises(StaleRecordError):
        store.save_month(old_reader)
    assert store.load_month("office", NOV).entry(1).note == "恢复后另改的"


def test_force_replaces_on_purpose(data_dir: Path) -> None:
    _first(data_dir)
    package = SectionMonth(
        "office", NOV, "2022.1", person="数据包"
    )  # 从别处来的记录，没有本机的版本
    package.entry(1).note = "数据包里的"
    r = Store(data_dir).save_month(package, force=True)
    assert r.rev == 2 and package.rev == 2
    assert Store(data_dir, read_only=True).load_month("office", NOV).entry(1).note == "数据包里的"


def test_damaged_file_moved_aside_then_the_open_copy_is_saved(data_dir: Path) -> None:
    _first(data_dir)
    store = Store(data_dir)
    sm = store.load_month("office", NOV)
    _file(data_dir).write_bytes(b"\x00" * 64)  # 别处写坏了
    sm.entry(1).note = "手里这份"
    r = store.save_month(sm)
    assert r.rev == 2 and any(n.moved_to for n in r.notices)
    assert Store(data_dir, read_only=True).load_month("office", NOV).entry(1).note == "手里这份"


# ───────────── 两个真实进程 ─────────────


def _editor(data_dir: str, name: str, rounds: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """另一个进程：反复“读出—加一项计数—保存”；报告确认过的保存与被拒绝的次数。"""
    from creditcheck.errors import StaleRecordError
    from creditcheck.month import Month
    from storage import Store

    store = Store(data_dir, actor=name, lock_wait=60)
    acked: list[str] = []
    refused = 0
    for i in range(rounds):
        sm = store.load_month("office", Month(2026, 11), "2022.1")
        tag = f"{name}-{i}"
        sm.entry(1).counts[tag] = i
        try:
            store.save_month(sm)
        except StaleRecordError:
            refused += 1
            continue
        acked.append(tag)
    out.put((name, acked, refused))


def test_two_processes_lose_no_acknowledged_save(data_dir: Path) -> None:
    _first(data_dir)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    rounds = 60
    procs = [
        ctx.Process(target=_editor, args=(str(data_dir), name, rounds, out))
        for name in ("甲", "乙")
    ]
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    acked = [tag for _, tags, _ in results for tag in tags]
    refused = sum(r for _, _, r in results)
    assert len(acked) + refused == 2 * rounds
    final = Store(data_dir, read_only=True).load_month("office", NOV)
    # 每一次确认过的保存都在最后的记录里；被拒绝的一次也没有写进去
    assert set(final.entry(1).counts) == set(acked)
    assert final.rev == 1 + len(acked)
    audit = [
        r
        for r in Store(data_dir, read_only=True).audit("office", 2026)
        if r.get("month") == "2026-11"
    ]
    assert len(audit) == 1 + len(acked) and [r["rev"] for r in audit] == list(
        range(1, len(acked) + 2)
    )
    raw = json.loads(_file(data_dir).read_text("utf-8"))
    assert raw["months"]["1"]["rev"] == final.rev


def test_app_session_reloads_after_a_stale_save(tmp_path: Path) -> None:
    from app_support import configured, make_ctx

    from screens.session import MonthSession, SaveError

    data = tmp_path / "data"
    with Store(data) as s:
        sm = SectionMonth("commerce", NOV, "2022.1")
        sm.entry(1).note = "原来的"
        s.save_month(sm)
    ctx = make_ctx(tmp_path, settings=configured(), store=Store(data, actor="张三"))
    session = MonthSession(ctx, NOV)
    assert session.sm.entry(1).note == "原来的"
    with Store(data, actor="别处") as other:  # 期间别处保存了一次
        theirs = other.load_month("commerce", NOV)
        theirs.entry(2).note = "别处的"
        other.save_month(theirs)
    with pytest.raises(SaveError) as e:
        session.change(lambda m: setattr(m.entry(1), "note", "本窗口的"))
    assert (
        str(e.value) == "该月数据已在别处更改，已重新载入最新内容；刚才的修改未保存，请再改一次。"
    )
    assert (session.sm.entry(1).note, session.sm.entry(2).note) == (
        "原来的",
        "别处的",
    )  # 已重新载入
    session.change(lambda m: setattr(m.entry(1), "note", "本窗口的"))  # 再改一次：成功，两处的都在
    final = Store(data, read_only=True).load_month("commerce", NOV)
    assert (final.entry(1).note, final.entry(2).note) == ("本窗口的", "别处的")
