"""用户输入的日期与时间：接受办公室里常见的各种写法。

日期：2026-11-28、2026/11/28、2026.11.28、2026年11月28日、11-28（今年）、11月28日、今天、昨天、前天、明天。
时间：15:00、15点、下午3点、下午3点半、上午9:30。
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from .errors import InputError

MIN_YEAR = 1990
"""日历与期限计算支持的最早年份。"""
MAX_YEAR = 2199
"""日历与期限计算支持的最晚年份（再往后 ``date`` 的计算会溢出，也没有实际意义）。"""


def check_year(year: int, what: str = "年份") -> int:
    """日历、期限计算用到的年份必须在支持的范围内；否则抛出中文 InputError。"""
    if not MIN_YEAR <= year <= MAX_YEAR:
        shown = str(year) if len(str(year)) <= 12 else f"{str(year)[:12]}…"
        raise InputError(f"{what} {shown} 超出支持的范围（{MIN_YEAR}—{MAX_YEAR}年）")
    return year


_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_SHORT = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_RELATIVE = {"今天": 0, "今日": 0, "昨天": -1, "昨日": -1, "前天": -2, "明天": 1, "明日": 1}


def _make(y: int, m: int, d: int, text: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise InputError(
            f"日期不存在：“{text}”（{y}年{m}月没有{d}日）"
            if 1 <= m <= 12
            else f"日期不存在：“{text}”（没有{m}月）"
        ) from None


def parse_date(text: str, today: date | None = None) -> date:
    """把用户写的日期变成 ``date``；无法识别或日期不存在时抛出带中文说明的 InputError。"""
    s = (text or "").strip().replace("　", " ")
    if not s:
        raise InputError("请填写日期")
    if s in _RELATIVE:
        if today is None:
            raise InputError(f"“{s}”需要知道今天的日期")
        return today + timedelta(days=_RELATIVE[s])
    for rx in (_FULL, _COMPACT):
        m = rx.match(s)
        if m:
            return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), s)
    m = _SHORT.match(s)
    if m:
        if today is None:
            raise InputError(f"“{s}”没有写年份")
        return _make(today.year, int(m.group(1)), int(m.group(2)), s)
    raise InputError(f"无法识别的日期：“{s}”（可写 2026-11-28、2026年11月28日、11-28、今天）")


_TIME_RE = re.compile(
    r"^(上午|早上|中午|下午|晚上|傍晚)?\s*(\d{1,2})\s*(?:[:：]\s*(\d{1,2})|点\s*(半|(\d{1,2})\s*分?)?|时\s*(?:(\d{1,2})\s*分?)?)?$"
)


def parse_time(text: str) -> time:
    """解析 15:00、15点、下午3点、下午3点半、上午9:30。"""
    s = (text or "").strip()
    m = _TIME_RE.match(s)
    if not m or (
        m.group(3) is None
        and "点" not in s
        and "时" not in s
        and ":" not in s
        and "：" not in s
        and not m.group(1)
    ):
        raise InputError(f"无法识别的时间：“{s}”（可写 15:00 或 下午3点）")
    period, hour = m.group(1), int(m.group(2))
    minute = 0
    if m.group(3):
        minute = int(m.group(3))
    elif m.group(4) == "半":
        minute = 30
    elif m.group(5):
        minute = int(m.group(5))
    elif m.group(6):
        minute = int(m.group(6))
    if period in ("下午", "晚上", "傍晚") and hour < 12:
        hour += 12
    if period == "中午" and hour < 11:
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InputError(f"时间不存在：“{s}”")
    return time(hour, minute)


_DATE_PREFIX = re.compile(
    r"^(今天|今日|昨天|昨日|前天|明天|明日"
    r"|\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"|\d{8}|\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)"
)


def parse_datetime(
    text: str, today: date | None = None, default_time: time = time(9, 0)
) -> datetime:
    """日期加可选的时间：``2026-11-28 15:00``、``2026-11-28T15:00``、``今天 下午3点``。"""
    s = (text or "").strip()
    if not s:
        raise InputError("请填写日期和时间")
    m = _DATE_PREFIX.match(s)
    if not m:
        raise InputError(f"无法识别的日期时间：“{s}”（可写 2026-11-28 15:00 或 今天 下午3点）")
    d_part, t_part = m.group(1), s[m.end() :].lstrip("T ").strip()
    if (
        t_part
        and re.match(r"^\d{1,2}$", t_part)
        and re.match(r"^\d{1,2}\s*[-/.]\s*\d{1,2}$", d_part)
    ):
        raise InputError(f"无法识别的日期时间：“{s}”")
    day = parse_date(d_part, today)
    t = parse_time(t_part) if t_part else default_time
    return datetime.combine(day, t)


def format_date(d: date) -> str:
    """公文写法，不补零：2026年11月9日。"""
    return f"{d.year}年{d.month}月{d.day}日"


def format_datetime(dt: datetime) -> str:
    return f"{dt.year}年{dt.month}月{dt.day}日 {dt.hour:02d}:{dt.minute:02d}"


def check_completion(
    done: date | datetime, event: date | datetime | None, today: date | datetime
) -> None:
    """完成时间不能晚于此刻（只给日期时不能晚于今天），也不能早于事件发生时间。

    ``today`` 可传日期或此刻；传此刻时，“今天 15:00”在上午十点就会被拒绝。
    """
    now = today if isinstance(today, datetime) else None
    today_d = today.date() if isinstance(today, datetime) else today
    done_day = done.date() if isinstance(done, datetime) else done
    if done_day > today_d:
        raise InputError(
            f"完成日期 {done_day.isoformat()} 晚于今天（{today_d.isoformat()}），请核对"
        )
    if now is not None and isinstance(done, datetime) and done > now:
        raise InputError(f"完成时间 {done:%H:%M} 晚于此刻（{now:%H:%M}），请核对")
    if event is not None:
        if isinstance(done, datetime) and isinstance(event, datetime):
            if done < event:
                raise InputError("完成时间早于事件发生时间，请核对")
        else:
            ev_day = event.date() if isinstance(event, datetime) else event
            if done_day < ev_day:
                raise InputError("完成日期早于事件发生日期，请核对")
