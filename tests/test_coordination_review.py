"""审核状态机（creditcheck.review）与 ``creditcheck review`` 命令：提交、退回、审核通过、锁定、重新打开（理由进记录和审计日志）。"""

from __future__ import annotations

from datetime import datetime

import pytest
from click.testing import CliRunner
from coordination_data import MONTH, save_records

from creditcheck import review
from creditcheck.checklist import LockedMonthError, set_status
from creditcheck.cli import main
from creditcheck.coordination import merge_review
from creditcheck.models import ReviewState, SectionMonth, Status
from creditcheck.review import ReviewError
from storage import Store

T = [datetime(2026, 11, d, 9, 0) for d in range(20, 28)]


def test_full_cycle_with_reopen_reason(catalog):
    sm = SectionMonth("commerce", MONTH, catalog.version)
    assert sm.review is ReviewState.DRAFT
    with pytest.raises(ReviewError, match="只有“已提交”的月份可以审核"):
        review.approve(sm, "体系科", T[0])
    review.submit(sm, "刘琛", T[0])
    assert sm.review is ReviewState.SUBMITTED and sm.submitted_at == T[0]
    with pytest.raises(ReviewError, match="不能再次提交"):
        review.submit(sm, "刘琛", T[1])
    with pytest.raises(ReviewError, match="必须填写意见"):
        review.return_for_changes(sm, "体系科", T[1], "  ")
    review.return_for_changes(sm, "体系科", T[1], "请补充第6项材料")
    assert sm.review is ReviewState.RETURNED and sm.last_return_comment == "请补充第6项材料"
    review.submit(sm, "刘琛", T[2])
    review.approve(sm, "体系科", T[3])
    assert sm.locked
    with pytest.raises(LockedMonthError, match="已审核通过并锁定"):
        set_status(sm, catalog, 2, Status.DONE, T[4])
    with pytest.raises(ReviewError, match="必须填写理由"):
        review.reopen(sm, "体系科", T[4], "")
    review.reopen(sm, "体系科", T[4], "台账有误需更正")
    assert not sm.locked and sm.review is ReviewState.RETURNED
    set_status(sm, catalog, 2, Status.DONE, T[5])
    assert [(h.action, h.comment) for h in sm.history] == [
        ("submit", ""),
        ("return", "请补充第6项材料"),
        ("submit", ""),
        ("approve", ""),
        ("reopen", "台账有误需更正"),
    ]
    # 往返 JSON 后记录不变
    assert SectionMonth.from_dict(sm.to_dict()).history == sm.history


def test_withdraw(catalog):
    sm = SectionMonth("office", MONTH, catalog.version)
    with pytest.raises(ReviewError, match="撤回"):
        review.withdraw(sm, "王五", T[0])
    review.submit(sm, "王五", T[0])
    review.withdraw(sm, "王五", T[1])
    assert sm.review is ReviewState.DRAFT


def test_merge_review_orders_and_replays(catalog):
    ours = SectionMonth("commerce", MONTH, catalog.version)
    review.submit(ours, "刘琛", T[0])
    review.return_for_changes(ours, "体系科", T[1], "补材料")
    # 数据包里带着同一条提交（同一个编号）：合并时认作一条。记录只按编号认同，不按“操作 + 人 + 时间”
    theirs = SectionMonth(
        "commerce", MONTH, catalog.version, review=ReviewState.SUBMITTED, history=[ours.history[0]]
    )
    history, state = merge_review(ours, theirs)
    assert [h.action for h in history] == ["submit", "return"] and state is ReviewState.RETURNED
    theirs.review = ReviewState.RETURNED
    review.submit(theirs, "刘琛", T[2])
    history, state = merge_review(ours, theirs)
    assert [h.action for h in history] == [
        "submit",
        "return",
        "submit",
    ] and state is ReviewState.SUBMITTED


# ───────────── 命令行 ─────────────


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def coordinator_pc():
    from creditcheck.locations import settings_path
    from creditcheck.settings import Settings
    from storage.settings_file import save_settings

    save_settings(Settings(section_id="system", person="李玲"), settings_path())


