"""中文折行（禁则）：行首不放句末标点（，。、；：）」……），行末不放开括号（（「《“……）。

宽度按终端的“格”算（汉字 2 格，ASCII 1 格）。英文单词、数字、路径在空格处折行，不拆开；
汉字之间任意处都可以折行，但闭标点跟在前一个字后面，开标点跟在后一个字前面。

纯函数，界面（screens/textwrap_zh.py 把它接到 Textual 的折行上）和命令行帮助（cli/i18n.py）共用。
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

NO_LINE_START = frozenset("，。、；：？！）」』】》〉〕〗〙〛”’…—‥％‰℃・·～,.;:!?)]}％｝］＞>")
"""不能放在行首的字符（句末标点、闭括号、省略号、破折号……）。"""

NO_LINE_END = frozenset("（「『【《〈〔〖〘〚“‘([{｛［＜<")
"""不能放在行末的字符（开括号、开引号）。"""


def char_width(ch: str) -> int:
    """一个字符在终端里占几格：全角、宽字符 2 格，组合字符 0 格，其余 1 格。"""
    if ch < "\u0300":
        return 1 if ch >= " " else 0
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cell_width(text: str, width: Callable[[str], int] = char_width) -> int:
    """整段文字占几格。"""
    if text.isascii():
        return len(text)
    return sum(width(c) for c in text)


def _is_word_char(ch: str) -> bool:
    """拼在一起不拆开的字符：ASCII 字母、数字与符号（英文单词、数字、路径、网址）。"""
    return ch.isascii() and not ch.isspace()


def _atoms(text: str) -> list[tuple[int, int]]:
    """把一行切成不可再分的块 (开始, 结束)：一个汉字、一个英文单词，连同粘在它前后的标点和其后的空格。"""
    atoms: list[tuple[int, int]] = []
    n = len(text)
    i = 0
    glue_next = False  # 上一块以开标点结尾：下一块并入它
    while i < n:
        ch = text[i]
        j = i + 1
        if ch.isspace():
            while j < n and text[j].isspace():
                j += 1
            if atoms:  # 空格跟在前一块后面（行末的空格不占宽度，见 break_offsets）
                atoms[-1] = (atoms[-1][0], j)
                glue_next = False
            else:
                atoms.append((i, j))
                glue_next = True  # 行首的空格与第一块一起
            i = j
            continue
        if _is_word_char(ch):
            while j < n and _is_word_char(text[j]):
                j += 1
        if ch in NO_LINE_START and atoms and not text[i - 1].isspace():
            atoms[-1] = (atoms[-1][0], j)  # 闭标点粘在前一块后面
        elif glue_next and atoms:
            atoms[-1] = (atoms[-1][0], j)
        else:
            atoms.append((i, j))
        glue_next = text[j - 1] in NO_LINE_END
        i = j
    return atoms


def break_offsets(
    text: str, width: int, fold: bool = True, char: Callable[[str], int] = char_width
) -> list[int]:
    """一行文字在 ``width`` 格内折行时，各新行开始处的字符位置（与 rich 的 divide_line 同样的约定）。

    ``fold``：一块比整行还宽时（很长的路径）逐字拆开；否则让它超出，由调用方截断。"""
    if width <= 0 or cell_width(text, char) <= width:
        return []
    breaks: list[int] = []
    used = 0
    for start, end in _atoms(text):
        piece = text[start:end]
        body = piece.rstrip()
        w = cell_width(body, char)
        if used + w <= width:
            used += cell_width(piece, char)
            continue
        if w > width and fold:
            if used and start:
                breaks.append(start)
            used = 0
            for k, c in enumerate(piece):
                cw = char(c)
                if used + cw > width and not c.isspace() and k:
                    breaks.append(start + k)
                    used = 0
                used += cw
            continue
        if used and start:
            breaks.append(start)
        used = cell_width(piece, char)
    return breaks


def wrap(text: str, width: int, char: Callable[[str], int] = char_width) -> list[str]:
    """按禁则折行，保留原有的换行；各行去掉行末空格。"""
    out: list[str] = []
    for line in text.split("\n"):
        cuts = [0, *break_offsets(line, width, True, char), len(line)]
        out += [line[a:b].rstrip() for a, b in zip(cuts, cuts[1:], strict=False)] or [""]
    return out
