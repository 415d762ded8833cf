"""得分：一个科室一个月所负责指标的加权完成度（权重取自目录）。

计算在 ``creditcheck.completion``（指标完成与否由义务和确认一起决定，见那里的计分规则）；
本模块保留原来的入口。
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .catalog import Catalog
from .completion import SCORING_RULE, Score, assess, scoring_rule_text
from .models import SectionMonth
from .workcal import WorkCalendar

__all__ = ["SCORING_RULE", "Score", "score", "scoring_rule_text"]


def score(
    catalog: Catalog,
    sm: SectionMonth,
    cal: WorkCalendar,
    now: datetime,
    records: Iterable[SectionMonth] = (),
) -> Score:
    """得分（与总览、文档同一计算）。``records`` 为该科室其他月份的记录（按年配额用）。"""
    return assess(catalog, cal, sm, now, records).score
