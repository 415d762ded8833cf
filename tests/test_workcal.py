"""工作日历：2026 年国务院安排、用户文件覆盖、周一至周五兜底、通知原文解析。"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from creditcheck.errors import InputError
from creditcheck.workcal import (
    WorkCalendar,
    load_calendar,
    notice_year,
    parse_csv,
    parse_notice,
    rules_to_csv,
)

NOTICE = (Path(__file__).parent / "data" / "notice-2026.txt").read_text(encoding="utf-8")


def test_2026_national_day(cal: WorkCalendar) -> None:
    for day in range(1, 8):
        info = cal.info(date(2026, 10, day))
        assert not info.workday and info.name == "国庆节" and not info.fallback
    assert cal.is_workday(date(2026, 10, 8))


@pytest.mark.parametrize("md", ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"])
def test_2026_make_up_workdays(cal: WorkCalendar, md: str) -> None:
    d = date.fromisoformat(f"2026-{md}")
    assert d.weekday() >= 5  # 都是周末
    assert cal.is_workday(d)


def test_2026_spring_festival(cal: WorkCalendar) -> None:
    days = [date(2026, 2, 15) + timedelta(days=i) for i in range(9)]
    assert all(not cal.is_workday(d) for d in days)
    assert cal.is_workday(date(2026, 2, 24))


def test_fallback_for_unknown_year(cal: WorkCalendar) -> None:
    info = cal.info(date(2027, 1, 1))  # 周五；包里没有 2027 年的数据
    assert info.workday and info.fallback
    assert not cal.covers(2027) and cal.covers(2026)
    assert cal.fallback_warning(2027) == "2027年节假日安排未导入，按周一至周五计算"
    assert not cal.is_workday(date(2027, 1, 2))  # 周六


def test_user_file_overrides_package(tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    folder.mkdir()
    # 假设某地 2026-10-09（周五）另行放假，2026-10-10 的调休上班取消
    (folder / "local.csv").write_text(
        "日期,类型\n2026-10-09,放假,地方安排\n2026-10-10,放假\n", encoding="utf-8"
    )
    cal = load_calendar(tmp_path)
    assert not cal.is_workday(date(2026, 10, 9))
    assert cal.info(date(2026, 10, 9)).source == "用户导入（local.csv）"
    assert not cal.is_workday(date(2026, 10, 10))


def test_user_file_for_new_year_is_not_fallback(tmp_path: Path) -> None:
    (tmp_path / "calendar").mkdir()
    (tmp_path / "calendar" / "2027.csv").write_text(
        "日期,类型\n2027-01-01,放假\n2027-01-04,放假\n", encoding="utf-8"
    )
    cal = load_calendar(tmp_path)
    assert cal.covers(2027)
    assert not cal.is_workday(date(2027, 1, 4))
    i = cal.info(date(2027, 1, 5))
    assert i.workday and not i.fallback


def test_csv_errors_are_chinese() -> None:
    with pytest.raises(InputError, match="第2行：类型应为“放假”或“上班”"):
        parse_csv("日期,类型\n2027-01-01,调休\n")
    with pytest.raises(InputError, match="第1行：日期不存在"):
        parse_csv("2027-02-30,放假\n")
    with pytest.raises(InputError, match="没有任何日期"):
        parse_csv("日期,类型\n")


def test_notice_parser_matches_official_2026() -> None:
    assert notice_year(NOTICE) == 2026
    rules = parse_notice(NOTICE)
    off = {r.day for r in rules if not r.workday}
    on = {r.day for r in rules if r.workday}
    assert on == {
        date.fromisoformat(f"2026-{x}")
        for x in ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"]
    }
    assert {date(2026, 10, d) for d in range(1, 8)} <= off
    assert {date(2026, 2, 15) + timedelta(days=i) for i in range(9)} <= off
    assert len(off) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    # 与内置数据逐日一致
    imported = WorkCalendar(overrides={r.day: r for r in rules}, use_package=False)
    official = WorkCalendar()
    d = date(2026, 1, 1)
    while d.year == 2026:
        assert imported.is_workday(d) == official.is_workday(d), d
        d += timedelta(days=1)
    names = {r.name for r in rules}
    assert names == {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}


def test_notice_for_next_year_with_cross_month_range() -> None:
    text = (
        "国务院办公厅关于2027年部分节假日安排的通知\n"
        "一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n"
        "四、劳动节：4月30日（周五）至5月4日（周二）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。\n"
    )
    rules = parse_notice(text)
    off = sorted(r.day for r in rules if not r.workday)
    assert date(2027, 4, 30) in off and date(2027, 5, 4) in off and len(off) == 8
    assert {r.day for r in rules if r.workday} == {date(2027, 4, 25), date(2027, 5, 8)}
    cal = WorkCalendar(overrides={r.day: r for r in rules})
    assert not cal.is_workday(date(2027, 5, 3)) and cal.is_workday(date(2027, 5, 8))
    assert not cal.info(date(2027, 6, 1)).fallback


def test_notice_without_year_needs_option() -> None:
    body = "一、元旦：1月1日至3日放假，共3天。"
    with pytest.raises(InputError, match="--year"):
        parse_notice(body)
    assert len(parse_notice(body, year=2030)) == 3


def test_notice_with_nothing_recognisable() -> None:
    with pytest.raises(InputError, match="没有在通知中找到"):
        parse_notice("关于2027年部分节假日安排的通知\n各单位：请做好值班。")


def test_csv_round_trip() -> None:
    rules = parse_notice(NOTICE)
    again = parse_csv(rules_to_csv(rules))
    assert {(r.day, r.workday) for r in again} == {(r.day, r.workday) for r in rules}


def test_year_schedule_lists_holidays_and_make_up_days(cal: WorkCalendar) -> None:
    sched = {i.day: i for i in cal.year_schedule(2026)}
    assert sched[date(2026, 10, 10)].workday
    assert not sched[date(2026, 10, 1)].workday
    assert date(2026, 11, 28) not in sched  # 普通周六不列


def test_user_file_saved_as_gbk_or_with_bom(tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    folder.mkdir()
    (folder / "gbk.csv").write_bytes("日期,类型\n2027-01-01,放假,元旦\n".encode("gbk"))
    (folder / "bom.csv").write_bytes("日期,类型\n2027-01-04,放假\n".encode("utf-8-sig"))
    cal = load_calendar(tmp_path)
    assert not cal.is_workday(date(2027, 1, 1)) and cal.info(date(2027, 1, 1)).name == "元旦"
    assert not cal.is_workday(date(2027, 1, 4))
