"""体系科：各科室总览（科室 × 指标矩阵），回车查看某科室某指标的记录。"""

from __future__ import annotations

import asyncio
from typing import Any

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Static

from creditcheck.catalog import EVENT_KINDS, Indicator
from creditcheck.coordination import CellState, Overview, SectionRow
from creditcheck.models import Status
from creditcheck.obligations import event_due
from creditcheck.workcal import WorkCalendar

from ..context import AppContext
from ..text import AppFooter, Plain, cell_safe, clip, pad, short_dt
from .common import (
    LEGEND,
    REVIEW_VAR,
    STATE_VAR,
    CoordinatorScreen,
    MatrixTable,
    _let_timers_run,
    cell,
    symbol,
)

TAIL_COLUMNS = (
    ("完成", "done", 5),
    ("得分", "score", 5),
    ("排名", "rank", 4),
    ("审核", "review", 8),
)
"""指标之后的几列（标题, 键, 宽度），与 ``OverviewScreen.prepare`` 每行末尾的几格一一对应。"""
NARROW_DROPS = frozenset({"score", "rank"})
"""窄屏时不放的列。"""


class OverviewScreen(CoordinatorScreen):
    """各科室 × 各指标的矩阵，每格按状态着色；回车查看该科室该指标的记录（只读）。"""

    KIND = "各科室总览"
    BINDINGS = [Binding("enter", "open_cell", "查看", show=True)]

    def compose_body(self) -> ComposeResult:
        table = MatrixTable(id="matrix", cursor_type="cell", zebra_stripes=True)
        # 表的高度先按科室数定好：读完填进数据时版面不变，只重画这张表（不必重排、重画整个屏幕）
        table.styles.height = len(self.ctx.catalog.sections) + 1
        yield table

    def compose_later(self) -> list[Widget]:
        return [
            Static(LEGEND, classes="coord-legend"),
            Plain("", id="cell-detail", classes="coord-legend"),
            AppFooter(),
        ]

    def prepare(self, ov: Overview) -> list[tuple[list[Any], str]]:
        """各行的单元格（在后台线程里算好：几百个带样式的文字，放在界面线程上要十几毫秒）。"""
        rows: list[tuple[list[Any], str]] = []
        for r in ov.rows:
            cells: list[Any] = [cell_safe(r.name)]
            for ind in self.ctx.catalog.indicators:
                st = r.cells[ind.id].state
                cells.append(self._styled(symbol(st), STATE_VAR[st], bold=st is CellState.OVERDUE))
            cells += [
                cell(r.completion_label, justify="right"),
                cell(f"{r.score.weighted:.1f}", justify="right"),
                cell(str(r.rank), justify="right"),
                self._styled(r.review.value, REVIEW_VAR[r.review]),
            ]
            rows.append((cells, r.section_id))
        return rows

    def render_overview(self, ov: Overview) -> None:
        table = self.query_one("#matrix", DataTable)
        cursor = table.cursor_coordinate if table.row_count else Coordinate(0, 1)
        table.clear(columns=True)
        table.add_column("科室", key="section", width=16)
        for ind in self.ctx.catalog.indicators:
            table.add_column(f"{ind.id:<2}", key=str(ind.id), width=2)
        # 窄屏（80 列）不放得分、排名两列（光标在科室或完成一格时下方写着，K 排名里也有），审核一列才看得全
        self._drawn_for = narrow = self.narrow
        tail = [c for c in TAIL_COLUMNS if not (narrow and c[1] in NARROW_DROPS)]
        for label, key, width in tail:
            table.add_column(label, key=key, width=width)
        first = len(self.ctx.catalog.indicators) + 1
        keep = [i for i, c in enumerate(TAIL_COLUMNS) if c in tail]
        rows = self.prepared if self.prepared is not None else self.prepare(ov)
        table.styles.height = len(rows) + 1
        table.focus()
        cells = [([*c[:first], *(c[first + i] for i in keep)], key) for c, key in rows]
        self.run_worker(self._fill(table, cells, cursor, ov), group="overview-fill", exclusive=True)

    FILL_ROWS = 4
    """分段填表时每段的行数。"""

    async def _fill(
        self,
        table: DataTable[Any],
        rows: list[tuple[list[Any], str]],
        cursor: Coordinate,
        ov: Overview,
    ) -> None:
        """把各行分几段放进表格，每段放好后等这一段画出来、让到期的定时器先走，再放下一段。

        一次放进整张表时，放行、量尺寸、整表第一次画出是接连不断的一大段处理（几十毫秒界面不动）；
        分段后每段只画新放的几行（已画过的格子按内容取缓存，见 ``MatrixTable``）。表格的高度已按行数定好，
        分段放行不会重排版面。换月、刷新时新一次填表取代这一次（同组、互斥）。
        """
        step = self.FILL_ROWS
        for start in range(0, len(rows), step):
            if start:
                await self._painted()
            for cells, key in rows[start : start + step]:
                table.add_row(*cells, key=key)
        table.cursor_coordinate = cursor if cursor.row < table.row_count else Coordinate(0, 1)
        # 状态行与格子说明在表格画好之后的下一段处理里再写（它们要重排版面）：表格先出来，两段之间定时器照走
        self.call_after_refresh(self._describe_overview, ov)

    async def _painted(self) -> None:
        """等到屏幕下一次画好（最多等 0.2 秒：屏幕不在最前面时不画），再让到期的定时器先走。"""
        done = asyncio.get_running_loop().create_future()

        def painted() -> None:
            if not done.done():
                done.set_result(None)

        self.call_after_refresh(painted)
        try:
            await asyncio.wait_for(done, 0.2)
        except asyncio.TimeoutError:
            pass
        await _let_timers_run()

    def _describe_overview(self, ov: Overview) -> None:
        if ov is not self.overview:
            return  # 期间又换上了另一份总览（换月、刷新）：由那一份来写
        late = sum(len(r.overdue) for r in ov.rows)
        done, total = ov.totals
        self.query_one("#coord-status", Static).update(
            f"已报送 {len(ov.submitted)}/{len(ov.rows)} 个科室   完成指标 {done}/{total}   "
            f"平均得分 {ov.average_score:.1f}   逾期事项 {late} 项   （方向键选格，回车查看）"
        )
        self._describe_cell()

    def _cell_at(self) -> tuple[SectionRow, Indicator | None] | None:
        if self.overview is None:
            return None
        table = self.query_one("#matrix", DataTable)
        if table.row_count == 0:
            return None
        coord = table.cursor_coordinate
        row = self.overview.rows[coord.row]
        n = len(self.ctx.catalog.indicators)
        ind = self.ctx.catalog.indicators[coord.column - 1] if 1 <= coord.column <= n else None
        return row, ind

    @on(DataTable.CellHighlighted, "#matrix")
    def _describe_cell(self) -> None:
        found = self._cell_at()
        box = self.query_one("#cell-detail", Plain)
        if found is None:
            box.update("")
            return
        row, ind = found
        if ind is None:
            box.update(
                f"{row.section.name}：应完成 {row.score.total} 项，已完成 {row.score.done} 项，"
                f"得分 {row.score.weighted:.1f}，第 {row.rank} 名，按时完成 {row.timeliness_label}"
            )
            return
        cell = row.cells[ind.id]
        text = f"{row.name}  第{ind.id}项 {ind.short}：{cell.state.value}"
        if cell.overdue:
            text += "（" + "；".join(f"{o.what}，期限 {o.due_label}" for o in cell.overdue) + "）"
        box.update(text)

    @on(DataTable.CellSelected, "#matrix")
    def _selected(self) -> None:
        self.action_open_cell()

    def action_open_cell(self) -> None:
        found = self._cell_at()
        if found is None:
            return
        row, ind = found
        if ind is None:
            self.notify("请选择指标所在的格子（第1至10列）查看该科室的记录")
            return
        if row.cells[ind.id].state is CellState.NOT_ASSIGNED:
            self.notify(f"第{ind.id}项指标不由{row.name}负责")
            return
        self.app.push_screen(IndicatorDetailModal(self.ctx, row, ind))


