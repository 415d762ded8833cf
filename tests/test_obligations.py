"""义务、配额节奏、得分、及时率、自查修改与审核状态机。"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from creditcheck import checklist, review
from creditcheck.catalog import Catalog
from creditcheck.errors import InputError
from creditcheck.evidence import CHANGED, MISSING, OK, EvidenceMissing, attach, evidence_state
from creditcheck.models import Evidence, ReviewState, SectionMonth, Status
from creditcheck.month import Month
from creditcheck.obligations import (
    ObligationState,
    obligations_for,
    open_obligations,
    quota_lines,
    timeliness,
)
from creditcheck.rules import Level
from creditcheck.scoring import score
from creditcheck.workcal import WorkCalendar

NOW = datetime(2026, 11, 28, 10, 0)
NOV = Month(2026, 11)


def month(catalog: Catalog, section: str = "commerce", m: Month = NOV) -> SectionMonth:
    return SectionMonth(section, m, catalog.version)


def _material(day: date, at: datetime, name: str = "材料.docx") -> Evidence:
    return Evidence(path=name, abs_path=f"/nonexistent/{name}", effective_date=day, attached_at=at)


def test_monthly_obligations_and_levels(catalog: Catalog, cal: WorkCalendar) -> None:
    sm = month(catalog)
    obs = obligations_for(catalog, cal, sm, datetime(2026, 11, 24, 9, 0))
    monthly = [o for o in obs if o.rule == "monthly:26"]
    assert {o.indicator_id for o in monthly} == {2, 3, 6, 8, 9}
    assert all(o.level is Level.DUE_SOON for o in monthly)
    late = obligations_for(catalog, cal, sm, NOW)
    late_monthly = [o for o in late if o.rule == "monthly:26"]
    assert all(o.level is Level.OVERDUE for o in late_monthly if not o.reminder)
    # 第9项的每月确认是本软件的提醒：过了提醒日也不算逾期
    assert [(o.indicator_id, o.level, o.overdue) for o in late_monthly if o.reminder] == [
        (9, Level.DUE_TODAY, False)
    ]


def test_event_obligation_and_completion(catalog: Catalog, cal: WorkCalendar) -> None:
    sm = month(catalog)
    ev = checklist.add_event(
        sm, catalog, cal, 10, "objection", "某公司异议", datetime(2026, 11, 27, 16, 0), NOW
    )
    assert ev.due_at == date(2026, 11, 30)  # 周五收到，下一个工作日是周一
    [o] = [o for o in obligations_for(catalog, cal, sm, NOW) if o.event_id == ev.id]
    assert o.level is Level.DUE_SOON and o.due_label == "11月30日"
    checklist.complete_event(sm, catalog, 10, ev.id, datetime(2026, 11, 28, 9, 0), NOW)
    [o] = [o for o in obligations_for(catalog, cal, sm, NOW) if o.event_id == ev.id]
    assert o.done and o.on_time


def test_hours_rule_event_late(catalog: Catalog, cal: WorkCalendar) -> None:
    sm = month(catalog)
    checklist.add_event(
        sm,
        catalog,
        cal,
        4,
        "article",
        "稿件",
        datetime(2026, 11, 20, 10, 0),
        NOW,
        done_at=datetime(2026, 11, 22, 11, 0),
    )
    [o] = [
        o
        for o in obligations_for(catalog, cal, sm, NOW)
        if o.indicator_id == 4 and o.kind == "event"
    ]
    assert o.done and o.on_time is False  # 48 小时到 11-22 10:00
    assert o.state is ObligationState.LATE and o.state_label == "逾期完成"
    # 同一篇稿件也满足“每月26日前上报1篇”的配额：11-22 上报，早于 11-26
    [q] = [
        o
        for o in obligations_for(catalog, cal, sm, NOW)
        if o.indicator_id == 4 and o.kind == "quota"
    ]
    assert q.state is ObligationState.ON_TIME and q.done_at == datetime(2026, 11, 22, 11, 0)


def test_open_obligations_sorted_by_urgency(catalog: Catalog, cal: WorkCalendar) -> None:
    sm = month(catalog)
    checklist.add_event(
        sm, catalog, cal, 10, "objection", "来函", datetime(2026, 11, 27, 16, 0), NOW
    )
    items = open_obligations(obligations_for(catalog, cal, sm, NOW))
    assert items[0].level is Level.OVERDUE
    # 来函（11-30 到期）即将到期；按年配额（信易批案例，年底）最不急，排在最后
    assert [o.level for o in items][-2:] == [Level.DUE_SOON, Level.OK]
    assert items[-1].kind == "quota" and items[-1].state is ObligationState.NOT_DUE


def test_quota_pacing(catalog: Catalog, cal: WorkCalendar) -> None:
    sep = month(catalog, "office", Month(2026, 9))
    checklist.add_event(
        sep, catalog, cal, 7, "activity", "诚信进社区", datetime(2026, 9, 10, 16, 0), NOW
    )
    nov = month(catalog, "office")
    lines = {q.indicator_id: q for q in quota_lines(catalog, "office", [sep, nov], NOV)}
    assert lines[7].text == "诚信宣传活动 1/2，距年底还有 1 个月，请抓紧安排"
    assert lines[4].text == "信用动态 0/1（本月）" and not lines[4].met


def test_score_weighted(catalog: Catalog, cal: WorkCalendar) -> None:
    sm = month(catalog, "office")  # 1, 4, 7, 9
    checklist.add_evidence(
        sm, catalog, 1, _material(date(2026, 11, 20), datetime(2026, 11, 20, 9)), NOW
    )
    checklist.set_status(sm, catalog, 1, Status.DONE, NOW)
    checklist.set_status(sm, catalog, 7, Status.NOT_APPLICABLE, NOW, reason="本年度活动已完成")
    checklist.set_status(sm, catalog, 9, Status.IN_PROGRESS, NOW)
    s = score(catalog, sm, cal, NOW)
    assert (s.done, s.total, s.not_applicable, s.in_progress) == (1, 3, 1, 1)
    assert s.weighted == pytest.approx(33.3)


def test_not_applicable_needs_reason(catalog: Catalog) -> None:
    with pytest.raises(InputError, match="必须填写理由"):
        checklist.set_status(month(catalog), catalog, 2, Status.NOT_APPLICABLE, NOW, reason=" ")


def test_counts_and_ratio(catalog: Catalog) -> None:
    sm = month(catalog)
    checklist.set_count(sm, catalog, 8, "credit_checks", "1,200", NOW)
    checklist.set_count(sm, catalog, 8, "joint_sanctions", 3, NOW)
    checklist.set_count(sm, catalog, 8, "market_entities", 400, NOW)
    assert checklist.application_ratio(sm.entry(8).counts) == pytest.approx(3.0075)
    with pytest.raises(InputError, match="不小于0的整数"):
        checklist.set_count(sm, catalog, 8, "market_entities", "-1", NOW)


def test_event_input_checks(catalog: Catalog, cal: WorkCalendar) -> None:
    sm = month(catalog)
    with pytest.raises(InputError, match="晚于今天"):
        checklist.add_event(sm, catalog, cal, 10, "objection", "x", datetime(2026, 11, 29, 9), NOW)
    with pytest.raises(InputError, match="早于事件发生"):
        checklist.add_event(
            sm,
            catalog,
            cal,
            10,
            "objection",
            "x",
            datetime(2026, 11, 20, 9),
            NOW,
            done_at=datetime(2026, 11, 19, 9),
        )
    with pytest.raises(InputError, match="不记录“信用动态”"):
        checklist.add_event(sm, catalog, cal, 10, "article", "x", datetime(2026, 11, 20, 9), NOW)
    with pytest.raises(InputError, match="不由商事登记科负责"):
        checklist.set_status(sm, catalog, 1, Status.DONE, NOW)


def test_timeliness(catalog: Catalog, cal: WorkCalendar) -> None:
    sm = month(catalog)
    checklist.add_event(
        sm,
        catalog,
        cal,
        10,
        "objection",
        "按时",
        datetime(2026, 11, 2, 9),
        NOW,
        done_at=datetime(2026, 11, 3, 9),
    )
    checklist.add_event(
        sm,
        catalog,
        cal,
        10,
        "objection",
        "超时",
        datetime(2026, 11, 2, 9),
        NOW,
        done_at=datetime(2026, 11, 5, 9),
    )
    obs = obligations_for(catalog, cal, sm, NOW)
    met, due = timeliness(obs, NOW.date())
    # 两件来函（一件按时）+ 4 项按月报送（2、3、6、8）与每月1篇信用动态已过期未完成；
    # 第9项的确认只是本软件的提醒，不计入
    assert (met, due) == (1, 7)


def test_copy_from_previous(catalog: Catalog, tmp_path: Path) -> None:
    f = tmp_path / "制度文件清单.docx"
    f.write_bytes(b"doc")
    oct_ = month(catalog, "office", Month(2026, 10))
    checklist.set_note(oct_, catalog, 1, "现行制度文件 12 件", NOW)
    checklist.add_evidence(oct_, catalog, 1, attach(str(f), now=NOW), NOW)
    nov = month(catalog, "office")
    assert checklist.copy_from_previous(oct_, nov, catalog, NOW) == [1]
    assert nov.entry(1).note == "现行制度文件 12 件" and nov.entry(1).status is Status.IN_PROGRESS
    assert nov.entry(1).evidence[0].id != oct_.entry(1).evidence[0].id
    # 沿用的材料记为本月的材料（沿用的这一刻），本月的“按月报送”随之办结
    assert nov.entry(1).evidence[0].effective_date == NOW.date()
    [o] = [o for o in obligations_for(catalog, WorkCalendar(), nov, NOW) if o.indicator_id == 1]
    assert o.met and o.done_at == NOW.date()  # 办结日期是材料上的日期
    assert checklist.copy_from_previous(oct_, nov, catalog, NOW) == []  # 已有内容不覆盖


def test_evidence_states(tmp_path: Path) -> None:
    f = tmp_path / "佐证 材料 1.txt"
    f.write_text("第一版", encoding="utf-8")
    ev = attach(f'  "{f}" ', now=NOW, note="学习记录")
    assert ev.sha256 and ev.size == len("第一版".encode()) and evidence_state(ev) == OK
    f.write_text("第二版！", encoding="utf-8")
    assert evidence_state(ev) == CHANGED
    f.unlink()
    assert evidence_state(ev) == MISSING
    with pytest.raises(EvidenceMissing, match="文件不存在"):
        attach(str(f), now=NOW)
    assert attach(str(f), now=NOW, allow_missing=True).sha256 is None


def test_review_state_machine(catalog: Catalog) -> None:
    sm = month(catalog)
    with pytest.raises(review.ReviewError):
        review.approve(sm, "体系科", NOW)
    review.submit(sm, "张三", NOW)
    assert sm.review is ReviewState.SUBMITTED and sm.submitted_at == NOW
    with pytest.raises(review.ReviewError, match="必须填写意见"):
        review.return_for_changes(sm, "体系科", NOW, " ")
    review.return_for_changes(sm, "体系科", NOW, "请补充学习记录")
    assert sm.last_return_comment == "请补充学习记录"
    review.submit(sm, "张三", NOW)
    review.approve(sm, "体系科", NOW)
    assert sm.locked
    with pytest.raises(checklist.LockedMonthError):
        checklist.set_status(sm, catalog, 2, Status.DONE, NOW)
    with pytest.raises(review.ReviewError, match="必须填写理由"):
        review.reopen(sm, "体系科", NOW, "")
    review.reopen(sm, "体系科", NOW, "区信用办要求补报")
    assert sm.review is ReviewState.RETURNED and sm.history[-1].comment == "区信用办要求补报"
    assert [r.action for r in SectionMonth.from_dict(sm.to_dict()).history] == [
        "submit",
        "return",
        "submit",
        "approve",
        "reopen",
    ]


def test_quota_counts_reported_articles_only(catalog: Catalog, cal: WorkCalendar) -> None:
    sm = month(catalog, "office")
    checklist.add_event(
        sm, catalog, cal, 4, "article", "未上报的稿件", datetime(2026, 11, 27, 9, 0), NOW
    )
    [line] = [q for q in quota_lines(catalog, "office", [sm], NOV) if q.indicator_id == 4]
    assert (line.done, line.met) == (0, False)  # “每月上报1篇”：还没上报的不算
    checklist.add_event(
        sm,
        catalog,
        cal,
        4,
        "article",
        "已上报",
        datetime(2026, 11, 20, 9, 0),
        NOW,
        done_at=datetime(2026, 11, 21, 9, 0),
    )
    [line] = [q for q in quota_lines(catalog, "office", [sm], NOV) if q.indicator_id == 4]
    assert line.text == "信用动态 1/1（本月），已达到要求"


def test_xinyi_case_is_due_by_year_end(catalog: Catalog, cal: WorkCalendar) -> None:
    sm = month(catalog)
    ev = checklist.add_event(
        sm,
        catalog,
        cal,
        6,
        "case",
        "容缺受理：信用良好企业先批后补",
        datetime(2026, 11, 10, 9),
        NOW,
    )
    assert ev.due_at == date(2026, 12, 31)  # 年底前完成应用案例并报体系科审核
    [o] = [o for o in obligations_for(catalog, cal, sm, NOW) if o.event_id == ev.id]
    assert o.rule == "year-end" and o.level is Level.OK and not o.done
