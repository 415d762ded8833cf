"""统计月份（2026-11）：月报以自然月为单位。"""

from __future__ import annotations

from datetime import date

from .errors import InputError
from .patterns import lazy
from .records import dataclass

_MONTH_RE = lazy(r"^\s*(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*月?\s*$")


@dataclass(frozen=True, order=True)
class Month:
    """一个自然月。``str()`` 为 ISO 形式 ``2026-11``，``label`` 为 ``2026年11月``。"""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise InputError(f"月份必须在1到12之间：{self.year}-{self.month}")
        if not 1900 <= self.year <= 9999:
            raise InputError(f"年份不合理：{self.year}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """解析 ``2026-11``、``2026/11``、``2026.11``、``2026年11月``。"""
        m = _MONTH_RE.match(text or "")
        if not m:
            raise InputError(f"无法识别的月份：“{text}”（应为 2026-11 或 2026年11月）")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, _days_in_month(self.year, self.month))

    def day(self, d: int) -> date:
        """本月第 d 日；超过月末时取月末（如 2 月没有 30 日）。"""
        return date(self.year, self.month, min(d, _days_in_month(self.year, self.month)))

    def shift(self, n: int) -> Month:
        idx = self.year * 12 + (self.month - 1) + n
        return Month(idx // 12, idx % 12 + 1)

    def next(self) -> Month:
        return self.shift(1)

    def prev(self) -> Month:
        return self.shift(-1)


def _days_in_month(year: int, month: int) -> int:
    """该月的天数（不为这一件事在启动时导入 calendar 模块）。"""
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31
