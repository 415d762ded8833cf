"""统一社会信用代码（GB 32100-2015）校验。

18 位，字符取自 ``0-9 A-H J-N P-R T U W X Y``（31 个，不含 I O Z S V）；
第 18 位校验码 C18 = (31 − Σ Ci·Wi mod 31) mod 31。
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


def check_char(first17: str) -> str:
    """前 17 位对应的校验字符。前 17 位必须已是合法字符。"""
    total = sum(_VALUE[c] * w for c, w in zip(first17[:17], WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


@dataclass(frozen=True)
class CodeCheck:
    """一次校验的结果：``ok`` 为真时 ``message`` 为空；``suggestion`` 为建议的正确写法（如有）。"""

    ok: bool
    message: str = ""
    suggestion: str | None = None


def validate(code: str) -> CodeCheck:
    """校验一个统一社会信用代码，返回中文说明。小写与全角字符如实报告并给出建议写法，不悄悄改正。"""
    if code is None or str(code).strip() == "":
        return CodeCheck(False, "统一社会信用代码为空")
    raw = str(code)
    text = raw.strip()
    normalized = unicodedata.normalize("NFKC", text).upper().replace(" ", "")
    notes: list[str] = []
    if any(unicodedata.east_asian_width(c) == "F" for c in text):
        notes.append("含全角字符")
    if any(c.islower() for c in text):
        notes.append("含小写字母")
    if " " in text:
        notes.append("含空格")
    if len(normalized) != 18:
        msg = f"统一社会信用代码应为18位，实际为{len(normalized)}位"
        if notes:
            msg += "（" + "、".join(notes) + "）"
        return CodeCheck(False, msg)
    bad = [c for c in normalized if c not in _VALUE]
    if bad:
        shown = "、".join(dict.fromkeys(bad))
        return CodeCheck(False, f"统一社会信用代码含不允许的字符：{shown}（不使用 I、O、Z、S、V）")
    expected = check_char(normalized[:17])
    if normalized[17] != expected:
        fixed = normalized[:17] + expected
        return CodeCheck(
            False,
            f"统一社会信用代码校验位错误：第18位应为 {expected}，实际为 {normalized[17]}",
            fixed if not notes else None,
        )
    if notes:
        return CodeCheck(
            False,
            "统一社会信用代码" + "、".join(notes) + f"，应写作 {normalized}",
            normalized,
        )
    return CodeCheck(True)


def is_valid(code: str) -> bool:
    return validate(code).ok
