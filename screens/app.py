"""信用状况监测自查的终端界面：App 只负责接线（启动、打开哪个屏幕、换月、换设置）。

读写数据文件夹都经由应用层（creditcheck/services/）；本月的操作（提交、导出、导入台账……）在 screens/actions.py，
体系科的三个屏幕在 screens/coordinator/。一切外部依赖由 ``AppContext`` 注入（见 screens/context.py）。
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
from .messages import MonthSaved, SettingsSaved

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

    def __init__(self, ctx: AppContext, *, exit_after_paint: bool = False,
                 on_first_paint: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.exit_after_paint = exit_after_paint
        """基准测试用：首页第一次画好后立即退出。"""
        self._on_first_paint = on_first_paint
        """第一屏画好后调用一次（入口用它在启动后重新打开垃圾回收）。"""
        self.session: MonthSession | None = None
        """当前打开的月份（首页与逐项自查共用）。"""
        self._overview: OverviewService | None = None

    # ── 启动 ──
    def on_mount(self) -> None:
        self.set_interval(120, self._heartbeat)
        if self.ctx.settings.configured and self.ctx.section is not None:
            self._start()  # 首页画好后由 HomeScreen 调用 home_painted()
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
        if self.ctx.store.open_session():  # 取到锁后按锁内的盘上内容重读本月（第一屏是取锁之前读的）
            self._reload_session()

    def _first_run_done(self, settings: Settings | None) -> None:
        if settings is None:
            self.exit()
            return
        self._apply_settings(settings)
        self._start()

    def _start(self) -> None:
        from .home import HomeScreen

        if self._open_month(Month.of(self.ctx.today)):
            self.push_screen(HomeScreen(self.ctx))

    def _storage_notice(self, message: str) -> None:
        if threading.current_thread() is not threading.main_thread():
            self.call_from_thread(self._storage_notice, message)  # 后台线程里保存时的提示
            return
        self.notify(message, title="数据提示", severity="warning", timeout=20)

    def _reload_session(self) -> None:
        try:
            if self.session is not None:
                self.session.reload()
        except CreditCheckError as e:
            self.notify(str(e), title="数据读取失败", severity="error", timeout=15)
        self.month_changed()

    @work(thread=True, exclusive=True, group="heartbeat", exit_on_error=False)
    def _heartbeat(self) -> None:
        """每两分钟：刷新占用心跳；体系科作了新决定时换上新的审核状态并提示（审核文件没变时不读）。"""
        try:
            self.ctx.store.heartbeat()
        except (CreditCheckError, OSError):
            pass  # 心跳失败不影响使用；下次保存时存储层会说明
        session = self.session
        try:
            news = session.refresh_review() if session is not None else None
        except (CreditCheckError, OSError):
            return  # 读不到时下次再看；保存时存储层还会再核对一次
        if news:
            self.call_from_thread(self._review_news, news)

    def _review_news(self, news: str) -> None:
        self.notify(news, title="体系科审核", severity="warning", timeout=30)
        self.month_changed()

    def _apply_settings(self, new: Settings) -> bool:
        from creditcheck.services.settings import apply_settings

        self._overview = None
        return apply_settings(self.ctx, new)

    # ── 屏幕之间 ──
    def month_changed(self) -> None:
        """本月的记录变了（保存、换月、重读）：前台屏幕重画。"""
        if self.session is not None:
            self.post_message(MonthSaved(self.session.month, redraw=True))

    def on_month_saved(self, message: MonthSaved) -> None:
        """前台屏幕重画（保存它的屏幕自己已画过时不再画）；其余屏幕在回到前台时（on_screen_resume）自行刷新。"""
        if not message.redraw:
            return
        for method in ("refresh_view", "render_page"):  # 首页与体系科屏幕 / 逐项自查
            fn = getattr(self.screen, method, None)
            if fn is not None:
                fn()

    def on_settings_saved(self, message: SettingsSaved) -> None:
        self.month_changed()

    def get_key_display(self, binding: Binding) -> str:  # type: ignore[override]
        """底栏里的按键写法：Ctrl+S、F2、Esc、Delete（不用 ^s、f2 这种程序员写法）。"""
        return key_display(binding)

    def action_help(self) -> None:
        from .help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(placeholder="输入几个字查找操作，如：导出、材料、提交……",
                                            id="--command-palette"))

    def get_system_commands(self, screen):  # type: ignore[no-untyped-def, override]
        return iter(())

    def _has_session(self) -> bool:
        if self.session is None:
            self.notify("请先完成本机设置", severity="warning")
        return self.session is not None

    def can_edit(self) -> bool:
        """本窗口能不能修改本月：只读（别处占用）或已审核通过锁定时，先说明，不打开表单（免得填完才知道存不了）。"""
        if self.ctx.read_only:
            take = "；对方的程序看来已关闭时，可在首页按 Ctrl+T 接管" if self.ctx.lock_stale else ""
            self.notify(self.ctx.read_only_reason + take, title="只读，不能修改", severity="warning", timeout=10)
            return False
        if self.session is not None and self.session.sm.locked:
            self.notify("本月已审核通过并锁定，只能查看；如需修改，请体系科重新打开。", title="不能修改",
                        severity="warning", timeout=8)
            return False
        return True

    def action_checklist(self) -> None:
        from creditcheck.models import Status

        if self._has_session():
            assert self.session is not None
            entries = self.session.sm.entries
            first = next((ind.id for ind in self.ctx.catalog.assigned(self.ctx.settings.section_id)
                          if (e := entries.get(ind.id)) is None or e.status not in (Status.DONE, Status.NOT_APPLICABLE)),
                         None)
            self.open_checklist(first)

    def open_checklist(self, indicator_id: int | None) -> None:
        from .checklist import ChecklistScreen

        if not self._has_session():
            return
        screen = self.screen
        if isinstance(screen, ChecklistScreen):
            ids = [i.id for i in screen.indicators]
            if indicator_id in ids:
                screen.index = ids.index(indicator_id)
            return
        self.push_screen(ChecklistScreen(self.ctx, indicator_id))

    def action_month(self, delta: int) -> None:
        if self._has_session():
            assert self.session is not None
            self._open_month(self.session.month.shift(delta))

    def action_this_month(self) -> None:
        if self._has_session():
            self._open_month(Month.of(self.ctx.today))

    def _open_month(self, month: Month) -> bool:
        try:
            self.session = MonthSession(self.ctx, month, on_notice=self._storage_notice)
        except CreditCheckError as e:
            self.notify(str(e), title="数据读取失败", severity="error", timeout=15)
            return False
        self.month_changed()
        return True

    def action_settings(self) -> None:
        from .setup import SetupScreen

        def done(new: Settings | None) -> None:
            if new is None:
                return
            changed = self._apply_settings(new)
            if self.session is not None:
                self._open_month(self.session.month)
            else:
                self._start()
            self.notify("设置已保存" + ("，已改用新的数据文件夹" if changed else ""), timeout=4)
            self.post_message(SettingsSaved(changed))

        self.push_screen(SetupScreen(self.ctx, first_run=False), done)

    # ── 本月的操作（实现在 actions.py） ──
    def change(self, mutate: Callable[[SectionMonth], Any], success: str) -> bool:
        """修改并保存本月；失败时说明原因，什么也不改。"""
        assert self.session is not None
        try:
            self.session.change(mutate)
        except CreditCheckError as e:
            self.notify(str(e), title="未保存", severity="error", timeout=10)
            return False
        self.notify(success, timeout=5)
        self.month_changed()
        return True

    def action_take_over(self) -> None:
        actions.take_over(self)

    def action_copy_previous(self) -> None:
        if self._has_session() and self.can_edit():
            actions.copy_previous(self)

    def action_submit_month(self) -> None:
        if self._has_session() and self.can_edit():
            actions.submit_month(self)

    def action_export_word(self) -> None:
        if self._has_session():
            actions.export_word(self)

    def action_export_ics(self) -> None:
        if self._has_session():
            actions.export_ics(self)

    def import_ledger(self, kind: str, initial: str | None = None) -> None:
        if self._has_session() and self.can_edit():
            actions.import_ledger(self, kind, initial)

    def action_coordinator(self, name: str) -> None:
        from .coordinator import SCREENS
        from .coordinator.common import OverviewService

        if not self.ctx.is_coordinator:
            self.notify("本机不是体系科，没有这个功能", severity="warning")
            return
        if self._overview is None:
            self._overview = OverviewService(self.ctx.store, self.ctx.catalog, self.ctx.calendar, self.ctx.data_dir)
        month = self.session.month if self.session is not None else None
        self.push_screen(SCREENS[name](self.ctx, month, overview=self._overview, on_decided=self._decided))

    def _decided(self, section_id: str, month: Month) -> None:
        """体系科记下了一个决定；是本机科室正打开的这个月时，重读它（首页立即用上新的审核状态）。"""
        if section_id == self.ctx.settings.section_id and self.session is not None and self.session.month == month:
            self._reload_session()
