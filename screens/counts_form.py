"""填写计数（信用核查、联合奖惩应用次数与市场主体数量），边填边显示应用比例。"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from creditcheck.catalog import CountSpec
from creditcheck.checklist import application_ratio

from .confirm import DiscardGuard
from .forms import focus_next_or_save, run_commit
from .text import Plain


def ratio_text(counts: dict[str, int]) -> str:
    r = application_ratio(counts)
    formula = "（信用核查次数 + 联合奖惩次数）/ 市场主体数量"
    if r is None:
        return f"应用比例：市场主体数量为 0 或未填，暂不能计算  {formula}"
    return f"应用比例：{r:.1%}  = ({counts.get('credit_checks', 0)} + {counts.get('joint_sanctions', 0)}) / {counts.get('market_entities', 0)}"


def _number(text: str) -> bool:
    t = text.replace(",", "").replace("，", "").strip()
    return t.isdigit()


class CountsModal(DiscardGuard, ModalScreen[dict[str, int] | None]):
    """计数表单。回车到下一栏，最后一栏回车或 Ctrl+S 保存。"""

    BINDINGS = [
        Binding("escape", "cancel", "取消", show=False),
        Binding("ctrl+s", "save", "保存", show=False),
    ]

    def __init__(
        self,
        specs: tuple[CountSpec, ...],
        current: dict[str, int],
        commit: Callable[[dict[str, str]], object],
    ) -> None:
        super().__init__()
        self.specs = specs
        self.current = current
        self.commit = commit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("填写本月应用情况", classes="dialog-title")
            for spec in self.specs:
                with Horizontal(classes="form-row"):
                    yield Static(spec.label, classes="row-label wide-label")
                    value = self.current.get(spec.key)
                    yield Input(
                        "" if value is None else str(value),
                        id=f"c-{spec.key}",
                        placeholder="未填写",
                    )
            yield Plain(ratio_text(self.current), id="ratio", classes="hint")
            yield Plain("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("保存（Ctrl+S）", id="ok", variant="primary")
                yield Button("取消（Esc）", id="cancel")

    def on_mount(self) -> None:
        self.query(Input).first().focus()
        self.remember_inputs()

    def _values(self) -> dict[str, str]:
        return {s.key: self.query_one(f"#c-{s.key}", Input).value.strip() for s in self.specs}

    @on(Input.Changed)
    def _update_ratio(self) -> None:
        nums = {}
        for k, v in self._values().items():
            t = v.replace(",", "").replace("，", "")
            if t.isdigit():
                nums[k] = int(t)
        self.query_one("#ratio", Static).update(ratio_text(nums))

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        focus_next_or_save(self, event.input, self.action_save)

    @on(Button.Pressed, "#ok")
    def action_save(self) -> None:
        values = self._values()

        def error(message: str) -> None:
            self.query_one("#error", Static).update(message)
            bad = next((k for k, v in values.items() if v and not _number(v)), None)
            if bad is not None:
                self.query_one(f"#c-{bad}", Input).focus()

        def saved() -> None:
            self.dismiss(
                {k: int(v.replace(",", "").replace("，", "")) for k, v in values.items() if v}
            )

        run_commit(self, lambda: self.commit(values), saved, error)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.cancel_guarded()
