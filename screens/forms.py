"""对话框表单共用的小部件与按键：一栏“名称 + 输入框”，回车跳到下一栏、最后一栏回车即保存；
表单的保存（``run_commit``）：在后台保存时表单写着“正在保存……”、不关闭，失败时内容原样留着。"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Static

from creditcheck.errors import CreditCheckError

SAVING = "正在保存……"


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


def run_commit(
    form: Any,
    call: Callable[[], object],
    ok: Callable[[], object],
    error: Callable[[str], object],
) -> None:
    """执行表单的保存 ``call()``，成功时调用 ``ok()``，出错（CreditCheckError）时调用 ``error(中文说明)``。

    ``call`` 是普通函数时当场做完；返回可等待的（在后台线程里保存）时在表单的 worker 里等它：
    等的时候表单写着“正在保存……”，画面照常响应按键，再按保存或 Esc 都不会重复保存、不会丢掉填写的内容
    （``form.saving``，见 ``DiscardGuard``）。"""
    if form.saving:
        return
    try:
        result = call()
    except CreditCheckError as e:
        error(str(e))
        return
    if not inspect.isawaitable(result):
        ok()
        return
    form.saving = True
    error(SAVING)
    pending = result

    async def wait() -> None:
        try:
            await pending
        except CreditCheckError as e:
            form.saving = False
            error(str(e))
            return
        form.saving = False
        ok()

    form.run_worker(wait(), group="form-commit", exit_on_error=False)
