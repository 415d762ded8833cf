"""演示数据前后一致：新用户和体系科的审核人据此判断这个工具，Word 报送材料也照印。

对几个“此刻”（月初、月中、26日、月末、国庆假期、春节）各生成一次演示数据（与 ``creditcheck demo``
同一路径，含本月导入的演示台账），逐项核对：
- 什么都不晚于此刻；材料日期 ≤ 附上的那一刻 ≤ 确认完成 ≤ 提交 ≤ 审核；台账在提交之前导入；
- 提交、审核时的内容指纹与现在的内容相同（审核界面不会提示“内容与提交时不同”）；
- 企业名称与统一社会信用代码一一对应（台账、事件处处相同）；每个文书号只对应一个企业、一个决定日期；
- 许可决定事件与台账的行说同一件事：同一企业、同一决定日期、同样已上报或未上报；
- 按月报送材料的办结日期就是材料上的日期；不适用的指标没有记下的事和材料。
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from creditcheck.catalog import Catalog
from creditcheck.creditcode import validate
from creditcheck.demo import COMPANIES, COMPANY_BY_NAME
from creditcheck.freeze import content_changed_note
from creditcheck.models import ReviewState, SectionMonth, Status
from creditcheck.month import Month
from creditcheck.obligations import obligations_for
from creditcheck.services.ledgers import demo_ledger_importer
from creditcheck.workcal import WorkCalendar
from storage.demo import make_demo
from storage.store import Store

NOWS = [
    datetime(2026, 11, 1, 0, 20),  # 月初零点刚过（星期日）
    datetime(2026, 11, 1, 9, 0),
    datetime(2026, 11, 15, 14, 0),
    datetime(2026, 11, 26, 10, 0),  # 报送截止日
    datetime(2026, 11, 30, 17, 30),  # 月末
    datetime(2026, 10, 5, 10, 0),  # 国庆假期中
    datetime(2026, 10, 10, 9, 0),  # 调休上班的星期六
    datetime(2026, 2, 17, 10, 0),  # 春节
]


def _day(v: date | datetime) -> date:
    return v.date() if isinstance(v, datetime) else v


def _iso(v: Any) -> date | None:
    return date.fromisoformat(v) if isinstance(v, str) and v else None


def _code_issue(row: dict[str, Any], column: str) -> bool:
    """该行的这一列被台账检查标为有误（演示里故意留下的问题：校验位错、文书号重复）。"""
    return any(i["column"] == column and i["kind"] == "error" for i in row.get("_issues", []))


@pytest.fixture(scope="module", params=NOWS, ids=lambda d: d.strftime("%m-%d_%H%M"))
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from creditcheck.catalog import load_builtin
    from creditcheck.workcal import load_calendar

    now: datetime = request.param
    target = tmp_path_factory.mktemp("demo")
    catalog, cal = load_builtin(), load_calendar(None)
    make_demo(target, now, catalog, cal, ledgers=demo_ledger_importer(target, catalog, cal))
    store = Store(target, read_only=True)
    months = [sm for s in catalog.sections for sm in store.months(s.id)]
    ledgers = {
        (sm.section_id, sm.month, kind): store.load_ledger(sm.section_id, sm.month, kind) or []
        for sm in months
        for kind in ("licence", "commitment")
    }
    yield now, catalog, cal, months, ledgers
    store.close()


def test_nothing_after_now_and_times_in_order(demo) -> None:  # type: ignore[no-untyped-def]
    now, _catalog, _cal, months, ledgers = demo
    cur = Month.of(now.date())
    assert {sm.month for sm in months} == {cur.shift(-2), cur.shift(-1), cur}
    for sm in months:
        where = (sm.section_id, str(sm.month))
        submitted = sm.submitted_at
        for iid, e in sm.entries.items():
            w = (*where, iid)
            for ev in e.evidence:
                assert ev.attached_at is not None and ev.attached_at <= now, w
                assert ev.effective_date is not None
                assert ev.effective_date <= ev.attached_at.date(), (w, ev)  # 材料日期 ≤ 附上那天
                assert Month.of(ev.effective_date) == sm.month, (w, ev)
            for event in e.events:
                assert Month.of(event.occurred_at.date()) == sm.month, (w, event)
                assert event.occurred_at <= now, (w, event)
                if event.done_at is not None:
                    assert event.occurred_at <= event.done_at <= now, (w, event)
            assert e.updated_at is None or e.updated_at <= now, w
            if e.status is Status.DONE:
                done = e.completed_at
                assert done is not None and done <= now, w
                # 确认完成时，材料已附上、事件已记下并办结
                assert all(ev.attached_at and ev.attached_at <= done for ev in e.evidence), w
                for event in e.events:
                    assert event.done_at is not None and event.done_at <= done, (w, event)
            if e.status is Status.NOT_APPLICABLE:
                assert not e.events and not e.evidence, w  # “本月没有这类事”就真的没有
            if submitted is not None and sm.review is not ReviewState.DRAFT:
                assert e.updated_at is None or e.updated_at <= submitted, w  # 提交之后不再改
        for kind, summary in sm.ledgers.items():
            imported = datetime.fromisoformat(summary["imported_at"])
            assert imported <= now and (submitted is None or imported <= submitted), (where, kind)
        for kind in ("licence", "commitment"):
            for row in ledgers[(sm.section_id, sm.month, kind)]:
                for col in ("许可决定日期", "上报日期", "承诺日期", "践诺核查日期", "有效期自"):
                    d = _iso(row.get(col))
                    assert d is None or (d <= now.date() and Month.of(d) == sm.month), (where, row)
        times = [r.at for r in sm.history]
        assert times == sorted(times) and all(t <= now for t in times), where
        # 提交、审核时的内容就是现在的内容
        assert content_changed_note(sm) is None, where


def test_one_code_per_company_and_one_company_per_decision(demo) -> None:  # type: ignore[no-untyped-def]
    _now, _catalog, _cal, months, ledgers = demo
    codes: dict[str, set[str]] = {}
    decisions: dict[str, set[tuple[str, str]]] = {}
    for (_sid, _month, kind), rows in ledgers.items():
        for row in rows:
            if kind == "licence":
                name, code = row["行政相对人名称"], row["统一社会信用代码"]
                if not _code_issue(row, "行政许可决定文书号"):
                    decisions.setdefault(row["行政许可决定文书号"], set()).add(
                        (name, row["许可决定日期"])
                    )
                else:  # 故意重复的文书号：是另一行的号
                    assert row["行政许可决定文书号"] in {r["行政许可决定文书号"] for r in rows}
            else:
                name, code = row["承诺主体名称"], row["统一社会信用代码"]
            if _code_issue(row, "统一社会信用代码"):  # 故意写错的校验位：前17位仍是这家企业的
                assert code[:17] == COMPANY_BY_NAME[name].code[:17] and not validate(code).ok
                continue
            codes.setdefault(name, set()).add(code)
    for sm in months:
        for _iid, ev in sm.all_events():
            if ev.kind == "code-error":
                company = COMPANY_BY_NAME[ev.title]  # 重错码事件的名称就是主体名称
                if validate(ev.fields["code"]).ok:
                    codes.setdefault(ev.title, set()).add(ev.fields["code"])
                else:  # 错码：前17位是这家企业的
                    assert ev.fields["code"][:17] == company.code[:17]
            if ev.kind == "licence":
                assert ev.fields["subject"] in COMPANY_BY_NAME, ev
                decisions.setdefault(ev.title, set()).add(
                    (ev.fields["subject"], ev.occurred_at.date().isoformat())
                )
            if ev.kind == "objection":
                assert ev.title.startswith(tuple(c.name for c in COMPANIES)), ev
    assert codes, "演示里应有企业代码"
    for name, found in codes.items():
        assert found == {COMPANY_BY_NAME[name].code}, (name, found)
    assert decisions
    for no, found in decisions.items():
        assert len(found) == 1, (no, found)  # 一个文书号只有一个企业、一个决定日期
    letters = [
        ev.fields["letter_no"]
        for sm in months
        for _, ev in sm.all_events()
        if ev.kind == "objection"
    ]
    assert len(letters) == len(set(letters)), letters  # 来函编号各不相同


def test_licence_events_and_ledger_rows_say_the_same(demo) -> None:  # type: ignore[no-untyped-def]
    _now, _catalog, _cal, months, ledgers = demo
    compared = 0
    for sm in months:
        rows = ledgers[(sm.section_id, sm.month, "licence")]
        if not rows:
            continue
        by_no = {
            r["行政许可决定文书号"]: r for r in rows if not _code_issue(r, "行政许可决定文书号")
        }
        events = [ev for _, ev in sm.all_events() if ev.kind == "licence"]
        for ev in events:
            row = by_no[ev.title]
            assert row["行政相对人名称"] == ev.fields["subject"]
            assert row["许可决定日期"] == ev.occurred_at.date().isoformat()
            reported = ev.done_at.date().isoformat() if ev.done_at else ""
            assert row["上报日期"] == reported, (ev, row)  # 事件“未上传”，台账也未上报
            compared += 1
        # 台账里尚未上报的许可决定都记成了事件；首页、文档里不再重复列出台账的那一行
        pending = {r["行政许可决定文书号"] for r in rows if not r["上报日期"]}
        assert pending == {ev.title for ev in events if ev.done_at is None}
    if any(ledgers.values()):
        assert compared >= 1


def test_monthly_materials_are_done_on_the_material_date(demo) -> None:  # type: ignore[no-untyped-def]
    now, catalog, cal, months, _ledgers = demo
    checked = 0
    for sm in months:
        records = [m for m in months if m.section_id == sm.section_id]
        obs = obligations_for(catalog, cal, sm, now, records=records)
        for o in obs:
            assert o.done_at is None or _day(o.done_at) <= now.date(), o
            if o.kind == "ledger":
                raise AssertionError(f"台账里未上报的行已作为事件记下，不应再列一项：{o.what}")
            if o.kind == "monthly" and o.met_by.startswith("佐证材料"):
                entry = sm.entries[o.indicator_id]
                dates = [ev.effective_date for ev in entry.evidence if ev.effective_date]
                assert o.done_at == min(dates), (sm.section_id, sm.month, o)
                checked += 1
    assert checked > 10


def test_past_months_are_reviewed_in_order(demo) -> None:  # type: ignore[no-untyped-def]
    now, _catalog, _cal, months, _ledgers = demo
    cur = Month.of(now.date())
    for sm in months:
        if sm.month == cur:
            assert sm.review in (ReviewState.DRAFT, ReviewState.SUBMITTED)
            continue
        submit = next(r for r in sm.history if r.action == "submit")
        done = [e.completed_at for e in sm.entries.values() if e.completed_at]
        assert done and max(done) <= submit.at, (sm.section_id, sm.month)


def _sections(months: list[SectionMonth], catalog: Catalog) -> set[str]:
    return {sm.section_id for sm in months} & {s.id for s in catalog.sections}


def test_every_section_has_three_months(demo) -> None:  # type: ignore[no-untyped-def]
    _now, catalog, _cal, months, _ledgers = demo
    assert _sections(months, catalog) == {s.id for s in catalog.sections}
    assert len(months) == 3 * len(catalog.sections)


def test_cal_fixture_is_the_real_calendar(cal: WorkCalendar) -> None:
    # 国庆与春节的日期按真实的节假日安排（演示据此算期限）
    assert not cal.is_workday(date(2026, 10, 5)) and cal.is_workday(date(2026, 10, 10))
    assert not cal.is_workday(date(2026, 2, 17))