class IndicatorDetailModal(ModalScreen[None]):
    """某科室某月某指标的记录（只读）：状态、说明、计数、佐证材料、事件、逾期事项。"""

    BINDINGS = [Binding("escape,enter,q", "close", "关闭")]

    def __init__(self, ctx: AppContext, row: SectionRow, indicator: Indicator) -> None:
        super().__init__()
        self.ctx = ctx
        self.row = row
        self.indicator = indicator

    def compose(self) -> ComposeResult:
        row, ind = self.row, self.indicator
        with Vertical(classes="dialog wide"):
            yield Plain(
                f"{row.section.name}  {row.record.month.label}  第{ind.id}项",
                classes="dialog-title",
            )
            with VerticalScroll(classes="dialog-body"):
                yield Plain("\n".join(detail_lines(row, ind, self.ctx.calendar)), id="detail")
            yield Static("只读：科室的记录只能由该科室修改。Esc 或回车关闭。", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)


def detail_lines(row: SectionRow, ind: Indicator, cal: WorkCalendar | None = None) -> list[str]:
    """详情对话框的文字（纯函数，便于测试）。事件没有记下期限时按目录规则与日历 ``cal`` 算出。"""
    entry = row.record.entries.get(ind.id)
    cell = row.cells[ind.id]
    lines = [f"{ind.title}（{ind.group}）", ""]
    status = entry.status if entry else Status.NOT_STARTED
    when = (
        f"，{short_dt(entry.completed_at)} 完成"
        if entry and entry.completed_at and status is Status.DONE
        else ""
    )
    lines.append(f"状态：{status.value}{when}    总览：{cell.state.value}")
    if entry and entry.reason:
        lines.append(f"不适用理由：{entry.reason}")
    if entry and entry.note:
        lines.append(f"说明：{entry.note}")
    if ind.counts:
        labels = {c.key: c.label for c in ind.counts}
        counts = entry.counts if entry else {}
        lines.append("计数：" + "，".join(f"{labels[k]} {counts.get(k, '未填')}" for k in labels))
    ledger = row.record.ledgers.get(ind.ledger or "") if ind.ledger else None
    if ind.ledger:
        lines.append(
            f"台账：{ledger.get('file', '已导入')}，{ledger.get('rows', '?')} 行"
            if ledger
            else "台账：本月未导入"
        )
    evidence = entry.evidence if entry else []
    lines += ["", f"佐证材料（{len(evidence)} 份）："]
    for item in evidence:
        date = item.effective_date.isoformat() if item.effective_date else ""
        digest = f"  SHA-256 {item.sha256[:12]}" if item.sha256 else ""
        lines.append(f"  {item.file_name}  {item.kind}  {date}{digest}".rstrip())
        if item.note:
            lines.append(f"    {item.note}")
    if not evidence:
        lines.append("  （无）")
    events = entry.events if entry else []
    if ind.event_kinds:
        lines += ["", f"事件（{len(events)} 件）："]
        rows = []
        for ev in events:
            due_at = ev.due_at
            if due_at is None and cal is not None:
                computed = event_due(ind, ev, cal)
                due_at = computed[0] if computed else None
            rows.append(
                [
                    cell_safe(EVENT_KINDS.get(ev.kind, ev.kind)),
                    clip(ev.title, 36),
                    f"发生 {short_dt(ev.occurred_at)}",
                    f"期限 {short_dt(due_at)}" if due_at else "",
                    f"完成 {short_dt(ev.done_at)}" if ev.done_at else "未完成",
                ]
            )
        # 各列按显示宽度补齐（汉字占两格），几件事上下对齐
        widths = [max(cell_len(r[i]) for r in rows) for i in range(4)] if rows else []
        for r in rows:
            cols = [pad(text, w) for text, w in zip(r[:4], widths, strict=True) if w] + [r[4]]
            lines.append("  " + "  ".join(cols))
        if not events:
            lines.append("  （无）")
    overdue = [o for o in row.overdue if o.indicator_id == ind.id]
    if overdue:
        lines += ["", "逾期事项："]
        lines += [f"  {o.what}  期限 {o.due_label}" for o in overdue]
    return lines
