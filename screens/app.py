"""信用状况监测自查的终端界面：App 只负责接线（启动、打开哪个屏幕、换月、换设置）。

读写数据文件夹都经由应用层（creditcheck/services/），在后台线程里做；本月的操作（提交、导出、导入台账……）
在 screens/actions.py，体系科的三个屏幕在 screens/coordinator/。外部依赖由 ``AppContext`` 注入。
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette

from creditcheck.errors import CreditCheckError
from creditcheck.month import Month
from creditcheck.services.months import MonthSession

from . import actions
from .context import AppContext
from .keys import key_display
from .messages import MonthLoading, MonthSaved, SettingsSaved

if TYPE_CHECKING:
    from creditcheck.models import SectionMonth
    from creditcheck.services.overview import OverviewService
    from creditcheck.settings import Settings


def _commands():  # type: ignore[no-untyped-def]
    from .commands import CreditCheckCommands  # 首页以外的模块第一次用到时才导入，首页出来得快

    return CreditCheckCommands


class CreditCheckApp(App[None]):
    """信用状况监测自查。"""

    CSS_PATH = "app.tcss"
    TITLE = "信用状况监测自查"
    COMMANDS = {_commands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    """窗口宽度决定屏幕的样式类：-narrow（如 80 列）时样式表收起次要的提示。"""
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    """窗口高度：-short（如 24 行）时对话框里的表单区域更矮，按钮总在屏幕内。"""
    BINDINGS = [
        Binding("f1,question_mark", "help", "帮助", key_display="F1"),
        Binding("ctrl+p", "command_palette", "命令", show=False, priority=True),
        Binding("ctrl+q", "quit", "退出", show=False, priority=True),
    ]

    def __init__(
        self,
        ctx: AppContext,
        *,
        exit_after_paint: bool = False,
        on_first_paint: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        from .textwrap_zh import install

        install()  # 折行守禁则：行首没有“，。」”，行末没有“（「”
        self.ctx = ctx
        self.exit_after_paint = exit_after_paint
        """基准测试用：首页第一次画好后立即退出。"""
        self._on_first_paint = on_first_paint
        """第一屏画好后调用一次（入口用它在启动后重新打开垃圾回收）。"""
        self.session: MonthSession | None = None
        """当前打开的月份（首页与逐项自查共用）。"""
        self._wanted: Month | None = None
        """正在后台读取的月份（连按 ] 时从它往后数）。"""
        self.overview_service: OverviewService | None = None
        """体系科三个屏幕共用的读取器（文件没变的科室不重读）；换设置时作废。"""

    @property
    def current(self) -> MonthSession:
        """当前打开的月份；首页与逐项自查只在打开了月份之后才有。"""
        assert self.session is not None, "还没有打开任何月份"
        return self.session

    # ── 启动 ──
    def on_mount(self) -> None:
        self.set_interval(120, self._heartbeat)
        if self.ctx.settings.configured and self.ctx.section is not None:
            self.start()  # 首页画好后由 HomeScreen 调用 home_painted()
        else:
            from .setup import SetupScreen

            self.push_screen(SetupScreen(self.ctx, first_run=True), self._first_run_done)
            self.call_after_refresh(self.home_painted, False)

    def home_painted(self, exit_allowed: bool = True) -> None:
        """第一屏画好了：此后才取本科室的占用锁并做打开时的备份（见 Store(defer_lock=True)）。"""
        hook, self._on_first_paint = self._on_first_paint, None
        if hook is not None:
            hook()
        if self.exit_after_paint and exit_allowed:
            self.exit()  # 基准测试只量到这里：启动到首页画好
            return
        if self.ctx.is_coordinator:
            # 体系科的几页（总览、审核、排名）第一次打开时要导入几十个模块，在界面线程上会卡住几十毫秒：
            # 首页画好后在后台先导入
            self.run_worker(
                lambda: _warm_coordinator_imports(self),
                thread=True,
                group="warm-imports",
                exit_on_error=False,
            )
        if (
            self.ctx.store.open_session()
        ):  # 取到锁后按锁内的盘上内容重读本月（第一屏是取锁之前读的）
            self.reload_month()

    def _first_run_done(self, settings: Settings | None) -> None:
        if settings is None:
            self.exit()
            return
        self.apply_settings(settings)
        self.start()

    def start(self) -> None:
        from .home import HomeScreen

        if self.open_month(Month.of(self.ctx.today)):
            self.push_screen(HomeScreen(self.ctx))

    def apply_settings(self, new: Settings) -> bool:
        """换上新设置（数据文件夹或科室变了就重新打开数据）；返回数据文件夹是否变了。"""
        from creditcheck.services.settings import apply_settings

        self.overview_service = None
        return apply_settings(self.ctx, new)

    def _storage_notice(self, message: str) -> None:
        if threading.current_thread() is not threading.main_thread():
            self.call_from_thread(self._storage_notice, message)  # 后台线程里保存时的提示
        else:
            self.notify(message, title="数据提示", severity="warning", timeout=20)

    def _heartbeat(self) -> None:
        """每两分钟（在后台线程里）：刷新占用心跳；体系科作了新决定时换上新的审核状态并提示。"""
        actions.heartbeat(self)

    # ── 月份 ──
    def open_month(self, month: Month) -> bool:
        try:
            self.session = MonthSession(self.ctx, month, on_notice=self._storage_notice)
        except CreditCheckError as e:
            self.notify(str(e), title="数据读取失败", severity="error", timeout=15)
            return False
        self.month_changed()
        return True

    def switch_month(self, month: Month) -> None:
        """换到另一个月份：在后台线程里读取（首页先写“正在读取……”），读好后换上并重画。"""
        self._wanted = month
        self.screen.post_message(MonthLoading(month))
        self._load_month(month)

    @work(thread=True, group="month", exit_on_error=False)
    def _load_month(self, month: Month) -> None:
        try:
            session = MonthSession(self.ctx, month, on_notice=self._storage_notice, activate=False)
        except CreditCheckError as e:
            self.call_from_thread(
                self.notify, str(e), title="数据读取失败", severity="error", timeout=15
            )
            self.call_from_thread(self._month_loaded, None)
            return
        self.call_from_thread(self._month_loaded, session)

    def _month_loaded(self, session: MonthSession | None) -> None:
        if (
            session is not None and session.month == self._wanted
        ):  # 连按几次 ]：只换上最后要的那个月
            self.session = session
        if self.session is not None and (session is None or session.month == self._wanted):
            self._wanted = None
            self.session.activate = True
            self.ctx.catalog = self.session.catalog  # 这个月按它填报时所用的目录版本显示
            self.month_changed()

    def reload_month(self) -> None:
        if self.session is None:
            return
        try:
            self.session.reload()
        except CreditCheckError as e:
            self.notify(str(e), title="数据读取失败", severity="error", timeout=15)
        self.month_changed()

    def change(self, mutate: Callable[[SectionMonth], Any], success: str) -> bool:
        """修改并保存本月；失败时说明原因，什么也不改。"""
        try:
            self.current.change(mutate)
        except CreditCheckError as e:
            self.notify(str(e), title="未保存", severity="error", timeout=10)
            return False
        self.notify(success, timeout=5)
        self.month_changed()
        return True

    def month_changed(self) -> None:
        """本月的记录变了（保存、换月、重读）：前台屏幕重画。"""
        if self.session is not None:
            self.post_message(MonthSaved(self.session.month, redraw=True))

    def on_month_saved(self, message: MonthSaved) -> None:
        """前台屏幕重画（保存它的屏幕自己已画过时不再画）；其余屏幕在回到前台时自行刷新。"""
        for method in (
            ("refresh_view", "render_page") if message.redraw else ()
        ):  # 首页、体系科 / 逐项自查
            if (fn := getattr(self.screen, method, None)) is not None:
                fn()

    def on_settings_saved(self, message: SettingsSaved) -> None:
        self.month_changed()

    def can_edit(self, submitting: bool = False) -> bool:
        """本窗口能不能修改本月（不能时已说明原因）。"""
        return actions.can_edit(self, submitting)

    def open_checklist(self, indicator_id: int | None) -> None:
        from .checklist import ChecklistScreen

        if not actions.has_session(self):
            return
        if isinstance(screen := self.screen, ChecklistScreen):
            ids = [i.id for i in screen.indicators]
            if indicator_id in ids:
                screen.index = ids.index(indicator_id)
        else:
            self.push_screen(ChecklistScreen(self.ctx, indicator_id))

    # ── 按键与命令面板的动作 ──
    def get_key_display(self, binding: Binding) -> str:  # type: ignore[override]
        return key_display(binding)

    def get_system_commands(self, screen):  # type: ignore[no-untyped-def, override]
        return iter(())

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):  # type: ignore[arg-type]
            from .commands import ZhCommandPalette, warm_pinyin

            warm_pinyin()  # 拼音表在后台线程里先载入（约 0.3 秒），打字时不卡
            self.push_screen(
                ZhCommandPalette(
                    placeholder="输入几个字或拼音查找操作，如：导出、dc、cailiao……",
                    id="--command-palette",
                )
            )

    def action_help_quit(self) -> None:
        """Ctrl+C：Textual 自带的是英文提示（Do you want to quit?），换成中文。"""
        self.notify(
            "要退出请按 Ctrl+Q（首页也可按 Q）；所有修改都已自动保存。",
            title="要退出吗？",
            timeout=6,
        )

    def action_help(self) -> None:
        from .help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_checklist(self) -> None:
        if actions.has_session(self):
            self.open_checklist(actions.first_open_indicator(self))

    def action_month(self, delta: int) -> None:
        if actions.has_session(self):
            self.switch_month((self._wanted or self.current.month).shift(delta))

    def action_this_month(self) -> None:
        if actions.has_session(self):
            self.switch_month(Month.of(self.ctx.today))

    action_settings = actions.on_app(actions.open_settings, session=False)
    action_take_over = actions.on_app(actions.take_over, session=False)
    action_copy_previous = actions.on_app(actions.copy_previous, edit=True)
    action_submit_month = actions.on_app(actions.submit_month, edit=True, submitting=True)
    action_export_word = actions.on_app(actions.export_word)
    action_export_ics = actions.on_app(actions.export_ics)

    def import_ledger(self, kind: str, initial: str | None = None) -> None:
        if actions.has_session(self) and self.can_edit():
            actions.import_ledger(self, kind, initial)

    def action_coordinator(self, name: str) -> None:
        actions.open_coordinator(self, name)


def _warm_coordinator_imports(app: CreditCheckApp) -> None:
    """在后台线程里导入体系科各页用到的模块、解析它们的样式（只做准备，不读数据）。"""
    import creditcheck.coordination  # noqa: F401
    import creditcheck.services.overview  # noqa: F401

    from .coordinator.common import prepare_styles

    prepare_styles(app)
