"""体系科：按完成度给各科室排名，含 12 个月得分趋势。"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Sparkline, Static

from creditcheck.coordination import Overview

from ..text import AppFooter, cell_safe, pad
from .common import REVIEW_VAR, CoordinatorScreen, cell


class RankingScreen(CoordinatorScreen):
    """按得分（再按按时完成率）排名，并列名次相同；下方为各科室近 12 个月的得分趋势。"""

    KIND = "排名"
    DEFAULT_CSS = """
    RankingScreen #trend-title { height: 1; margin: 1 1 0 1; text-style: bold; color: $primary; }
    RankingScreen #trends { height: 1fr; margin: 0 1; }
    RankingScreen .trend-row { height: 1; }
    RankingScreen .trend-name { width: 20; }
    RankingScreen .trend-row Sparkline { width: 24; margin-right: 2; }
    RankingScreen .trend-row Sparkline > .sparkline--min-color { color: $error; }
    RankingScreen .trend-row Sparkline > .sparkline--max-color { color: $success; }
    RankingScreen .trend-text { width: 1fr; color: $text-muted; }
    """

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="ranking", cursor_type="row", zebra_stripes=True)

    def compose_later(self) -> list[Widget]:
        rows = [
            Horizontal(
                Static("", classes="trend-name", markup=False),
                Sparkline([]),
                Static("", classes="trend-text", markup=False),
                classes="trend-row",
                id=f"trend-{n}",
            )
            for n in range(len(self.ctx.catalog.sections))
        ]
        return [
            Static("", id="trend-title"),
            VerticalScroll(*rows, id="trends"),
            AppFooter(),
        ]

    def render_overview(self, ov: Overview) -> None:
        table = self.query_one("#ranking", DataTable)
        table.clear(columns=True)
        for label, key, width in (
            ("名次", "rank", 4),
            ("科室", "section", 18),
            ("得分", "score", 5),
            ("完成", "done", 5),
            ("按时完成", "timely", 16),
            ("逾期", "late", 4),
            ("审核状态", "state", 8),
        ):
            table.add_column(label, key=key, width=width)
        for r in ov.ranking:
            table.add_row(
                cell(str(r.rank), justify="right"),
                cell_safe(r.name),
                self._styled(
                    f"{r.score.weighted:.1f}",
                    "success" if r.score.weighted >= 100 else "foreground",
                    justify="right",
                ),
                cell(r.completion_label, justify="right"),
                cell_safe(r.timeliness_label),
                self._styled(
                    str(len(r.overdue)),
                    "error" if r.overdue else "foreground-muted",
                    justify="right",
                ),
                self._styled(r.review.value, REVIEW_VAR[r.review]),
                key=r.section_id,
            )
        self.query_one("#coord-status", Static).update(
            "排名先看得分（按目录权重计算的完成度），得分相同看按时完成率，两者都相同的名次并列。"
        )
        months = ov.trend_months
        self.query_one("#trend-title", Static).update(
            f"近12个月得分趋势（{months[0].label}至{months[-1].label}，每月两格，越高得分越高；没有记录的月份画在最低处）"
        )
        for n, r in enumerate(ov.ranking):
            row = self.query_one(f"#trend-{n}", Horizontal)
            name, text = row.query(Static).results()
            name.update(pad(r.name, 18))
            spark = row.query_one(Sparkline)
            spark.summary_function = first
            spark.data = sparkline_data(r.trend)
            text.update(trend_text(r.trend))
        table.focus()


def sparkline_data(trend: tuple[float | None, ...], columns_per_month: int = 2) -> list[float]:
    """Sparkline 按数据的最小、最大值缩放；为了让高度表示 0-100 分的绝对得分，每个月的值后面
    跟一个锚点（轮流为 0 与 100），每桶两个数、只取第一个（见 :func:`first`）。没有记录的月份记 0。
    每月占 ``columns_per_month`` 列，所以部件宽度应为 12 × columns_per_month。"""
    out: list[float] = []
    anchors = (0.0, 100.0)
    k = 0
    for v in trend:
        for _ in range(columns_per_month):
            out += [0.0 if v is None else float(v), anchors[k % 2]]
            k += 1
    return out


def first(bucket: Sequence[float]) -> float:
    return bucket[0]


def trend_text(trend: tuple[float | None, ...]) -> str:
    values = [v for v in trend if v is not None]
    if not values:
        return "近12个月没有记录"
    last = "本月无记录" if trend[-1] is None else f"本月 {trend[-1]:.1f}"
    return f"{len(values)}个月有记录，最低 {min(values):.1f}，最高 {max(values):.1f}，{last}"
