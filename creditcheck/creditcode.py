"""统一社会信用代码（GB 32100-2015）校验。

18 位，字符取自 ``0-9 A-H J-N P-R T U W X Y``（31 个，不含 I O Z S V）：

- 第 1 位登记管理部门代码（1–9、A、N、Y），第 2 位该部门的机构类别代码（见 ``DEPARTMENTS``）；
- 第 3–8 位登记管理机关行政区划码（6 位数字）；
- 第 9–17 位主体标识码（组织机构代码）；
- 第 18 位校验码 C18 = (31 − Σ Ci·Wi mod 31) mod 31。

校验位不符时，说不准错在哪一位：只说代码有误，并说明“如前17位无误，第18位应为 X”，不建议改第18位。
"""

from __future__ import annotations

import unicodedata

from .records import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}

DEPARTMENTS: dict[str, tuple[str, dict[str, str]]] = {
    # 登记管理部门代码: (部门, {机构类别代码: 类别})，GB 32100-2015 附录 A
    "1": (
        "机构编制",
        {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    ),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "9": "其他",
        },
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}
"""登记管理部门与其机构类别。"""


def check_char(first17: str) -> str:
    """前 17 位对应的校验字符。前 17 位必须已是合法字符。"""
    total = sum(_VALUE[c] * w for c, w in zip(first17[:17], WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


@dataclass(frozen=True)
class CodeCheck:
    """一次校验的结果：``ok`` 为真时 ``message`` 为空；``suggestion`` 为建议的规范写法（只用于
    小写、全角、空格这类写法问题；代码本身有误时为 None，因为说不准错在哪一位）。"""

    ok: bool
    message: str = ""
    suggestion: str | None = None


def structure_problem(code: str) -> str:
    """18 位合法字符的代码在结构上的问题（部门、类别、行政区划码）；没有问题时为空串。"""
    dept = DEPARTMENTS.get(code[0])
    if dept is None:
        return f"统一社会信用代码第1位（登记管理部门）应为 1–9、A、N 或 Y，实际为 {code[0]}"
    name, categories = dept
    if code[1] not in categories:
        allowed = "、".join(categories)
        return (
            f"统一社会信用代码第2位（机构类别）不对：登记管理部门“{name}”（{code[0]}）的类别只有 {allowed}，"
            f"实际为 {code[1]}"
        )
    region = code[2:8]
    if not region.isdigit():
        return f"统一社会信用代码第3–8位应为6位数字的行政区划码，实际为 {region}"
    return ""


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
    problem = structure_problem(normalized)
    if problem:
        return CodeCheck(False, problem)
    expected = check_char(normalized[:17])
    if normalized[17] != expected:
        return CodeCheck(
            False,
            f"统一社会信用代码有误：校验位不符（如前17位无误，第18位应为 {expected}，实际为 {normalized[17]}），"
            "请对照证照核对整个代码",
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
