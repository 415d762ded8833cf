"""在后台线程里做一件可能费时的事（生成 Word、写日历、导入台账），显示进度，做完给出结果路径。

做完后：回车用默认程序打开文件，Ctrl+O 打开所在文件夹，Esc 关闭（O 在首页是体系科的“总览”，这里不用单个字母）。出错时显示中文原因。
导入台账这类读入别人文件的事（``opens_by_default=False``）：回车只是“知道了”（关闭），打开文件是另一个按钮。
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, ProgressBar, Static

from creditcheck.errors import CreditCheckError
from creditcheck.oserrors import os_reason

from .diskwork import READING, DiskQueue
from .text import Plain


class TaskModal(ModalScreen[Path | None]):
    """``job`` 在线程里运行并返回生成的文件；dismiss 该文件（失败或未完成时为 None）。"""

    BINDINGS = [
        Binding("escape", "close", "关闭", show=False),
        Binding("ctrl+o", "open_folder", "打开所在文件夹", show=False),
        Binding("enter", "default", "默认按钮", show=False),
    ]

    def __init__(
        self,
        title: str,
        job: Callable[[], Path],
        opener: Callable[[Path], str | None],
        busy_text: str = "正在生成，请稍候……",
        done_text: str | Callable[[Path], str] = "已完成，文件保存在：",
        disk: DiskQueue | None = None,
        opens_by_default: bool = True,
    ) -> None:
        super().__init__()
        self.opens_by_default = opens_by_default
        """做完后回车打开文件（导出的 Word、日历）；为 False 时回车只关闭对话框（导入的台账不必再打开）。"""
        self.disk = disk
        """读写数据文件夹时给出：排在本窗口已发起的保存之后做（见 ``screens/diskwork.py``）。"""
        self.done_text = done_text
        """做完后的说明；给函数时用做出的文件算出（如导入台账：收了几行、其他月份的几行放在一边）。"""
        self.title_text = title
        self.job = job
        self.opener = opener
        self.busy_text = busy_text
        self.result: Path | None = None
        self.finished = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Plain(self.title_text, classes="dialog-title")
            yield Plain(self.busy_text, id="status")
            yield ProgressBar(total=None, show_eta=False, id="bar")
            yield Plain("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons", id="done-buttons"):
                if self.opens_by_default:
                    yield Button("打开文件（回车）", id="open-file", variant="primary")
                    yield Button("打开所在文件夹（Ctrl+O）", id="open-folder")
                    yield Button("关闭（Esc）", id="close")
                else:
                    yield Button("知道了（回车）", id="close", variant="primary")
                    yield Button("打开文件", id="open-file")
                    yield Button("打开所在文件夹（Ctrl+O）", id="open-folder")

    def on_mount(self) -> None:
        self.query_one("#done-buttons").display = False
        if self.disk is not None:
            self.run_worker(self._queued(self.disk), exit_on_error=False)
        else:
            self.run_job()

    async def _queued(self, disk: DiskQueue) -> None:
        """排在本窗口已发起的读写之后（刚保存的修改一定已写好）再做。"""
        path, problem = await disk.run(self._attempt, READING)
        self._finish(path, problem)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def run_job(self) -> None:
        self.app.call_from_thread(self._finish, *self._attempt())

    def _attempt(self) -> tuple[Path | None, str]:
        """（在后台线程里）做这件事：返回生成的文件，或给用户看的中文原因。"""
        try:
            return self.job(), ""
        except CreditCheckError as e:
            return None, str(e)
        except PermissionError as e:
            return None, (
                f"没有权限写入 {e.filename or ''}（文件可能正在 Word/WPS 中打开，请关闭后重试）"
            )
        except OSError as e:
            return None, f"文件操作失败：{os_reason(e)}（{e.filename or ''}）"
        except Exception as e:  # 导出代码的意外错误也不能让界面崩溃
            return None, f"出错了：{type(e).__name__}: {e}"

    def _finish(self, path: Path | None, problem: str) -> None:
        if path is None:
            self._failed(problem)
        else:
            self._done(path)

    def _done(self, path: Path) -> None:
        self.result = path
        self.finished = True
        bar = self.query_one("#bar", ProgressBar)
        bar.update(total=1, progress=1)
        text = self.done_text(path) if callable(self.done_text) else f"{self.done_text}\n{path}"
        self.query_one("#status", Static).update(text)
        buttons = self.query_one("#done-buttons")
        buttons.display = True
        self.query_one("#open-file" if self.opens_by_default else "#close", Button).focus()

    def _failed(self, message: str) -> None:
        self.finished = True
        self.query_one("#bar", ProgressBar).display = False
        self.query_one("#status", Static).update("未能完成。")
        self.query_one("#error", Static).update(message)
        self.query_one("#done-buttons").display = True
        self.query_one("#open-file").display = False
        self.query_one("#open-folder").display = False
        self.query_one("#close", Button).focus()

    def action_default(self) -> None:
        """回车：按默认按钮（打开文件，或只是“知道了”）；出错时关闭。"""
        if not self.finished:
            return
        if self.opens_by_default and self.result is not None:
            self.action_open_file()
        else:
            self.action_close()

    @on(Button.Pressed, "#open-file")
    def action_open_file(self) -> None:
        if self.result is not None:
            problem = self.opener(self.result)
            if problem:
                self.query_one("#error", Static).update(problem)

    @on(Button.Pressed, "#open-folder")
    def action_open_folder(self) -> None:
        if self.result is not None:
            problem = self.opener(self.result.parent)
            if problem:
                self.query_one("#error", Static).update(problem)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        if self.finished:
            self.dismiss(self.result)
        else:
            self.notify("正在生成，请稍候", timeout=2)
