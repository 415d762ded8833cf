"""让命令行输出在 GBK（代码页 936）控制台和重定向里也不会因个别字符而崩溃。

Windows 上把输出重定向到文件或管道（``creditcheck doctor > 体检.txt``、``| findstr``），
或使用旧版控制台时，标准输出的编码是 cp936（GBK），默认遇到 GBK 里没有的字符（“•”“✓”、
表情符号、生僻字……，多来自用户填写的意见、备注、台账单元格）就抛出 UnicodeEncodeError，
整条命令以调用栈结束。信创 Linux 的 zh_CN.GBK 区域设置同理。

``make_console_safe()`` 在入口处调用一次：输出编码不能表示全部 Unicode 且出错方式为 strict 时，
改为把无法表示的字符替换成“?”，其余一切照旧。只用标准库。
"""

from __future__ import annotations

import codecs
import sys
from typing import Any

_FULL_UNICODE = {
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-32-le",
    "utf-32-be",
    "gb18030",
}


def _covers_unicode(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in _FULL_UNICODE
    except LookupError:
        return False


def make_safe(stream: Any) -> bool:
    """把一个文本输出流改为遇到无法编码的字符时替换；改了返回 True。"""
    if stream is None:  # pythonw 等没有控制台的情况
        return False
    encoding = getattr(stream, "encoding", None) or ""
    if not encoding or _covers_unicode(encoding):
        return False
    if (getattr(stream, "errors", None) or "strict") != "strict":
        return False  # 已经是 replace / backslashreplace 等
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None:
        return False
    try:
        reconfigure(errors="replace")
    except (ValueError, OSError, AttributeError):  # 已关闭或不支持
        return False
    return True


def make_console_safe() -> None:
    """标准输出与标准错误：编码（如 GBK）不能表示的字符以“?”代替，而不是让命令崩溃。"""
    for name in ("stdout", "stderr"):
        make_safe(getattr(sys, name, None))


def run() -> None:
    """``make_console_safe()`` 之后再进入命令行入口（供测试；入口接好后与 ``creditcheck.cli.run`` 等价）。"""
    make_console_safe()
    from . import run as cli_run

    cli_run()


if __name__ == "__main__":
    run()
