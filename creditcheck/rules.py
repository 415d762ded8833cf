"""期限规则：目录中的规则写法、到期日计算与预警等级。

规则写法（目录与命令行一致）：``natural-days:N``、``working-days:N``、``hours:N``、``month-end``、
``monthly:D``、``quota:N/month``、``quota:N/year``、``year-end``、``immediate``。
本模块不读系统时钟：“今天”总是由调用方传入。
"""

from __future__ import annotations

import enum
import re
from datetime import date, datetime, time, timedelta

from .errors import InputError
from .month import Month
from .records import dataclass
from .workcal import FALLBACK, OFFICIAL, WorkCalendar


class RuleKind(str, enum.Enum):
    NATURAL_DAYS = "natural-days"
    WORKING_DAYS = "working-days"
    HOURS = "hours"
    MONTH_END = "month-end"
    MONTHLY = "monthly"
    QUOTA = "quota"
    YEAR_END = "year-end"
    IMMEDIATE = "immediate"


MAX_N: dict[str, int] = {
    "natural-days": 3660,
    "working-days": 2500,
    "hours": 87840,
    "quota": 1000,
}
"""规则数字的上限（约十年）：更大的数字没有实际意义，计算前就拒绝，不让计算跑很久或溢出。"""

_RULE_RE = re.compile(r"^\s*([a-z-]+)\s*(?::\s*(\d+)\s*(?:/\s*(month|year))?)?\s*$")


@dataclass(frozen=True)
class DeadlineRule:
    """一条期限规则。``n`` 为规则的数字参数；``per`` 仅用于配额（month 或 year）。"""

    kind: RuleKind
    n: int = 0
    per: str = ""

    @classmethod
    def parse(cls, text: str) -> DeadlineRule:
        m = _RULE_RE.match(text or "")
        if not m:
            raise InputError(f"无法识别的期限规则：“{text}”")
        try:
            kind = RuleKind(m.group(1))
        except ValueError:
            raise InputError(
                f"未知的期限规则类型：“{m.group(1)}”（可用：natural-days:N、working-days:N、hours:N、"
                "month-end、monthly:D、quota:N/month、quota:N/year、year-end、immediate）"
            ) from None
        digits = m.group(2) or ""
        limit = MAX_N.get(kind.value, 99999)
        if digits and (len(digits.lstrip("0")) > 7 or int(digits) > limit):  # 先看位数，再转成整数
            shown = digits if len(digits) <= 12 else f"{digits[:12]}…（{len(digits)} 位数）"
            raise InputError(f"期限规则“{kind.value}:{shown}”的数字过大，最多 {limit}")
        n = int(digits) if digits else 0
        per = m.group(3) or ""
        needs_n = kind in (
            RuleKind.NATURAL_DAYS,
            RuleKind.WORKING_DAYS,
            RuleKind.HOURS,
            RuleKind.MONTHLY,
            RuleKind.QUOTA,
        )
        if needs_n and not m.group(2):
            raise InputError(f"期限规则“{text}”缺少数字参数（如 {kind.value}:3）")
        if not needs_n and m.group(2):
            raise InputError(f"期限规则“{kind.value}”不带数字参数")
        if kind is RuleKind.QUOTA and per not in ("month", "year"):
            raise InputError(f"配额规则应写作 quota:N/month 或 quota:N/year，实际为“{text}”")
        if kind is not RuleKind.QUOTA and per:
            raise InputError(f"只有配额规则带 /month 或 /year：“{text}”")
        if kind is RuleKind.MONTHLY and not 1 <= n <= 31:
            raise InputError(f"每月期限日应在1到31之间：“{text}”")
        if kind in (RuleKind.WORKING_DAYS, RuleKind.QUOTA) and n < 1:
            raise InputError(f"期限规则“{text}”的数字应至少为1")
        return cls(kind, n, per)

    def __str__(self) -> str:
        if self.kind is RuleKind.QUOTA:
            return f"quota:{self.n}/{self.per}"
        if self.kind in (RuleKind.MONTH_END, RuleKind.YEAR_END, RuleKind.IMMEDIATE):
            return self.kind.value
        return f"{self.kind.value}:{self.n}"

    @property
    def is_event_rule(self) -> bool:
        """由事件触发（许可决定、来函、活动……）而不是按月报送的规则。"""
        return self.kind in (
            RuleKind.NATURAL_DAYS,
            RuleKind.WORKING_DAYS,
            RuleKind.HOURS,
            RuleKind.MONTH_END,
            RuleKind.IMMEDIATE,
            RuleKind.YEAR_END,
        )

    @property
    def label(self) -> str:
        """中文说法，用于界面与文档。"""
        k = self.kind
        if k is RuleKind.NATURAL_DAYS:
            return f"{self.n}个自然日内"
        if k is RuleKind.WORKING_DAYS:
            return f"{self.n}个工作日内"
        if k is RuleKind.HOURS:
            return f"{self.n}小时内"
        if k is RuleKind.MONTH_END:
            return "当月内"
        if k is RuleKind.MONTHLY:
            return f"每月{self.n}日前"
        if k is RuleKind.QUOTA:
            return f"每{'月' if self.per == 'month' else '年'}至少{self.n}次"
        if k is RuleKind.YEAR_END:
            return "年底前"
        return "第一时间（当天）"


