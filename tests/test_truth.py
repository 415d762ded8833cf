"""本月的事实（issue 11）：状态、得分、比率与期限由记录算出，不由人填。

每条规则一个测试，含 issue 里的例子（原样）。用真实的目录、节假日日历、Store 文件和 .xlsx/.docx 文件。
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from ledger_helpers import GOOD, H, lic

from creditcheck import checklist, review
from creditcheck.catalog import Catalog, CatalogError, load_builtin, parse_catalog
from creditcheck.cli import main
from creditcheck.completion import CellState, assess, open_for_confirmation, scoring_rule_text
from creditcheck.coordination import build_overview
from creditcheck.freeze import (
    LockedMonthError,
    content_changed_note,
    content_fingerprint,
    is_editable,
)
from creditcheck.models import Evidence, SectionMonth, Status
from creditcheck.month import Month
from creditcheck.obligations import ObligationState, obligations_for
from creditcheck.rules import Level
from creditcheck.scoring import score
from creditcheck.workcal import WorkCalendar
from storage.store import Store

NOV = Month(2026, 11)
NOW = datetime(2026, 11, 28, 10, 0)


def _material(day: date, at: datetime, name: str = "材料.docx") -> Evidence:
    return Evidence(path=name, abs_path=f"/nonexistent/{name}", effective_date=day, attached_at=at)


def _all_na_but(sm: SectionMonth, catalog: Catalog, keep: int, now: datetime) -> None:
    for ind in catalog.assigned(sm.section_id):
        if ind.id != keep:
            checklist.set_status(
                sm, catalog, ind.id, Status.NOT_APPLICABLE, now, reason="测试只看一项"
            )


# ───────────────────────── 指标完成：义务全部办结且专人确认 ─────────────────────────


def test_indicator_10_done_with_unhandled_objection_due_today_no_longer_scores_100(
    catalog, cal
) -> None:
    # issue：“Marking indicator 10 done while its 异议来函 is unhandled and due today gives 100 points”
    now = datetime(2026, 11, 27, 9, 0)  # 周五
    sm = SectionMonth("commerce", NOV, catalog.version)
    _all_na_but(sm, catalog, 10, now)
    ev = checklist.add_event(
        sm,
        catalog,
        cal,
        10,
        "objection",
        "某公司异议协同处理函",
        datetime(2026, 11, 26, 15, 0),
        now,
    )
    assert ev.due_at == date(2026, 11, 27)  # 1 个工作日：今天到期
    pending = open_for_confirmation(catalog, cal, sm, 10, now)
    assert [o.event_id for o in pending] == [ev.id]  # 确认前界面列出来问
    checklist.set_status(sm, catalog, 10, Status.DONE, now)  # 专人仍要确认
    ms = assess(catalog, cal, sm, now)
    st = ms.indicator(10)
    assert st.state is CellState.CONFIRMED_OPEN
    assert st.label == "已确认（尚有 1 项未办结）"
    assert ms.score.weighted == 0.0 and ms.score.done == 0 and ms.score.confirmed_open == 1
    assert score(catalog, sm, cal, now).weighted == 0.0
    # 办结后才是完成、100 分
    checklist.complete_event(sm, catalog, 10, ev.id, datetime(2026, 11, 27, 8, 30), now)
    ms = assess(catalog, cal, sm, now)
    assert ms.indicator(10).state is CellState.DONE and ms.score.weighted == 100.0
    assert open_for_confirmation(catalog, cal, sm, 10, now) == []


def test_open_code_error_without_ledger_or_evidence_is_not_done(catalog, cal) -> None:
    # issue：“An indicator whose 重错码 is open, with no ledger and no evidence, shows as 完成”
    sm = SectionMonth("commerce", NOV, catalog.version)
    checklist.add_event(
        sm,
        catalog,
        cal,
        5,
        "code-error",
        "重码",
        datetime(2026, 11, 20, 9, 0),
        NOW,
        fields={"code": GOOD},
    )
    checklist.set_status(sm, catalog, 5, Status.DONE, NOW)
    st = assess(catalog, cal, sm, NOW).indicator(5)
    assert st.state is CellState.CONFIRMED_OPEN and len(st.open) == 1
    assert st.open[0].state is ObligationState.NOT_DUE  # 当月内清理，月底才到期，但本月要办结


def test_monthly_material_met_by_evidence_dated_in_month_or_ledger(catalog, cal) -> None:
    sm = SectionMonth("commerce", NOV, catalog.version)
    by = {o.indicator_id: o for o in obligations_for(catalog, cal, sm, NOW) if o.kind == "monthly"}
    assert by[2].state is ObligationState.OVERDUE and by[2].state_label == "未完成（已逾期）"
    # 上月日期的材料不算本月的
    checklist.add_evidence(
        sm, catalog, 3, _material(date(2026, 10, 30), datetime(2026, 11, 20, 9)), NOW
    )
    # 本月 20 日附上的材料：按时完成（期限 26 日）
    checklist.add_evidence(
        sm, catalog, 6, _material(date(2026, 11, 20), datetime(2026, 11, 20, 9)), NOW
    )
    # 本月导入的双公示台账
    sm.ledgers["licence"] = {"imported_at": "2026-11-27T09:00:00", "rows": 3}
    by = {o.indicator_id: o for o in obligations_for(catalog, cal, sm, NOW) if o.kind == "monthly"}
    assert by[3].state is ObligationState.OVERDUE
    assert by[6].state is ObligationState.ON_TIME and by[6].met_by == "佐证材料 材料.docx"
    assert by[2].state is ObligationState.LATE and by[2].met_by == "导入双公示（行政许可）台账"
    assert by[2].done_at == datetime(2026, 11, 27, 9, 0)


def test_monthly_due_is_last_working_day_on_or_before_the_26th(catalog, cal) -> None:
    # 2026-12-26 是周六：有效期限为 12-25（周五）
    sm = SectionMonth("commerce", Month(2026, 12), catalog.version)
    [o] = [
        o
        for o in obligations_for(catalog, cal, sm, datetime(2026, 12, 1, 9))
        if o.indicator_id == 2 and o.kind == "monthly"
    ]
    assert o.due == date(2026, 12, 26) and o.effective_due == date(2026, 12, 25)
    assert o.state is ObligationState.NOT_DUE


def test_not_applicable_obligations_carry_the_reason(catalog, cal) -> None:
    sm = SectionMonth("commerce", NOV, catalog.version)
    checklist.set_status(sm, catalog, 3, Status.NOT_APPLICABLE, NOW, reason="本月无信用承诺事项")
    [o] = [o for o in obligations_for(catalog, cal, sm, NOW) if o.indicator_id == 3]
    assert o.state is ObligationState.NOT_APPLICABLE
    assert o.state_label == "不适用（本月无信用承诺事项）"
    assert assess(catalog, cal, sm, NOW).indicator(3).state is CellState.NOT_APPLICABLE


def test_late_completion_counts_by_the_catalogue_late_credit(catalog, cal) -> None:
    sm = SectionMonth("office", NOV, catalog.version)  # 1, 4, 7, 9
    for iid in (4, 7, 9):
        checklist.set_status(sm, catalog, iid, Status.NOT_APPLICABLE, NOW, reason="测试")
    # 第1项的材料 11-27 才附上：期限 11-26，逾期完成
    checklist.add_evidence(
        sm, catalog, 1, _material(date(2026, 11, 27), datetime(2026, 11, 27, 15)), NOW
    )
    checklist.set_status(sm, catalog, 1, Status.DONE, NOW)
    ms = assess(catalog, cal, sm, NOW)
    assert ms.indicator(1).state is CellState.DONE and ms.indicator(1).late
    assert ms.indicator(1).label == "完成（有逾期完成事项）"
    assert ms.score.weighted == 100.0 and ms.score.late == 1  # 内置目录：逾期完成照记满分
    assert (ms.on_time, ms.due) == (0, 1)  # 逾期体现在及时率
    half = replace(catalog, late_credit=0.5)
    assert assess(half, cal, sm, NOW).score.weighted == 50.0
    assert "0.5" in scoring_rule_text(half) and "照记满分" in scoring_rule_text(catalog)


# ───────────────────────── 配额 ─────────────────────────


def test_month_without_article_is_overdue_after_the_26th_and_the_bulletin_says_so(
    catalog, cal
) -> None:
    # issue：“a month without a 信用动态 article … still scores full and the bulletin says 各科室均无逾期事项”
    records = []
    for s in catalog.sections:
        sm = SectionMonth(s.id, NOV, catalog.version)
        for ind in catalog.assigned(s.id):
            if ind.id == 4:
                checklist.set_status(sm, catalog, 4, Status.DONE, NOW)  # 标了完成，却没有稿件
            else:
                checklist.set_status(sm, catalog, ind.id, Status.NOT_APPLICABLE, NOW, reason="测试")
        records.append(sm)
    ov = build_overview(catalog, cal, NOV, records, NOW)
    assert all(r.cells[4].state is CellState.OVERDUE for r in ov.rows)
    assert all(r.score.weighted == 0.0 for r in ov.rows)
    assert "各科室均无逾期事项" not in ov.bulletin
    [o] = ov.row("office").overdue
    assert o.what == "每月26日前上报信用动态信息1篇" and o.due_label == "11月26日"


def test_article_quota_is_due_by_the_26th_not_month_end(catalog, cal) -> None:
    # 实施方案四（一）：“于每月26日前负责……‘信用动态’宣传……的报送”
    sm = SectionMonth("office", NOV, catalog.version)
    checklist.add_event(
        sm,
        catalog,
        cal,
        4,
        "article",
        "稿件",
        datetime(2026, 11, 27, 9),
        NOW,
        done_at=datetime(2026, 11, 27, 10),
    )
    [q] = [
        o
        for o in obligations_for(catalog, cal, sm, NOW)
        if o.kind == "quota" and o.indicator_id == 4
    ]
    assert q.effective_due == date(2026, 11, 26)
    assert q.state is ObligationState.LATE and q.progress == (1, 1)


def test_year_quota_pacing_from_october_and_overdue_after_year_end(catalog, cal) -> None:
    sep = SectionMonth("office", Month(2026, 9), catalog.version)
    checklist.add_event(
        sep, catalog, cal, 7, "activity", "诚信进社区", datetime(2026, 9, 10, 16), NOW
    )

    def quota(m: Month, now: datetime, records: list[SectionMonth]):
        sm = sep if m == sep.month else SectionMonth("office", m, catalog.version)
        [q] = [
            o
            for o in obligations_for(catalog, cal, sm, now, records=records)
            if o.kind == "quota" and o.indicator_id == 7
        ]
        return q

    q9 = quota(Month(2026, 9), datetime(2026, 9, 28, 9), [sep])
    assert q9.pace == "" and q9.state is ObligationState.NOT_DUE and q9.progress == (1, 2)
    q10 = quota(Month(2026, 10), datetime(2026, 10, 20, 9), [sep])
    assert q10.pace == "诚信宣传活动全年已有1次，还差1次，距年底还有 2 个月，请抓紧安排"
    dec = quota(Month(2026, 12), datetime(2027, 1, 4, 9), [sep])
    assert dec.state is ObligationState.OVERDUE and dec.effective_due == date(2026, 12, 31)
    # 十二月里还差一次：本月该办结，确认也不算完成
    sm = SectionMonth("office", Month(2026, 12), catalog.version)
    checklist.set_status(sm, catalog, 7, Status.DONE, datetime(2026, 12, 20, 9))
    st = assess(catalog, cal, sm, datetime(2026, 12, 20, 9), [sep]).indicator(7)
    assert st.state is CellState.CONFIRMED_OPEN
    # 十一月里年度配额还没到期，不拦着本月的确认
    nov = SectionMonth("office", NOV, catalog.version)
    checklist.set_status(nov, catalog, 7, Status.DONE, NOW)
    assert assess(catalog, cal, nov, NOW, [sep]).indicator(7).state is CellState.DONE


def test_indicator_7_scope_can_be_the_whole_bureau(catalog, cal) -> None:
    text = load_builtin_text().replace(
        'scope = "section"\nwhat = "每年至少开展2次诚信宣传活动"',
        'scope = "bureau"\nwhat = "每年至少开展2次诚信宣传活动"',
    )
    bureau = parse_catalog(text, "测试目录")
    [spec] = bureau.indicator(7).quota_rules
    assert spec.scope == "bureau"
    office = SectionMonth("office", NOV, catalog.version)
    personnel = SectionMonth("personnel", NOV, catalog.version)
    checklist.add_event(
        office, bureau, cal, 7, "activity", "进机关", datetime(2026, 3, 10, 16), NOW
    )
    checklist.add_event(
        personnel, bureau, cal, 7, "activity", "进社区", datetime(2026, 6, 10, 16), NOW
    )

    def progress(cat: Catalog) -> tuple[int, int] | None:
        [q] = [
            o
            for o in obligations_for(cat, cal, office, NOW, records=[personnel])
            if o.kind == "quota" and o.indicator_id == 7
        ]
        return q.progress

    assert progress(catalog) == (1, 2)  # 默认按科室
    assert progress(bureau) == (2, 2)  # 全局合计


def load_builtin_text() -> str:
    from creditcheck.catalog import builtin_text

    return builtin_text()


# ───────────────────────── 提交即冻结、审核指纹 ─────────────────────────


def test_submitting_freezes_the_month_until_withdrawn(catalog, cal) -> None:
    sm = SectionMonth("office", NOV, catalog.version)
    checklist.set_note(sm, catalog, 1, "说明", NOW)
    review.submit(sm, "王五", NOW)
    assert not is_editable(sm)
    for change in (
        lambda: checklist.set_status(sm, catalog, 1, Status.DONE, NOW),
        lambda: checklist.add_evidence(sm, catalog, 1, _material(date(2026, 11, 28), NOW), NOW),
        lambda: checklist.add_event(
            sm, catalog, cal, 7, "activity", "x", datetime(2026, 11, 27, 9), NOW
        ),
        lambda: checklist.set_note(sm, catalog, 1, "改", NOW),
    ):
        with pytest.raises(LockedMonthError) as e:
            change()
        assert str(e.value).startswith("本月已提交") and "如需修改请先撤回提交" in str(e.value)
    review.withdraw(sm, "王五", NOW)
    checklist.set_status(sm, catalog, 1, Status.DONE, NOW)


def test_approval_records_a_fingerprint_and_the_review_view_sees_changes(catalog) -> None:
    sm = SectionMonth("office", NOV, catalog.version)
    checklist.add_evidence(
        sm, catalog, 1, _material(date(2026, 11, 20), datetime(2026, 11, 20, 9)), NOW
    )
    review.submit(sm, "王五", NOW)
    submitted = sm.history[-1].fingerprint
    assert submitted == content_fingerprint(sm) and len(submitted) == 16
    assert content_changed_note(sm) is None
    review.approve(sm, "体系科李玲", NOW)
    assert sm.history[-1].fingerprint == submitted
    # 记录在文件里来回一遍，指纹不变
    again = SectionMonth.from_dict(json.loads(json.dumps(sm.to_dict())))
    assert content_fingerprint(again) == submitted and again.history[-1].fingerprint == submitted
    again.entries[1].evidence.append(
        _material(date(2026, 11, 28), NOW, "后加的.docx")
    )  # 绕过冻结改了内容
    note = content_changed_note(again)
    assert note is not None and "现在的内容与审核通过时" in note and submitted in note


def test_ledger_import_into_a_submitted_month_fails_with_the_message(
    data_dir: Path, tmp_path: Path, catalog
) -> None:
    store = Store(data_dir)
    sm = store.load_month("commerce", NOV, catalog.version)
    review.submit(sm, "刘琛", NOW)
    store.save_month(sm)
    f = _xlsx(tmp_path / "双公示.xlsx", [lic()])
    r = CliRunner().invoke(
        main,
        [
            "ledger",
            "import",
            str(f),
            "--section",
            "商事登记科",
            "--month",
            "2026-11",
            "--data",
            str(data_dir),
        ],
    )
    assert r.exit_code != 0
    assert "本月已提交" in r.output and "如需修改请先撤回提交" in r.output
    assert "Traceback" not in r.output
    assert store.load_ledger("commerce", NOV, "licence") is None


# ───────────────────────── 台账：未到期、按月导入 ─────────────────────────


def _xlsx(path: Path, rows: list[list[Any]], header: list[str] = H) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _fourteen_licences_dec_1() -> list[list[Any]]:
    rows = [
        lic(
            行政许可决定文书号=f"{n}号",
            许可决定日期=datetime(2026, 11, 10 + n),
            有效期自=datetime(2026, 11, 10 + n),
            上报日期=datetime(2026, 11, 12 + n),
        )
        for n in range(1, 14)
    ]
    rows.append(
        lic(
            行政许可决定文书号="14号",
            许可决定日期=datetime(2026, 12, 1),
            有效期自=datetime(2026, 12, 1),
            上报日期=None,
        )
    )
    return rows


def test_licence_not_yet_due_is_left_out_of_the_reported_rate(tmp_path: Path, cal) -> None:
    # issue：“on 12-01 a licence decided the same day makes 13/14 = 92.9%”
    from exports.ledger_io import check_file

    f = _xlsx(tmp_path / "双公示.xlsx", _fourteen_licences_dec_1())
    r = check_file(f, "licence", load_builtin(), cal, date(2026, 12, 1))
    assert r.counts["decided"] == 14 and r.counts["not_due"] == 1 and r.counts["due"] == 13
    assert r.rates["reported"] == 1.0
    assert not [p for p in r.problems if p.row == 15]  # 未到期不是问题
    assert (
        "上报率 = 已上报 / 应上报（已作出许可决定，不含未到期） = 13 / 13 = 100.00%"
        in r.rate_lines()
    )
    # 到期（12-16）后仍未上报：成了问题，计入分母
    late = check_file(f, "licence", load_builtin(), cal, date(2026, 12, 17))
    assert late.counts["not_due"] == 0 and late.rates["reported"] == round(13 / 14, 4)
    [p] = [p for p in late.problems if p.row == 15]
    assert (
        p.message
        == "逾期未上报：许可决定日期 2026-12-01，应在15个自然日内即 2026-12-16（含当日）前上报"
    )


def test_ledger_import_month_keeps_only_that_months_rows(data_dir: Path, tmp_path: Path) -> None:
    # issue：“ledger import --month 2026-11 counts a September decision as one of November's”
    rows = [
        lic(),
        lic(行政许可决定文书号="2号"),
        lic(
            行政许可决定文书号="9月1号",
            许可决定日期=datetime(2026, 9, 15),
            有效期自=datetime(2026, 9, 15),
            上报日期=datetime(2026, 9, 20),
        ),
    ]
    f = _xlsx(tmp_path / "双公示.xlsx", rows)
    r = CliRunner().invoke(
        main,
        [
            "ledger",
            "import",
            str(f),
            "--section",
            "商事登记科",
            "--month",
            "2026-11",
            "--json",
            "--data",
            str(data_dir),
        ],
    )
    assert r.exit_code == 0, r.output
    j = json.loads(r.stdout)
    assert j["rows_in_month"] == 2 and j["rows_other_months"] == 1
    assert j["counts"]["decided"] == 2 and j["counts"]["not_due"] == 0
    assert set(j["rates"]) == {"reported", "timely", "compliant"}
    stored = Store(data_dir).load_ledger("commerce", NOV, "licence")
    assert stored is not None and [row["行政许可决定文书号"] for row in stored] == [
        "审批许字〔2026〕1号",
        "2号",
    ]
    text = (
        CliRunner()
        .invoke(
            main,
            [
                "ledger",
                "import",
                str(f),
                "--section",
                "商事登记科",
                "--month",
                "2026-11",
                "--force",
                "--data",
                str(data_dir),
            ],
        )
        .output
    )
    assert "另有 1 行属于其他月份，已放在一边" in text


# ───────────────────────── 节假日导入：逐日合并 ─────────────────────────


def _due(data_dir: Path) -> str:
    r = CliRunner().invoke(
        main, ["due", "2026-09-30", "--rule", "working-days:1", "--json", "--data", str(data_dir)]
    )
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)["effective_due"]


def test_one_line_holiday_file_merges_over_the_official_schedule(
    data_dir: Path, tmp_path: Path
) -> None:
    # issue：“Importing a one-line holiday CSV for 2026 (2026-06-01,放假) silently drops the whole official 2026 schedule”
    f = tmp_path / "h.csv"
    f.write_text("2026-06-01,放假\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["calendar", "import", str(f), "--data", str(data_dir)])
    assert r.exit_code == 0 and "逐日合并" in r.output
    assert _due(data_dir) == "2026-10-08"  # 国庆 10-01..10-07 照旧
    from creditcheck.workcal import load_calendar

    cal = load_calendar(data_dir)
    assert not cal.is_workday(date(2026, 6, 1)) and cal.info(date(2026, 6, 1)).source.startswith(
        "用户导入"
    )
    assert cal.is_workday(date(2026, 10, 10))  # 调休上班日也照旧
    # 再导入一天：与上次导入的合并
    g = tmp_path / "g.csv"
    g.write_text("2026-06-02,放假\n", encoding="utf-8")
    CliRunner().invoke(main, ["calendar", "import", str(g), "--data", str(data_dir)])
    cal = load_calendar(data_dir)
    assert not cal.is_workday(date(2026, 6, 1)) and not cal.is_workday(date(2026, 6, 2))
    # --replace：整年以文件为准
    r = CliRunner().invoke(
        main, ["calendar", "import", str(f), "--replace", "--data", str(data_dir)]
    )
    assert r.exit_code == 0 and "整年替换" in r.output
    assert _due(data_dir) == "2026-10-01"


def test_year_without_builtin_data_missing_obvious_holidays_warns(
    data_dir: Path, tmp_path: Path
) -> None:
    from creditcheck.workcal import DayRule, schedule_warnings, validate_calendar_file

    f = tmp_path / "2040.csv"
    f.write_text("日期,类型\n2040-05-01,放假\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["calendar", "import", str(f), "--data", str(data_dir)])
    assert r.exit_code == 0
    assert "2040年的安排里没有春节、国庆节的放假日" in r.output
    full = [DayRule(date(2040, 2, 13), False), DayRule(date(2040, 10, 2), False)]
    assert schedule_warnings(full) == []
    assert (
        schedule_warnings([DayRule(date(2026, 6, 1), False)]) == []
    )  # 内置数据有 2026 年，合并不提醒
    problems = validate_calendar_file(data_dir / "calendar" / "2040.csv")
    assert len(problems) == 1 and "春节" in problems[0]
    bad = tmp_path / "bad.csv"
    bad.write_text("2040-13-01,放假\n", encoding="utf-8")
    assert "第1行" in validate_calendar_file(bad)[0]


# ───────────────────────── 统一社会信用代码的结构 ─────────────────────────


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("91AB0112MA3C4XXXX", "第3–8位应为6位数字的行政区划码"),
        ("00000000000000000", "第1位（登记管理部门）"),
        ("94370112MA3C4XXXX", "第2位（机构类别）"),
        ("Y2370112MA3C4XXXX", "第2位（机构类别）"),
    ],
)
def test_credit_code_structure_is_checked_even_with_the_right_check_char(
    body: str, words: str
) -> None:
    from creditcheck.creditcode import check_char, validate

    r = validate(body + check_char(body))
    assert not r.ok and words in r.message


def test_demo_ledger_codes_are_valid(tmp_path: Path, cal) -> None:
    from exports.demo_ledgers import write_demo_commitment_ledger, write_demo_licence_ledger
    from exports.ledger_io import check_file

    lic_file = write_demo_licence_ledger(tmp_path / "l.xlsx", NOV, date(2026, 11, 28))
    r = check_file(lic_file, "licence", load_builtin(), cal, date(2026, 11, 28))
    code_problems = [p for p in r.problems if "统一社会信用代码" in p.column]
    assert (
        len(code_problems) == 1 and "校验位不符" in code_problems[0].message
    )  # 只有故意写错的那一行
    com = check_file(
        write_demo_commitment_ledger(tmp_path / "c.xlsx", NOV, date(2026, 11, 28)),
        "commitment",
        load_builtin(),
        cal,
        date(2026, 11, 28),
    )
    assert com.problems == []


# ───────────────────────── 双公示列定义：数据，可覆盖 ─────────────────────────


def test_id_numbers_are_checked_with_gb_11643(tmp_path: Path, cal) -> None:
    from exports.ledger_io import check_file

    person = dict(行政相对人类别="自然人", 统一社会信用代码=None, 证件类型="身份证")
    rows = [
        lic(**person, 证件号码="11010519491231002X"),
        lic(**person, 证件号码="110105194912310021", 行政许可决定文书号="2号"),
        lic(**person, 证件号码="110105194913310021", 行政许可决定文书号="3号"),
        lic(**person, 证件号码=None, 行政许可决定文书号="4号"),
        lic(**{**person, "证件类型": "护照号"}, 证件号码="E12345678", 行政许可决定文书号="5号"),
        lic(
            法定代表人="张三",
            法定代表人证件类型="身份证",
            法定代表人证件号码="11010519491231002",
            行政许可决定文书号="6号",
        ),
        lic(当前状态="作废", 行政许可决定文书号="7号"),
    ]
    r = check_file(
        _xlsx(tmp_path / "x.xlsx", rows), "licence", load_builtin(), cal, date(2026, 11, 28)
    )
    got = [(p.row, p.column, p.message) for p in r.problems]
    assert got == [
        (3, "证件号码", "居民身份证号码有误：校验码不符，请对照证件核对整个号码"),
        (4, "证件号码", "居民身份证号码有误：出生日期不存在，请对照证件核对"),
        (5, "证件号码", "行政相对人类别为自然人时应填写证件号码"),
        (7, "法定代表人证件号码", "居民身份证号码应为18位，实际为17位"),
        (8, "当前状态", "应填写 有效、无效 之一"),
    ]


def test_a_city_template_with_other_columns_needs_no_code_change(
    data_dir: Path, tmp_path: Path, cal
) -> None:
    from creditcheck.ledger import (
        builtin_columns_text,
        load_ledger_specs,
        validate_ledger_columns_file,
    )
    from exports.ledger_io import check_file

    custom = (
        builtin_columns_text() + '\n[[licence]]\nname = "事项编码"\nrequired = true\nwidth = 20\n'
    )
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "ledger_columns.toml").write_text(custom, encoding="utf-8")
    assert validate_ledger_columns_file(data_dir / "ledger_columns.toml") == []
    spec = load_ledger_specs(data_dir)["licence"]
    assert spec.columns[-1].name == "事项编码" and spec.columns[-1].required
    f = _xlsx(
        tmp_path / "x.xlsx",
        [lic() + ["370112-001"], lic(行政许可决定文书号="2号") + [None]],
        H + ["事项编码"],
    )
    r = check_file(f, "licence", load_builtin(), cal, date(2026, 11, 28), spec=spec)
    assert [(p.row, p.column, p.message) for p in r.problems] == [(3, "事项编码", "必填项为空")]
    # 命令行按数据文件夹的列定义检查
    out = CliRunner().invoke(main, ["ledger", "check", str(f), "--json", "--data", str(data_dir)])
    assert json.loads(out.stdout)["problems"][0]["column"] == "事项编码"
    # 空白模板也按数据文件夹的列生成
    tpl = tmp_path / "模板.xlsx"
    assert (
        CliRunner()
        .invoke(main, ["ledger", "template", "-o", str(tpl), "--data", str(data_dir)])
        .exit_code
        == 0
    )
    header = [c.value for c in openpyxl.load_workbook(tpl).worksheets[0][1]]
    assert header[-1] == "事项编码" and "证件号码" in header
    bad = tmp_path / "bad.toml"
    bad.write_text('[[licence]]\nname = "许可决定日期"\nvalidator = "phone"\n', encoding="utf-8")
    [msg] = validate_ledger_columns_file(bad)
    assert "validator 应为" in msg and "许可决定日期" in msg


# ───────────────────────── 目录的忠实 ─────────────────────────


def test_indicator_9_monthly_item_is_the_apps_own_reminder(
    catalog: Catalog, cal: WorkCalendar
) -> None:
    ind = catalog.indicator(9)
    [reminder] = ind.reminder_rules
    assert reminder.rule.kind.value == "monthly" and "零存量、零增量" in reminder.what
    assert all(not r.reminder for r in ind.plan_rules) and [
        str(r.rule) for r in ind.plan_rules
    ] == ["immediate"]
    assert catalog.to_json()[8]["reminders"] == ["monthly:26"]
    # 提醒不算逾期，也不计入及时率
    sm = SectionMonth("window", NOV, catalog.version)
    [o] = [o for o in obligations_for(catalog, cal, sm, NOW) if o.indicator_id == 9]
    # 过了提醒日（26日）仍未确认：永远不算逾期，说法是“待确认”（此前这里是“未完成（已逾期）”）
    assert o.reminder and o.state is ObligationState.NOT_DUE and not o.overdue
    assert o.level is Level.DUE_TODAY and o.reminding
    assert o.state_label == "待确认（本软件提醒，非方案期限）"
    ms = assess(catalog, cal, sm, NOW)
    assert ms.indicator(9).state is CellState.NOT_STARTED and o not in ms.overdue
    assert ms.indicator(9).open == () and ms.indicator(9).overdue == ()
    # 总览、.ics 也一样：第9项那一格不是“逾”，逾期事项与通报里没有它，日历里写“提醒”
    from exports.ics import build_ics

    ov = build_overview(catalog, cal, NOV, [sm], NOW)
    row = ov.row("window")
    assert row.cells[9].state is CellState.NOT_STARTED and row.cells[9].overdue == ()
    assert not any(o.indicator_id == 9 for o in row.overdue)
    assert "零存量" not in ov.bulletin
    ics = build_ics([o], catalog, now=NOW).replace("\r\n ", "")
    assert "SUMMARY:信用自查提醒：第9项" in ics and "截止" not in ics
    # 确认之后按时办结与否都不进及时率
    checklist.set_status(sm, catalog, 9, Status.DONE, NOW)
    [o] = [o for o in obligations_for(catalog, cal, sm, NOW) if o.indicator_id == 9]
    assert o.done and not o.reminding
    done = assess(catalog, cal, sm, NOW)
    assert done.indicator(9).state is CellState.DONE and (done.on_time, done.due) == (
        ms.on_time,
        ms.due,
    )


def test_indicator_2_requirement_is_complete_as_in_the_plan(catalog: Catalog) -> None:
    text = catalog.indicator(2).requirement
    plan = Path(__file__).resolve().parents[1] / "docs"
    assert (
        "（除涉及国家秘密、商业秘密或个人隐私及其他依法不予公开外，要全面公开行政许可信息）" in text
    )
    assert text.endswith("体系建设科定期汇总并报送各科室“双公示”信息情况。")
    assert plan.is_dir()


def test_catalogue_rejects_bad_new_fields() -> None:
    base = load_builtin_text()
    with pytest.raises(CatalogError, match="scope 应为"):
        parse_catalog(base.replace('scope = "section"', 'scope = "city"'), "测试")
    with pytest.raises(CatalogError, match="late_credit"):
        parse_catalog(base.replace("late_credit = 1.0", "late_credit = 2"), "测试")
    with pytest.raises(CatalogError, match="reminder 应为"):
        parse_catalog(base.replace("reminder = true", 'reminder = "是"'), "测试")
    with pytest.raises(CatalogError, match="只有配额规则可以写 by"):
        parse_catalog(
            base.replace(
                'rule = "hours:48"\nevent = "article"',
                'rule = "hours:48"\nevent = "article"\nby = "monthly:26"',
            ),
            "测试",
        )


def test_word_submission_does_not_print_the_reminder_as_a_plan_deadline(
    tmp_path: Path, catalog, cal
) -> None:
    from docx import Document

    from creditcheck.settings import Settings
    from exports.submission import export_submission

    sm = SectionMonth("office", NOV, catalog.version)
    ev = checklist.add_event(
        sm, catalog, cal, 7, "activity", "进社区", datetime(2026, 11, 27, 9), NOW
    )
    checklist.set_status(sm, catalog, 7, Status.DONE, NOW)
    out = export_submission(
        catalog, cal, sm, Settings(), tmp_path / "报送.docx", now=NOW, with_requirements=True
    )
    paras = [p.text for p in Document(str(out)).paragraphs]
    deadlines = [p for p in paras if p.startswith("完成时限：")]
    assert deadlines and not any("零存量" in p for p in deadlines)
    assert any(
        p.startswith("本软件提醒（非实施方案规定的期限）：") and "零存量" in p for p in paras
    )
    # 已确认但活动材料（48小时）未报：表1如实写出（状态只写在表1），正文不写“已完成”
    doc = Document(str(out))
    row7 = [[c.text for c in r.cells] for r in doc.tables[0].rows if r.cells[0].text == "7"][0]
    assert row7[2] == "已确认，1项未办结", ev.id
    para7 = next(p for p in paras if "诚信宣传教育活动。" in p[:20])
    assert "已完成" not in para7 and "诚信宣传活动1件，尚未办结。" in para7


def test_fingerprint_survives_the_real_store_submit_and_approve(data_dir: Path, catalog) -> None:
    from storage.reviews import save_with_decisions

    store = Store(data_dir)
    sm = store.load_month("office", NOV, catalog.version)
    checklist.add_evidence(
        sm, catalog, 1, _material(date(2026, 11, 20), datetime(2026, 11, 20, 9)), NOW
    )
    review.submit(sm, "王五", NOW)
    save_with_decisions(store, sm)
    merged = store.record_decision(
        "office", NOV, "approve", "体系科李玲", datetime(2026, 11, 28, 11, 0)
    )
    again = Store(data_dir).load_month("office", NOV, catalog.version)
    assert again.history[-1].action == "approve" and again.history[-1].fingerprint
    assert (
        again.history[-1].fingerprint
        == merged.history[-1].fingerprint
        == content_fingerprint(again)
    )
    assert content_changed_note(again) is None


def test_validate_catalog_file(tmp_path: Path) -> None:
    from creditcheck.catalog import builtin_text, validate_catalog_file

    good = tmp_path / "catalog.toml"
    good.write_text(builtin_text(), encoding="utf-8")
    assert validate_catalog_file(good) == []
    bad = tmp_path / "bad.toml"
    bad.write_text(builtin_text().replace("coordinator = true\n", ""), encoding="utf-8")
    assert validate_catalog_file(bad) == [
        f"目录文件 {bad}：没有标明体系科（coordinator = true），汇总与审核无人负责"
    ]
    broken = tmp_path / "broken.toml"
    broken.write_text(
        builtin_text().replace('scope = "section"', 'scope = "全局"'), encoding="utf-8"
    )
    [msg] = validate_catalog_file(broken)
    assert "scope 应为" in msg
