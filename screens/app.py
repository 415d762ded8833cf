"""信用状况监测自查的终端界面：App 只负责接线（启动、打开哪个屏幕、换月、换设置）与消息。

读写数据文件夹都经由应用层（creditcheck/services/），在后台线程里一件接一件地做（``screens/diskwork.py``）；
打开哪个月在 ``screens/month_io.py``，本月的操作（提交、导出、导入台账……）在 ``screens/actions.py``，
体系科的三个屏幕在 ``screens/coordinator/``。外部依赖由 ``AppContext`` 注入。
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding

from creditcheck.month import Month

from . import actions
from .context import AppContext
from .diskwork import DiskQueue
from .firstshow import QuickFirstShow
from .key_actions import KeyActions
from .messages import MonthSaved, SettingsSaved, ShowsMonth

if TYPE_CHECKING:
    from creditcheck.services.months import MonthSession
    from creditcheck.services.overview import OverviewService
    from creditcheck.settings import Settings


LATER_CSS = Path(__file__).with_name("later.tcss")
"""首页以外各屏幕的样式（见 ``CreditCheckApp.load_later_css``）。"""


def _commands():  # type: ignore[no-untyped-def]
    from .commands import CreditCheckCommands  # 首页以外的模块第一次用到时才导入，首页出来得快

    return CreditCheckCommands


class CreditCheckApp(KeyActions, App[None]):
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
        style_cache: Path | None = None,
    ) -> None:
        super().__init__()
        self._style_cache = style_cache
        """上次解析好的样式规则存在这里（见 screens/stylecache.py）；None 时不用缓存（测试、演示）。"""
        if style_cache is not None:
            from . import stylecache

            self.stylesheet = stylecache.cached_stylesheet(self.stylesheet, style_cache)
        from .textwrap_zh import install

        install()  # 折行守禁则：行首没有“，。」”，行末没有“（「”
        self.ctx = ctx
        self.exit_after_paint = exit_after_paint
        """基准测试用：首页第一次画好后立即退出。"""
        self._on_first_paint = on_first_paint
        """第一屏画好后调用一次（入口用它在启动后重新打开垃圾回收）。"""
        self.session: MonthSession | None = None
        """当前打开的月份（首页与逐项自查共用）；启动时在后台读好之前为 None。"""
        self.wanted: Month | None = None
        """正在后台读取的月份（连按 ] 时从它往后数）。"""
        self.overview_service: OverviewService | None = None
        """体系科三个屏幕共用的读取器（文件没变的科室不重读）；换设置时作废。"""
        self.disk = DiskQueue.of(self)
        """读写数据文件夹的队列：在后台线程里一件接一件地做。"""
        self.last_evidence_dir: Path | None = None
        """上次添加佐证材料的文件夹（下次从这里开始选）。"""

    @property
    def current(self) -> MonthSession:
        """当前打开的月份；首页与逐项自查只在打开了月份之后才有。"""
        assert self.session is not None, "还没有打开任何月份"
        return self.session

    # ── 启动与退出 ──
    def get_default_screen(self) -> Any:
        """Textual 的默认屏幕：空的，首页（或第一次运行时的设置）在它上面打开。它也是 QuickFirstShow：
        第一次显示时不再把样式重算一遍（启动时省约百分之一的指令）。"""
        return QuickFirstShow(id="_default")

    def on_mount(self) -> None:
        self.set_interval(120, lambda: actions.heartbeat(self))
        if self.ctx.settings.configured and self.ctx.section is not None:
            self.start()  # 首页画好后由 HomeScreen 调用 home_painted()，再在后台读本月
        else:
            from .setup import SetupScreen

            self.push_screen(SetupScreen(self.ctx, first_run=True), self._first_run_done)
            self.call_after_refresh(self.home_painted, False)

    def home_painted(self, load: bool = True) -> None:
        """第一屏画好了：此后才在后台取本科室的占用锁、做打开时的备份、读本月（见 Store(defer_lock=True)）。"""
        hook, self._on_first_paint = self._on_first_paint, None
        if hook is not None:
            hook()
        if self._style_cache is not None:
            from . import stylecache

            stylecache.save(self._style_cache, self.stylesheet)  # 与上次的相同时不写
        if self.exit_after_paint and load:
            self.exit()  # 基准测试只量到这里：启动到首页第一次画好（本月随后在后台读出）
            return
        self.call_later(self.load_later_css)
        if self.ctx.is_coordinator:
            # 体系科的几页第一次打开时要导入几十个模块：首页画好后在后台先导入
            self.run_worker(
                lambda: _warm_imports(self), thread=True, group="warm-imports", exit_on_error=False
            )
        if load and self.session is None and self.wanted is None:
            from . import month_io  # 读本月（连同完成度、义务的计算）所需的模块：首页画好后才导入

            month_io.load(self, Month.of(self.ctx.today))

    def _first_run_done(self, settings: Settings | None) -> None:
        if settings is None:
            self.exit()
        else:
            self.apply_settings(settings, lambda _: self.start())

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        """打开一个屏幕。首页只用 app.tcss；其余屏幕（对话框、逐项自查……）要 later.tcss，在首页画好之前打开的
        （如第一次运行时的设置）当场加载。体系科各页（也是 QuickFirstShow）只能从画好的首页打开，那时已加载。"""
        if not isinstance(screen, QuickFirstShow):
            self.load_later_css()
        return super().push_screen(screen, *args, **kwargs)

    def load_later_css(self) -> None:
        """加载首页用不到的样式（later.tcss）；已加载时什么也不做。

        启动时只解析 app.tcss（首页要的那一半），首页画好后再加载这一半；在那之前打开别的屏幕
        （如第一次运行时的设置）时当场加载。这一半只针对别的屏幕上的部件，已画好的首页不必重排样式。
        """
        sheet = self.stylesheet
        if not sheet.has_source(str(LATER_CSS), ""):
            sheet.read(LATER_CSS)
            sheet.parse()  # 现在就解析（其余来源用缓存），不留到下一次排样式（如按 O 打开总览）时

    def start(self) -> None:
        from .home import HomeScreen

        self.push_screen(HomeScreen(self.ctx))  # 首页是 QuickFirstShow：第一次显示时不重复排样式

    def apply_settings(self, new: Settings, then: Callable[[bool], None]) -> None:
        """在后台换上新设置（数据文件夹或科室变了就重新打开数据）；做完调用 ``then(文件夹变了没有)``。"""
        from . import month_io

        month_io.apply_settings(self, new, then)

    async def action_quit(self) -> None:
        """退出；还有保存没做完时先说明，等它做完再退出（不丢修改）。"""
        if self.disk.busy:
            self.notify("正在保存……，保存完就退出。", title="请稍候", timeout=10)
            self.run_worker(self._quit_after_saves(), group="quit", exit_on_error=False)
        else:
            self.exit()

    async def _quit_after_saves(self) -> None:
        await self.disk.drain()
        self.exit()

    def storage_notice(self, message: str) -> None:
        """存储层要告诉用户的事（文件损坏已移开、占用被接管……）；后台线程里也可以调用。"""
        if threading.current_thread() is not threading.main_thread():
            self.call_from_thread(self.storage_notice, message)
        else:
            self.notify(message, title="数据提示", severity="warning", timeout=20)

    # ── 月份 ──
    def switch_month(self, month: Month) -> None:
        """换到另一个月份：在后台线程里读取（首页先写“正在读取……”），读好后换上并重画。"""
        from . import month_io

        month_io.load(self, month)

    def reload_month(self) -> None:
        """在后台重读本月，读好后重画。"""
        from . import month_io

        month_io.reload(self)

    def month_changed(self) -> None:
        """本月的记录变了（保存、换月、重读）：前台屏幕重画。"""
        if self.session is not None:
            self.post_message(MonthSaved(self.session.month, redraw=True))

    def on_month_saved(self, message: MonthSaved) -> None:
        """前台屏幕重画（保存它的屏幕自己已画过时不再画）；其余屏幕在回到前台时自行刷新。"""
        if message.redraw and isinstance(screen := self.screen, ShowsMonth):
            screen.redraw_month()

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


def _warm_imports(app: CreditCheckApp) -> None:
    """在后台线程里导入体系科各页用到的模块、解析它们的样式（只做准备，不读数据）。"""
    import creditcheck.coordination  # noqa: F401
    import creditcheck.services.overview  # noqa: F401

    from .coordinator.common import prepare_styles

    prepare_styles(app)
