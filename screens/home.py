"""首页：本月进度、期限提醒（已逾期 / 今日到期 / 即将到期）、配额进度，以及各种提示。

回车打开所选事项所在的指标；C 从第一项未完成的指标开始逐项自查。
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from creditcheck.models import ReviewState
from creditcheck.rules import Level

from .app import CreditCheckApp
from .context import AppContext
from .firstshow import QuickFirstShow
from .messages import MonthLoading, MonthSaved, ShowsMonth
from .text import NARROW, AppFooter, Plain, cell_safe, escape, level_markup, pad, short_due

if TYPE_CHECKING:
    from creditcheck.obligations import Obligation  # 读出本月之后才用到：首页第一次画好之前不导入

REMINDER_HEAD = "提醒（本软件的提醒，不是方案规定的期限，确认即可）"
"""期限面板里本软件自己的提醒一组的标题（提醒永远不算逾期）。"""

MONTH_GROUP = Binding.Group("上月/下月", compact=True)

REVIEW_VAR = {
    ReviewState.DRAFT: "foreground-muted",
    ReviewState.SUBMITTED: "primary",
    ReviewState.APPROVED: "success",
    ReviewState.RETURNED: "error",
}


class MonthRow(Widget):
    """月份一行：月份、报送状态（占满中间）、换月的按键提示（靠右，灰色，很窄的窗口里不写）。

    一个部件画出三段（以前是一个 Horizontal 里的三个 Static）：首页少排、少画几个部件，启动更快。"""

    COMPONENT_CLASSES = {"month-row--hint"}

    DEFAULT_CSS = """
    MonthRow {
        height: 1;
        & > .month-row--hint {
            color: $text-muted;
        }
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label = ""
        """月份（标记文字，如 ``[b]2026年11月[/b]（本月）``）。"""
        self.state = ""
        """报送状态（标记文字）。"""
        self.hint = ""
        """换月的按键提示（纯文字）；空时不写。"""
        self._drawn: dict[str, tuple[str, int, int]] = {}
        """上次画出的各段：名称 -> (画出的文字, 左端列, 右端列)，列从本行左端算起。"""

    def show(
        self, *, label: str | None = None, state: str | None = None, hint: str | None = None
    ) -> None:
        """改写其中几段（不给的不变）。"""
        self.label = self.label if label is None else label
        self.state = self.state if state is None else state
        self.hint = self.hint if hint is None else hint
        self.refresh()

    def text(self, part: str) -> str:
        """一段的文字（不含标记）：label、state 或 hint。"""
        return Content.from_markup(getattr(self, part)).plain if part != "hint" else self.hint

    def drawn(self) -> dict[str, tuple[str, int, int]]:
        """上次画出的各段：label / state / hint -> (画出的文字, 左端列, 右端列)，列为屏幕上的列。
        没画出的段不在其中；放不下时文字是截短了的。"""
        x = self.region.x
        return {name: (text, x + a, x + b) for name, (text, a, b) in self._drawn.items()}

    def render(self) -> Content:
        width = self.size.width
        label = Content.from_markup(self.label)
        state = Content.from_markup(self.state)
        hint = Content.styled(self.hint, self.get_visual_style("month-row--hint", partial=True))
        gap = 2 if self.app.size.width < NARROW else 3
        lw = min(label.cell_length, width)
        hw = min(hint.cell_length, max(0, width - lw - gap))
        sw = max(0, width - lw - gap - hw)  # 报送状态占满中间（放不下时截去末尾）
        label, state, hint = label.truncate(lw), state.truncate(sw), hint.truncate(hw)
        self._drawn = {
            "label": (label.plain, 0, lw),
            "state": (state.plain, lw + gap, lw + gap + state.cell_length),
        }
        if hw:
            self._drawn["hint"] = (hint.plain, width - hw, width)
        pieces = [label, Content(" " * gap), state.pad_right(sw - state.cell_length), hint]
        return Content("").join(pieces).truncate(width)


class ProgressRow(Widget):
    """进度一行：“已完成 …项”、得分进度条（占满中间）、得分（加粗，靠右）。窗口很窄时只写一行文字。

    一个部件画出（以前是一个 Horizontal 里的两个 Static 和一个 ProgressBar，共 7 个部件）；
    进度条的画法与 Textual 的 ProgressBar 相同（“━”，半格用“╸”，未完成部分为 $surface 色，满分为 $success 色）。"""

    DEFAULT_CSS = """
    ProgressRow {
        height: 1;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label = ""
        """左边的文字（纯文字）。"""
        self.score: float | None = None
        """得分（0–100）；None 时不画进度条和得分。"""

    def show(self, label: str, score: float | None) -> None:
        self.label, self.score = label, score
        self.refresh()

    def text(self) -> str:
        """这一行的文字（不含进度条）。"""
        return self.label + (f"  得分 {self.score:.1f}" if self.score is not None else "")

    def render(self) -> Content:
        width = self.size.width
        label = Content(cell_safe(self.label))
        if self.score is None:
            return label.truncate(width)
        score = Content.styled(f"得分 {self.score:.1f}", "bold")
        bar_w = max(0, width - label.cell_length - 2 - 2 - score.cell_length)
        return Content.assemble(label, "  ", bar(bar_w, self.score / 100), "  ", score).truncate(
            width
        )


def bar(width: int, fraction: float) -> Content:
    """宽 ``width`` 格、完成 ``fraction``（0–1）的进度条：与 Textual 的 ProgressBar 画得一样
    （它先把比例取到半格，再按半格四舍五入画出）。"""
    if width <= 0:
        return Content("")
    fraction = max(0.0, min(1.0, fraction))
    done = "$success" if fraction >= 1 else "$primary"
    fraction = int(fraction * width * 2) / (width * 2)
    end = round(width * fraction * 2) / 2
    if end <= 0:
        return Content.styled("━" * width, "$surface")
    half = end - int(end) > 0
    head = "━" * int(end) + ("╸" if half else "")
    tail = ("" if half or end == width else "╺") + "━" * max(0, width - int(end) - 1)
    return Content.assemble((head, done), *([(tail, "$surface")] if tail else []))


class HomeScreen(QuickFirstShow, ShowsMonth):  # 第一次显示少排一遍样式（screens/firstshow.py）
    """首页。"""

    app = getters.app(CreditCheckApp)
    """本应用（有类型：本月记录、能否修改、打开逐项自查……）。"""

    BINDINGS = [
        Binding("c", "app.checklist", "逐项自查"),
        Binding("left_square_bracket", "app.month(-1)", "上月", key_display="[", group=MONTH_GROUP),
        Binding("right_square_bracket", "app.month(1)", "下月", key_display="]", group=MONTH_GROUP),
        Binding("t", "app.this_month", "本月", show=False),
        Binding("p", "app.copy_previous", "沿用上月", show=False),
        Binding("u", "app.submit_month", "提交本月"),
        Binding("e", "app.export_word", "导出Word"),
        Binding("x", "plans", "问题和打算", show=False),
        Binding("i", "app.export_ics", "导出日历", show=False),
        Binding("s", "app.settings", "设置", show=False),
        Binding("o", "app.coordinator('OverviewScreen')", "总览", show=False),
        Binding("r", "app.coordinator('ReviewScreen')", "审核", show=False),
        Binding("k", "app.coordinator('RankingScreen')", "排名", show=False),
        Binding("ctrl+t", "app.take_over", "接管", show=False),
        Binding("q", "app.quit", "退出"),
    ]

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx

    def action_plans(self) -> None:
        """写本月的“存在问题和下步打算”（报送材料正文第三部分）。"""
        from .plans import edit_plans

        edit_plans(self.app)

    def compose(self) -> ComposeResult:
        yield Plain("", id="topbar")
        yield Static("", id="readonly", classes="banner -error")
        yield Static("", id="notices", classes="banner -warning")
        yield MonthRow(id="month-row")
        yield ProgressRow(id="progress-row")
        yield Static("", id="next-step")
        yield Static(
            "期限提醒（上下键选择，回车打开该指标）", id="deadline-title", classes="panel-title"
        )
        yield OptionList(id="deadlines")
        yield Static("", id="quota")
        yield AppFooter()

    def on_mount(self) -> None:
        self._width = -1
        """上次排版时的窗口宽度；-1 为还没排过（终端的实际大小可能在第一次排版之后才报来，宽度 0 也要重排）。"""
        self.query_one("#deadlines", OptionList).focus()
        self.call_after_refresh(self.app.home_painted)  # 首页画好之后：在后台取锁、备份、读本月

    def on_screen_resume(self) -> None:
        self.refresh_view()

    def on_month_saved(self, _: MonthSaved) -> None:
        self.refresh_view()

    def on_month_loading(self, message: MonthLoading) -> None:
        """换月时数据在后台读取：先在月份处说明，读好后整页换成新月份（按键照常可用）。"""
        self.query_one(MonthRow).show(label=f"[b]{message.month.label}[/b]（正在读取……）")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "coordinator":
            return self.ctx.is_coordinator
        if action == "take_over":
            return self.ctx.lock_stale
        return True

    # ── 刷新 ──
    def redraw_month(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        self._width = self.app.size.width
        session = self.app.session
        row = self.query_one(MonthRow)
        # 换月的按键：宽窗口写全，窄窗口（80 列）写短，总在月份这一行看得见；
        # 更窄（不到 60 列）时让位给报送状态（底栏里也有换月的键）
        narrow = self.app.size.width < NARROW
        hint = "[ ] 换月  T 本月" if narrow else "[ 上月   ] 下月   T 回到本月"
        row.show(hint=hint if self.app.size.width >= 60 else "")
        if session is None:  # 启动时本月还在后台读取（或没能读出来：提示里写着原因）
            wait = "（正在读取……）" if self.app.wanted else "（未能读取本月的记录，原因见提示）"
            row.show(label=wait)
            return
        sm = session.sm
        ctx = self.ctx
        now = ctx.now()
        self.query_one("#topbar", Static).update(self._topbar_text())
        ro = self.query_one("#readonly", Static)
        stale = "  按 Ctrl+T 接管。" if ctx.lock_stale else ""
        ro.update(escape("只读：" + ctx.read_only_reason) + stale if ctx.read_only else "")
        ro.display = ctx.read_only

        this_month = session.month == type(session.month).of(now.date())
        var = REVIEW_VAR[sm.review]
        submitted = sm.submitted_at
        extra = (
            f"，{submitted.month}月{submitted.day}日提交"
            if submitted and sm.review is ReviewState.SUBMITTED
            else ""
        )
        row.show(
            label=f"[b]{session.month.label}[/b]" + ("（本月）" if this_month else ""),
            state=f"报送状态：[${var}]{sm.review.value}[/]{extra}",
        )

        standing = session.standing()
        sc = standing.score
        na = f"，不适用 {sc.not_applicable} 项" if sc.not_applicable else ""
        prog = f"，进行中 {sc.in_progress} 项" if sc.in_progress else ""
        if sc.confirmed_open or sc.overdue:  # 已确认但未办结、逾期的不算完成，说出来
            prog += f"，已确认未办结 {sc.confirmed_open} 项" if sc.confirmed_open else ""
            prog += f"，逾期 {sc.overdue} 项" if sc.overdue else ""
        # 很窄的窗口（如 40 列）：进度条让位，得分并入进度一行，“得分 100.0”完整显示，不被截成“得分 10”
        if self.app.size.width >= 60:
            self.query_one(ProgressRow).show(
                f"已完成 {sc.done}/{sc.total} 项{prog}{na}", sc.weighted
            )
        else:
            self.query_one(ProgressRow).show(
                f"已完成 {sc.done}/{sc.total} 项  得分 {sc.weighted:.1f}", None
            )
        step = self._next_step(sm, standing)
        box = self.query_one("#next-step", Static)
        box.update(f"[b $primary]下一步：[/]{step}" if step else "")
        box.display = bool(step)

        obligations = session.obligations()
        shown = list(obligations)
        if this_month:
            shown += self._earlier_open(session, now)
        self._fill_deadlines(shown)
        self._fill_notices(sm, shown)
        lines = session.quota_lines()
        self.query_one("#quota", Static).update(self._quota_text(lines) if lines else "")
        self.query_one("#quota", Static).display = bool(lines)

    def _topbar_text(self) -> str:
        """顶栏：程序名、科室、专人和电话（体系科另有 O R K）。放不下时先省程序名，再省电话，不截断。"""
        from rich.cells import cell_len

        ctx = self.ctx
        sec = ctx.section
        person, phone = ctx.settings.person, ctx.settings.phone
        coords = (
            ["  [体系科：O 总览  R 审核  K 排名]", "  [O 总览 R 审核 K 排名]"]
            if ctx.is_coordinator
            else [""]
        )
        width = self.app.size.width - 1
        title = " 信用状况监测自查  "
        for with_title in (True, False):
            for with_phone in (True, False) if phone else (False,):
                for coord in coords:
                    who = person + (f"（{phone}）" if with_phone else "")
                    text = f"{title if with_title else ' '} {sec.short if sec else ''}   专人：{who}{coord}"
                    if cell_len(text) <= width:
                        return text
        return f" {sec.short if sec else ''}  {person}{coords[-1]}"

    def _quota_text(self, lines) -> str:  # type: ignore[no-untyped-def]
        """配额进度：一行放得下时排成一行；放不下时每项一行，不在“信易批案例 0/1”中间折断。"""
        from rich.cells import cell_len

        from .text import cell_safe

        head = "配额进度："
        items = [f"[${'success' if q.met else 'warning'}]{escape(q.text)}[/]" for q in lines]
        plain = head + "  ".join(cell_safe(q.text) for q in lines)
        if cell_len(plain) <= self.app.size.width - 4:
            return head + "  ".join(items)
        indent = " " * cell_len(head) if self.app.size.width >= 60 else ""
        return head + ("\n" + indent).join(items)

    def _next_step(self, sm, standing) -> str:  # type: ignore[no-untyped-def]
        """首页告诉专人接下来做什么：还没开始时从哪里开始，做完了怎样导出、提交。

        只读、已锁定、已提交、退回修改时不写（横幅、报送状态和退回意见已经说明）。"""
        sc = standing.score
        if (
            self.ctx.read_only
            or sm.locked
            or sm.review in (ReviewState.SUBMITTED, ReviewState.APPROVED, ReviewState.RETURNED)
        ):
            return ""
        if sc.done >= sc.total:
            return "各项都已完成。按 E 导出 Word 报送材料，核对后按 U 提交体系科审核。"
        if not sm.entries:
            session = self.app.current
            prev = sm.month.prev()
            copy = any(m.month == prev and m.entries for m in session.all_months())
            return "本月还没有记录。按 C 逐项自查：看要求，按 A 添加佐证材料，按 D 标记完成" + (
                "；上月的制度文件清单等可按 P 沿用。" if copy else "。"
            )
        left = sc.total - sc.done
        ready = [str(st.indicator.id) for st in standing.indicators.values() if st.ready_to_confirm]
        if ready:  # 材料已齐却没确认的指标不在期限提醒里，说出来，免得专人以为还缺什么
            return (
                f"第{'、'.join(ready)}项本月该办的都已办结，只差确认：按 C 逐项自查，到这几项时按 D 标记完成。"
                f"还有 {left} 项未完成。"
            )
        return f"按 C 继续逐项自查，还有 {left} 项未完成；全部完成后按 E 导出 Word、按 U 提交。"

    def _earlier_open(self, session, now: datetime) -> list[Obligation]:  # type: ignore[no-untyped-def]
        """本月之前、尚未审核通过的月份里仍未完成的事项（如上月的来函还没处理）。"""
        from creditcheck.obligations import obligations_for

        out: list[Obligation] = []
        for m in session.all_months():
            if m.month >= session.month or m.review is ReviewState.APPROVED:
                continue
            # 往月的年度配额与本月的是同一件事，本软件的提醒过了当月就不再提
            out += [
                o
                for o in obligations_for(
                    session.catalog, self.ctx.calendar, m, now, self.ctx.settings.horizon_days
                )
                if not o.done and not o.reminder and not o.rule.endswith("/year")
            ]
        return out

    def _fill_deadlines(self, obligations: list[Obligation]) -> None:
        from creditcheck.obligations import open_obligations

        ol = self.query_one("#deadlines", OptionList)
        ol.clear_options()
        pending = open_obligations(obligations)
        # 本软件自己的提醒（如第9项每月确认零存量、零增量）不是方案的期限：单列“提醒”，从不列在已逾期下
        reminders = [o for o in pending if o.reminding]
        groups: dict[Level, list[Obligation]] = {}
        for o in pending:
            if not o.reminding:
                groups.setdefault(o.level or Level.OK, []).append(o)
        options: list[Option | None] = []
        for level in (Level.OVERDUE, Level.DUE_TODAY, Level.DUE_SOON):
            items = groups.get(level, [])
            if not items:
                continue
            if options:
                options.append(None)
            options.append(Option(f"{level_markup(level)}（{len(items)}项）", disabled=True))
            for n, o in enumerate(items):
                options.append(
                    Option(self._line(o, level), id=f"{o.indicator_id}:{n}:{level.name}")
                )
        if reminders:
            if options:
                options.append(None)
            options.append(
                Option(f"[b $primary]{REMINDER_HEAD}[/]（{len(reminders)}项）", disabled=True)
            )
            for n, o in enumerate(reminders):
                options.append(Option(self._line(o, None), id=f"{o.indicator_id}:{n}:REMINDER"))
        later = groups.get(Level.OK, [])
        if not options:
            done_all = not pending
            text = "本月事项已全部完成。" if done_all else "暂无逾期或临近到期的事项。"
            options.append(Option(f"[$success]{text}[/]", disabled=True))
        if later:
            options.append(None)
            options.append(
                Option(f"[$foreground-muted]另有 {len(later)} 项尚未进入提醒期[/]", disabled=True)
            )
            for n, o in enumerate(later):
                options.append(Option(self._line(o, Level.OK), id=f"{o.indicator_id}:{n}:OK"))
        ol.add_options(options)
        first = next((i for i, opt in enumerate(ol.options) if not opt.disabled), None)
        if first is not None:
            ol.highlighted = first

    def _line(self, o: Obligation, level: Level | None) -> str:
        """一行：截止时间（按等级着色）、指标、事项；按窗口宽度截断，中文按 2 格算。"""
        ind = self.app.current.catalog.indicator(o.indicator_id)
        month = ""
        if o.month is not None and o.month != self.app.current.month:
            month = f"（{o.month.month}月）"
        room = self._room()
        due = pad(short_due(o.effective_due), 18)
        head_w = 30 if room >= 99 else 24
        head = pad(f"{o.indicator_id:>2}. {ind.short}", head_w)
        # 往月的事项：月份写在前面，事项长、行尾被截成“..”时也看得见是哪个月的
        what = pad(month + o.what, room - 18 - head_w - 2)
        colour = _var(level) if level is not None else "primary"
        return f" [${colour}]{escape(due)}[/]{escape(head)} {escape(what)}"

    def _room(self) -> int:
        """期限列表一行放得下的格数：列表的宽度，减去滚动条（事项多时出现）和每行左右各一格的留白，
        免得行尾被列表裁掉、看不到截断的“..”。还没排版时按窗口宽度估算。"""
        width = self.query_one("#deadlines", OptionList).content_region.width
        if width <= 0:
            width = self.app.size.width - 6
        return max(59, width - 4)

    def on_resize(self) -> None:
        # 期限列表按宽度截断，窗口变宽变窄时重排（首次显示由 on_screen_resume 负责）
        if self._width != -1 and self._width != self.app.size.width:
            self.refresh_view()

    def _fill_notices(self, sm, obligations: list[Obligation]) -> None:  # type: ignore[no-untyped-def]
        notes: list[str] = []
        if self.ctx.notice:
            notes.append(f"[$primary]{escape(self.ctx.notice)}[/]")
        comment = sm.last_return_comment
        if sm.review is ReviewState.RETURNED:
            notes.append(
                f"[$error]体系科退回修改：{escape(comment or '（未写意见）')}[/]  修改后按 U 重新提交。"
            )
        if sm.locked:
            notes.append(
                "[$success]本月已审核通过并锁定，只能查看；如需修改，请体系科重新打开。[/]"
            )
        years = sorted({_year(o.effective_due) for o in obligations if o.fallback})
        if years:
            missing = [y for y in years if not self.ctx.calendar.covers(y)] or years
            for y in missing:
                notes.append(
                    f"[$warning]注意：{self.ctx.calendar.fallback_warning(y)}，"
                    f"标了期限的日子可能不准。可运行 creditcheck calendar import 导入该年安排。[/]"
                )
        box = self.query_one("#notices", Static)
        box.update("\n".join(notes))
        box.display = bool(notes)

    @on(OptionList.OptionSelected, "#deadlines")
    def open_item(self, event: OptionList.OptionSelected) -> None:
        oid = event.option.id or ""
        if oid:
            self.app.open_checklist(int(oid.split(":")[0]))


def _var(level: Level) -> str:
    from .text import LEVEL_VAR

    return LEVEL_VAR[level]


def _year(d) -> int:  # type: ignore[no-untyped-def]
    return d.year
