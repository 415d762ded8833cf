"""首次设置（以后从“设置”进入同一页面）：本机科室、专人姓名与电话、数据文件夹、Word 字体方案。

保存成功后以新的 Settings dismiss；首次设置不能取消（没有科室就无从自查）。
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from creditcheck.filenames import clean_path_text
from creditcheck.settings import FONT_PROFILES, LAUNCH_MODES, Settings

from .confirm import DiscardGuard
from .context import AppContext
from .diskwork import DiskQueue
from .file_picker import FilePickerModal
from .forms import form_row
from .path_input import PathSuggester
from .pinyin_list import PinyinOptionList
from .text import AppFooter, Plain, os_reason, pad


def check_writable(folder: Path) -> str | None:
    """数据文件夹可用时返回 None，否则返回中文说明。不存在时先创建。"""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        return (
            f"无法创建文件夹 {folder}：{os_reason(e)}。请检查路径是否写对、共享文件夹是否已连接。"
        )
    if not folder.is_dir():
        return f"这不是一个文件夹：{folder}"
    try:
        fd, name = tempfile.mkstemp(prefix=".creditcheck-test-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as e:
        return f"文件夹不可写：{folder}（{os_reason(e)}）。请换一个文件夹，或请管理员开通写权限。"
    return None


class SetupScreen(DiscardGuard, Screen[Settings | None]):
    """本机设置页。"""

    BINDINGS = [
        Binding("ctrl+s", "save", "保存"),
        Binding("escape", "cancel", "取消"),
        Binding("f2", "browse", "选择文件夹"),
    ]

    def __init__(self, ctx: AppContext, first_run: bool) -> None:
        super().__init__()
        self.ctx = ctx
        self.first_run = first_run
        self._saving = False

    def compose(self) -> ComposeResult:
        s = self.ctx.settings
        title = "首次使用：请完成本机设置" if self.first_run else "设置"
        yield Plain(f" 信用状况监测自查  {title}", id="topbar")
        intro = (
            "选好本机所属科室，填写科室专人的姓名和电话，然后按 Ctrl+S 保存。这些内容以后可以在首页按 S 修改。"
            if self.first_run
            else "改好后按 Ctrl+S 保存，立即生效（换科室、换数据文件夹都不用重新启动）；Esc 不保存返回。"
        )
        yield Plain(intro, classes="intro")
        sections = self.ctx.catalog.sections
        default_dir = self.ctx.default_data_dir or self.ctx.data_dir
        with Horizontal(id="setup-body"):
            with Vertical(id="setup-left"):
                yield Static("本机所属科室", classes="field-label")
                yield PinyinOptionList(
                    *[Option(f"{pad(sec.short, 18)}", id=sec.id) for sec in sections],
                    id="section",
                )
                yield Plain("上下键选择，或打拼音查找（如 shang、ss）", classes="hint")
                yield Plain("", id="section-full", classes="hint")
            # 可滚动区本身不占 Tab 的一站：Tab 从科室列表直接到“专人姓名”（否则焦点落在看不见的地方，
            # 打的字全丢了）；光标所在的栏目自动滚入视野
            with VerticalScroll(id="setup-right", can_focus=False):
                yield form_row("专人姓名", Input(s.person, placeholder="如：张三", id="person"))
                yield form_row(
                    "联系电话", Input(s.phone, placeholder="如：0531-88888888", id="phone")
                )
                yield form_row(
                    "数据文件夹",
                    Input(
                        s.data_dir or str(self.ctx.data_dir),
                        id="data-dir",
                        suggester=PathSuggester(dirs_only=True),
                    ),
                )
                yield Plain(
                    f"默认：{default_dir}\n多台电脑共用时填共享文件夹路径；F2 从文件夹树中选择。",
                    classes="hint",
                )
                yield Static("Word 字体方案", classes="field-label")
                yield PinyinOptionList(
                    *[Option(label, id=key) for key, label in FONT_PROFILES.items()],
                    id="font",
                )
                yield form_row(
                    "提前提醒",
                    Input(str(s.horizon_days), id="horizon", type="integer", max_length=2),
                )
                yield Plain("到期前几个工作日开始列入“即将到期”。", classes="hint")
                if not self.first_run:  # 首次设置不问：默认在终端窗口打开
                    yield Static("桌面图标打开方式", classes="field-label")
                    yield OptionList(
                        *[Option(label, id=key) for key, label in LAUNCH_MODES.items()], id="launch"
                    )
        # 错误说明与按钮不随表单滚动：24 行的窗口里也总看得见
        with Vertical(id="setup-bottom"):
            yield Plain("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("保存（Ctrl+S）", id="save", variant="primary")
                if not self.first_run:
                    yield Button("取消（Esc）", id="cancel")
        yield AppFooter()

    def on_mount(self) -> None:
        s = self.ctx.settings
        ol = self.query_one("#section", OptionList)
        ids = [sec.id for sec in self.ctx.catalog.sections]
        if s.section_id in ids:
            ol.highlighted = ids.index(s.section_id)
        else:
            ol.highlighted = 0
        font = self.query_one("#font", OptionList)
        font.highlighted = (
            list(FONT_PROFILES).index(s.font_profile) if s.font_profile in FONT_PROFILES else 0
        )
        for launch in self.query("#launch").results(OptionList):
            launch.highlighted = (
                list(LAUNCH_MODES).index(s.launch_mode) if s.launch_mode in LAUNCH_MODES else 0
            )
        ol.focus()
        self._show_full_name()
        self.remember_inputs()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel" and self.first_run:
            return False
        return True

    @on(OptionList.OptionHighlighted, "#section")
    def _show_full_name(self) -> None:
        sec = self._section()
        label = self.query_one("#section-full", Static)
        if sec is not None:
            extra = "（牵头科室：可汇总审核各科室）" if sec.coordinator else ""
            label.update(f"{sec.name}{extra}")

    @on(OptionList.OptionSelected, "#section")
    def _section_chosen(self) -> None:
        self.query_one("#person", Input).focus()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        order = ["person", "phone", "data-dir", "horizon"]
        wid = event.input.id or ""
        if wid in order and wid != order[-1]:
            nxt = order[order.index(wid) + 1]
            if nxt == "horizon":
                self.query_one("#font", OptionList).focus()
            else:
                self.query_one(f"#{nxt}", Input).focus()
        else:
            self.action_save()

    @on(OptionList.OptionSelected, "#font")
    def _font_chosen(self) -> None:
        self.query_one("#horizon", Input).focus()

    def _section(self):  # type: ignore[no-untyped-def]
        ol = self.query_one("#section", OptionList)
        if ol.highlighted is None:
            return None
        return self.ctx.catalog.sections[ol.highlighted]

    def _error(self, text: str, focus: str | None = None) -> None:
        self.query_one("#error", Static).update(text)
        if focus:
            self.query_one(focus).focus()

    def action_browse(self) -> None:
        current = Path(
            self.query_one("#data-dir", Input).value.strip() or str(self.ctx.data_dir)
        ).expanduser()

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.query_one("#data-dir", Input).value = str(path)
                self.query_one("#error", Static).update("")  # 先前的说明已不相干

        self.app.push_screen(FilePickerModal(current, pick_dir=True), chosen)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self._saving:  # 上一次保存还在做（数据文件夹在网络上时可能要一会儿）
            return
        sec = self._section()
        person = self.query_one("#person", Input).value.strip()
        phone = self.query_one("#phone", Input).value.strip()
        folder_text = clean_path_text(self.query_one("#data-dir", Input).value)
        horizon_text = self.query_one("#horizon", Input).value.strip() or "3"
        if sec is None:
            return self._error("请先选择本机所属科室", "#section")
        if not person:
            return self._error("请填写科室专人姓名（写入报送材料）", "#person")
        if phone and not all(c.isdigit() or c in "-— ()（）转" for c in phone):
            return self._error(f"联系电话只能包含数字和“-”：“{phone}”", "#phone")
        if not folder_text:
            return self._error("请填写数据文件夹", "#data-dir")
        folder = Path(folder_text).expanduser()
        if not folder.is_absolute():  # 相对路径随启动时所在的文件夹而变，数据会“找不到”
            return self._error(
                f"请填写完整的文件夹路径，如 D:\\信用自查 或 \\\\server\\共享\\信用自查（“{folder_text}”不完整）",
                "#data-dir",
            )
        try:
            horizon = int(horizon_text)
        except ValueError:
            return self._error("提前提醒天数应为整数", "#horizon")
        if not 0 <= horizon <= 30:
            return self._error("提前提醒天数应在 0 到 30 之间", "#horizon")
        font = self.query_one("#font", OptionList)
        font_key = list(FONT_PROFILES)[font.highlighted or 0]
        launch_mode = self.ctx.settings.launch_mode
        for launch in self.query("#launch").results(OptionList):
            launch_mode = list(LAUNCH_MODES)[launch.highlighted or 0]
        default_dir = self.ctx.default_data_dir
        base = dataclasses.replace(
            self.ctx.settings,
            section_id=sec.id,
            person=person,
            phone=phone,
            font_profile=font_key,
            horizon_days=horizon,
            launch_mode=launch_mode,
        )

        def job() -> tuple[Settings | None, str, str | None]:
            """后台线程：检查数据文件夹能不能写（可能是网络共享）、保存设置。返回 (设置, 说明, 焦点)。"""
            problem = check_writable(folder)
            if problem:
                return None, problem, "#data-dir"
            same = (
                default_dir is not None and folder.resolve() == default_dir.expanduser().resolve()
            )
            new = dataclasses.replace(base, data_dir="" if same else str(folder))
            try:
                self.ctx.save_settings(new)
            except Exception as e:  # 设置文件夹不可写等：留在本页，内容不丢
                return None, f"设置保存失败：{e}", None
            return new, "", None

        def done(result: tuple[Settings | None, str, str | None]) -> None:
            self._saving = False
            new, problem, focus = result
            if new is None:
                self._error(problem, focus)
            else:
                self.dismiss(new)

        def failed(text: str) -> None:
            self._saving = False
            self._error(text)

        self._saving = True
        self.query_one("#error", Static).update("正在检查数据文件夹并保存设置……")
        DiskQueue.of(self.app).start(job, done=done, failed=failed)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.first_run:
            self.cancel_guarded()
