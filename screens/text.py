"""界面上的文字处理：把宽度有歧义的符号换成全角或 ASCII，按显示宽度补齐，日期的短写法。

rich 把 “ ” — … ● ★ · 等“宽度不定”的字符算作 1 格，中文字体却画成 2 格，放在需要对齐的
表格、列表里会把后面的列挤歪。凡是要对齐的地方都先过一遍 ``cell_safe``。
"""

from __future__ import annotations

import errno
from datetime import date, datetime
from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widgets import Footer, Static

from creditcheck.models import Status
from creditcheck.rules import Level

_AMBIGUOUS = str.maketrans(
    {
        "“": "「",
        "”": "」",
        "‘": "『",
        "’": "』",
        "—": "-",
        "–": "-",
        "…": "...",
        "·": "・",
        "●": "*",
        "○": "o",
        "★": "*",
        "☆": "*",
        "■": "#",
        "□": "#",
        "◆": "*",
        "◇": "*",
        "※": "*",
        "→": "->",
        "←": "<-",
        "√": "V",
        "×": "x",
    }
)

WEEKDAYS = "一二三四五六日"


def cell_safe(text: str) -> str:
    """换掉宽度有歧义的符号，使 rich 算的宽度与终端实际画出的一致。"""
    return text.translate(_AMBIGUOUS)


def pad(text: str, width: int) -> str:
    """按显示宽度在右侧补空格（中文算 2 格），超长时截断。"""
    text = cell_safe(text)
    n = cell_len(text)
    if n <= width:
        return text + " " * (width - n)
    out = ""
    for ch in text:
        if cell_len(out + ch) > width - 2:
            break
        out += ch
    return out + ".." + " " * (width - cell_len(out) - 2)


def escape(text: str) -> str:
    """放进 Content 标记前的处理：换掉宽度有歧义的符号（折行也要算准宽度），转义方括号。"""
    return cell_safe(text).replace("[", r"\[")


def short_due(d: date | datetime) -> str:
    """11月26日（周四） 或 11月28日 10:00。"""
    if isinstance(d, datetime):
        return f"{d.month}月{d.day}日 {d.hour:02d}:{d.minute:02d}"
    return f"{d.month}月{d.day}日（周{WEEKDAYS[d.weekday()]}）"


def short_dt(d: date | datetime | None) -> str:
    if d is None:
        return ""
    if isinstance(d, datetime):
        return f"{d.month}-{d.day:02d} {d.hour:02d}:{d.minute:02d}"
    return f"{d.month}-{d.day:02d}"


def compact_dt(d: date | datetime | None, with_time: bool = True) -> str:
    """表格里的短写法：11-08 09:15；只有日期（或不必写时间的事件）时 11-08。"""
    if d is None:
        return ""
    if isinstance(d, datetime) and with_time:
        return f"{d.month:02d}-{d.day:02d} {d.hour:02d}:{d.minute:02d}"
    return f"{d.month:02d}-{d.day:02d}"


def compact_due(d: date | datetime) -> str:
    """表格里的期限：11-23 周一，或 11-26 09:15（按小时计算的期限）。"""
    if isinstance(d, datetime):
        return compact_dt(d)
    return f"{d.month:02d}-{d.day:02d} 周{WEEKDAYS[d.weekday()]}"


def clip(text: str, width: int) -> str:
    """按显示宽度截断（中文算 2 格），超长时以 .. 结尾；不补空格。"""
    text = cell_safe(text)
    if cell_len(text) <= width:
        return text
    return pad(text, width).rstrip()


LEVEL_VAR = {
    Level.OVERDUE: "error",
    Level.DUE_TODAY: "warning",
    Level.DUE_SOON: "primary",
    Level.OK: "foreground",
}
"""预警等级对应的主题颜色变量。"""

STATUS_VAR = {
    Status.NOT_STARTED: "foreground-muted",
    Status.IN_PROGRESS: "warning",
    Status.DONE: "success",
    Status.NOT_APPLICABLE: "secondary",
}


def level_markup(level: Level, text: str | None = None) -> str:
    return f"[bold ${LEVEL_VAR[level]}]{escape(text if text is not None else level.value)}[/]"


