"""拼音查找：用全拼（“shenhe”找到“审核”）或首字母（“dc”找到“导出”）在中文名称里查找。

命令面板和各处的选择列表共用。pypinyin 在第一次查找时才导入（约 0.2–0.4 秒），不拖慢启动；
同一段文字的拼音只算一次。纯函数，不依赖界面。
"""

from __future__ import annotations

from functools import lru_cache

from .records import dataclass


@dataclass(frozen=True)
class Spelling:
    """一段文字的几种写法（都是小写、去掉空格）。"""

    text: str
    """原文（小写，去掉空格）。"""
    full: str
    """全拼：审核 -> shenhe；其中的英文、数字原样保留（Word -> word）。"""
    initials: str
    """首字母：导出Word报送材料 -> dcwbscl。"""
    starts: frozenset[int]
    """全拼中每个字（词）开始的位置：从这些位置起匹配的得分更高。"""


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


@lru_cache(maxsize=4096)
def spell(text: str) -> Spelling:
    """算出一段文字的全拼、首字母。"""
    from pypinyin import Style, lazy_pinyin

    syllables: list[str] = []
    for part in lazy_pinyin(text, style=Style.NORMAL, errors=lambda s: s):
        # 没有拼音的字（生僻字、中文标点）去掉，英文和数字保留
        syllables += _latin_words("".join(c if c.isascii() else " " for c in part))
    full = ""
    starts: set[int] = set()
    for s in syllables:
        starts.add(len(full))
        full += s
    return Spelling(
        "".join(text.lower().split()),
        full,
        "".join(s[0] for s in syllables if s),
        frozenset(starts),
    )


def _latin_words(part: str) -> list[str]:
    """拼音或一段英文里的“词”：字母数字连在一起的部分，小写。"""
    out: list[str] = []
    word = ""
    for ch in part.lower():
        if ch.isalnum():
            word += ch
        elif word:
            out.append(word)
            word = ""
    if word:
        out.append(word)
    return out


def score(query: str, text: str) -> float:
    """``query`` 与 ``text`` 相符的程度：0 为不相符，越大越好（最大 1）。

    写汉字时按原文查找；写字母时还按全拼和首字母查找：从开头相符最好，从某个字的开头相符次之，
    首字母相符再次，全拼中间相符（至少 3 个字母）最弱。"""
    q = "".join(query.lower().split())
    if not q:
        return 0.0
    s = spell(text)
    if q in s.text:
        return 1.0 if s.text.startswith(q) else 0.9
    if not q.isascii() or not q.isalnum():
        return 0.0
    if s.full.startswith(q) or s.initials.startswith(q):
        return 0.95
    at = s.full.find(q)
    while at != -1:
        if at in s.starts:
            return 0.8
        at = s.full.find(q, at + 1)
    if q in s.initials:
        return 0.7
    if len(q) >= 3 and q in s.full:
        return 0.4
    return 0.0


def matches(query: str, text: str) -> bool:
    """``query`` 能否找到 ``text``（汉字、全拼或首字母）。"""
    return score(query, text) > 0
