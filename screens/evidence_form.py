"""添加佐证材料：文件路径（可补全，F2 从文件夹树中选）、材料类型、材料日期、说明。

``commit(data, allow_missing)`` 负责附上并保存。文件不存在时先问用户，确认后才以
``allow_missing=True`` 记录；任何错误都显示在表单里，已填写的内容不丢。

一次可以添加几个文件：路径一栏写几个路径，用“;”隔开，或按 F2 后用空格键标记几个文件；
材料类型、日期、说明对这几个文件都一样。路径一栏预先填好上次添加材料的文件夹。
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from creditcheck.dates import parse_date
from creditcheck.errors import CreditCheckError, InputError
from creditcheck.evidence import EvidenceMissing
from creditcheck.filenames import clean_path_text
from creditcheck.records import dataclass

from .confirm import ConfirmModal, DiscardGuard
from .file_picker import FilePickerModal
from .forms import SAVING, form_row
from .path_input import PathSuggester
from .pinyin_list import PinyinOptionList
from .text import Plain, cell_safe, fit_form


@dataclass(frozen=True)
class EvidenceInput:
    """表单填写的内容。"""

    path: str
    kind: str
    effective_date: date | None
    note: str


class EvidenceModal(DiscardGuard, ModalScreen[EvidenceInput | None]):
    """佐证材料表单。Ctrl+S 或在最后一栏回车保存，Esc 取消。"""

    BINDINGS = [
        Binding("escape", "cancel", "取消", show=False),
        Binding("ctrl+s", "save", "保存", show=False),
        Binding("f2", "browse", "选择文件", show=False),
    ]

    def __init__(
        self,
        title: str,
        materials: tuple[str, ...],
        today: date,
        commit: Callable[[EvidenceInput, bool], object],
        start_dir: Path,
        last_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.last_dir = last_dir if last_dir is not None and last_dir.is_dir() else None
        """上次添加材料的文件夹：路径一栏预先填好它，只写文件名即可。"""
        self.title_text = title
        self.kinds = [*materials, "其他"]
        self.today = today
        self.commit = commit
        self.start_dir = start_dir

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Plain(self.title_text, classes="dialog-title")
            with VerticalScroll(classes="form"):
                yield Static(
                    "文件路径（右方向键接受补全；F2 选择，空格键可标记几个文件）",
                    classes="field-label",
                )
                yield Input(
                    str(self.last_dir) + os.sep if self.last_dir else "",
                    placeholder=str(self.start_dir / "例如 学习记录.docx"),
                    id="path",
                    suggester=PathSuggester(self.last_dir or self.start_dir),
                )
                yield Static("材料类型", classes="field-label")
                yield PinyinOptionList(*[Option(cell_safe(k)) for k in self.kinds], id="kind")
                yield form_row(
                    "材料日期", Input(placeholder="如 2026-11-20、11-20、今天；可不填", id="date")
                )
                yield form_row("说明", Input(placeholder="可不填", id="note"))
            yield Plain("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("保存（Ctrl+S）", id="ok", variant="primary")
                yield Button("浏览（F2）", id="browse")
                yield Button("取消（Esc）", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#kind", OptionList).highlighted = 0
        self.query_one("#path", Input).focus()
        self.remember_inputs()
        fit_form(self)

    def on_resize(self) -> None:
        fit_form(self)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        order = {"path": "#kind", "date": "#note"}
        nxt = order.get(event.input.id or "")
        if nxt:
            self.query_one(nxt).focus()
        else:
            self.action_save()

    @on(OptionList.OptionSelected, "#kind")
    def _kind_chosen(self) -> None:
        self.query_one("#date", Input).focus()

    def _error(self, text: str, focus: str | None = None) -> None:
        self.query_one("#error", Static).update(text)
        if focus:
            self.query_one(focus).focus()

    def _read(self) -> EvidenceInput | None:
        path = self.query_one("#path", Input).value.strip()
        if not path or (self.last_dir is not None and Path(clean_path_text(path)) == self.last_dir):
            self._error("请填写文件路径（可按 F2 从文件夹中选择）", "#path")
            return None
        date_text = self.query_one("#date", Input).value.strip()
        eff: date | None = None
        if date_text:
            try:
                eff = parse_date(date_text, self.today)
            except InputError as e:
                self._error(str(e), "#date")
                return None
            if eff > self.today:
                self._error(f"材料日期 {eff.isoformat()} 晚于今天，请核对", "#date")
                return None
        kind = self.kinds[self.query_one("#kind", OptionList).highlighted or 0]
        return EvidenceInput(path, kind, eff, self.query_one("#note", Input).value.strip())

    @on(Button.Pressed, "#ok")
    def action_save(self) -> None:
        if self.saving:
            return
        data = self._read()
        if data is None:
            return
        self.saving = True  # 再按保存不会重复记录；Esc 不关闭（见 DiscardGuard）
        self.run_worker(self._save(data), group="form-commit", exit_on_error=False)

    async def _save(self, data: EvidenceInput) -> None:
        try:
            await self._save_paths(data)
        finally:
            self.saving = False

    async def _commit(self, one: EvidenceInput, allow_missing: bool) -> None:
        """记录一个文件（``commit`` 可以是 async 的：在后台保存，这时写着“正在保存……”）。"""
        result = self.commit(one, allow_missing)
        if inspect.isawaitable(result):
            self.query_one("#error", Static).update(SAVING)
            await result
            self.query_one("#error", Static).update("")

    async def _save_paths(self, data: EvidenceInput) -> None:
        """逐个记录路径一栏里的文件；找不到的先问，确认后才记录。出错时留下还没记录的路径与说明。"""
        paths = split_paths(data.path)
        missing: list[tuple[EvidenceInput, EvidenceMissing]] = []
        saved: list[str] = []
        for p in paths:
            one = replace(data, path=p)
            try:
                await self._commit(one, False)
            except EvidenceMissing as e:
                missing.append((one, e))
                continue
            except CreditCheckError as e:
                self._keep_unsaved(paths, saved)
                self._error(str(e), "#path")
                return
            saved.append(p)
        self.saved = saved
        if not missing:
            self.dismiss(data)
            return
        self._keep_unsaved(paths, saved)
        first = missing[0][1]
        more = f"（共 {len(missing)} 个文件找不到）" if len(missing) > 1 else ""

        def answer(yes: bool | None) -> None:
            if not yes:
                self._error("找不到的文件未记录。请核对路径，或按 F2 选择文件。", "#path")
            elif not self.saving:
                self.saving = True
                self.run_worker(
                    self._save_missing(data, paths, saved, [one for one, _ in missing]),
                    group="form-commit",
                    exit_on_error=False,
                )

        self.app.push_screen(
            ConfirmModal(
                "文件不存在",
                f"{first}{more}。\n\n文件可能在别的电脑上，或尚未拷贝过来。仍要记录这条路径吗？",
                yes="仍然记录",
                no="返回修改",
            ),
            answer,
        )

    async def _save_missing(
        self, data: EvidenceInput, paths: list[str], saved: list[str], missing: list[EvidenceInput]
    ) -> None:
        """用户确认后记录找不到的那几个文件。"""
        try:
            for one in missing:
                try:
                    await self._commit(one, True)
                except CreditCheckError as err:
                    self._error(str(err), "#path")
                    return
                saved.append(one.path)
                self._keep_unsaved(paths, saved)
        finally:
            self.saving = False
        self.dismiss(data)

    def _keep_unsaved(self, paths: list[str], saved: list[str]) -> None:
        """已经记录的文件从路径一栏去掉，只留下还没记录的（改好再保存，不会重复记录）。"""
        rest = [p for p in paths if p not in saved]
        if saved:
            self.query_one("#path", Input).value = "; ".join(rest)

    @on(Button.Pressed, "#browse")
    def action_browse(self) -> None:
        text = clean_path_text(self.query_one("#path", Input).value)
        start = Path(text).expanduser() if text else self.start_dir

        def chosen(picked: list[Path] | None) -> None:
            if picked:
                self.query_one("#path", Input).value = "; ".join(str(p) for p in picked)
                self.query_one("#error", Static).update("")  # 先前“文件不存在”之类的说明已不相干
                self.query_one("#kind", OptionList).focus()

        if text and self.last_dir is not None and Path(text) == self.last_dir:
            start = self.last_dir
        self.app.push_screen(FilePickerModal(start, multi=True), chosen)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.cancel_guarded()


def split_paths(text: str) -> list[str]:
    """路径一栏里的几个路径（以 ; 或 ；或换行隔开；各自可以带引号）。"""
    parts = [clean_path_text(p) for p in re.split(r"[;；\n]", text)]
    return [p for p in parts if p]
