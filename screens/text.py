"""界面上的文字处理：把宽度有歧义的符号换成全角或 ASCII，按显示宽度补齐，日期的短写法。

rich 把 “ ” — … ● ★ · 等“宽度不定”的字符算作 1 格，中文字体却画成 2 格，放在需要对齐的
表格、列表里会把后面的列挤歪。凡是要对齐的地方都先过一遍 ``cell_safe``。
"""

from __future__ import annotations

import errno
from datetime import date, datetime
from itertools import groupby
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

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


class AppFooter(Widget, can_focus=False):
    """底栏：一行写出当前可用的按键（键和说明），点一下等于按下那个键；命令面板（Ctrl+P）在右端。

    样子与 Textual 自带的 Footer 相同（同样的主题变量、分组、紧凑排布），但整条底栏只是一个部件：
    自带的 Footer 是可滚动的容器，每个按键、每个分组各是一个部件，首页的底栏就有 11 个部件，
    挂载、排样式、画出来在办公电脑上要四五十毫秒，每个屏幕第一次显示时都要花一遍。
    窗口窄（如 80 列）时紧凑排布；放不下的按键从右往左省去（命令面板总在），都可以在 F1 帮助里看到。
    """

    DEFAULT_CSS = """
    AppFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[Any, ...] | None = None
        self._spans: list[tuple[int, int, str, bool]] = []
        """上次画出的按键：(起始列, 结束列, 键, 可用)，点击时据此找键。"""
        self._drawn: dict[str, tuple[int, int]] = {}
        """上次画出的每一项：说明（成组的键为键的写法）-> (起始列, 结束列)，列从底栏左端算起。"""

    def drawn(self) -> dict[str, tuple[int, int]]:
        """上次画出的每一项在屏幕上的 (左端, 右端) 列：说明（成组的键为键的写法，组名单列）-> 列。"""
        x = self.region.x
        return {label: (x + a, x + b) for label, (a, b) in self._drawn.items()}

    @property
    def compact(self) -> bool:
        """窄窗口（小于 NARROW 列）时紧凑排布。"""
        return self.app.size.width < NARROW

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    @staticmethod
    def _shown_bindings(screen: Any) -> tuple[Any, ...]:
        return tuple(
            (b.key, b.key_display, b.description, b.action, enabled, tip, b.group)
            for _node, b, enabled, tip in screen.active_bindings.values()
            if b.show
        )

    def bindings_changed(self, screen: Any) -> None:
        """屏幕的按键变了（换了焦点、某个动作可用与否变了）：按键真的变了才重画。"""
        if not self.is_attached or screen is not self.screen:
            return
        shown = self._shown_bindings(screen)
        if shown != self._shown:
            self._shown = shown
            self.refresh()

    def entries(self) -> list[tuple[str, str, bool]]:
        """现在显示的按键：(键的写法, 说明, 可用)；成组的按键各占一项、说明是组名。命令面板在最后。"""
        return [(display, desc, enabled) for _, display, desc, enabled, _ in self._items()]

    def _items(self) -> list[tuple[str, str, str, bool, str]]:
        """(键, 键的写法, 说明, 可用, 种类)；种类为 key、group（同组的前几个键）、group-end、palette。"""
        app, screen = self.app, self.screen
        active = screen.active_bindings
        by_action: dict[str, tuple[Any, bool]] = {}
        for _node, b, enabled, _tip in active.values():
            if b.show and b.action not in by_action:  # 同一动作的几个键只写第一个（与 Footer 相同）
                by_action[b.action] = (b, enabled)
        items: list[tuple[str, str, str, bool, str]] = []
        for group, members in groupby(by_action.values(), lambda m: m[0].group):
            ms = list(members)
            if group is not None and len(ms) > 1:
                for n, (b, enabled) in enumerate(ms):
                    kind = "group-end" if n == len(ms) - 1 else "group"
                    desc = group.description if kind == "group-end" else ""
                    items.append((b.key, app.get_key_display(b), desc, enabled, kind))
            else:
                for b, enabled in ms:
                    items.append((b.key, app.get_key_display(b), b.description, enabled, "key"))
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, b, enabled, _tip = active[app.COMMAND_PALETTE_BINDING]
            items.append((b.key, app.get_key_display(b), b.description, enabled, "palette"))
        return items

    def render(self) -> Content:
        compact = self.compact
        key_style = "bold $footer-key-foreground"
        desc_style = "$footer-description-foreground"
        pieces: list[tuple[str, str]] = []  # (文字, 样式)
        spans: list[tuple[int, int, str, bool]] = []
        drawn: dict[str, tuple[int, int]] = {}
        width = self.size.width
        items = self._items()
        palette = [i for i in items if i[4] == "palette"]
        right: list[tuple[str, str]] = []
        right_spans: list[tuple[int, int, str, bool]] = []
        if palette:
            key, display, desc, enabled, _ = palette[0]
            dim = "" if enabled else " dim"
            text = f"{display} {desc}" + ("" if compact else " ")
            right = [
                ("▏", "$foreground 20%"),
                (display, key_style + dim),
                (" " + desc, desc_style + dim),
            ]
            if not compact:
                right.append((" ", ""))
            right_spans.append((width - cell_len(text), width, key, enabled))
            drawn[desc or display] = (width - cell_len(text), width)
        room = width - sum(cell_len(t) for t, _ in right)
        col = 0
        in_group = False
        for key, display, desc, enabled, kind in items:
            if kind == "palette":
                continue
            dim = "" if enabled else " dim"
            if kind == "key":
                lead = "" if compact else " "
                parts = [(lead + display, key_style + dim), (" " + desc + " ", desc_style + dim)]
            else:
                lead = "" if (compact or in_group) else " "
                parts = [(lead + display, key_style + dim)]
                if kind == "group-end":
                    parts.append((" " + desc + " ", desc_style))
            in_group = kind == "group"
            size = sum(cell_len(t) for t, _ in parts)
            if col + size > room:
                break  # 放不下的按键省去（都在 F1 帮助里）
            key_cols = cell_len(parts[0][0])
            spans.append(
                (col, col + key_cols + (size - key_cols if kind == "key" else 0), key, enabled)
            )
            pieces.extend(parts)
            drawn[desc if kind == "key" else display] = (
                col,
                col + (size if kind == "key" else key_cols),
            )
            if kind == "group-end":
                drawn[desc] = (col + key_cols + 1, col + size - 1)
            col += size
        pieces.append((" " * max(0, room - col), ""))
        pieces.extend(right)
        self._spans = spans + right_spans
        self._drawn = drawn
        return Content.assemble(*((t, s) if s else t for t, s in pieces))

    def on_click(self, event: events.Click) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return


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
