"""记录一个事件：信用动态稿件、诚信宣传活动、异议协同处理函、重错码、严重失信事件、信易批案例……

每类事件有自己的字段（``EVENT_FORMS``）。日期与时间按 creditcheck.dates 的写法解析；
不存在的日期、晚于今天的完成时间、早于事件的完成时间都被拒绝，输入框里的文字原样保留。
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from datetime import date, datetime, time

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from creditcheck.catalog import EVENT_KINDS
from creditcheck.creditcode import validate as validate_code
from creditcheck.dates import check_completion, parse_datetime
from creditcheck.errors import InputError
from creditcheck.records import dataclass

from .confirm import DiscardGuard
from .forms import SAVING, focus_next_or_save, form_row, run_commit
from .text import Plain, fit_form


@dataclass(frozen=True)
class EventFormSpec:
    """一类事件的表单：各栏的名称、是否必须写到几点几分、附加字段（键, 名称）。"""

    title: str
    title_hint: str
    occurred: str
    done: str
    needs_time: bool = False
    extra: tuple[tuple[str, str, str], ...] = ()


EVENT_FORMS: dict[str, EventFormSpec] = {
    "article": EventFormSpec(
        "稿件标题", "如：我局推行信用承诺制", "事件发生时间", "上报时间", True
    ),
    "activity": EventFormSpec(
        "活动名称",
        "如：诚信建设进社区宣传活动",
        "活动结束时间",
        "材料报送时间",
        True,
        (("materials", "活动材料", "如：活动信息、活动方案、现场照片"),),
    ),
    "objection": EventFormSpec(
        "异议企业或事项",
        "如：某某有限公司许可信息异议",
        "收到来函时间",
        "处理完成时间",
        False,
        (("letter_no", "来函编号", "可不填"),),
    ),
    "code-error": EventFormSpec(
        "主体名称",
        "如：某某有限公司",
        "发现日期",
        "清理完成日期",
        False,
        (("code", "统一社会信用代码", "18位，如 91370112MA3C4XXXXX"),),
    ),
    "incident": EventFormSpec(
        "事件概述",
        "如：网络曝光某事项办理超时",
        "发生时间",
        "处置完成时间",
        False,
        (("handling", "处置情况", "如：已核实并在网站公开说明"),),
    ),
    "case": EventFormSpec(
        "案例名称",
        "如：信用承诺容缺受理",
        "形成日期",
        "报体系科审核日期",
        False,
        (("progress", "推进情况", "可不填"),),
    ),
    "licence": EventFormSpec(
        "许可决定书文号",
        "如：历城审批许字〔2026〕123号",
        "许可决定日期",
        "上传平台日期",
        False,
        (("subject", "行政相对人", "可不填"),),
    ),
    "data-problem": EventFormSpec(
        "问题数据说明", "如：许可编号缺失", "发现日期", "修改完成日期", False
    ),
    "commitment": EventFormSpec("承诺事项", "", "承诺日期", "归集日期", False),
}


@dataclass(frozen=True)
class EventInput:
    """表单填写的内容（已解析）。"""

    kind: str
    title: str
    occurred_at: datetime
    done_at: datetime | None
    note: str
    fields: dict[str, str] = field(default_factory=dict)
    finish: bool = False
    """保存后同时把本项标记为已完成（事件已填完成时间、本项再没有别的未完成事件时）。"""


def parse_moment(text: str, today: date, needs_time: bool, what: str) -> datetime:
    """解析“日期 [时间]”；``needs_time`` 时必须写到几点。"""
    a = parse_datetime(text, today, default_time=time(0, 0))
    if needs_time:
        b = parse_datetime(text, today, default_time=time(0, 1))
        if a != b:
            raise InputError(
                f"请写上几点几分，如“{text.strip()} 15:00”或“{text.strip()} 下午3点”（按小时计算期限）"
            )
    return a


def check_not_future(done: datetime, now: datetime, needs_time: bool) -> None:
    """按小时计算的事件：完成时间不能晚于此刻（check_completion 只比较日期）。"""
    if needs_time and done > now:
        raise InputError(f"{done:%H:%M} 晚于此刻（{now:%H:%M}），请核对")


class EventModal(DiscardGuard, ModalScreen[EventInput | None]):
    """事件表单。Ctrl+S 或在最后一栏回车保存，Esc 取消。"""

    BINDINGS = [
        Binding("escape", "cancel", "取消", show=False),
        Binding("ctrl+s", "save", "保存", show=False),
    ]

    def __init__(
        self,
        kind: str,
        rule_label: str,
        now: datetime,
        commit: Callable[[EventInput], object],
        offer_finish: bool = False,
    ) -> None:
        super().__init__()
        self.offer_finish = offer_finish
        """本项没有别的未完成事件：给出“保存后标记本项已完成”（默认勾上），省去回到清单再按 D。"""
        self.kind = kind
        self.spec = EVENT_FORMS.get(kind, EventFormSpec("名称", "", "发生时间", "完成时间"))
        self.rule_label = rule_label
        self.now = now
        self.commit = commit

    def compose(self) -> ComposeResult:
        spec = self.spec
        t_hint = (
            "如 2026-11-27 15:00、今天 下午3点" if spec.needs_time else "如 2026-11-27、11-27、昨天"
        )
        with Vertical(classes="dialog wide"):
            yield Plain(f"记录{EVENT_KINDS.get(self.kind, self.kind)}", classes="dialog-title")
            if self.rule_label:
                yield Plain(f"期限：{self.rule_label}", classes="hint")
            with VerticalScroll(classes="form"):
                yield form_row(spec.title, Input(placeholder=spec.title_hint, id="title"))
                for key, label, hint in spec.extra:
                    yield form_row(label, Input(placeholder=hint, id=f"x-{key}"))
                    if key == "code":
                        yield Plain("", id="code-check", classes="warning-text")
                yield form_row(spec.occurred, Input(placeholder=t_hint, id="occurred"))
                yield form_row(spec.done, Input(placeholder="尚未完成可不填；" + t_hint, id="done"))
                yield form_row("备注", Input(placeholder="可不填", id="note"))
                if self.offer_finish:
                    yield Checkbox(
                        "填了完成时间时，保存后把本项标记为已完成（本项再没有别的未完成事件）",
                        value=True,
                        id="finish",
                    )
            yield Plain("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("保存（Ctrl+S）", id="ok", variant="primary")
                yield Button("取消（Esc）", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()
        self.remember_inputs()
        fit_form(self, 14)

    def on_resize(self) -> None:
        fit_form(self, 14)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        focus_next_or_save(self, event.input, self.action_save)

    @on(Input.Changed, "#x-code")
    def _check_code(self, event: Input.Changed) -> None:
        box = self.query_one("#code-check", Static)
        text = event.value.strip()
        if not text:
            box.update("")
            return
        res = validate_code(text)
        if res.ok:
            box.update("代码校验通过")
            box.set_class(False, "-bad")
        else:
            tip = f"（建议：{res.suggestion}）" if res.suggestion else ""
            box.update(f"提醒：{res.message}{tip}。仍可保存，请核对。")
            box.set_class(True, "-bad")

    def _error(self, text: str, focus: str) -> None:
        self.query_one("#error", Static).update(text)
        self.query_one(focus, Input).focus()

    @on(Button.Pressed, "#ok")
    def action_save(self) -> None:
        spec = self.spec
        today = self.now.date()
        title = self.query_one("#title", Input).value.strip()
        if not title:
            return self._error(f"请填写{spec.title}", "#title")
        occ_text = self.query_one("#occurred", Input).value
        try:
            occurred = parse_moment(occ_text, today, spec.needs_time, spec.occurred)
        except InputError as e:
            return self._error(f"{spec.occurred}：{e}", "#occurred")
        if occurred.date() > today or (spec.needs_time and occurred > self.now):
            return self._error(f"{spec.occurred}晚于此刻，请核对", "#occurred")
        done_text = self.query_one("#done", Input).value.strip()
        done: datetime | None = None
        if done_text:
            try:
                done = parse_moment(done_text, today, spec.needs_time, spec.done)
                check_completion(done, occurred, today)
                check_not_future(done, self.now, spec.needs_time)
            except InputError as e:
                return self._error(f"{spec.done}：{e}", "#done")
        fields = {key: self.query_one(f"#x-{key}", Input).value.strip() for key, _, _ in spec.extra}
        finish = (
            self.offer_finish and done is not None and self.query_one("#finish", Checkbox).value
        )
        data = EventInput(
            self.kind,
            title,
            occurred,
            done,
            self.query_one("#note", Input).value.strip(),
            {k: v for k, v in fields.items() if v},
            finish,
        )
        run_commit(self, lambda: self.commit(data), lambda: self.dismiss(data), self._commit_error)

    def _commit_error(self, message: str) -> None:
        self.query_one("#error", Static).update(message)
        if message != SAVING:
            self.query_one("#title", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.cancel_guarded()
