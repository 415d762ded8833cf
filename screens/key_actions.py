"""App 的按键动作（底栏、帮助与命令面板里的那些）：每个只检查前提（打开了月份、能修改），再交给
``screens/actions.py`` 或 ``screens/month_io.py``。``CreditCheckApp`` 继承它。"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import CommandPalette

from creditcheck.month import Month

from . import actions
from .keys import key_display

if TYPE_CHECKING:
    from .app import CreditCheckApp


class KeyActions:
    """``CreditCheckApp`` 的按键动作。"""

    @property
    def as_app(self) -> CreditCheckApp:
        """本应用（有类型）。"""
        from .app import CreditCheckApp

        assert isinstance(self, CreditCheckApp)
        return self

    def get_key_display(self, binding: Binding) -> str:
        return key_display(binding)

    def get_system_commands(self, screen):  # type: ignore[no-untyped-def]
        return iter(())

    def action_command_palette(self) -> None:
        app = self.as_app
        if not CommandPalette.is_open(app):  # type: ignore[arg-type]
            from .commands import open_palette

            open_palette(app)

    def action_help_quit(self) -> None:
        """Ctrl+C：Textual 自带的是英文提示（Do you want to quit?），换成中文。"""
        app = self.as_app
        tip = "要退出请按 Ctrl+Q（首页也可按 Q）；所有修改都已自动保存。"
        app.notify(tip, title="要退出吗？", timeout=6)

    def action_help(self) -> None:
        app = self.as_app
        from .help import HelpScreen

        if not isinstance(app.screen, HelpScreen):
            app.push_screen(HelpScreen())

    def action_checklist(self) -> None:
        app = self.as_app
        if actions.has_session(app):
            app.open_checklist(actions.first_open_indicator(app))

    def action_month(self, delta: int) -> None:
        app = self.as_app
        if actions.has_session(app):
            app.switch_month((app.wanted or app.current.month).shift(delta))

    def action_this_month(self) -> None:
        """回到本月；启动时本月没读出来（共享文件夹暂时连不上……）时再读一次。"""
        app = self.as_app
        if app.session is not None or (app.wanted is None and app.ctx.settings.configured):
            app.switch_month(Month.of(app.ctx.today))

    action_settings = actions.on_app(actions.open_settings, session=False)
    action_take_over = actions.on_app(actions.take_over, session=False)
    action_copy_previous = actions.on_app(actions.copy_previous, edit=True)
    action_submit_month = actions.on_app(actions.submit_month, edit=True, submitting=True)
    action_export_word = actions.on_app(actions.export_word)
    action_export_ics = actions.on_app(actions.export_ics)

    def import_ledger(self, kind: str, initial: str | None = None) -> None:
        app = self.as_app
        if actions.has_session(app) and app.can_edit():
            actions.import_ledger(app, kind, initial)

    def action_coordinator(self, name: str) -> None:
        app = self.as_app
        actions.open_coordinator(app, name)
