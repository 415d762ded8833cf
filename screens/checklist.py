"""逐项自查：一次一个指标，按序号往下走。每页有方案原文、责任科室、期限及本月截止日、
状态、佐证材料（文件状态：正常 / 缺失 / 已变更）、事件及其期限、计数与台账摘要。

每一次修改都立即保存（MonthSession.change），在后台线程里按先后做（``app.disk``），保存时右上角写着
“正在保存……”，画面照常响应按键；保存失败时记录不变，表单里的内容保留。
本页按它显示的月份所用的目录版本（``MonthSession.catalog``）列出指标、计算期限。
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Static

from creditcheck import checklist as ops
from creditcheck.catalog import EVENT_KINDS, Catalog, Indicator
from creditcheck.completion import CellState, confirmation_question, open_for_confirmation
from creditcheck.errors import InputError
from creditcheck.evidence import attach, evidence_state, state_label
from creditcheck.models import Event, Evidence, SectionMonth, Status
from creditcheck.obligations import Obligation, ObligationState
from creditcheck.rules import Level, compute_due

from .app import CreditCheckApp
from .choice import ChoiceModal
from .confirm import ConfirmModal
from .context import AppContext
from .counts_form import CountsModal, ratio_text
from .diskwork import READING, SAVING
from .event_form import EventInput, EventModal, check_not_future, parse_moment
from .evidence_form import EvidenceInput, EvidenceModal
from .ledger_problems import LedgerProblem
from .messages import MonthSaved, ShowsMonth
from .prompt import PromptModal
from .session import MonthSession
from .text import (
    LEVEL_VAR,
    AppFooter,
    Plain,
    cell_safe,
    clip,
    compact_dt,
    compact_due,
    escape,
    short_due,
    status_markup,
)

SHORT_KIND = {
    "licence": "许可决定",
    "data-problem": "问题数据",
    "commitment": "信用承诺",
    "article": "信用动态",
    "code-error": "重错码",
    "case": "信易批",
    "activity": "宣传活动",
    "incident": "失信事件",
    "objection": "异议来函",
}
"""事件列表“类型”一栏的短名（80 列的窗口也放得下整张表）。"""

STEP_GROUP = Binding.Group("上/下一项", compact=True)

STATE_VAR = {"ok": "success", "missing": "error", "changed": "warning", "unreadable": "error"}


class ChecklistScreen(Screen[None], ShowsMonth):
    """逐项自查页。"""

    app = getters.app(CreditCheckApp)
    """本应用（有类型：本月记录、能否修改、打开逐项自查……）。"""

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("left_square_bracket", "step(-1)", "上一项", key_display="[", group=STEP_GROUP),
        Binding("right_square_bracket", "step(1)", "下一项", key_display="]", group=STEP_GROUP),
        Binding("g", "jump", "跳转", show=False),
        Binding("d", "mark_done", "标记完成"),
        Binding("z", "set_status", "状态", show=False),
        Binding("a", "add_evidence", "添加材料"),
        Binding("n", "add_event", "记录事件"),
        Binding("h", "counts", "填写数字"),
        Binding("f", "finish_event", "事件完成", show=False),
        Binding("m", "note", "情况说明", show=False),
        Binding("delete", "remove", "删除", show=False),
        Binding("l", "import_ledger", "导入台账", show=False),
        Binding("w", "annotate_ledger", "标注台账", show=False),
        Binding("p", "app.copy_previous", "沿用上月", show=False),
        Binding("u", "app.submit_month", "提交本月", show=False),
        Binding("e", "app.export_word", "导出Word", show=False),
    ]
    """底栏只放最常用的按键（80 列也放得下，Esc 在最前面）；其余见 F1 帮助和各栏标题里的提示。

    按键与首页、体系科的审核页不重复（见 help.py 的 KEYMAP）：S 是设置、C 是逐项自查、O 是总览，
    所以本页用 Z 设置状态、H 填写数字、回车打开选中的材料。"""

    index: reactive[int] = reactive(0, init=False)
    """当前指标在本科室指标列表中的位置（从 0 开始）。"""

    def __init__(self, ctx: AppContext, indicator_id: int | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self._ledger_loading: set[str] = set()
        """正在后台读取导入记录的台账种类。"""
        self._problems: list[LedgerProblem] = []
        """本页台账表里列出的问题。"""
        self._width = -1
        """上次排版时的窗口宽度。"""
        ids = [i.id for i in self.indicators]
        start = ids.index(indicator_id) if indicator_id in ids else 0
        self.set_reactive(ChecklistScreen.index, start)

    @property
    def session(self) -> MonthSession:
        return self.app.current

    @property
    def catalog(self) -> Catalog:
        """本页显示的月份所用的目录版本。"""
        return self.session.catalog

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """本科室在这个月（按它的目录版本）负责的指标。"""
        return self.catalog.assigned(self.ctx.settings.section_id)

    @property
    def ind(self) -> Indicator:
        inds = self.indicators
        return inds[min(self.index, len(inds) - 1)]

    def compose(self) -> ComposeResult:
        yield Plain("", id="topbar")
        yield Static("", id="readonly", classes="banner -error")
        yield Static("", id="notices", classes="banner -warning")
        with VerticalScroll(id="page"):
            yield Static("", id="ind-title")
            yield Plain("", id="requirement")
            yield Static("", id="meta")
            yield Static("期限", classes="section-title")
            yield Static("", id="rules")
            yield Static("", id="counts")
            yield Static("", id="ledger")
            yield DataTable(id="ledger-problems", cursor_type="row", zebra_stripes=True)
            yield Plain("", id="ledger-problem", classes="hint")
            yield Static(
                "佐证材料（A 添加  回车 打开  Delete 删除）",
                classes="section-title",
                id="evidence-title",
            )
            yield DataTable(id="evidence", cursor_type="row", zebra_stripes=True)
            yield Static("", id="evidence-empty", classes="hint")
            yield Static(
                "事件（N 记录  F 填写完成时间  Delete 删除）",
                classes="section-title",
                id="events-title",
            )
            yield DataTable(id="events", cursor_type="row", zebra_stripes=True)
            yield Static("", id="events-empty", classes="hint")
            yield Static("", id="note")
        yield AppFooter()

    def on_mount(self) -> None:
        self.render_page()
        self.query_one("#page").focus()

    def on_screen_resume(self) -> None:
        self.render_page()

    def watch_index(self) -> None:
        self.render_page()
        self.query_one("#page", VerticalScroll).scroll_home(animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        ind = self.ind
        if action in ("add_event", "finish_event"):
            return bool(ind.event_kinds)
        if action == "counts":
            return bool(ind.counts)
        if action in ("import_ledger", "annotate_ledger"):
            return bool(ind.ledger)
        return True

    # ── 显示 ──
    def redraw_month(self) -> None:
        self.render_page()

    def render_page(self) -> None:
        ctx = self.ctx
        sm = self.session.sm
        ind = self.ind
        entry = sm.entries.get(ind.id)
        status = entry.status if entry else Status.NOT_STARTED
        sec = ctx.section
        self.query_one("#topbar", Static).update(
            f" 逐项自查   {sec.short if sec else ''}   {sm.month.label}   第 {self.index + 1}/{len(self.indicators)} 项"
        )
        ro = self.query_one("#readonly", Static)
        ro.update(escape("只读：" + ctx.read_only_reason) if ctx.read_only else "")
        ro.display = ctx.read_only
        notices = self.query_one("#notices", Static)
        locked = (
            "本月已审核通过并锁定，只能查看。"
            if sm.locked
            else (
                "本月已提交，内容已冻结，只能查看；如需修改请先撤回提交（U）。"
                if sm.review.value == "已提交"
                else ""
            )
        )
        notices.update(locked)
        notices.display = bool(locked)

        month = self.session.standing()  # 本月的事实算一次：状态、期限、事件都从它来
        standing = month.indicator(ind.id)
        truth = ""
        if status is Status.DONE and standing.state is not CellState.DONE:
            # 专人已确认，但本月该办结的事项没有全部办结：如实说明，不计为完成
            var = "error" if standing.state is CellState.OVERDUE else "warning"
            late = "，其中有逾期" if standing.state is CellState.OVERDUE else ""
            truth = f"  [${var}]已确认（尚有 {len(standing.open)} 项未办结{late}），不计为完成[/]"
        self.query_one("#ind-title", Static).update(
            f"[b]{ind.id}. {escape(ind.title)}[/b]\n"
            f"[$foreground-muted]{escape(ind.group)}  权重 {ind.weight:g}[/]    状态：{status_markup(status)}{truth}"
        )
        self.query_one("#requirement", Static).update(cell_safe(ind.requirement))
        names = "、".join(self.catalog.section_by_id(s).short for s in ind.sections)
        mats = "；".join(ind.materials)
        self.query_one("#meta", Static).update(
            f"[b]责任科室：[/b]{escape(names)}\n[b]应报材料：[/b]{escape(mats)}"
        )
        self.query_one("#rules", Static).update(self._rules_text(ind, month.obligations))
        self._render_counts(ind, entry.counts if entry else {})
        self._render_ledger(ind)
        self._render_evidence(entry.evidence if entry else [])
        self._render_events(ind, entry.events if entry else [], month.obligations)
        note = []
        if entry and entry.reason:
            note.append(f"[b]不适用理由[/b]  {escape(entry.reason)}")
        if entry and entry.note:
            note.append(f"[b]备注[/b]  {escape(entry.note)}")
        note.append("[$foreground-muted]M 写情况说明；Z 设置状态（不适用须写理由）；D 标记完成[/]")
        self.query_one("#note", Static).update("\n".join(note))
        self.refresh_bindings()

    def _rules_text(self, ind: Indicator, obligations: Sequence[Obligation]) -> str:
        ctx = self.ctx
        sm = self.session.sm
        lines: list[str] = []
        quota = {(q.indicator_id, q.event_kind): q for q in self.session.quota_lines()}
        fallback_years: set[int] = set()
        for spec in ind.rules:
            rule = spec.rule
            label = f"[b]{escape(rule.label)}[/b]  {escape(spec.what)}"
            if rule in [r.rule for r in ind.monthly_rules]:
                due = compute_due(sm.month, rule, ctx.calendar)
                moved = (
                    "" if due.effective_due == due.due else f"（{due.due.day}日不是工作日，提前）"
                )
                # 按月材料由本月日期的材料、台账或计数办结（见 creditcheck.obligations），不由状态决定
                ob = next(
                    (
                        o
                        for o in obligations
                        if o.indicator_id == ind.id and o.kind == "monthly" and o.rule == str(rule)
                    ),
                    None,
                )
                # 状态一律取算好的义务（与首页、Word 报送材料一致），不在这里按日期另算：本软件自己的
                # 提醒（第9项每月确认“零存量、零增量”）过了提醒日是“待确认”，永远不是“已逾期”
                if ob is None:
                    state = ""
                elif ob.met and ob.reminder:  # 提醒由专人确认办结，确认得晚也不算“逾期完成”
                    state = f"[$success]已确认（{_day(ob.done_at)}）[/]"
                elif ob.met:
                    state = (
                        f"[$warning]逾期完成（{_day(ob.done_at)}，{escape(ob.met_by)}）[/]"
                        if ob.state is ObligationState.LATE
                        else f"[$success]按时完成（{escape(ob.met_by)}）[/]"
                    )
                elif ob.state is ObligationState.NOT_APPLICABLE:
                    state = f"[$foreground-muted]{escape(ob.state_label)}[/]"
                elif ob.reminding:
                    state = f"[$primary]{escape(ob.state_label)}[/]"
                else:
                    level = ob.level or Level.OK
                    state = f"[${LEVEL_VAR[level]}]{level.value}[/]"
                if ob is not None and ob.fallback:
                    fallback_years.add(ob.due_day.year)
                if due.fallback:
                    fallback_years.add(due.effective_due.year)
                when = "本月提醒日" if spec.reminder else "本月截止"
                mark = (
                    "[$foreground-muted]（本软件的提醒，不是方案的期限）[/]"
                    if spec.reminder
                    else ""
                )
                lines.append(
                    f"{label}{mark}\n    {when} {short_due(due.effective_due)}{moved}  {state}"
                )
            elif rule.kind.value == "quota":
                q = quota.get((ind.id, spec.event or ""))
                text = escape(q.text) if q else ""
                var = "success" if q and q.met else "warning"
                lines.append(f"{label}\n    [${var}]{text}[/]")
            else:
                kind = EVENT_KINDS.get(spec.event or "", "")
                lines.append(f"{label}\n    每件{kind}单独计算期限，见下方事件列表")
        for y in sorted(fallback_years):
            if not ctx.calendar.covers(y):
                lines.append(f"[$warning]注意：{ctx.calendar.fallback_warning(y)}[/]")
        return "\n".join(lines)

    def _render_counts(self, ind: Indicator, counts: dict[str, int]) -> None:
        box = self.query_one("#counts", Static)
        box.display = bool(ind.counts)
        if not ind.counts:
            return
        parts = [
            f"{escape(c.label)} [b]{counts[c.key]}[/b]"
            if c.key in counts
            else f"{escape(c.label)} [$warning]未填[/]"
            for c in ind.counts
        ]
        box.update(
            "[b]本月数字[/b]（H 填写）\n    "
            + "    ".join(parts)
            + "\n    "
            + escape(ratio_text(counts))
        )

    def _render_ledger(self, ind: Indicator) -> None:
        box = self.query_one("#ledger", Static)
        box.display = bool(ind.ledger)
        if not ind.ledger:
            return
        summary = self.session.sm.ledgers.get(ind.ledger)
        lines = ["[b]台账[/b]"]
        problems = self._ledger_problems(ind.ledger, summary)
        if summary:
            at = str(summary.get("imported_at", "")).replace("T", " ")[:16]
            n = summary.get("problems", 0) or len(problems)
            from creditcheck.ledger import month_rows_text

            other = summary.get("rows_other_months") or 0
            rows = month_rows_text(int(summary.get("rows", 0) or 0), int(other))
            lines.append(
                f"    {escape(str(summary.get('file', '')))}，{at} 导入，{escape(rows)}；"
                f"发现问题 {n} 个"
                + (
                    "（见下表：Tab 到表格，上下键逐个查看；W 在原文件旁另存一份标出问题的副本）"
                    if problems
                    else ""
                )
            )
            try:
                from creditcheck.ledger import rate_lines

                for line in rate_lines(
                    ind.ledger, summary.get("counts") or {}, summary.get("rates") or {}
                ):
                    lines.append(f"    {escape(line)}")
            except Exception:  # 台账种类不认识时只显示摘要
                pass
        else:
            lines.append("    本月尚未导入台账。")
        if _ledger_importer() is not None:
            lines.append(
                "    [$foreground-muted]L 导入台账（Excel、WPS 表格或 CSV；再次导入会替换本月的台账）[/]"
            )
        sec = self.ctx.section
        if self.app.size.width >= 100:  # 80 列时省掉这一行（F1 帮助与使用说明里有）
            lines.append(
                f"    [$foreground-muted]命令行导入：creditcheck ledger import 文件.xlsx --section {sec.short if sec else ''} "
                f"--month {self.session.month} --kind {ind.ledger}[/]"
            )
        box.update("\n".join(lines))
        self._render_ledger_problems(problems)

    def _ledger_record(self, kind: str, summary: dict[str, Any] | None) -> dict[str, Any] | None:
        """本月这种台账的导入记录（含问题）：读过的直接用；没读过时在后台读，读好后重画本页。"""
        if not summary:
            return None
        session = self.session
        known, record = session.ledger_record(kind)
        if not known and kind not in self._ledger_loading:
            self._ledger_loading.add(kind)

            def loaded(_: object) -> None:
                self._ledger_loading.discard(kind)
                if self.is_attached:
                    self.render_page()

            self.app.disk.start(lambda: session.load_ledger_record(kind), READING, done=loaded)
        return record

    def _ledger_problems(self, kind: str, summary: dict[str, Any] | None) -> list[LedgerProblem]:
        from .ledger_problems import problems_of

        return problems_of(self._ledger_record(kind, summary))

    def _render_ledger_problems(self, problems: list[LedgerProblem]) -> None:
        """台账的问题逐条列出：行、列、内容、问题。"""
        table = self.query_one("#ledger-problems", DataTable)
        table.clear(columns=True)
        table.display = bool(problems)
        self._problems = problems
        detail = self.query_one("#ledger-problem", Static)
        detail.display = bool(problems)
        if not problems:
            return
        rows = [
            (
                str(p.row),
                cell_safe(p.column),
                cell_safe(p.value) or "（空）",
                cell_safe(("［迟报］" if p.late else "") + p.message),
            )
            for p in problems
        ]
        narrow = self.app.size.width < 100
        col_w = min(12 if narrow else 16, max(cell_len(r[1]) for r in rows) + 1)
        val_w = min(14 if narrow else 22, max([4] + [cell_len(r[2]) for r in rows]))
        msg_w = max(10, self.app.size.width - 8 - 2 * 4 - 4 - col_w - val_w - 8)
        table.add_column("行", width=4, key="row")
        table.add_column("列", width=col_w, key="column")
        table.add_column("内容", width=val_w, key="value")
        table.add_column("问题", width=msg_w, key="message")
        for i, r in enumerate(rows):
            table.add_row(
                r[0], clip(r[1], col_w), clip(r[2], val_w), clip(r[3], msg_w), key=f"p{i}"
            )
        self._show_problem(0)

    def _show_problem(self, i: int) -> None:
        """表格下面写全光标所在的那个问题（表格里放不下时截断了）。"""
        problems = self._problems
        if not 0 <= i < len(problems):
            return
        p = problems[i]
        value = f"「{p.value}」" if p.value else "（空）"
        self.query_one("#ledger-problem", Static).update(
            f"第{i + 1}/{len(problems)}个问题：第{p.row}行 {p.column}{value}：{'［迟报］' if p.late else ''}{p.message}"
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "ledger-problems":
            self._show_problem(event.cursor_row)

    def _render_evidence(self, items: list[Evidence]) -> None:
        table = self.query_one("#evidence", DataTable)
        table.clear(columns=True)
        rows = [
            [
                ev.file_name,
                ev.kind,
                ev.effective_date.isoformat() if ev.effective_date else "",
                ev.note,
                ev.id,
            ]
            for ev in items
        ]
        # 文件名与说明按窗口宽度截断；“状态”一栏留足“文件缺失”的宽度（检查完才填上）
        heads = ["文件", "材料类型", "材料日期", "状态", "说明"]
        fixed = [
            max([cell_len(heads[i])] + [cell_len(cell_safe(r[j])) for r in rows])
            for i, j in ((1, 1), (2, 2))
        ]
        room = self.app.size.width - 8 - 2 * len(heads) - sum(fixed) - 8
        file_need = max([4] + [cell_len(cell_safe(r[0])) for r in rows])
        note_need = max([4] + [cell_len(cell_safe(r[3])) for r in rows])
        file_w = max(10, min(file_need, room - min(note_need, 12)))
        note_w = max(4, min(note_need, room - file_w))
        table.add_column("文件", width=file_w, key="file")
        table.add_column("材料类型", width=fixed[0], key="kind")
        table.add_column("材料日期", width=fixed[1], key="date")
        table.add_column("状态", width=8, key="state")
        table.add_column("说明", width=note_w, key="note")
        for r in rows:
            table.add_row(
                clip(r[0], file_w), cell_safe(r[1]), r[2], "检查中", clip(r[3], note_w), key=r[4]
            )
        table.display = bool(items)
        empty = self.query_one("#evidence-empty", Static)
        empty.update("还没有佐证材料。按 A 添加文件路径。" if not items else "")
        empty.display = not items
        if items:
            self._check_files(list(items))

    @work(thread=True, exclusive=True, group="evidence-state", exit_on_error=False)
    def _check_files(self, items: list[Evidence]) -> None:
        """文件可能在共享文件夹上，算指纹可能慢，所以在线程里做。"""
        states = [(ev.id, evidence_state(ev)) for ev in items]
        self.app.call_from_thread(self._show_states, states)

    def _show_states(self, states: list[tuple[str, str]]) -> None:
        from rich.text import Text

        table = self.query_one("#evidence", DataTable)
        col = "state"
        theme = self.app.theme_variables
        for ev_id, state in states:
            try:
                table.update_cell(
                    ev_id,
                    col,
                    Text(state_label(state), style=theme.get(STATE_VAR.get(state, "error"), "")),
                )
            except Exception:
                continue  # 页面已切换，行不在了

    def _render_events(
        self, ind: Indicator, events: list[Event], obligations: Sequence[Obligation]
    ) -> None:
        show = bool(ind.event_kinds)
        for wid in ("#events-title", "#events", "#events-empty"):
            self.query_one(wid).display = show
        if not show:
            return
        from rich.text import Text

        from .event_form import EVENT_FORMS

        table = self.query_one("#events", DataTable)
        table.clear(columns=True)
        theme = self.app.theme_variables
        rows = []
        # 每件事件的期限和状态取算好的义务（与首页、Word 报送材料一致），不在这里按日期另算
        by_event = {
            o.event_id: o
            for o in obligations
            if o.indicator_id == ind.id and o.event_id is not None
        }
        for ev in events:
            ob = by_event.get(ev.id)
            due = ob.effective_due if ob is not None else None
            form = EVENT_FORMS.get(ev.kind)
            timed = form.needs_time if form is not None else True
            if ob is None:  # 目录对这类事件没有期限规则
                state = Text("已完成" if ev.done_at is not None else "未完成")
            elif ob.met:
                ok = ob.state is ObligationState.ON_TIME
                state = Text(ob.state.value, style=theme.get("success" if ok else "warning", ""))
            elif ob.reminding:
                state = Text(ob.state_label, style=theme.get("primary", ""))
            else:
                level = ob.level or Level.OK
                label = "未完成" if level is Level.OK else level.value
                state = Text(label, style=theme.get(LEVEL_VAR[level], ""))
            rows.append(
                [
                    cell_safe(SHORT_KIND.get(ev.kind, EVENT_KINDS.get(ev.kind, ev.kind))),
                    cell_safe(ev.title),
                    compact_dt(ev.occurred_at, timed),
                    compact_due(due) if due is not None else "",
                    compact_dt(ev.done_at, timed),
                    state,
                    ev.id,
                ]
            )
        # 名称一栏按窗口宽度截断，整张表不超出屏幕（80 列时也不必左右滚动）
        heads = ["类型", "名称", "发生", "期限", "完成", "状态"]
        widths = [
            max([cell_len(h)] + [cell_len(str(r[i])) for r in rows]) for i, h in enumerate(heads)
        ]
        room = self.app.size.width - 8 - 2 * len(heads) - (sum(widths) - widths[1])
        name_w = max(8, min(widths[1], room))
        for i, h in enumerate(heads):
            table.add_column(h, width=name_w if i == 1 else widths[i], key=str(i))
        for r in rows:
            table.add_row(r[0], clip(str(r[1]), name_w), r[2], r[3], r[4], r[5], key=str(r[6]))
        table.display = bool(events)
        empty = self.query_one("#events-empty", Static)
        kinds = "、".join(EVENT_KINDS[k] for k in ind.event_kinds)
        empty.update(
            f"还没有记录事件。发生{kinds}时按 N 记录，系统会算出期限并提醒。" if not events else ""
        )
        empty.display = not events

    def on_resize(self) -> None:
        if self._width != self.app.size.width:
            self._width = self.app.size.width
            self.render_page()

    # ── 修改 ──
    def _change(
        self, mutate: Callable[[SectionMonth], object], then: Callable[[], None] | None = None
    ) -> None:
        """在后台保存一次修改（排在已发起的之后）；成功后重画本页再调用 ``then``，失败时提示原因。"""
        session = self.session

        def done(_: object) -> None:
            self._saved()
            if then is not None:
                then()

        def failed(message: str) -> None:
            self.notify(message, title="未保存", severity="error", timeout=8)

        self.app.disk.start(lambda: session.change(mutate), SAVING, done=done, failed=failed)

    async def _commit(self, mutate: Callable[[SectionMonth], object]) -> None:
        """给表单用：在后台保存，等它做完；出错时抛出中文错误，表单据此留在原处、内容不动并显示原因。"""
        session = self.session
        await self.app.disk.run(lambda: session.change(mutate), SAVING)
        self._saved()

    def _saved(self) -> None:
        self.render_page()
        self.app.post_message(MonthSaved(self.session.month))

    def action_step(self, step: int) -> None:
        new = self.index + step
        if 0 <= new < len(self.indicators):
            self.index = new
            return
        # 到头了：说一句，而不是毫无反应
        left = self._unfinished()
        where = "已是最后一项" if step > 0 else "已是第一项"
        if left:
            names = "、".join(f"第{i}项" for i in left[:5]) + ("等" if len(left) > 5 else "")
            self.notify(f"{where}。还有 {len(left)} 项未完成：{names}；按 G 跳转。", timeout=6)
        else:
            self.notify(
                f"{where}。本月各项都已完成：按 Esc 回首页，E 导出 Word 报送材料，U 提交体系科。",
                timeout=8,
            )

    def _unfinished(self) -> list[int]:
        """本科室尚未完成（也不是不适用）的指标序号。"""
        sm = self.session.sm
        out = []
        for ind in self.indicators:
            e = sm.entries.get(ind.id)
            if e is None or e.status not in (Status.DONE, Status.NOT_APPLICABLE):
                out.append(ind.id)
        return out

    def action_jump(self) -> None:
        month = (
            self.session.standing()
        )  # 列表里写算出的完成情况（与首页、总览一致），不只是专人标的状态
        options = []
        for ind in self.indicators:
            label = month.indicator(ind.id).label
            options.append((f"{ind.id:>2}. {ind.short}（{label}）", ind.id))

        def go(iid: int | None) -> None:
            if iid is not None:
                self.index = [i.id for i in self.indicators].index(iid)

        # 按数字键跳到序号相同的那一项（选项前写的是指标序号，不是第几行）
        keys = {str(ind.id): i for i, ind in enumerate(self.indicators) if ind.id < 10}
        self.app.push_screen(
            ChoiceModal(
                "跳转到指标",
                options,
                self.index,
                shortcuts=keys,
                hint="上下键选择，回车确定；也可直接按指标序号；Esc 取消",
            ),
            go,
        )

    def action_mark_done(self) -> None:
        if not self.app.can_edit():
            return
        ind = self.ind
        entry = self.session.sm.entries.get(ind.id)
        now = self.ctx.now()

        catalog = self.catalog

        def do() -> None:
            self._change(
                lambda sm: ops.set_status(sm, catalog, ind.id, Status.DONE, now),
                lambda: self.done_and_next(ind),
            )

        pending = open_for_confirmation(
            catalog,
            self.ctx.calendar,
            self.session.sm,
            ind.id,
            now,
            self.session.all_months(),
        )
        if pending:
            # 本月该办结的事项还没办完：列出来问；仍要确认时显示“已确认（尚有 N 项未办结）”，不计为完成
            self.app.push_screen(
                ConfirmModal(
                    "尚有未办结事项", confirmation_question(pending), yes="仍要确认", no="先去办"
                ),
                lambda yes: do() if yes else None,
            )
        elif not ind.confirmation_only and (
            entry is None or not (entry.evidence or entry.events or entry.note or entry.counts)
        ):
            # 只需确认的项（第9项确认“零存量、零增量”）：确认本身就是材料，不问有没有材料
            self.app.push_screen(
                ConfirmModal("标记完成", "本项还没有佐证材料、事件或备注。确定标记为已完成吗？"),
                lambda yes: do() if yes else None,
            )
        else:
            do()

    def done_and_next(self, ind: Indicator) -> None:
        """本项刚标记完成：转到下一项未完成的指标，提示里写明哪一项完成了、现在是哪一项（省一次“]”）。"""
        left = self._unfinished()
        name = f"第{ind.id}项「{ind.short}」已标记完成"
        if not left:
            self.notify(
                f"{name}。本月各项都已完成：按 Esc 回首页，E 导出 Word 报送材料，U 提交体系科。",
                title="已完成",
                timeout=8,
            )
            return
        ids = [i.id for i in self.indicators]
        after = [i for i in left if ids.index(i) > ids.index(ind.id)] or left
        nxt = after[0]
        self.app.clear_notifications()
        self.index = ids.index(nxt)
        self.notify(
            f"{name}。现在是第{nxt}项「{self.indicators[self.index].short}」（按 [ 回到上一项）。",
            title="已完成",
            timeout=6,
        )

    def action_set_status(self) -> None:
        if not self.app.can_edit():
            return
        ind = self.ind
        now = self.ctx.now()
        entry = self.session.sm.entries.get(ind.id)
        current = list(Status).index(entry.status) if entry else 0
        options = [(f"{i + 1}. {s.value}", s) for i, s in enumerate(Status)]

        def chosen(status: Status | None) -> None:
            if status is None:
                return
            if status is Status.NOT_APPLICABLE:
                self.app.push_screen(
                    PromptModal(
                        "不适用",
                        "请写明本项本月不适用的理由（写入报送材料）",
                        entry.reason if entry else "",
                        placeholder=ind.na_placeholder,
                        commit=lambda text: self._commit(
                            lambda sm: ops.set_status(sm, catalog, ind.id, status, now, reason=text)
                        ),
                    )
                )
                return
            self._change(lambda sm: ops.set_status(sm, catalog, ind.id, status, now))

        catalog = self.catalog
        self.app.push_screen(ChoiceModal(f"第{ind.id}项的状态", options, current), chosen)

    def action_note(self) -> None:
        if not self.app.can_edit():
            return
        ind = self.ind
        entry = self.session.sm.entries.get(ind.id)
        now = self.ctx.now()
        catalog = self.catalog
        from .text_modal import TextModal

        self.app.push_screen(
            TextModal(
                "情况说明（备注）",
                f"第{ind.id}项 {ind.short} 的情况说明（写入报送材料）",
                entry.note if entry else "",
                commit=lambda text: self._commit(
                    lambda sm: ops.set_note(sm, catalog, ind.id, text.strip(), now)
                ),
            )
        )

    def action_add_evidence(self) -> None:
        if not self.app.can_edit():
            return
        ind = self.ind
        ctx = self.ctx

        catalog = self.catalog
        session = self.session

        async def commit(data: EvidenceInput, allow_missing: bool) -> None:
            now = ctx.now()

            def job() -> Path:
                # 文件可能在共享文件夹上，算指纹可能慢：与保存一起在后台线程里做
                ev = attach(
                    data.path,
                    now=now,
                    kind=data.kind,
                    effective_date=data.effective_date,
                    note=data.note,
                    base_dir=ctx.export_dir,
                    allow_missing=allow_missing,
                )
                session.change(lambda sm: ops.add_evidence(sm, catalog, ind.id, ev, now))
                return Path(ev.abs_path).parent

            folder = await self.app.disk.run(job, SAVING)
            self._saved()
            self.app.last_evidence_dir = folder  # 下次添加时从这里开始

        last = self.app.last_evidence_dir
        self.app.push_screen(
            EvidenceModal(
                f"第{ind.id}项 添加佐证材料",
                ind.materials,
                ctx.today,
                commit,
                ctx.export_dir,
                last_dir=last,
            )
        )

    def action_add_event(self) -> None:
        if not self.app.can_edit():
            return
        ind = self.ind
        kinds = ind.event_kinds
        if not kinds:
            return
        if len(kinds) == 1:
            self._event_form(kinds[0])
            return
        options = [(f"{i + 1}. {EVENT_KINDS[k]}", k) for i, k in enumerate(kinds)]
        self.app.push_screen(
            ChoiceModal("记录哪一类事件？", options), lambda k: self._event_form(k) if k else None
        )

    def _event_form(self, kind: str) -> None:
        ind = self.ind
        ctx = self.ctx
        catalog = self.catalog
        spec = ind.rule_for_event(kind)

        async def commit(data: EventInput) -> None:
            now = ctx.now()

            def mutate(sm: SectionMonth) -> None:
                ops.add_event(
                    sm,
                    catalog,
                    ctx.calendar,
                    ind.id,
                    data.kind,
                    data.title,
                    data.occurred_at,
                    now,
                    done_at=data.done_at,
                    note=data.note,
                    fields=data.fields,
                )
                if data.finish:
                    ops.set_status(sm, catalog, ind.id, Status.DONE, now)

            await self._commit(mutate)
            if data.finish:
                self.call_after_refresh(self.done_and_next, ind)
            else:
                self.call_after_refresh(self._show_events)

        entry = self.session.sm.entries.get(ind.id)
        open_events = [
            o
            for o in self.session.obligations()
            if o.indicator_id == ind.id and o.event_id is not None and not o.done
        ]
        offer = not open_events and not (
            entry is not None and entry.status in (Status.DONE, Status.NOT_APPLICABLE)
        )
        label = f"{spec.rule.label}（{spec.what}）" if spec else ""
        self.app.push_screen(EventModal(kind, label, ctx.now(), commit, offer_finish=offer))

    def _show_events(self) -> None:
        """刚保存的事件在页面下方：把事件表滚入视野、光标放到最后一行（不必再按 PageDown 去找）。"""
        table = self.query_one("#events", DataTable)
        if table.display and table.row_count:
            table.move_cursor(row=table.row_count - 1)
            table.focus()
            self.query_one("#page", VerticalScroll).scroll_to_widget(table, animate=False)

    def _selected(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if not table.row_count or not table.display:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value) if key is not None else None

    def action_finish_event(self) -> None:
        if not self.app.can_edit():
            return
        ind = self.ind
        ev_id = self._selected("#events")
        if ev_id is None:
            self.notify("请先在事件列表中选中一个事件（Tab 切换到列表）", timeout=4)
            return
        entry = self.session.sm.entry(ind.id)
        ev = next(e for e in entry.events if e.id == ev_id)
        from .event_form import EVENT_FORMS

        needs_time = EVENT_FORMS[ev.kind].needs_time if ev.kind in EVENT_FORMS else False
        what = EVENT_FORMS[ev.kind].done if ev.kind in EVENT_FORMS else "完成时间"

        catalog = self.catalog

        async def commit(text: str) -> None:
            now = self.ctx.now()
            done = parse_moment(text, now.date(), needs_time, what)
            check_not_future(done, now, needs_time)
            await self._commit(lambda sm: ops.complete_event(sm, catalog, ind.id, ev_id, done, now))

        self.app.push_screen(
            PromptModal(
                what,
                f"{EVENT_KINDS.get(ev.kind, ev.kind)}：{ev.title}",
                placeholder="如 今天 15:00" if needs_time else "如 今天、11-27",
                commit=commit,
            )
        )

    def action_open_evidence(self) -> None:
        ev_id = self._selected("#evidence")
        if ev_id is None:
            self.notify("本项还没有佐证材料", timeout=3)
            return
        ev = next(e for e in self.session.sm.entry(self.ind.id).evidence if e.id == ev_id)
        problem = self.ctx.open(Path(ev.abs_path))
        if problem:
            self.notify(problem, title="无法打开", severity="warning", timeout=8)
        else:
            self.notify(f"已用默认程序打开 {ev.file_name}", timeout=3)

    def action_remove(self) -> None:
        if not self.app.can_edit():
            return
        ind = self.ind
        now = self.ctx.now()
        catalog = self.catalog
        focused = self.focused
        use_events = focused is not None and focused.id == "events"
        if use_events:
            ev_id = self._selected("#events")
            if ev_id is None:
                return
            ev = next(e for e in self.session.sm.entry(ind.id).events if e.id == ev_id)
            body = f"删除事件“{ev.title}”？删除后不能恢复。"
            target = ev_id
            mutate: Callable[[Any], object] = lambda sm: ops.remove_event(  # noqa: E731
                sm, catalog, ind.id, target, now
            )
        else:
            ev_id = self._selected("#evidence")
            if ev_id is None:
                self.notify("请先用 Tab 选中要删除的材料或事件", timeout=3)
                return
            item = next(e for e in self.session.sm.entry(ind.id).evidence if e.id == ev_id)
            body = f"从本项中移除佐证材料“{item.file_name}”？（文件本身不会被删除）"
            mutate = lambda sm: ops.remove_evidence(sm, catalog, ind.id, ev_id, now)  # noqa: E731

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._change(mutate)

        self.app.push_screen(ConfirmModal("删除", body, yes="删除", danger=True), confirmed)

    def action_counts(self) -> None:
        if not self.app.can_edit():
            return
        ind = self.ind
        if not ind.counts:
            return
        entry = self.session.sm.entries.get(ind.id)
        catalog = self.catalog

        async def commit(values: dict[str, str]) -> None:
            now = self.ctx.now()
            filled = {k: v for k, v in values.items() if v}
            if not filled:
                raise InputError("请至少填写一个数字")

            def mutate(sm: SectionMonth) -> None:
                for k, v in filled.items():
                    ops.set_count(sm, catalog, ind.id, k, v, now)

            await self._commit(mutate)

        self.app.push_screen(CountsModal(ind.counts, dict(entry.counts) if entry else {}, commit))

    def action_import_ledger(self) -> None:
        if not self.app.can_edit():
            return
        ind = self.ind
        if _ledger_importer() is None:
            self.notify(
                f"请在命令行运行：creditcheck ledger import 文件.xlsx --kind {ind.ledger}",
                timeout=8,
            )
            return
        self.app.import_ledger(ind.ledger or "")

    def action_annotate_ledger(self) -> None:
        """在原台账文件旁另存一份标出问题的副本（与 creditcheck ledger check --annotate 相同）。"""
        from .ledger_problems import annotated_path, source_path, write_annotated_copy

        ind = self.ind
        kind = ind.ledger or ""
        summary = self.session.sm.ledgers.get(kind)
        if not summary:
            self.notify("本月还没有导入台账：先按 L 导入。", timeout=5)
            return
        ctx = self.ctx
        catalog = self.catalog
        record = self._ledger_record(kind, summary)

        def run(src: Path) -> None:
            from .task import TaskModal

            out = annotated_path(src)
            today = ctx.now().date()

            def job() -> Path:
                return write_annotated_copy(src, kind, catalog, ctx.calendar, today, out)

            def go(yes: bool | None = True) -> None:
                if yes:
                    self.app.push_screen(
                        TaskModal(
                            "另存标注副本",
                            job,
                            ctx.open,
                            "正在检查台账并标出问题……",
                            "已另存标注副本（有问题的格已涂色并加批注，另有“问题汇总”页）：",
                        )
                    )

            if out.exists():
                self.app.push_screen(
                    ConfirmModal(
                        "文件已存在",
                        f"{out}\n已经存在。要覆盖它吗？（若正在 Excel/WPS 中打开，请先关闭）",
                        yes="覆盖",
                        danger=True,
                    ),
                    go,
                )
            else:
                go()

        src = source_path(record, ctx.export_dir)
        if src is not None:
            run(src)
            return
        from .path_input import PathSuggester

        def check(text: str) -> None:
            from creditcheck.filenames import clean_path_text

            if not Path(clean_path_text(text)).expanduser().is_file():
                raise InputError(f"文件不存在：{text.strip()}")

        def chosen(text: str | None) -> None:
            if text:
                from creditcheck.filenames import clean_path_text

                run(Path(clean_path_text(text)).expanduser())

        self.app.push_screen(
            PromptModal(
                "另存标注副本",
                f"导入时的台账文件（{summary.get('file', '')}）在哪里？标注副本存在它旁边。",
                str(ctx.export_dir / str(summary.get("file", ""))),
                commit=check,
                suggester=PathSuggester(),
                ok="另存",
                guard=False,
            ),
            chosen,
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """在佐证材料表上按回车：用默认程序打开这份材料。"""
        if event.data_table.id == "evidence":
            self.action_open_evidence()

    def action_back(self) -> None:
        self.dismiss(None)


def _day(d) -> str:  # type: ignore[no-untyped-def]
    return f"{d.month}月{d.day}日" if d is not None else ""


def _ledger_importer():  # type: ignore[no-untyped-def]
    """台账导入函数（exports.ledger_io.import_ledger）；尚未提供时为 None。只查找，不加载 openpyxl。"""
    import importlib.util

    try:
        spec = importlib.util.find_spec("exports.ledger_io")
    except (ImportError, ValueError):
        return None
    return spec


_ = datetime
