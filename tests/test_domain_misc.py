"""统一社会信用代码、日期输入、月份。"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditcheck.creditcode import (
    ALPHABET,
    DEPARTMENTS,
    check_char,
    is_valid,
    structure_problem,
    validate,
)
from creditcheck.dates import check_completion, format_date, parse_date, parse_datetime, parse_time
from creditcheck.errors import InputError
from creditcheck.month import Month

TODAY = date(2026, 11, 28)


class TestCreditCode:
    def test_design_example(self) -> None:
        assert check_char("91350100M000100Y4") == "3"
        assert is_valid("91350100M000100Y43")

    def test_wrong_check_character_says_code_is_wrong_not_fix_char_18(self) -> None:
        r = validate("91350100M000100Y44")
        assert not r.ok and r.suggestion is None
        assert r.message == (
            "统一社会信用代码有误：校验位不符（如前17位无误，第18位应为 3，实际为 4），"
            "请对照证照核对整个代码"
        )

    def test_lower_case_reported_not_fixed(self) -> None:
        r = validate("91350100m000100y43")
        assert not r.ok and "小写" in r.message and r.suggestion == "91350100M000100Y43"

    def test_full_width_reported(self) -> None:
        r = validate("９１350100M000100Y43")
        assert not r.ok and "全角" in r.message and r.suggestion == "91350100M000100Y43"

    @pytest.mark.parametrize(
        ("code", "msg"),
        [("", "为空"), ("913501", "应为18位"), ("91350100M000100I43", "不允许的字符：I")],
    )
    def test_bad_codes(self, code: str, msg: str) -> None:
        assert msg in validate(code).message

    @given(
        st.sampled_from(sorted((d, c) for d, (_n, cats) in DEPARTMENTS.items() for c in cats)),
        st.text(alphabet="0123456789", min_size=6, max_size=6),
        st.text(alphabet=ALPHABET, min_size=9, max_size=9),
    )
    def test_any_well_formed_body_with_its_check_char_is_valid(
        self, dept: tuple[str, str], region: str, subject: str
    ) -> None:
        body = dept[0] + dept[1] + region + subject
        assert is_valid(body + check_char(body))

    @given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
    def test_structure_decides_when_check_char_is_right(self, body: str) -> None:
        code = body + check_char(body)
        assert is_valid(code) == (not structure_problem(code))

    @given(st.text(alphabet=ALPHABET, min_size=17, max_size=17), st.sampled_from(ALPHABET))
    def test_any_other_check_char_is_invalid(self, body: str, c: str) -> None:
        if c != check_char(body):
            assert not is_valid(body + c)


class TestDates:
    @pytest.mark.parametrize(
        "text",
        [
            "2026-11-28",
            "2026/11/28",
            "2026.11.28",
            "2026年11月28日",
            "11-28",
            "11月28日",
            "今天",
            " 2026-11-28 ",
        ],
    )
    def test_accepted_forms(self, text: str) -> None:
        assert parse_date(text, TODAY) == TODAY

    def test_yesterday(self) -> None:
        assert parse_date("昨天", TODAY) == date(2026, 11, 27)

    @pytest.mark.parametrize(
        ("text", "msg"),
        [
            ("2026-02-30", "2026年2月没有30日"),
            ("2026-13-01", "没有13月"),
            ("明年", "无法识别"),
            ("", "请填写"),
        ],
    )
    def test_refused(self, text: str, msg: str) -> None:
        with pytest.raises(InputError, match=msg):
            parse_date(text, TODAY)

    @pytest.mark.parametrize(
        ("text", "t"),
        [
            ("15:00", time(15)),
            ("下午3点", time(15)),
            ("下午3点半", time(15, 30)),
            ("上午9:30", time(9, 30)),
            ("9点", time(9)),
        ],
    )
    def test_times(self, text: str, t: time) -> None:
        assert parse_time(text) == t

    def test_bad_time(self) -> None:
        with pytest.raises(InputError, match="时间不存在"):
            parse_time("25:00")

    def test_datetimes(self) -> None:
        assert parse_datetime("今天 下午3点", TODAY) == datetime(2026, 11, 28, 15)
        assert parse_datetime("2026-09-30T15:00") == datetime(2026, 9, 30, 15)
        assert parse_datetime("2026年11月3日 15:00") == datetime(2026, 11, 3, 15)

    def test_completion_rules(self) -> None:
        with pytest.raises(InputError, match="晚于今天"):
            check_completion(date(2026, 11, 29), None, TODAY)
        with pytest.raises(InputError, match="早于事件发生"):
            check_completion(datetime(2026, 11, 2, 9), datetime(2026, 11, 3, 9), TODAY)
        check_completion(datetime(2026, 11, 3, 10), datetime(2026, 11, 3, 9), TODAY)
        # 传入此刻时，今天晚些时候的完成时间也被拒绝
        with pytest.raises(InputError, match="15:00 晚于此刻（10:10）"):
            check_completion(datetime(2026, 11, 28, 15, 0), None, datetime(2026, 11, 28, 10, 10))
        check_completion(datetime(2026, 11, 28, 10, 0), None, datetime(2026, 11, 28, 10, 10))

    def test_official_date_has_no_zero_padding(self) -> None:
        assert format_date(date(2026, 11, 9)) == "2026年11月9日"


class TestMonth:
    def test_parse_and_format(self) -> None:
        m = Month.parse("2026年2月")
        assert str(m) == "2026-02" and m.label == "2026年2月"
        assert m.last_day == date(2026, 2, 28) and m.day(30) == date(2026, 2, 28)
        assert Month.parse("2026-01").prev() == Month(2025, 12)
        assert Month(2026, 12).next() == Month(2027, 1)

    def test_bad(self) -> None:
        with pytest.raises(InputError, match="无法识别的月份"):
            Month.parse("2026-1x")
        with pytest.raises(InputError, match="1到12"):
            Month.parse("2026-13")
