"""期限规则：每种规则、跨节假日、调休上班日、预警等级。"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from creditcheck.errors import InputError
from creditcheck.month import Month
from creditcheck.rules import (
    DeadlineRule,
    Level,
    RuleKind,
    compute_due,
    is_on_time,
    parse_from,
    warning_level,
)
from creditcheck.workcal import WorkCalendar


def due(cal: WorkCalendar, start: str, rule: str) -> dict[str, str]:
    return compute_due(parse_from(start), DeadlineRule.parse(rule), cal).to_json()


@pytest.mark.parametrize(
    "text",
    [
        "natural-days:15",
        "working-days:3",
        "hours:48",
        "month-end",
        "monthly:26",
        "quota:1/month",
        "quota:2/year",
        "year-end",
        "immediate",
    ],
)
def test_rule_spellings_round_trip(text: str) -> None:
    assert str(DeadlineRule.parse(text)) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("weekly:2", "未知的期限规则类型"),
        ("working-days", "缺少数字参数"),
        ("month-end:3", "不带数字参数"),
        ("quota:2", "quota:N/month"),
        ("monthly:32", "1到31"),
        ("", "无法识别"),
        ("working-days:0", "至少为1"),
    ],
)
def test_bad_rules(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        DeadlineRule.parse(text)


def test_natural_days(cal: WorkCalendar) -> None:
    assert due(cal, "2026-09-30", "natural-days:15")["due"] == "2026-10-15"  # 跨国庆也按自然日


def test_working_days_straddle_national_day(cal: WorkCalendar) -> None:
    # 9-30（周三）之后：10-1..7 放假，10-8（周四）、10-9（周五）、10-10（周六调休上班）
    j = due(cal, "2026-09-30", "working-days:3")
    assert j["due"] == "2026-10-10" and j["calendar"] == "official"


def test_working_day_on_make_up_saturday(cal: WorkCalendar) -> None:
    assert due(cal, "2026-02-13", "working-days:1")["due"] == "2026-02-14"  # 周六调休上班
    assert due(cal, "2026-02-14", "working-days:1")["due"] == "2026-02-24"  # 春节假期之后


def test_working_days_fallback_flagged(cal: WorkCalendar) -> None:
    j = due(cal, "2026-12-31", "working-days:1")
    assert j["due"] == "2027-01-01" and j["calendar"] == "weekday-fallback"


def test_hours(cal: WorkCalendar) -> None:
    j = due(cal, "2026-09-30T15:00", "hours:48")
    assert j["from"] == "2026-09-30T15:00" and j["due"] == "2026-10-02T15:00"


def test_month_end_and_year_end(cal: WorkCalendar) -> None:
    assert due(cal, "2026-02-03", "month-end")["due"] == "2026-02-28"
    assert due(cal, "2026-05-20", "year-end")["due"] == "2026-12-31"


@pytest.mark.parametrize(
    ("month", "due_day", "effective"),
    [
        ("2026-11", "2026-11-26", "2026-11-26"),  # 周四
        ("2026-09", "2026-09-26", "2026-09-24"),  # 周六，9-25 中秋放假
        ("2026-12", "2026-12-26", "2026-12-25"),  # 周六
        ("2026-04", "2026-04-26", "2026-04-24"),  # 周日
    ],
)
def test_monthly_effective_due(cal: WorkCalendar, month: str, due_day: str, effective: str) -> None:
    j = due(cal, month, "monthly:26")
    assert (j["due"], j["effective_due"]) == (due_day, effective)


def test_monthly_from_a_date_uses_its_month(cal: WorkCalendar) -> None:
    assert due(cal, "2026-09-03", "monthly:26")["effective_due"] == "2026-09-24"


def test_monthly_in_unknown_year_falls_back(cal: WorkCalendar) -> None:
    j = due(cal, "2027-09", "monthly:26")
    assert j["effective_due"] == "2027-09-24" and j["calendar"] == "weekday-fallback"


def test_immediate(cal: WorkCalendar) -> None:
    # “第一时间”：当天处置完毕都算及时
    assert due(cal, "2026-11-03T08:30", "immediate")["due"] == "2026-11-03"


def test_quota_due_is_period_end(cal: WorkCalendar) -> None:
    assert due(cal, "2026-11-03", "quota:1/month")["due"] == "2026-11-30"
    assert due(cal, "2026-11-03", "quota:2/year")["due"] == "2026-12-31"


def test_parse_from() -> None:
    assert parse_from("2026-12") == Month(2026, 12)
    assert parse_from("2026-09-30") == date(2026, 9, 30)
    assert parse_from("2026-09-30T15:00") == datetime(2026, 9, 30, 15, 0)
    with pytest.raises(InputError, match="日期不存在"):
        parse_from("2026-02-30")


class TestWarningLevels:
    def test_overdue(self, cal: WorkCalendar) -> None:
        assert warning_level(date(2026, 11, 26), date(2026, 11, 27), cal)[0] is Level.OVERDUE

    def test_due_today(self, cal: WorkCalendar) -> None:
        assert warning_level(date(2026, 11, 26), date(2026, 11, 26), cal)[0] is Level.DUE_TODAY

    def test_due_soon_counts_working_days(self, cal: WorkCalendar) -> None:
        # 9-30 起，10-9 只差 2 个工作日（10-8、10-9），国庆七天不算
        assert warning_level(date(2026, 10, 9), date(2026, 9, 30), cal)[0] is Level.DUE_SOON
        assert warning_level(date(2026, 10, 12), date(2026, 9, 30), cal)[0] is Level.OK

    def test_horizon_is_configurable(self, cal: WorkCalendar) -> None:
        d = date(2026, 11, 26)
        assert warning_level(d, date(2026, 11, 20), cal, horizon=3)[0] is Level.OK
        assert warning_level(d, date(2026, 11, 20), cal, horizon=4)[0] is Level.DUE_SOON

    def test_hours_deadline_passes_within_the_day(self, cal: WorkCalendar) -> None:
        due_at = datetime(2026, 11, 28, 9, 0)
        assert warning_level(due_at, datetime(2026, 11, 28, 10, 0), cal)[0] is Level.OVERDUE
        assert warning_level(due_at, datetime(2026, 11, 28, 8, 0), cal)[0] is Level.DUE_TODAY

    def test_fallback_flag_in_level(self, cal: WorkCalendar) -> None:
        level, fb = warning_level(date(2027, 1, 5), date(2026, 12, 31), cal)
        assert level is Level.DUE_SOON and fb


def test_on_time() -> None:
    assert is_on_time(datetime(2026, 11, 26, 23, 0), date(2026, 11, 26))
    assert not is_on_time(date(2026, 11, 27), date(2026, 11, 26))
    assert not is_on_time(datetime(2026, 11, 28, 9, 1), datetime(2026, 11, 28, 9, 0))


def test_rule_labels() -> None:
    assert DeadlineRule.parse("working-days:3").label == "3个工作日内"
    assert DeadlineRule.parse("monthly:26").label == "每月26日前"
    assert DeadlineRule.parse("quota:2/year").label == "每年至少2次"
    assert DeadlineRule.parse("hours:48").kind is RuleKind.HOURS
