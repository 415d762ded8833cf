"""演示数据：一条命令生成一个“填好的月份”，新用户一打开就能看到各种提醒、台账比率和审核状态。"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from creditcheck.models import ReviewState
from creditcheck.month import Month
from storage import Store


def test_demo_has_ledgers_rates_and_realistic_events(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    r = subprocess.run(
        [sys.executable, "-m", "creditcheck", "demo", "--no-tui", "--data", str(target)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=dict(os.environ),
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    store = Store(target, read_only=True)
    sm = store.load_month("commerce", Month(2026, 11))
    lic = sm.ledgers["licence"]
    # 演示台账 14 行：12 行已上报（其中 1 行迟报、1 行校验位错、1 行重复文书号），2 行尚未上报
    # （1 行已超过15个自然日、1 行还在期限内，都作为事件记下）
    assert lic["counts"] == {
        "decided": 14,
        "not_due": 1,
        "due": 13,
        "uploaded": 12,
        "on_time": 11,
        "compliant": 10,
    }
    assert lic["rates"]["reported"] == round(12 / 13, 4)
    assert store.load_ledger("commerce", Month(2026, 11), "licence")
    # 用户看得见的演示台账文件名是中文（issue 14）
    names = sorted(p.name for p in (target / "台账（演示）").glob("*.xlsx"))
    assert "商事登记科-双公示（行政许可）台账-2026年11月.xlsx" in names, names
    assert not any(n.isascii() or "commerce" in n or "licence" in n for n in names), names
    assert sm.ledgers["commitment"]["rows"] == 6
    titles = [ev.title for _, ev in sm.all_events()]
    # 许可决定事件按界面表单记：名称是决定书文号，行政相对人另填；与台账里尚未上报的行是同一件事
    rows = {
        r["行政许可决定文书号"]: r
        for r in store.load_ledger("commerce", Month(2026, 11), "licence") or []
    }
    licences = [ev for _, ev in sm.all_events() if ev.kind == "licence"]
    assert len(licences) == 2
    for ev in licences:
        row = rows[ev.title]
        assert row["行政相对人名称"] == ev.fields["subject"] and row["上报日期"] == ""
        assert row["许可决定日期"] == ev.occurred_at.date().isoformat() and ev.done_at is None
    assert not any("演示" in t for t in titles)  # 名称像真的，“演示”只写在备注里
    assert sm.review is ReviewState.SUBMITTED
    returned = store.load_month("social", Month(2026, 10))
    assert returned.review is ReviewState.RETURNED and "签字页" in (
        returned.last_return_comment or ""
    )


def test_demo_folder_is_marked_and_opens_as_demo(tmp_path: Path) -> None:
    from creditcheck.cli.launch import DEMO_MARKER

    target = tmp_path / "任意名字"
    r = subprocess.run(
        [sys.executable, "-m", "creditcheck", "demo", "--no-tui", "--data", str(target)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=dict(os.environ),
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert (target / DEMO_MARKER).is_file()


def test_backup_list_names_sections_in_chinese(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "creditcheck", *a, "--data", str(target)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=dict(os.environ),
        timeout=120,
    )
    assert run("demo", "--no-tui").returncode == 0
    out = run("restore").stdout
    assert "商事登记科 " in out and "体系科审核记录 " in out and "commerce" not in out