@dataclass(frozen=True)
class Due:
    """一次到期计算。``effective_due`` 只在 monthly:D 遇到非工作日时与 ``due`` 不同。"""

    start: date | datetime | Month
    rule: DeadlineRule
    due: date | datetime
    effective_due: date | datetime
    calendar: str = OFFICIAL

    @property
    def fallback(self) -> bool:
        return self.calendar == FALLBACK

    def to_json(self) -> dict[str, str]:
        return {
            "from": _iso(self.start),
            "rule": str(self.rule),
            "due": _iso(self.due),
            "effective_due": _iso(self.effective_due),
            "calendar": self.calendar,
        }


def _iso(v: date | datetime | Month) -> str:
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%dT%H:%M")
    return str(v) if isinstance(v, Month) else v.isoformat()


def _day(v: date | datetime | Month) -> date:
    if isinstance(v, Month):
        return v.first_day
    return v.date() if isinstance(v, datetime) else v


def compute_due(start: date | datetime | Month, rule: DeadlineRule, cal: WorkCalendar) -> Due:
    """从事件时间（或统计月份）起算的到期时间。"""
    from .dates import check_year

    k = rule.kind
    check_year(_day(start).year, "起算日期的年份")
    limit = MAX_N.get(k.value)
    if limit is not None and not 0 <= rule.n <= limit:
        raise InputError(f"期限规则“{rule}”的数字超出范围（0—{limit}）")
    fallback = False
    if k is RuleKind.NATURAL_DAYS:
        due: date | datetime = _day(start) + timedelta(days=rule.n)
        eff: date | datetime = due
    elif k is RuleKind.WORKING_DAYS:
        due, fallback = cal.add_working_days(_day(start), rule.n)
        eff = due
    elif k is RuleKind.HOURS:
        dt = start if isinstance(start, datetime) else datetime.combine(_day(start), time(0, 0))
        due = dt + timedelta(hours=rule.n)
        eff = due
    elif k is RuleKind.MONTH_END:
        due = eff = Month.of(_day(start)).last_day
    elif k is RuleKind.MONTHLY:
        month = start if isinstance(start, Month) else Month.of(_day(start))
        due = month.day(rule.n)
        eff, fallback = cal.previous_workday_on_or_before(due)
    elif k is RuleKind.QUOTA:
        d = _day(start)
        due = eff = Month.of(d).last_day if rule.per == "month" else date(d.year, 12, 31)
    elif k is RuleKind.YEAR_END:
        due = eff = date(_day(start).year, 12, 31)
    else:  # IMMEDIATE：“第一时间处置”，按事件当天办结计（当天结束前处置都算及时）
        due = eff = _day(start)
    return Due(start, rule, due, eff, FALLBACK if fallback else OFFICIAL)


def parse_from(text: str) -> date | datetime | Month:
    """命令行的 FROM：日期 2026-09-30、日期时间 2026-09-30T15:00 或月份 2026-12。"""
    from .dates import parse_date, parse_datetime

    s = (text or "").strip()
    if re.match(r"^\d{4}[-/.]\d{1,2}$", s) or re.match(r"^\d{4}年\d{1,2}月$", s):
        return Month.parse(s)
    if "T" in s or " " in s or ":" in s:
        return parse_datetime(s)
    return parse_date(s)


# ───────────────────────── 预警等级 ─────────────────────────


class Level(str, enum.Enum):
    """未完成事项在某一天的预警等级，按严重程度排序。"""

    OVERDUE = "已逾期"
    DUE_TODAY = "今日到期"
    DUE_SOON = "即将到期"
    OK = "正常"

    @property
    def rank(self) -> int:
        return list(Level).index(self)


DEFAULT_HORIZON = 3


def warning_level(
    effective_due: date | datetime,
    now: date | datetime,
    cal: WorkCalendar,
    horizon: int = DEFAULT_HORIZON,
) -> tuple[Level, bool]:
    """未完成事项的预警等级；第二个值表示判断是否用到了周一至周五兜底。

    日期型期限在当天结束前都不算逾期；时刻型期限（hours:N）过了那一刻就逾期。
    “即将到期”指距期限不超过 ``horizon`` 个工作日。
    """
    today = now.date() if isinstance(now, datetime) else now
    due_day = effective_due.date() if isinstance(effective_due, datetime) else effective_due
    if isinstance(effective_due, datetime) and isinstance(now, datetime):
        if now > effective_due:
            return Level.OVERDUE, False
    elif due_day < today:
        return Level.OVERDUE, False
    if due_day == today:
        return Level.DUE_TODAY, False
    n, fallback = cal.working_days_between(today, due_day)
    if n <= horizon:
        return Level.DUE_SOON, fallback
    return Level.OK, fallback


def is_on_time(done: date | datetime, effective_due: date | datetime) -> bool:
    """完成时间是否在期限内（日期型期限按当天结束计）。"""
    if isinstance(effective_due, datetime):
        if isinstance(done, datetime):
            return done <= effective_due
        return done <= effective_due.date()
    done_day = done.date() if isinstance(done, datetime) else done
    return done_day <= effective_due
