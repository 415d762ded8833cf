"""体系科的三个屏幕：总览（科室 × 指标矩阵）、审核（通过 / 退回修改 / 重新打开）、排名（含 12 个月趋势）。

数字全部来自 ``creditcheck.coordination.build_overview``，与 ``creditcheck overview`` 和汇总材料一致。
三个屏幕都以 ``Screen(ctx: AppContext)`` 构造；O / R / K 在三者之间切换，[ ] 换月，Esc 返回。
科室的记录在这里只读；审核决定记在体系科自己的审核文件里（``Store.record_decision``），
不写科室的文件，所以科室正开着程序时也能审核。
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Sparkline, Static

from creditcheck.catalog import EVENT_KINDS, Indicator
from creditcheck.coordination import CellState, Overview, SectionRow, build_overview
from creditcheck.errors import CreditCheckError
from creditcheck.models import ReviewState, SectionMonth, Status
from creditcheck.month import Month
from creditcheck.obligations import event_due
from creditcheck.review import ACTION_LABELS
from creditcheck.workcal import WorkCalendar

from .context import AppContext
from .text import AppFooter, Plain, cell_safe, clip, pad, short_dt

STATE_VAR = {
    CellState.DONE: "success",
    CellState.IN_PROGRESS: "warning",
    CellState.NOT_STARTED: "foreground",
    CellState.OVERDUE: "error",
    CellState.NOT_APPLICABLE: "foreground-muted",
    CellState.NOT_ASSIGNED: "foreground-muted",
}
"""单元格状态对应的主题颜色变量。"""

REVIEW_VAR = {
    ReviewState.DRAFT: "foreground-muted",
    ReviewState.SUBMITTED: "primary",
    ReviewState.APPROVED: "success",
    ReviewState.RETURNED: "error",
}

def cell(text: str, style: str = "", justify: Any = "left") -> Text:
    """表格单元格里的一段文字（不换行、不带行尾换行符，宽度有歧义的符号已替换）。"""
    return Text(cell_safe(text), style=style, justify=justify, end="", no_wrap=True)


def symbol(state: CellState) -> str:
    """矩阵里的一个字；“不负责”用全角横线，与汉字同宽，列才对得齐。"""
    return "－" if state is CellState.NOT_ASSIGNED else state.symbol


LEGEND = "  ".join(
    f"[${STATE_VAR[s]}]{symbol(s)}[/]={s.value}" for s in CellState
)
"""图例（Content 标记）。"""


def load_overview(ctx: AppContext, month: Month) -> Overview:
    """从数据文件夹读各科室截至本月 12 个月的记录，算出本月总览。"""
    first = month.shift(-11)
    records: list[SectionMonth] = []
    for section in ctx.catalog.sections:
        records.extend(m for m in ctx.store.months(section.id) if first <= m.month <= month)
    from creditcheck.catalog import catalog_for_month

    return build_overview(ctx.catalog, ctx.calendar, month, records, ctx.now(),
                          catalog_for=lambda m, v: catalog_for_month(ctx.data_dir, m, v))


def reviewer(ctx: AppContext) -> str:
    """审核记录里的“由谁”：专人姓名，没有时为体系科简称。"""
    if ctx.settings.person:
        return ctx.settings.person
    coord = ctx.catalog.coordinator
    return coord.short if coord else "体系科"


_MONTH_GROUP = Binding.Group("上月/下月", compact=True)


class CoordinatorScreen(Screen[None]):
    """三个体系科屏幕的共同部分：月份、顶栏、切换与返回。"""

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("left_square_bracket", "month(-1)", "上月", key_display="[", group=_MONTH_GROUP),
        Binding("right_square_bracket", "month(1)", "下月", key_display="]", group=_MONTH_GROUP),
        Binding("o", "switch('OverviewScreen')", "总览", show=False),  # 顶栏已写明 O 总览 R 审核 K 排名
        Binding("r", "switch('ReviewScreen')", "审核", show=False),  # 顶栏已写明 O 总览 R 审核 K 排名
        Binding("k", "switch('RankingScreen')", "排名", show=False),  # 顶栏已写明 O 总览 R 审核 K 排名
    ]
    DEFAULT_CSS = """
    CoordinatorScreen #coord-status { height: auto; margin: 0 1; color: $text-muted; }
    CoordinatorScreen DataTable { height: auto; max-height: 1fr; margin: 1 1 0 1; }
    CoordinatorScreen .coord-legend { height: auto; margin: 0 1; }
    """
    KIND = ""
    """顶栏上的屏幕名。"""

    def __init__(self, ctx: AppContext, month: Month | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self._month_given = month is not None
        self.month = month or Month.of(ctx.today)
        """正在看的统计月份。"""
        self.overview: Overview | None = None

    def compose_top(self) -> ComposeResult:
        yield Static("", id="topbar", markup=False)

    REFRESH_SECONDS = 120
    """开着总览、审核、排名时多久重读一次各科室的记录（科室在别的电脑上提交、修改后，这里自动看到）。"""

    def on_mount(self) -> None:
        session = getattr(self.app, "session", None)
        if not self._month_given and session is not None:
            self.month = session.month
        self.refresh_view()
        self.set_interval(self.REFRESH_SECONDS, self.poll)

    def poll(self) -> None:
        """定时重读；有科室新提交时提示一句。对话框开着（不在最前面）时不动，等回到本屏幕再刷新。"""
        if not self.is_current:
            return
        before = {r.section_id: r.review for r in self.overview.rows} if self.overview else {}
        self.refresh_view()
        if self.overview is None or not before:
            return
        new = [r.name for r in self.overview.rows
               if r.review is ReviewState.SUBMITTED and before.get(r.section_id) is not ReviewState.SUBMITTED]
        if new:
            where = "" if self.KIND == "审核" else "，按 R 审核"
            self.notify(f"{'、'.join(new)}刚刚提交了{self.month.label}的材料{where}。", title="新的提交", timeout=15)

    def on_screen_resume(self) -> None:
        if self.overview is not None:
            self.refresh_view()

    def refresh_view(self) -> None:
        try:
            self.overview = load_overview(self.ctx, self.month)
        except CreditCheckError as e:
            self.notify(str(e), severity="error", timeout=8)
            return
        this = "（本月）" if self.month == Month.of(self.ctx.today) else ""
        self.query_one("#topbar", Static).update(
            f" 体系科：{self.KIND}   {self.month.label}{this}   [ 上月  ] 下月   O 总览  R 审核  K 排名"
        )
        self.render_overview(self.overview)

    def render_overview(self, ov: Overview) -> None:  # pragma: no cover - 子类实现
        raise NotImplementedError

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_month(self, step: int) -> None:
        self.month = self.month.shift(step)
        self.refresh_view()

    def action_switch(self, name: str) -> None:
        cls = {"OverviewScreen": OverviewScreen, "ReviewScreen": ReviewScreen, "RankingScreen": RankingScreen}[name]
        if isinstance(self, cls):
            return
        self.app.switch_screen(cls(self.ctx, self.month))

    def _theme(self, var: str) -> str:
        return self.app.theme_variables.get(var, "")

    def _styled(self, text: str, var: str, bold: bool = False, justify: str = "left") -> Text:
        style = self._theme(var)
        return cell(text, f"bold {style}" if bold else style, justify)


# ───────────────────────── 总览 ─────────────────────────


class OverviewScreen(CoordinatorScreen):
    """各科室 × 各指标的矩阵，每格按状态着色；回车查看该科室该指标的记录（只读）。"""

    KIND = "各科室总览"
    BINDINGS = [Binding("enter", "open_cell", "查看", show=True)]

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="coord-status")
        yield DataTable(id="matrix", cursor_type="cell", zebra_stripes=True)
        yield Static(LEGEND, classes="coord-legend")
        yield Plain("", id="cell-detail", classes="coord-legend")
        yield AppFooter()

    def render_overview(self, ov: Overview) -> None:
        table = self.query_one("#matrix", DataTable)
        cursor = table.cursor_coordinate if table.row_count else Coordinate(0, 1)
        table.clear(columns=True)
        table.add_column("科室", key="section", width=16)
        for ind in self.ctx.catalog.indicators:
            table.add_column(f"{ind.id:<2}", key=str(ind.id), width=2)
        for label, key, width in (("完成", "done", 5), ("得分", "score", 5), ("排名", "rank", 4), ("审核", "review", 8)):
            table.add_column(label, key=key, width=width)
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
            table.add_row(*cells, key=r.section_id)
        table.cursor_coordinate = cursor if cursor.row < table.row_count else Coordinate(0, 1)
        late = sum(len(r.overdue) for r in ov.rows)
        done, total = ov.totals
        self.query_one("#coord-status", Static).update(
            f"已报送 {len(ov.submitted)}/{len(ov.rows)} 个科室   完成指标 {done}/{total}   "
            f"平均得分 {ov.average_score:.1f}   逾期事项 {late} 项   （方向键选格，回车查看）"
        )
        self._describe_cell()
        table.focus()

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
            box.update(f"{row.section.name}：应完成 {row.score.total} 项，已完成 {row.score.done} 项，"
                       f"得分 {row.score.weighted:.1f}，第 {row.rank} 名，按时完成 {row.timeliness_label}")
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
            yield Plain(f"{row.section.name}  {row.record.month.label}  第{ind.id}项", classes="dialog-title")
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
    when = f"，{short_dt(entry.completed_at)} 完成" if entry and entry.completed_at and status is Status.DONE else ""
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
        lines.append(f"台账：{ledger.get('file', '已导入')}，{ledger.get('rows', '?')} 行" if ledger else "台账：本月未导入")
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
            rows.append([cell_safe(EVENT_KINDS.get(ev.kind, ev.kind)), clip(ev.title, 36),
                         f"发生 {short_dt(ev.occurred_at)}", f"期限 {short_dt(due_at)}" if due_at else "",
                         f"完成 {short_dt(ev.done_at)}" if ev.done_at else "未完成"])
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


# ───────────────────────── 审核 ─────────────────────────


class ReviewScreen(CoordinatorScreen):
    """各科室的报送状态与提交时间；审核通过、退回修改（写意见）、重新打开（写理由）。"""

    KIND = "审核"
    BINDINGS = [
        # 与逐项自查的 A 添加材料、D 标记完成，首页的 U 提交不重复（同一个人都会用到，见 help.KEYMAP）
        Binding("v", "approve", "审核通过"),
        Binding("b", "return_month", "退回修改"),
        Binding("j", "reopen", "重新打开"),
        Binding("enter", "history", "审核记录", show=False),  # 状态行已写明“回车 查看审核记录”
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="coord-status")
        yield DataTable(id="review", cursor_type="row", zebra_stripes=True)
        yield Plain("", id="review-detail", classes="coord-legend")
        yield AppFooter()

    def render_overview(self, ov: Overview) -> None:
        table = self.query_one("#review", DataTable)
        keep = table.cursor_row
        first = table.row_count == 0
        table.clear(columns=True)
        for label, key, width in (("科室", "section", 18), ("审核状态", "state", 8), ("提交时间", "at", 11),
                                  ("完成", "done", 5), ("得分", "score", 5), ("逾期", "late", 4),
                                  ("最近意见或理由", "comment", 40)):
            table.add_column(label, key=key, width=width)
        for r in ov.rows:
            table.add_row(
                cell_safe(r.name),
                self._styled(r.review.value, REVIEW_VAR[r.review], bold=r.review is ReviewState.SUBMITTED),
                short_dt(r.submitted_at) if r.submitted_at else "",
                cell(r.completion_label, justify="right"),
                cell(f"{r.score.weighted:.1f}", justify="right"),
                self._styled(str(len(r.overdue)), "error" if r.overdue else "foreground-muted", justify="right"),
                cell_safe(last_comment(r.record)),
                key=r.section_id,
            )
        waiting = [i for i, r in enumerate(ov.rows) if r.review is ReviewState.SUBMITTED]
        if first:
            keep = waiting[0] if waiting else 0
        table.move_cursor(row=min(keep, table.row_count - 1))
        approved = sum(1 for r in ov.rows if r.review is ReviewState.APPROVED)
        self.query_one("#coord-status", Static).update(
            f"待审核 {len(waiting)} 个   审核通过 {approved} 个   未报送 {len(ov.not_submitted)} 个   "
            "（V 审核通过  B 退回修改  J 重新打开  回车 查看审核记录）"
        )
        self._describe_row()
        table.focus()

    def _current(self) -> SectionRow | None:
        if self.overview is None:
            return None
        table = self.query_one("#review", DataTable)
        if table.row_count == 0:
            return None
        return self.overview.rows[table.cursor_row]

    @on(DataTable.RowHighlighted, "#review")
    def _describe_row(self) -> None:
        r = self._current()
        box = self.query_one("#review-detail", Plain)
        if r is None:
            box.update("")
            return
        hint = {
            ReviewState.DRAFT: "尚未提交，不能审核。" + ("本月没有记录。" if not r.stored else ""),
            ReviewState.SUBMITTED: "已提交，等待审核：V 审核通过，B 退回修改（须写意见）。",
            ReviewState.APPROVED: "已审核通过并锁定；确需修改时按 J 重新打开（须写理由）。",
            ReviewState.RETURNED: "已退回修改，等待科室重新提交。",
        }[r.review]
        comment = last_comment(r.record)
        if comment and r.review is not ReviewState.DRAFT:
            hint += f"\n{comment}"  # 表格里放不下的长意见，在这里写全
        box.update(f"{r.section.name}：{hint}")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        need = {"approve": ReviewState.SUBMITTED, "return_month": ReviewState.SUBMITTED, "reopen": ReviewState.APPROVED}
        if action in need:
            r = self._current() if self.is_mounted else None
            return None if r is None or r.review is not need[action] else True
        return True

    # ── 操作 ──
    def apply(self, section_id: str, action: str, comment: str, done: str) -> None:
        """记录体系科的一个决定（审核通过 / 退回修改 / 重新打开）。出错时抛 CreditCheckError（不改任何东西）。

        决定只写体系科自己的审核文件（``Store.record_decision``），不写、也不需要占用该科室的文件：
        科室正开着程序时照样可以审核，科室那边下一次读取（换月、保存、每两分钟的检查）时就会看到。
        """
        self.ctx.store.record_decision(section_id, self.month, action, reviewer(self.ctx), self.ctx.now(), comment,
                                       self.ctx.catalog.version)
        session = getattr(self.app, "session", None)
        if section_id == self.ctx.settings.section_id and session is not None and session.month == self.month:
            session.reload()  # 本机科室自己的这个月：首页立即用上新的审核状态
        self.refresh_view()
        self.notify(done)

    def action_approve(self) -> None:
        r = self._current()
        if r is None:
            return
        from .confirm import ConfirmModal

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.apply(r.section_id, "approve", "", f"{r.name}{self.month.label}已审核通过")
            except CreditCheckError as e:
                self.notify(str(e), severity="error", timeout=8)

        self.app.push_screen(
            ConfirmModal("审核通过", f"确认{r.section.name}{self.month.label}的材料审核通过？\n"
                         "通过后本月对该科室锁定；如需修改，须重新打开并填写理由。"),
            answered,
        )

    def action_return_month(self) -> None:
        r = self._current()
        if r is not None:
            self._decide_with_comment(
                r, "return", f"退回修改：{r.section.name}{self.month.label}", "退回意见（必填，会显示在该科室的首页）",
                "如：请补充第6项推进情况的材料", "退回", f"已退回{r.name}{self.month.label}的材料")

    def action_reopen(self) -> None:
        r = self._current()
        if r is not None:
            self._decide_with_comment(
                r, "reopen", f"重新打开：{r.section.name}{self.month.label}", "理由（必填，记入审核记录与审计日志）",
                "如：台账数据有误，需要更正", "重新打开", f"已重新打开{r.name}{self.month.label}")

    def _decide_with_comment(self, r: SectionRow, action: str, title: str, label: str, placeholder: str, ok: str,
                             done: str) -> None:
        """先问意见或理由（必填），再记录决定（退回修改 / 重新打开）。"""
        from .prompt import PromptModal

        def commit(text: str) -> None:
            self.apply(r.section_id, action, text, done)

        self.app.push_screen(PromptModal(title, label, placeholder=placeholder, commit=commit, ok=ok))

    @on(DataTable.RowSelected, "#review")
    def action_history(self) -> None:
        r = self._current()
        if r is not None:
            self.app.push_screen(HistoryModal(r))


def last_comment(sm: SectionMonth) -> str:
    """最近一条带文字的审核记录：“退回：……”“重新打开：……”。"""
    for h in reversed(sm.history):
        if h.comment and h.action in ("return", "reopen", "approve"):
            return f"{ACTION_LABELS[h.action]}：{h.comment}"
    return ""


class HistoryModal(ModalScreen[None]):
    """一个科室一个月的审核记录（含退回意见与重新打开的理由）。"""

    BINDINGS = [Binding("escape,enter,q", "close", "关闭")]

    def __init__(self, row: SectionRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        r = self.row
        lines = [f"当前状态：{r.review.value}", ""]
        for h in r.record.history:
            who = f"  {h.by}" if h.by else ""
            what = f"  {'理由' if h.action == 'reopen' else '意见'}：{h.comment}" if h.comment else ""
            lines.append(f"{h.at:%Y-%m-%d %H:%M}  {ACTION_LABELS.get(h.action, h.action)}{who}{what}")
        if not r.record.history:
            lines.append("还没有审核记录。")
        with Vertical(classes="dialog wide"):
            yield Plain(f"审核记录：{r.section.name}  {r.record.month.label}", classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Plain("\n".join(lines), id="history")
            yield Static("Esc 或回车关闭。", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)


# ───────────────────────── 排名 ─────────────────────────


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

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="coord-status")
        yield DataTable(id="ranking", cursor_type="row", zebra_stripes=True)
        yield Static("", id="trend-title")
        with VerticalScroll(id="trends"):
            for n in range(len(self.ctx.catalog.sections)):
                with Horizontal(classes="trend-row", id=f"trend-{n}"):
                    yield Static("", classes="trend-name", markup=False)
                    yield Sparkline([])
                    yield Static("", classes="trend-text", markup=False)
        yield AppFooter()

    def render_overview(self, ov: Overview) -> None:
        table = self.query_one("#ranking", DataTable)
        table.clear(columns=True)
        for label, key, width in (("名次", "rank", 4), ("科室", "section", 18), ("得分", "score", 5),
                                  ("完成", "done", 5), ("按时完成", "timely", 16), ("逾期", "late", 4),
                                  ("审核状态", "state", 8)):
            table.add_column(label, key=key, width=width)
        for r in ov.ranking:
            table.add_row(
                cell(str(r.rank), justify="right"),
                cell_safe(r.name),
                self._styled(f"{r.score.weighted:.1f}", "success" if r.score.weighted >= 100 else "foreground",
                             justify="right"),
                cell(r.completion_label, justify="right"),
                cell_safe(r.timeliness_label),
                self._styled(str(len(r.overdue)), "error" if r.overdue else "foreground-muted", justify="right"),
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