def test_cli_review_cycle_and_audit(catalog, data_dir, coordinator_pc):
    save_records(catalog, data_dir)
    d = ["--data", str(data_dir)]
    r = _run("review", "approve", "--section", "商事登记科", "--month", "2026-11", *d)
    assert r.exit_code == 0, r.output
    assert "商事登记科2026年11月：已审核通过（本月对科室锁定）。当前状态：审核通过" in r.output
    r = _run("review", "reopen", "--section", "commerce", "--month", "2026-11", *d)
    assert r.exit_code != 0 and "必须用 --comment 填写理由" in r.output
    r = _run(
        "review",
        "reopen",
        "--section",
        "commerce",
        "--month",
        "2026-11",
        "--comment",
        "台账有误需更正",
        *d,
    )
    assert r.exit_code == 0, r.output
    sm = Store(data_dir, read_only=True).load_month("commerce", MONTH)
    assert sm.review is ReviewState.RETURNED
    assert (sm.history[-1].action, sm.history[-1].by, sm.history[-1].comment) == (
        "reopen",
        "李玲",
        "台账有误需更正",
    )
    assert sm.history[-1].at == datetime(2026, 11, 28, 10, 0)
    # 理由进入体系科的审计日志（reviews/audit-2026.jsonl）；科室的月度文件与审计日志不动
    audit = Store(data_dir, read_only=True).review_audit(2026)
    assert (audit[-1]["who"], audit[-1]["section"], audit[-1]["action"]) == (
        "李玲",
        "commerce",
        "reopen",
    )
    assert audit[-1]["comment"] == "台账有误需更正"
    assert audit[-1]["changes"] == [{"path": "review", "old": "审核通过", "new": "退回修改"}]
    assert all(
        r.get("action") != "reopen" for r in Store(data_dir, read_only=True).audit("commerce", 2026)
    )
    month_file = (data_dir / "sections" / "commerce" / "2026-11.json").read_text("utf-8")
    assert "approve" not in month_file and "reopen" not in month_file
    r = _run("review", "show", "--section", "commerce", "--month", "2026-11", *d)
    assert "2026-11-28 10:00  重新打开  李玲  理由：台账有误需更正" in r.output
    assert "2026-11-25 09:30  提交  刘琛" in r.output


def test_cli_return_needs_comment_and_shows_it(catalog, data_dir, coordinator_pc):
    save_records(catalog, data_dir)
    d = ["--data", str(data_dir)]
    r = _run("review", "return", "--section", "system", "--month", "2026-11", *d)
    assert r.exit_code != 0 and "必须用 --comment 填写意见" in r.output
    r = _run(
        "review",
        "return",
        "--section",
        "system",
        "--month",
        "2026-11",
        "--comment",
        "第7项活动资料未报",
        *d,
    )
    assert r.exit_code == 0
    assert (
        Store(data_dir, read_only=True).load_month("system", MONTH).last_return_comment
        == "第7项活动资料未报"
    )
    r = _run("review", "approve", "--section", "system", "--month", "2026-11", *d)
    assert r.exit_code != 0 and "只有“已提交”的月份可以审核，当前为“退回修改”" in r.output
    r = _run("review", "submit", "--section", "system", "--month", "2026-11", *d)
    assert r.exit_code == 0 and "当前状态：已提交" in r.output


def test_cli_review_needs_coordinator_and_a_record(catalog, data_dir):
    save_records(catalog, data_dir)
    d = ["--data", str(data_dir)]
    r = _run("review", "approve", "--section", "commerce", "--month", "2026-11", *d)
    assert r.exit_code != 0 and "只有体系科" in r.output
    r = _run("review", "submit", "--section", "window", "--month", "2026-11", *d)
    assert r.exit_code != 0 and "没有综合受理窗口2026年11月的自查记录" in r.output
    r = _run("review", "submit", "--section", "不存在的科", "--month", "2026-11", *d)
    assert r.exit_code != 0 and "未知科室" in r.output
    # 科室自己提交不需要体系科身份
    r = _run("review", "submit", "--section", "construction", "--month", "2026-11", *d)
    assert r.exit_code == 0, r.output
