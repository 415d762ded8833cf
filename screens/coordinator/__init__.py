"""体系科的三个屏幕：总览（科室 × 指标矩阵）、审核（通过 / 退回修改 / 重新打开）、排名（含 12 个月趋势）。

一个屏幕一个模块；共同部分（读取总览、换月、切换）在 common.py。
"""

from __future__ import annotations

from .common import CoordinatorScreen, MatrixTable, cell, reviewer, symbol
from .overview import IndicatorDetailModal, OverviewScreen, detail_lines
from .ranking import RankingScreen, first, sparkline_data, trend_text
from .review import HistoryModal, ReviewScreen, last_comment

SCREENS: dict[str, type[CoordinatorScreen]] = {
    "OverviewScreen": OverviewScreen,
    "ReviewScreen": ReviewScreen,
    "RankingScreen": RankingScreen,
}
"""O / R / K 与命令面板用的名字 → 屏幕。"""

__all__ = [
    "SCREENS",
    "CoordinatorScreen",
    "HistoryModal",
    "IndicatorDetailModal",
    "MatrixTable",
    "OverviewScreen",
    "RankingScreen",
    "ReviewScreen",
    "cell",
    "detail_lines",
    "first",
    "last_comment",
    "reviewer",
    "sparkline_data",
    "symbol",
    "trend_text",
]
