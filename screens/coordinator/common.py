"""体系科三个屏幕（总览、审核、排名）的共同部分：配色、单元格、读取总览（在后台线程里）、月份与切换。

数字全部来自应用层的 ``OverviewService``（creditcheck/services/overview.py），与 ``creditcheck overview``
和汇总材料一致。三个屏幕都以 ``Screen(ctx, month, overview=..., on_decided=...)`` 构造；O / R / K 在三者之间切换，
[ ] 换月，Esc 返回。科室的记录在这里只读；审核决定记在体系科自己的审核文件里，不写科室的文件。
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Static

from creditcheck.coordination import CellState, Overview
from creditcheck.errors import CreditCheckError
from creditcheck.models import ReviewState
from creditcheck.month import Month
from creditcheck.services.overview import OverviewService
from creditcheck.services.workspace import reviewer_name

from ..context import AppContext
from ..firstshow import QuickFirstShow
from ..messages import ShowsMonth
from ..text import NARROW, AppFooter, cell_safe

STATE_VAR = {
    CellState.DONE: "success",
    CellState.CONFIRMED_OPEN: "warning",
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


LEGEND = "  ".join(f"[${STATE_VAR[s]}]{symbol(s)}[/]={s.value}" for s in CellState)
"""图例（Content 标记）。"""


def reviewer(ctx: AppContext) -> str:
    """审核记录里的“由谁”：专人姓名，没有时为体系科简称。"""
    return reviewer_name(ctx.settings, ctx.catalog)


class MatrixTable(DataTable[Any]):
    """体系科的表格：单元格都是一行、放得下的文字时，直接拼出这一格的字段（与 DataTable 原来经由 rich 的
    Padding/Styled 排版得到的字符和样式逐格相同，见 tests/test_coordinator_screens.py），不走 rich 的通用排版。

    原来的做法每格要 0.2 毫秒左右，10 个科室 × 15 列的总览每画一次整表要 30～60 毫秒，全在界面线程上，
    远程共享上读取时界面会顿一下；直接拼字段每格只要几微秒。放不下、多行或不是文字的格子照旧交给 DataTable。
    """

    _row_cells: tuple[tuple[int, int], list[Any]] | None = None
    """最近格式化的一行：（（更新次数, 行号）, 各格）。"""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._same_cells: dict[tuple[Any, ...], list[list[Segment]]] = {}
        """按内容记下的格子（见 ``_fast_cell``），与 DataTable 的缓存不同，加行、清表时不作废。"""
        self._pass_style: Style | None = None

    @property
    def rich_style(self) -> Style:
        """本部件的样式。画一次表（``render_lines``）的期间样式不变，只算一次：DataTable 每画一行要取三次，
        每次都沿着祖先一层层算（10 行的表一画就是几十次）。"""
        if self._pass_style is not None:
            return self._pass_style
        return super().rich_style

    def render_lines(self, crop: Any) -> Any:
        self._pass_style = None
        self._pass_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._pass_style = None

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        fast = self._fast_cell(row_index, column_index, base_style, width, cursor, hover)
        if fast is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        return fast

    _parsed: dict[str, Style] = {}
    """解析过的单元格样式（“bold #e0443e”之类）。rich 自己的解析缓存在这里几乎次次落空（每格约 0.1 毫秒）。"""

    def _own_style(self, style: str | Style) -> Style:
        if isinstance(style, Style):
            return style
        parsed = self._parsed.get(style)
        if parsed is None:
            parsed = self.app.console.get_style(style, default=Style.null())
            if len(self._parsed) < 256 and not parsed.link:
                self._parsed[style] = parsed
        return parsed

    def _fast_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool,
        hover: bool,
    ) -> list[list[Segment]] | None:
        is_header = row_index == -1
        if column_index == -1 or self.fixed_rows or self.fixed_columns:
            return None
        row_key = self._header_row_key if is_header else self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:
            return None
        if not is_header and self.rows[row_key].height != 1:
            return None
        key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cache = self._cell_render_cache
        if key in cache:
            return cache[key]
        # DataTable 每画一格都把整行重新格式化一遍；同一次更新里的同一行只格式化一次
        stamp = (self._update_count, row_index)
        if self._row_cells is None or self._row_cells[0] != stamp:
            self._row_cells = (stamp, self._get_row_renderables(row_index).cells)
        cell = self._row_cells[1][column_index]
        pad = self.cell_padding
        inner = width - 2 * pad
        if not isinstance(cell, Text) or "\n" in cell.plain or "\t" in cell.plain:
            return None
        if (
            inner < 0
            or cell.cell_len > inner
            or cell.justify not in (None, "default", "left", "right")
        ):
            return None
        component_style, post_style = self._get_styles_to_render_cell(
            is_header,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        # DataTable 每加一行、每次 clear 都作废自己的缓存（键里有更新次数），整表重画；这里按格子的内容
        # 另记一份：内容、位置、宽度、样式都相同的格子直接用上次的字段（分几段填表、刷新时没变的格子不重排）
        same = (
            row_index,
            column_index,
            width,
            pad,
            cell.plain,
            cell.style,
            tuple(cell.spans),
            cell.justify,
            base_style,
            component_style,
            post_style,
        )
        done = self._same_cells.get(same)
        if done is not None:
            cache[key] = done
            return done
        lines = self._build_cell(
            cell, row_index, column_index, base_style, inner, pad, component_style, post_style
        )
        if len(self._same_cells) >= 4096:
            self._same_cells.clear()
        self._same_cells[same] = lines
        cache[key] = lines
        return lines

    def _build_cell(
        self,
        cell: Text,
        row_index: int,
        column_index: int,
        base_style: Style,
        inner: int,
        pad: int,
        component_style: Style,
        post_style: Style,
    ) -> list[list[Segment]]:
        console = self.app.console
        # 样式相加有缓存，但带坐标（meta）的样式每格都不同：先加不带坐标的部分，坐标最后加一次
        meta = Style.from_meta({"row": row_index, "column": column_index})
        pre = base_style + component_style
        edge = pre + post_style + meta
        own = self._own_style(cell.style) if cell.style else Style()
        # rich 按 left/right 对齐时补的空格属于这段文字（带文字自己的样式），不指定对齐时由外层补（不带）
        padded = cell.justify in ("left", "right")
        fill_style = pre + own + post_style + meta if padded else edge
        fill = Segment(" " * (inner - cell.cell_len), fill_style)
        if cell.spans:  # 有分段样式时 rich 逐段给出（已含文字自己的样式）
            parts = [(seg.text, seg.style or Style()) for seg in cell.render(console) if seg.text]
        else:
            parts = [(cell.plain, own)] if cell.plain else []
        body = [Segment(text, pre + style + post_style + meta) for text, style in parts]
        line = [Segment(" " * pad, edge)] if pad else []
        if fill.text and cell.justify == "right":
            line.append(fill)
        line += body
        if fill.text and cell.justify != "right":
            line.append(fill)
        if pad:
            line.append(Segment(" " * pad, edge))
        return [line]


_MONTH_GROUP = Binding.Group("上月/下月", compact=True)

LOADING = "（正在读取各科室的记录……）"
"""读取时顶栏上的说明。"""
LOADING_SHORT = "（正在读取）"
"""窄屏（如 80 列）时顶栏上的读取说明（不用“……”：终端把它画成两格，rich 只算一格）。"""


async def _let_timers_run() -> None:
    """让出事件循环，使已到期的定时器（动画、光标、别的后台结果）在接下来的处理之前先运行。

    让出一次时，本任务排在已到期定时器唤醒的任务之前，定时器仍要等下一段处理做完；连让两次，
    定时器唤醒的任务就排到了前面。不睡眠，不增加延迟。
    """
    await asyncio.sleep(0)
    await asyncio.sleep(0)


class CoordinatorScreen(QuickFirstShow, ShowsMonth):
    """三个体系科屏幕的共同部分：月份、顶栏、在后台读取总览、切换与返回。"""

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("left_square_bracket", "month(-1)", "上月", key_display="[", group=_MONTH_GROUP),
        Binding("right_square_bracket", "month(1)", "下月", key_display="]", group=_MONTH_GROUP),
        Binding(
            "o", "switch('OverviewScreen')", "总览", show=False
        ),  # 顶栏已写明 O 总览 R 审核 K 排名
        Binding(
            "r", "switch('ReviewScreen')", "审核", show=False
        ),  # 顶栏已写明 O 总览 R 审核 K 排名
        Binding(
            "k", "switch('RankingScreen')", "排名", show=False
        ),  # 顶栏已写明 O 总览 R 审核 K 排名
    ]
    DEFAULT_CSS = """
    CoordinatorScreen #coord-status { height: auto; margin: 0 1; color: $text-muted; }
    CoordinatorScreen DataTable { height: auto; max-height: 1fr; margin: 1 1 0 1; }
    CoordinatorScreen .coord-legend { height: auto; margin: 0 1; }
    """
    KIND = ""
    """顶栏上的屏幕名。"""
    AUTO_FOCUS = ""
    """不在挂载的同一段处理里自动聚焦（聚焦要把表格的样式再算一遍）：挂好之后在 on_mount 里另行聚焦表格。"""

    def __init__(
        self,
        ctx: AppContext,
        month: Month | None = None,
        *,
        overview: OverviewService | None = None,
        on_decided: Callable[[str, Month], None] | None = None,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.month = month or Month.of(ctx.today)
        """正在看的统计月份。"""
        self.service = overview or OverviewService(
            ctx.store, ctx.catalog, ctx.calendar, ctx.data_dir
        )
        """读各科室记录的应用层服务（比较文件戳，没变的科室不重读）；三个屏幕之间共用一个。"""
        self.on_decided = on_decided
        """记下一个审核决定后调用（科室 id, 月份）：本机科室自己的这个月时，App 据此重读本月。"""
        self.overview: Overview | None = None
        self.reading = False
        """正在后台读取。"""
        self.complete = False
        """显示之后再挂上的部件（``compose_later``）已经挂好；此前读到的结果不画（挂好后会再读一次）。"""

    def compose(self) -> ComposeResult:
        # 第一次显示只排顶栏和状态行；表格，图例、说明、底栏等在显示之后分两次挂上（见 on_mount）：
        # 屏幕第一次挂载、排样式、排版都在界面线程上一气做完，部件越少这一段越短
        yield Static("", id="topbar", markup=False)
        yield Static("", id="coord-status")

    def compose_body(self) -> ComposeResult:  # pragma: no cover - 子类实现
        """顶栏、状态行下面的主体（表格），在屏幕第一次显示之后的下一段处理里挂上。"""
        raise NotImplementedError

    def compose_later(self) -> list[Widget]:
        """显示之后再挂上的部件（图例、说明、底栏……），按在屏幕上的先后。"""
        return [AppFooter()]

    REFRESH_SECONDS = 120
    """开着总览、审核、排名时多久看一次各科室的文件有没有变化（变了才重读）。"""

    async def on_mount(self) -> None:
        # Textual 把屏幕的挂载、第一次显示（样式、排版、画屏）一条接一条处理，中间不让出事件循环，
        # 合起来几十毫秒界面不动；这里让到期的定时器先走，分成几段（读取也在此时开始）
        await _let_timers_run()
        # 表格排样式要十几毫秒（它有十几种部件样式），与屏幕本身、与图例底栏各占一段处理，中间让定时器走
        await self.mount_all(list(self.compose_body()))
        await _let_timers_run()
        await self.mount_all(self.compose_later())
        self.complete = True
        await _let_timers_run()
        if self.focused is None:
            self.query_one(DataTable).focus()
            await _let_timers_run()
        self.refresh_view()
        self.set_interval(self.REFRESH_SECONDS, self.poll)

    def poll(self) -> None:
        """定时检查；文件变了才重读，有科室新提交时提示一句。对话框开着（不在最前面）时不动。"""
        if self.is_current and not self.reading:
            self._load(self.month, announce=True)

    async def on_screen_resume(self) -> None:
        await _let_timers_run()  # 同上：回到本屏幕时的重新排版、画屏与前面的处理分开
        if self.overview is not None:
            self.refresh_view()

    async def on_resize(self) -> None:
        await _let_timers_run()  # 同上：显示后紧接着的按窗口大小重排与前面的处理分开
        if not self.is_attached:
            return
        self._topbar()
        if self.overview is not None and self.complete and self.layout_key() != self._drawn_for:
            self.render_overview(self.overview)  # 表格的列按窗口宽度定：宽度变了按新宽度重排表格

    @property
    def narrow(self) -> bool:
        """窗口窄（如 80 列）：顶栏、表格用紧凑的排布，不必左右滚动。"""
        return self.app.size.width < NARROW

    def layout_key(self) -> object:
        """决定表格怎么排的窗口参数（默认：窄还是宽）；变了就重排表格。"""
        return self.narrow

    _drawn_for: object = None
    """上次画表格时的 ``layout_key()``。"""

    def redraw_month(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        """在后台线程里读取并画出本月总览；读的时候顶栏写着“正在读取”，按键照常可用。"""
        self._load(self.month)

    def _load(self, month: Month, announce: bool = False) -> None:
        self.reading = True
        self.service.catalog = self.ctx.catalog
        self._topbar()
        self._read(month, announce, self.overview if announce else None)

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False)
    def _read(self, month: Month, announce: bool, before: Overview | None) -> None:
        try:
            if (
                announce
                and before is not None
                and before.month == month
                and not self.service.changed()
            ):
                ov = before  # 没有文件变化：一个文件也不读
            else:
                ov = self.service.overview(month, self.ctx.now())
        except (CreditCheckError, OSError) as e:
            self.app.call_from_thread(self._failed, month, str(e))
            return
        prepared = self.prepare(ov) if ov is not before else None
        self.app.call_from_thread(self._loaded, month, ov, before, prepared)

    prepared: Any = None
    """``prepare`` 在后台线程里为这份总览备好的表格内容（``render_overview`` 用）。"""

    def prepare(self, ov: Overview) -> Any:
        """在后台线程里备好表格各行（纯计算，不碰界面），界面线程上只剩放进表格。默认不备。"""
        return None

    def _failed(self, month: Month, message: str) -> None:
        if month == self.month:
            self.reading = False
            self._topbar()
        self.notify(message, title="读取失败", severity="error", timeout=8)

    def _loaded(
        self, month: Month, ov: Overview, before: Overview | None, prepared: Any = None
    ) -> None:
        if month != self.month or not self.is_attached or not self.complete:
            return  # 读的时候已经换了月份或离开了本屏幕（或屏幕还没挂好，挂好后会再读）：这份结果不用了
        self.reading = False
        self._topbar()
        if ov is before:
            return
        self.overview = ov
        self.prepared = prepared
        self.render_overview(ov)
        self.prepared = None
        if before is None:
            return
        was = {r.section_id: r.review for r in before.rows}
        new = [
            r.name
            for r in ov.rows
            if r.review is ReviewState.SUBMITTED
            and was.get(r.section_id) is not ReviewState.SUBMITTED
        ]
        if new:
            where = "" if self.KIND == "审核" else "，按 R 审核"
            self.notify(
                f"{'、'.join(new)}刚刚提交了{self.month.label}的材料{where}。",
                title="新的提交",
                timeout=15,
            )

    def _topbar(self) -> None:
        this = "（本月）" if self.month == Month.of(self.ctx.today) else ""
        if not self.narrow:
            text = (
                f" 体系科：{self.KIND}   {self.month.label}{this}   [ 上月  ] 下月   O 总览  R 审核  K 排名"
                + (LOADING if self.reading else "")
            )
        else:  # 80 列也放得下一整行；读取时让出“[ 上月 ] 下月”的位置（底栏里也有这两个键）
            keys = "" if self.reading else "[ 上月 ] 下月  "
            text = f" 体系科：{self.KIND}  {self.month.label}{this}  {keys}O 总览 R 审核 K 排名" + (
                LOADING_SHORT if self.reading else ""
            )
        self.query_one("#topbar", Static).update(
            text,
            layout=False,  # 顶栏固定一行：换文字不必重排整个屏幕
        )

    def render_overview(self, ov: Overview) -> None:  # pragma: no cover - 子类实现
        raise NotImplementedError

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_month(self, step: int) -> None:
        self.month = self.month.shift(step)
        self.refresh_view()

    def action_switch(self, name: str) -> None:
        from . import SCREENS

        cls = SCREENS[name]
        if isinstance(self, cls):
            return
        self.app.switch_screen(
            cls(self.ctx, self.month, overview=self.service, on_decided=self.on_decided)
        )

    def _theme(self, var: str) -> str:
        return self.app.theme_variables.get(var, "")

    def _styled(self, text: str, var: str, bold: bool = False, justify: str = "left") -> Text:
        style = self._theme(var)
        return cell(text, f"bold {style}" if bold else style, justify)


def prepare_styles(app: Any) -> int:
    """在后台线程里解析体系科各屏幕用到的部件的默认样式（DEFAULT_CSS），交回界面线程放进样式表的解析缓存。

    Textual 第一次挂载某种部件时要在界面线程上解析它的样式（体系科的屏幕、表格等合计十几毫秒，
    读取共享文件夹的线程同时在抢 GIL 时更久）；首页画好后先在后台解析好，按 O 时直接用缓存。
    解析结果与界面线程自己解析的完全相同（同一个函数、同样的变量）；期间换了主题（变量变了）就不放。
    返回放进缓存的条数。只在后台线程里调用（它等界面线程放好才返回）。
    """
    import inspect

    from textual.css.parse import parse
    from textual.dom import DOMNode
    from textual.widgets import _footer  # 底栏里的按键部件

    from . import overview, ranking, review

    sheet = app.stylesheet
    tokens = sheet._variable_tokens
    classes: set[type[DOMNode]] = set()
    for module in (overview, ranking, review, _footer):
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, DOMNode):
                classes.add(obj)
    parsed: dict[tuple[Any, ...], list[Any]] = {}
    for cls in classes:
        for tie_breaker, base in enumerate(DOMNode._css_bases(cls)):
            css = base.__dict__.get("DEFAULT_CSS", "")
            if not css:
                continue
            try:
                where = (inspect.getfile(base), f"{base.__name__}.DEFAULT_CSS")
            except (TypeError, OSError):
                where = ("", f"{base.__name__}.DEFAULT_CSS")
            scope = base._css_type_name if base.__dict__.get("SCOPED_CSS", True) else ""
            key = (css, where, True, -tie_breaker, scope)
            if key not in parsed:
                parsed[key] = list(
                    parse(
                        scope,
                        css,
                        where,
                        variable_tokens=tokens,
                        is_default_rules=True,
                        tie_breaker=-tie_breaker,
                    )
                )

    def store() -> int:
        if app.stylesheet is not sheet or sheet._variable_tokens is not tokens:
            return 0  # 期间换了主题：让界面线程按新变量自己解析
        cache = sheet._parse_cache
        new = [(k, v) for k, v in parsed.items() if k not in cache]
        for k, v in new:
            cache[k] = v
        return len(new)

    return int(app.call_from_thread(store))
