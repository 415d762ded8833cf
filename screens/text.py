"""界面上的文字处理：把宽度有歧义的符号换成全角或 ASCII，按显示宽度补齐，日期的短写法。

rich 把 “ ” — … ● ★ · 等“宽度不定”的字符算作 1 格，中文字体却画成 2 格，放在需要对齐的
表格、列表里会把后面的列挤歪。凡是要对齐的地方都先过一遍 ``cell_safe``。
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rich.cells import cell_len
from textual.widgets import Static

from creditcheck.models import Status
from creditcheck.rules import Level

_AMBIGUOUS = str.maketrans({
    "“": "「", "”": "」", "‘": "『", "’": "』",
    "—": "-", "–": "-", "…": "...", "·": "・", "●": "*", "○": "o", "★": "*", "☆": "*",
    "■": "#", "□": "#", "◆": "*", "◇": "*", "※": "*", "→": "->", "←": "<-", "√": "V", "×": "x",
})

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



class Plain(Static):
    """不解析标记的一段文字；显示前换掉宽度有歧义的符号，折行时宽度才算得准。"""

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        kwargs.pop("markup", None)
        super().__init__(cell_safe(text), markup=False, **kwargs)

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        super().update(cell_safe(content) if isinstance(content, str) else content, layout=layout)
