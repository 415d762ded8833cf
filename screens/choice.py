"""从一串选项中选一个：状态、跳转到第几项、事件类型……返回所选的值或 None。

列表上可以直接打汉字、全拼或拼音首字母查找（见 pinyin_list.py）；数字键直接选第几项。"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from .pinyin_list import PinyinOptionList
from .text import Plain, cell_safe

T = TypeVar("T")


class ChoiceModal(ModalScreen[T | None], Generic[T]):
    """上下键选择，回车确定，Esc 取消。也可以直接按选项前的数字。"""

    BINDINGS = [Binding("escape", "cancel", "取消", show=False)]

    def __init__(
        self,
        title: str,
        options: Sequence[tuple[str, T]],
        selected: int = 0,
        hint: str = "",
        shortcuts: dict[str, int] | None = None,
    ) -> None:
        super().__init__()
        self.shortcuts = shortcuts
        """按键 -> 选项位置；不给时按选项的顺序 1、2、3……（选项前写的就是这个数字）。"""
        self.title_text = title
        self.options = list(options)
        self.selected = selected
        self.hint = (hint or "上下键选择，回车确定，Esc 取消") + "；打汉字或拼音（如 wc）查找"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Plain(self.title_text, classes="dialog-title")
            yield PinyinOptionList(
                *[Option(cell_safe(label), id=str(i)) for i, (label, _) in enumerate(self.options)],
                id="choices",
            )
            yield Plain(self.hint, classes="hint")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.highlighted = max(0, min(self.selected, len(self.options) - 1))
        ol.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.options[event.option_index][1])

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        ch = event.character
        if not ch or not ch.isdigit():
            return
        if self.shortcuts is not None:
            if ch in self.shortcuts:
                event.stop()
                self.dismiss(self.options[self.shortcuts[ch]][1])
            return
        n = int(ch)
        if 1 <= n <= len(self.options) and len(self.options) <= 9:
            event.stop()
            self.dismiss(self.options[n - 1][1])

    def action_cancel(self) -> None:
        self.dismiss(None)
