"""“存在问题和下步打算”：几行文字，写进 Word 报送材料正文的第三部分。

首页按 X 打开。多行输入框（回车换行），Ctrl+S 保存，Esc 取消（改过时先问一句）。
每一行在材料里是一段；不写时，材料里由逾期未完成的事项自动生成一句。
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from .confirm import ConfirmModal
from .forms import SAVING, run_commit
from .text import Plain

HINT = (
    "写本月存在的问题和下步打算，每行一段，回车换行。\n"
    "不写时，材料里列出逾期未完成的事项；没有逾期时写“暂无需要说明的问题”。"
)


class PlansModal(ModalScreen[str | None]):
    """多行文字的对话框。``commit`` 保存；它抛出 CreditCheckError 时对话框不关，错误显示在下方，文字不丢。"""

    BINDINGS = [
        Binding("escape", "cancel", "取消", show=False),
        Binding("ctrl+s", "save", "保存", show=False),
    ]
    DEFAULT_CSS = """
    PlansModal #plans { height: 10; }
    """

    def __init__(self, title: str, text: str, commit: Callable[[str], object]) -> None:
        super().__init__()
        self.title_text = title
        self.initial = text
        self.commit = commit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Plain(self.title_text, classes="dialog-title")
            yield Plain(HINT, classes="hint")
            yield TextArea(self.initial, id="plans", soft_wrap=True, show_line_numbers=False)
            yield Plain("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("保存（Ctrl+S）", id="ok", variant="primary")
                yield Button("取消（Esc）", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#plans", TextArea).focus()

    @property
    def text(self) -> str:
        return self.query_one("#plans", TextArea).text

    saving = False
    """正在后台保存（见 ``forms.run_commit``）：这时 Esc 不关闭对话框。"""

    @on(Button.Pressed, "#ok")
    def action_save(self) -> None:
        text = self.text
        run_commit(self, lambda: self.commit(text), lambda: self.dismiss(text), self._error)

    def _error(self, message: str) -> None:
        self.query_one("#error", Static).update(message)
        if message != SAVING:
            self.query_one("#plans", TextArea).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.saving:
            self.notify("正在保存……，请稍候", timeout=3)
            return
        if self.text.strip() == self.initial.strip():
            self.dismiss(None)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmModal(
                "放弃填写的内容？",
                "您写的“存在问题和下步打算”还没有保存。\n要放弃这些内容并关闭吗？",
                yes="放弃",
                no="继续填写",
                danger=True,
            ),
            answer,
        )


def edit_plans(app: object) -> None:
    """从首页打开：读本月已写的内容，保存时经会话写入本月记录（只读或已锁定时先说明，不打开）。"""
    from creditcheck.checklist import set_plans

    from . import actions
    from .app import CreditCheckApp

    assert isinstance(app, CreditCheckApp)
    if not actions.has_session(app) or not app.can_edit():
        return
    session = app.session
    assert session is not None
    now = app.ctx.now()

    async def commit(text: str) -> None:  # 在后台线程里保存（排在已发起的读写之后）
        await app.disk.run(lambda: session.change(lambda sm: set_plans(sm, text, now)), SAVING)

    def done(text: str | None) -> None:
        if text is not None:
            app.notify("已保存“存在问题和下步打算”，导出 Word 时写入正文第三部分。", timeout=5)
            app.month_changed()

    app.push_screen(
        PlansModal(f"{session.sm.month.label}存在问题和下步打算", session.sm.plans, commit), done
    )
