"""一行输入的对话框：理由、备注、完成时间、导出路径……

``commit`` 校验并执行（可以是 async 的：在后台保存，见 ``forms.run_commit``）；它抛出 CreditCheckError 时
对话框不关闭，错误显示在输入框下方，用户填写的内容原样保留。成功后以输入的文字 dismiss。
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Static

from .confirm import DiscardGuard
from .forms import SAVING, run_commit
from .text import Plain


class PromptModal(DiscardGuard, ModalScreen[str | None]):
    """问一行文字。回车确定，Esc 取消（返回 None）。"""

    BINDINGS = [Binding("escape", "cancel", "取消", show=False)]

    def __init__(
        self,
        title: str,
        label: str,
        value: str = "",
        *,
        placeholder: str = "",
        hint: str = "",
        commit: Callable[[str], object] | None = None,
        suggester: Suggester | None = None,
        ok: str = "确定",
        guard: bool = True,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.value = value
        self.placeholder = placeholder
        self.hint = hint
        self.commit = commit
        self.suggester = suggester
        self.ok = ok
        self.guard = guard
        """Esc 时若改过输入框，先问是否放弃（写理由、备注时有用；选保存路径时不必）。"""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Plain(self.title_text, classes="dialog-title")
            yield Plain(self.label, classes="field-label")
            yield Input(
                self.value, placeholder=self.placeholder, id="value", suggester=self.suggester
            )
            yield Plain(self.hint, classes="hint")
            yield Plain("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.ok}（回车）", id="ok", variant="primary")
                yield Button("取消（Esc）", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#value", Input).focus()
        self.remember_inputs()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def submit(self) -> None:
        text = self.query_one("#value", Input).value
        commit = self.commit
        if commit is None:
            self.dismiss(text)
            return
        run_commit(self, lambda: commit(text), lambda: self.dismiss(text), self.show_error)

    def show_error(self, message: str) -> None:
        self.query_one("#error", Static).update(message)
        if message != SAVING:
            self.query_one("#value", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.guard:
            self.cancel_guarded()
        else:
            self.dismiss(None)