def status_markup(status: Status) -> str:
    return f"[${STATUS_VAR[status]}]{status.value}[/]"


NARROW = 100
"""窗口宽度小于此值（如 80 列）时按“窄屏”排布：底栏紧凑、表格列更窄。"""


class AppFooter(Footer):
    """底栏：窗口窄时用紧凑排布（按键之间少留空），80 列也放得下常用按键。"""

    def __init__(self, *, eager: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.eager = eager
        """第一次组合时就排出按键（默认）。为 False 时照 Textual 原来的做法：先空着，画好后再排，
        按键部件的挂载与样式另占一段处理（体系科各页在读取共享文件夹时要让界面一直能动，宁可多画一次）。"""

    def compose(self) -> ComposeResult:
        # Textual 的底栏第一次组合时是空的，等屏幕第一次画好后才排出按键、再画一遍（启动时、打开体系科各页时
        # 多出几十毫秒，底栏还闪一下）。这里第一次就按屏幕当时的按键排好；之后按键没变就不重排（见
        # bindings_changed）。紧凑与否也在排出按键之前定好：之后再改要把每个按键的样式重算一遍。
        narrow = self.app.size.width < NARROW
        self.set_reactive(Footer.compact, narrow)
        self.set_class(narrow, "-compact", update=False)
        screen = self.screen
        if self.eager and self.app.app_focus and not self._bindings_ready:
            self.set_reactive(Footer._bindings_ready, True)
            self._shown = self._shown_bindings(screen)
        yield from super().compose()

    def on_mount(self) -> None:
        self.compact = self.app.size.width < NARROW

    def on_resize(self) -> None:
        self.compact = self.app.size.width < NARROW

    _shown: tuple[Any, ...] | None = None
    """上次排出的按键（键、显示、说明、动作、可用、提示、分组）。"""

    @staticmethod
    def _shown_bindings(screen: Any) -> tuple[Any, ...]:
        return tuple(
            (b.key, b.key_display, b.description, b.action, enabled, tip, b.group)
            for _node, b, enabled, tip in screen.active_bindings.values()
            if b.show
        )

    def bindings_changed(self, screen: Any) -> None:
        # 焦点每换一次 Textual 都重排一遍底栏（每次几十毫秒，全在界面线程上）；按键没变时不重排
        shown = self._shown_bindings(screen)
        if shown == self._shown and self._bindings_ready:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # 这一次会重排（见 Footer.bindings_changed）
        super().bindings_changed(screen)


_OS_REASONS = {
    errno.ENOENT: "路径不存在（上一级文件夹找不到）",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许的操作（没有权限）",
    errno.EROFS: "这是只读的位置",
    errno.ENOSPC: "磁盘已满",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EEXIST: "同名的文件已存在",
    errno.EISDIR: "这是一个文件夹",
    errno.ENAMETOOLONG: "路径太长",
    errno.EINVAL: "路径中有不允许的字符",
}


def os_reason(e: OSError) -> str:
    """把系统的错误原因换成中文（见 creditcheck.oserrors）。"""
    from creditcheck.oserrors import os_reason as reason

    return reason(e)


def fit_form(screen: Any, reserve: int = 13) -> None:
    """对话框里可滚动的表单区（.form）最多占“窗口高度 - reserve”行：标题、提示、错误说明和按钮
    总在屏幕内（24 行的窗口也看得见“保存”按钮）；放不下的栏目在表单区里滚动，光标所在的栏目自动滚入视野。"""
    short = (
        screen.app.size.height < 30
    )  # 矮窗口里标题、按钮都更紧凑（见 app.tcss 的 ModalScreen.-short）
    for form in screen.query(".form"):
        form.styles.max_height = max(
            6, screen.app.size.height - (reserve - 6 if short else reserve)
        )


class Plain(Static):
    """不解析标记的一段文字；显示前换掉宽度有歧义的符号，折行时宽度才算得准。"""

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        kwargs.pop("markup", None)
        super().__init__(cell_safe(text), markup=False, **kwargs)

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        super().update(cell_safe(content) if isinstance(content, str) else content, layout=layout)
