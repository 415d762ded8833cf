"""把中文折行（禁则，见 creditcheck.textwrap_zh）接到 Textual 与 rich 的折行上。

Textual 的 Content 和 rich 的 Text 折行时都调用 ``rich._wrap.divide_line``（各自导入到自己的模块里），
它把一串汉字当成一个很长的“词”逐字切开，于是行首会出现“，”“」”“。”。``install()`` 用同样约定
（返回各新行开始处的字符位置）的 ``break_offsets`` 代替它；宽度按 rich 的算法计，与画出来的一致。
Textual 版本在 pyproject.toml 里固定，换版本时 tests/test_app_ux_wrap.py 会发现接口变了。
"""

from __future__ import annotations

from rich.cells import get_character_cell_size

from creditcheck.textwrap_zh import break_offsets

_installed = False


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """rich 的 divide_line 的替身：按禁则折行。"""
    return break_offsets(text, width, fold, get_character_cell_size)


def install() -> None:
    """换上禁则折行（可重复调用）。"""
    global _installed
    if _installed:
        return
    import rich.text
    import textual.content

    textual.content.divide_line = divide_line  # type: ignore[attr-defined]
    rich.text.divide_line = divide_line  # type: ignore[attr-defined]
    _installed = True
