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

    for mod in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui, click.types):
        if hasattr(mod, "_"):
            mod._ = _gettext  # type: ignore[attr-defined]
        if hasattr(mod, "ngettext"):
            mod.ngettext = _ngettext  # type: ignore[attr-defined]


class ZhFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="用法：")


click.Context.formatter_class = ZhFormatter
