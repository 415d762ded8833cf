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

    def __init__(
        self, title: str, body: str, yes: str = "确定", no: str = "取消", danger: bool = False
    ) -> None:
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
                yield Button(
                    f"{self.yes}（Y）", id="yes", variant="error" if self.danger else "primary"
                )
                yield Button(f"{self.no}（N）", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class DiscardGuard:
    """混入对话框：Esc（或“取消”）时若已填写了内容，先问一句再关闭，免得误按 Esc 丢掉输入。

    在 on_mount 里调用 ``remember_inputs()`` 记下各输入框的初始内容；取消时调用 ``cancel_guarded()``。
    """

    _initial: dict[int, str]
    saving: bool = False
    """正在后台保存（见 ``forms.run_commit``）：这时 Esc 不关闭对话框。"""

    def _fields(self) -> dict[int, str]:
        from textual.widgets import Input, TextArea

        out = {id(w): w.value for w in self.query(Input)}  # type: ignore[attr-defined]
        out |= {id(w): w.text for w in self.query(TextArea)}  # type: ignore[attr-defined]
        return out

    def remember_inputs(self) -> None:
        self._initial = self._fields()

    def typed_something(self) -> bool:
        initial = getattr(self, "_initial", {})
        return any(v.strip() != initial.get(k, "").strip() for k, v in self._fields().items())

    def cancel_guarded(self) -> None:
        if self.saving:
            self.notify("正在保存……，请稍候", timeout=3)  # type: ignore[attr-defined]
            return
        if not self.typed_something():
            self.dismiss(None)  # type: ignore[attr-defined]
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)  # type: ignore[attr-defined]

        self.app.push_screen(  # type: ignore[attr-defined]
            ConfirmModal(
                "放弃填写的内容？",
                "您在这个对话框里填写的内容还没有保存。\n要放弃这些内容并关闭吗？",
                yes="放弃",
                no="继续填写",
                danger=True,
            ),
            answer,
        )
