"""多行文字的对话框：情况说明（备注）等。粘贴的几行都保留；回车换行，Ctrl+S 保存，Esc 取消。

``commit`` 校验并保存；它抛出 CreditCheckError 时对话框不关闭，错误显示在编辑框下方，写的内容原样保留。
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from .confirm import DiscardGuard
from .forms import run_commit
from .text import Plain


class TextModal(DiscardGuard, ModalScreen[str | None]):
    """写一段多行文字。"""

    BINDINGS = [
        Binding("ctrl+s", "save", "保存", show=False, priority=True),
        Binding("escape", "cancel", "取消", show=False),
    ]

    def __init__(
        self,
        title: str,
        label: str,
        value: str = "",
        *,
        hint: str = "",
        commit: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.value = value
        self.hint = hint or "回车换行，可粘贴多行；Ctrl+S 保存，Esc 取消。"
        self.commit = commit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Plain(self.title_text, classes="dialog-title")
            yield Plain(self.label, classes="field-label")
            yield TextArea(
                self.value,
                id="value",
                soft_wrap=True,
                show_line_numbers=False,
                tab_behavior="focus",
            )
            yield Plain(self.hint, classes="hint")
            yield Plain("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("保存（Ctrl+S）", id="ok", variant="primary")
                yield Button("取消（Esc）", id="cancel")

    def on_mount(self) -> None:
        area = self.query_one("#value", TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        self.remember_inputs()

    @property
    def text(self) -> str:
        """编辑框里的文字（行末空白去掉，行与行之间的换行保留）。"""
        lines = [line.rstrip() for line in self.query_one("#value", TextArea).text.splitlines()]
        return "\n".join(lines).strip("\n")

    @on(Button.Pressed, "#ok")
    def action_save(self) -> None:
        text = self.text
        commit = self.commit
        if commit is None:
            self.dismiss(text)
            return
        run_commit(self, lambda: commit(text), lambda: self.dismiss(text), self._error)

    def _error(self, message: str) -> None:
        self.query_one("#error", Static).update(message)
        self.query_one("#value", TextArea).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.cancel_guarded()
