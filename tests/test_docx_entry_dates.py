"""报送材料里不能有日期在报送日之后的佐证或事件：录入时就拒绝（一行中文说明），演示数据也从不生成。"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditcheck import checklist
from creditcheck.errors import CreditCheckError
from creditcheck.evidence import EvidenceError, attach
from creditcheck.models import Evidence, SectionMonth
from creditcheck.month import Month

NOW = datetime(2026, 11, 28, 10, 0)


def test_attach_refuses_evidence_dated_after_today(tmp_path: Path) -> None:
    f = tmp_path / "学习记录.docx"
    f.write_bytes(b"x")
    with pytest.raises(EvidenceError) as e:
        attach(str(f), now=NOW, effective_date=date(2026, 12, 20))
    assert str(e.value) == "材料日期 2026-12-20 晚于今天（2026-11-28），请核对"
    ev = attach(str(f), now=NOW, effective_date=date(2026, 11, 28))  # 今天可以
    assert ev.effective_date == date(2026, 11, 28)


def test_add_evidence_refuses_future_date_even_when_built_elsewhere(catalog) -> None:
    sm = SectionMonth("commerce", Month(2026, 11), catalog.version)
    ev = Evidence(path="a.pdf", abs_path="/tmp/a.pdf", effective_date=date(2026, 11, 29))
    with pytest.raises(CreditCheckError, match="晚于今天"):
        checklist.add_evidence(sm, catalog, 2, ev, NOW)
    assert sm.entries == {}  # 什么也没记


def test_add_event_refuses_future_date(catalog, cal) -> None:
    sm = SectionMonth("commerce", Month(2026, 11), catalog.version)
    with pytest.raises(CreditCheckError) as e:
        checklist.add_event(
            sm, catalog, cal, 10, "objection", "某函", datetime(2026, 12, 1, 9, 0), NOW
        )
    assert str(e.value) == "发生日期 2026-12-01 晚于今天（2026-11-28），请核对"
    with pytest.raises(CreditCheckError, match="晚于今天"):
        checklist.add_event(
            sm,
            catalog,
            cal,
            10,
            "objection",
            "某函",
            datetime(2026, 11, 20, 9, 0),
            NOW,
            done_at=datetime(2026, 11, 29, 9, 0),
        )
    assert not sm.entry(10).events


@settings(max_examples=60, deadline=None)
@given(days=st.integers(min_value=-400, max_value=400))
def test_evidence_date_rule_holds_for_any_day(days: int) -> None:
    from datetime import timedelta

    from creditcheck.evidence import check_evidence_date

    d = NOW.date() + timedelta(days=days)
    if days > 0:
        with pytest.raises(EvidenceError):
            check_evidence_date(d, NOW)
    else:
        check_evidence_date(d, NOW)


@pytest.mark.parametrize(
    "now", [datetime(2026, 12, 1, 9, 0), datetime(2026, 11, 5, 8, 0), datetime(2026, 11, 28, 10, 0)]
)
def test_demo_never_dates_anything_after_now(now: datetime, catalog, cal, tmp_path: Path) -> None:
    from storage.demo import make_demo
    from storage.store import Store

    make_demo(tmp_path / "demo", now, catalog, cal)
    store = Store(tmp_path / "demo", read_only=True)
    seen = 0
    for section in catalog.sections:
        for sm in store.months(section.id):
            for entry in sm.entries.values():
                for ev in entry.evidence:
                    seen += 1
                    assert ev.effective_date is None or ev.effective_date <= now.date(), (
                        section.id,
                        sm.month,
                        ev,
                    )
                for event in entry.events:
                    assert event.occurred_at <= now, (section.id, sm.month, event)
                    assert event.done_at is None or event.done_at <= now, (
                        section.id,
                        sm.month,
                        event,
                    )
    assert seen > 50
    cur = store.load_month("commerce", Month.of(now.date()))
    assert cur.plans.startswith("本月“双公示”台账中")
