"""确认对话框：返回 True（确定）或 False（取消）。"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button

from .text import Plain


class ConfirmModal(ModalScreen[bool]):
    """问一个是/否的问题。Y 或回车为确定，N 或 Esc 为取消。"""

    BINDINGS = [
        Binding("y", "answer(True)", "确定", show=False),
        Binding("n,escape", "answer(False)", "取消", show=False),
    ]

    def __init__(self, title: str, body: str, yes: str = "确定", no: str = "取消", danger: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.yes = yes
        self.no = no
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Plain(self.title_text, classes="dialog-title")
            yield Plain(self.body, classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes}（Y）", id="yes", variant="error" if self.danger else "primary")
                yield Button(f"{self.no}（N）", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
