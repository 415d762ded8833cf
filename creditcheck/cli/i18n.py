"""把 click 自带的英文提示换成中文：用户看到的帮助与错误都应是中文。"""

from __future__ import annotations

import click

_ZH = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Error": "错误",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "可运行 '{command} {option}' 查看帮助。",
    "No such option {name!r}.": "没有这个选项：{name!r}。",
    "Missing command.": "缺少命令。",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "unknown error": "未知错误",
    "default: {default}": "默认：{default}",
    "Positional arguments": "参数",
    "Missing argument {param_hint}.": "缺少参数 {param_hint}。",
    "Missing argument": "缺少参数",
    "Missing option {param_hint}.": "缺少选项 {param_hint}。",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "No such option: {name}": "没有这个选项：{name}",
    "No such command {name!r}.": "没有这个命令：{name!r}。",
    "Try {command!r} for help.": "可运行 {command!r} 查看帮助。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "{name!r} is not one of {choices}.": "{name!r} 不在可选值 {choices} 之中。",
    "{value!r} is not one of {choices}.": "{value!r} 不在可选值 {choices} 之中。",
    "{value!r} is not a valid integer.": "{value!r} 不是整数。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "File": "文件",
    "Directory": "文件夹",
    "Path": "路径",
    "Aborted!": "已取消。",
    "default": "默认",
    "required": "必填",
    "(Deprecated)": "（已弃用）",
    "Did you mean {possibility}?": "您是不是要输入 {possibility}？",
}


def _gettext(message: str) -> str:
    return _ZH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _ZH.get(singular if n == 1 else plural, singular if n == 1 else plural)


def install() -> None:
    """替换 click 各模块里的 gettext。click 以 ``from gettext import gettext as _`` 导入它。"""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui
    import click.types

    for mod in (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        click.termui,
        click.types,
    ):
        if hasattr(mod, "_"):
            mod._ = _gettext  # type: ignore[attr-defined]
        if hasattr(mod, "ngettext"):
            mod.ngettext = _ngettext  # type: ignore[attr-defined]


def _join_lines(lines: list[str]) -> str:
    """一段里的几行接成一行：两边都是英文时补一个空格，汉字之间不加空格。"""
    out = ""
    for line in lines:
        line = line.strip()
        if out and line and (out[-1].isascii() and line[0].isascii()):
            out += " "
        out += line
    return out


def wrap_text_zh(text: str, width: int, indent: int = 0) -> str:
    """click 的 wrap_text（保留段落，``\\b`` 开头的段落不重排）的中文版：宽度按格算，按禁则折行。"""
    from ..textwrap_zh import wrap

    pad = " " * indent
    paragraphs: list[list[str]] = [[]]
    for line in text.expandtabs().splitlines():
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    out: list[str] = []
    for para in paragraphs:
        if not para:
            continue
        if out:
            out.append("")
        if para[0].strip() == "\b":
            out += [pad + line for line in para[1:]]
            continue
        first = para[0]
        extra = " " * (len(first) - len(first.lstrip()))
        out += [
            pad + extra + line
            for line in wrap(_join_lines(para), max(width - indent - len(extra), 10))
        ]
    return "\n".join(out)


class ZhFormatter(click.HelpFormatter):
    """中文帮助：宽度按终端的格计（汉字 2 格），折行守禁则，两栏对齐。"""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="用法：")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        self.write(wrap_text_zh(text, self.width, self.current_indent))
        self.write("\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:  # type: ignore[no-untyped-def]
        from ..textwrap_zh import cell_width, wrap

        rows = list(rows)
        if not rows:
            return
        first_col = min(max(cell_width(a) for a, _ in rows), col_max) + col_spacing
        indent = " " * self.current_indent
        for first, second in rows:
            self.write(f"{indent}{first}")
            if not second:
                self.write("\n")
                continue
            used = cell_width(first)
            if used <= first_col - col_spacing:
                self.write(" " * (first_col - used))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(
                _join_lines(second.splitlines()),
                max(self.width - first_col - 2 - self.current_indent, 10),
            )
            self.write((lines[0] if lines else "") + "\n")
            for line in lines[1:]:
                self.write(" " * (first_col + self.current_indent) + line + "\n")


click.Context.formatter_class = ZhFormatter
