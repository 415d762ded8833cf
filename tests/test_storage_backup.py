"""备份与恢复：只复制有改动的文件、轮换（最近 20 次 + 每月一次）、按时间恢复、恢复前先备份；
以及命令 backup / restore / doctor / demo。"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from creditcheck.cli import main
from creditcheck.month import Month
from storage import Store
from storage.backups import Backups

NOV = Month(2026, 11)


def _save(store: Store, sid: str, note: str, month: Month = NOV) -> None:
    sm = store.load_month(sid, month, "2022.1")
    sm.entry(1).note = note
    store.save_month(sm)


def test_session_start_backs_up_only_changed_files(data_dir: Path) -> None:
    s = Store(data_dir, section_id="office")
    assert s.backups() == []  # 还没有数据
    _save(s, "office", "第一版")
    _save(s, "office", "去年", Month(2025, 12))
    s.close()
    s = Store(data_dir, section_id="office")
    first = s.backups()
    assert len(first) == 1 and first[0].reason == "session"
    assert first[0].sections == {
        "office": ["2025-12.json", "2026-11.json", "audit-2025.jsonl", "audit-2026.jsonl"]
    }
    _save(s, "office", "第二版")
    r = s.backup("export")
    assert r.files == {
        "office": ["2026-11.json", "audit-2026.jsonl"]
    }  # 2025 年的文件没改，不再复制
    assert s.backup("export").id is None  # 没有改动就不备份
    s.close()


def test_backup_copies_are_verified_and_restorable_by_prefix(data_dir: Path) -> None:
    store = Store(data_dir)
    bk = Backups(data_dir)
    _save(store, "office", "九点的版本")
    b1 = bk.backup(
        {"office": store.section_dir("office")}, "manual", now=datetime(2026, 11, 28, 9, 0, 0)
    ).id
    _save(store, "office", "十点的版本")
    bk.backup(
        {"office": store.section_dir("office")}, "manual", now=datetime(2026, 11, 28, 10, 0, 0)
    )
    _save(store, "office", "当前版本")
    assert store.find_backup("2026-11-28 09") == b1 == "20261128-090000"
    assert store.find_backup("2026-11-28") == "20261128-100000"  # 多次匹配取最后一次
    result = store.restore("2026-11-28 09:00")
    assert result.target == b1
    assert store.load_month("office", NOV).entry(1).note == "九点的版本"
    # 恢复前先备份了当前状态，所以可以撤销
    assert result.pre_backup is not None
    store.restore(result.pre_backup)
    assert store.load_month("office", NOV).entry(1).note == "当前版本"
    # 审计日志不回退，记下了两次恢复
    restores = [r for r in store.audit("office", 2026) if r.get("action") == "restore"]
    assert len(restores) == 2 and restores[0]["changes"][0]["new"] == f"备份 {b1}"


def test_restore_unknown_time_says_how_to_list(data_dir: Path) -> None:
    from storage.atomic import StorageError

    with pytest.raises(StorageError, match="找不到与“2020-01-01”对应的备份"):
        Store(data_dir).restore("2020-01-01")


def test_rotation_keeps_last_20_and_one_per_month_and_every_kept_point_restores(
    data_dir: Path,
) -> None:
    store = Store(data_dir)
    bk = Backups(data_dir)
    t = datetime(2026, 1, 5, 9, 0)
    expected: dict[str, str] = {}
    for i in range(40):  # 每周一次，跨越十个月
        _save(store, "office", f"第{i}次")
        if i % 4 == 0:  # 另一年的文件偶尔才改，检验“沿用到下一次保留的备份”
            _save(store, "office", f"去年第{i}次", Month(2025, 12))
        bid = bk.backup({"office": store.section_dir("office")}, "manual", now=t).id
        assert bid is not None
        expected[bid] = f"第{i}次"
        t += timedelta(days=7)
    kept = [s.id for s in bk.snapshots("office")]
    ids = list(expected)
    assert ids[-20:] == kept[-20:]
    older = kept[:-20]
    assert older == sorted(older) and len({k[:6] for k in older}) == len(older)  # 每月一次
    assert all(k[:6] < ids[-20][:6] or k in ids for k in older)
    assert len(kept) < 40
    # 任何保留下来的时刻都能完整恢复（两个年份文件都在）
    for bid in kept:
        state = bk.state_at("office", bid)
        assert {"2025-12.json", "2026-11.json"} <= set(state)
        snap, _ = state["2026-11.json"]
        doc = json.loads(bk.restore_bytes(snap, "2026-11.json"))
        assert next(iter(doc["months"].values()))["entries"]["1"]["note"] == expected[bid]


def test_cli_backup_and_restore(data_dir: Path) -> None:
    store = Store(data_dir)
    _save(store, "office", "备份时的")
    runner = CliRunner()
    r = runner.invoke(main, ["backup", "--data", str(data_dir)])
    assert r.exit_code == 0, r.output
    assert "已备份 2 个文件" in r.output and "office：2026-11.json、audit-2026.jsonl" in r.output
    bid = r.output.split("备份编号 ")[1].split("：")[0]
    r = runner.invoke(main, ["backup", "--data", str(data_dir)])
    assert "没有改动，无需再备份" in r.output
    _save(store, "office", "之后改的")
    r = runner.invoke(main, ["restore", "--data", str(data_dir)])
    assert r.exit_code == 0 and bid in r.output and "手动备份" in r.output
    r = runner.invoke(main, ["restore", bid, "--data", str(data_dir), "--section", "办公室"])
    assert r.exit_code == 0, r.output
    assert f"已恢复到备份 {bid}" in r.output and "如需撤销：creditcheck restore" in r.output
    assert store.load_month("office", NOV).entry(1).note == "备份时的"
    r = runner.invoke(main, ["restore", "1999", "--data", str(data_dir)])
    assert (
        r.exit_code != 0 and "找不到与“1999”对应的备份" in r.output and "Traceback" not in r.output
    )


def test_cli_restore_refused_while_section_is_in_use(data_dir: Path) -> None:
    store = Store(data_dir)
    _save(store, "office", "x")
    bid = store.backup().id
    session = Store(data_dir, section_id="office", actor="张三")
    r = CliRunner().invoke(main, ["restore", str(bid), "--data", str(data_dir)])
    assert r.exit_code != 0 and "张三" in r.output and "现在不能写入" in r.output
    session.close()


def test_cli_doctor_exit_codes(data_dir: Path) -> None:
    runner = CliRunner()
    store = Store(data_dir)
    _save(store, "office", "x")
    store.backup()
    r = runner.invoke(main, ["doctor", "--data", str(data_dir)])
    assert r.exit_code == 0, r.output
    assert "办公室：数据文件完好，共 1 个月的记录" in r.output and "结论" in r.output
    assert (
        "office" not in r.output.split("数据体检：")[-1].split("\n", 1)[-1]
    )  # 用户读的是科室名，不是内部编号
    (data_dir / "sections/office/2026-11.json").write_bytes(b"\x00" * 10)
    r = runner.invoke(main, ["doctor", "--data", str(data_dir)])
    assert r.exit_code == 1
    assert (
        "2026-11.json 已损坏" in r.output
        and "creditcheck restore" in r.output
        and "需要从备份恢复" in r.output
    )
    # 体检不改动任何文件
    assert (data_dir / "sections/office/2026-11.json").read_bytes() == b"\x00" * 10


def test_cli_demo_no_tui(tmp_path: Path) -> None:
    target = tmp_path / "演示 数据"
    r = CliRunner().invoke(main, ["demo", "--no-tui", "--data", str(target)])
    assert r.exit_code == 0, r.output
    assert f"演示数据已生成：{target}" in r.output
    from creditcheck.catalog import EVENT_KINDS, load_builtin

    cat = load_builtin()
    store = Store(target, read_only=True)
    months = list(store.iter_all_months())
    assert {m.section_id for m in months} == {s.id for s in cat.sections}
    assert {str(m.month) for m in months} == {"2026-09", "2026-10", "2026-11"}
    assert {ev.kind for m in months for _, ev in m.all_events()} == set(EVENT_KINDS)
    reviews = {m.review.value for m in months}
    assert {"已提交", "退回修改", "审核通过", "未提交"} <= reviews
    returned = next(m for m in months if m.review.value == "退回修改")
    assert returned.last_return_comment
    statuses = {e.status.value for m in months for e in m.entries.values()}
    assert {"已完成", "进行中", "不适用"} <= statuses
    assert all(e.reason for m in months for e in m.entries.values() if e.status.value == "不适用")
    assert any(m.entries.get(8) and m.entries[8].counts.get("market_entities") for m in months)
    # 佐证文件真的在文件夹里，有中文和空格的名字
    evs = [ev for m in months for e in m.entries.values() for ev in e.evidence]
    assert evs and sum(Path(ev.abs_path).is_file() for ev in evs) >= len(evs) - 1
    assert any(" " in Path(ev.abs_path).name for ev in evs)
    # 本月有逾期未办和即将到期的事件
    from creditcheck.rules import Level, warning_level
    from creditcheck.workcal import load_calendar

    cal = load_calendar(None)
    now = datetime(2026, 11, 28, 10, 0)
    levels = {
        warning_level(ev.due_at, now, cal)[0]
        for m in months
        if m.month == NOV
        for _, ev in m.all_events()
        if ev.due_at and ev.done_at is None
    }
    assert Level.OVERDUE in levels and (Level.DUE_SOON in levels or Level.DUE_TODAY in levels)
    # 不往已有内容的文件夹里写
    r = CliRunner().invoke(main, ["demo", "--no-tui", "--data", str(target)])
    assert r.exit_code != 0 and "已有内容" in r.output
    # 演示数据体检：数据文件完好；佐证的缺失与变更是需要处理的提醒（退出码 3）
    r = CliRunner().invoke(main, ["doctor", "--data", str(target)])
    assert (
        r.exit_code == 3
        and "文件缺失" in r.output
        and "已变更" in r.output
        and "[损坏]" not in r.output
    )


def test_cli_settings_damage_is_told(tmp_path: Path) -> None:
    cfg = tmp_path / "config"
    cfg.mkdir()
    (cfg / "settings.json").write_bytes(b"\xff\xfe garbage")
    r = CliRunner().invoke(main, ["restore", "--data", str(tmp_path / "nothing")])
    assert r.exit_code == 0 and "本机设置文件已损坏" in r.output and "还没有任何备份" in r.output
    assert list(cfg.glob("settings.json.damaged-*"))
