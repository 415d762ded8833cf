"""对话框表单共用的小部件与按键：一栏“名称 + 输入框”，回车跳到下一栏、最后一栏回车即保存。"""

from __future__ import annotations

from collections.abc import Callable

from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Static


def form_row(label: str, *fields: Widget) -> Horizontal:
    """表单的一行：左边是栏目名称，右边是输入框（或别的部件）。"""
    return Horizontal(Static(label, classes="row-label"), *fields, classes="form-row")


def focus_next_or_save(screen: Widget, current: Input, save: Callable[[], None]) -> None:
    """在某栏回车：跳到下一栏；已是最后一栏时保存。"""
    inputs = list(screen.query(Input))
    i = inputs.index(current)
    if i + 1 < len(inputs):
        inputs[i + 1].focus()
    else:
        save()
