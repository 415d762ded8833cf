"""公文版式（GB/T 9704-2012）的 Word 文档：科室月报材料与体系科汇总材料共用。

用法::

    doc = OfficialDocument("standard")            # 或 "system"；template=Path("模板.docx")
    doc.title(["商事登记项目审批服务科", "2026年11月信用状况监测工作报送材料"])
    doc.paragraph("报送科室：商事登记项目审批服务科")
    doc.heading(1, "总体情况")                     # 自动编号：一、 （一） 1. （1）
    doc.table(["序号", "指标"], [["1", "双公示"]], widths=[1, 4], align="cl")
    doc.signature("商事登记项目审批服务科", "专人：张三", date(2026, 11, 9))
    doc.save(Path("材料.docx"))                    # 临时文件 + os.replace，失败不留半个文件

版式要点（数值来自 GB/T 9704-2012）：A4，天头 37 mm、订口 28 mm，版心 156 mm × 225 mm
（下白边 35 mm、右白边 26 mm）；正文 3 号仿宋，每页 22 行、每行 28 字（``w:docGrid``
linesAndChars，linePitch 579，charSpace -842，以 3 号字为基准）；固定行距；首行缩进 2 字；
标题 2 号小标宋居中；一级标题黑体、二级楷体、三级仿宋加粗；表格小四（或 4 号）字、表头
每页重复；页码 4 号半角宋体“— 1 —”，单页居右空一字、双页居左空一字；不加盖印章的落款：
正文下空一行右空二字署名，日期在下一行、首字比署名首字右移二字。

python-docx 没有东亚字体的接口：字体写在 ``w:rFonts`` 的 ``w:eastAsia`` 等属性上，并删去
``w:asciiTheme`` 一类主题字体属性（有主题属性时 Word 忽略显式字体）。为了速度，段落和表格
直接用 lxml 生成，字体与字号都放在样式里，段落只引用样式。

本模块在导出时才被导入（python-docx 较重），启动程序不加载它。
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Mm
from lxml import etree

from creditcheck.dates import format_date
from creditcheck.errors import CreditCheckError
from creditcheck.oserrors import os_reason
from creditcheck.records import dataclass

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# ───────────────────────── 字号与尺寸 ─────────────────────────

SIZES: dict[str, float] = {
    "初号": 42,
    "小初": 36,
    "一号": 26,
    "小一": 24,
    "二号": 22,
    "小二": 18,
    "三号": 16,
    "小三": 15,
    "四号": 14,
    "小四": 12,
    "五号": 10.5,
    "小五": 9,
}
"""中文字号对应的磅值。"""

PAGE_W_MM, PAGE_H_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
TEXT_WIDTH_MM = PAGE_W_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
HEADER_MM = 15
FOOTER_MM = 24
"""页脚距页面下边缘：使页码的一字线大约位于版心下边缘之下 7 mm。"""

LINE_PITCH = 579
"""行距（缇，1/20 磅）：225 mm 版心排 22 行。"""
CHAR_SPACE = -842
"""字符网格调整（1/4096 磅）：16 磅 − 842/4096 磅 ≈ 15.79 磅，156 mm 排 28 字。"""
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28

TEXT_WIDTH_TWIPS = int(Mm(TEXT_WIDTH_MM).twips)

GRID_CONDENSE = -6
"""正文字距紧缩（1/20 磅）：−0.3 磅，使 3 号字每行正好 28 字（28 × 15.7 磅 < 442.2 磅 < 29 × 15.7 磅）。

节的 ``w:docGrid`` 按标准写为 22 行 × 28 字（linesAndChars、579、−842），在 Word 中新输入的文字
照此排版。但 LibreOffice（至少 7.x）遇到负的 charSpace 时按两个格子排一个汉字，每行只剩
13～14 字。所以本模块的段落样式都关闭“对齐网格”（``w:snapToGrid w:val="0"``），用固定行距
579 缇保证每页 22 行，用 0.3 磅紧缩保证每行 28 字：Word、WPS、LibreOffice 排出来一样。"""

CHAR_PITCH_TWIPS = (16 + GRID_CONDENSE / 20) * 20
"""正文一个字的宽度（缇，紧缩后 15.7 磅），用于缩进和落款的位置。"""

SHADE_FILL = "D9D9D9"
"""逾期等需要提示的表格行的底纹（浅灰，黑白打印也清楚）。"""


class ExportError(CreditCheckError):
    """导出失败（模板打不开、文件被占用……）；消息为中文，写明文件。"""


# ───────────────────────── 字体方案 ─────────────────────────


@dataclass(frozen=True)
class FontProfile:
    """一套公文字体。``title_bold`` 用于没有小标宋的电脑：以宋体加粗代替。"""

    key: str
    label: str
    body: str
    kai: str
    hei: str
    title: str
    song: str = "宋体"
    title_bold: bool = False


PROFILES: dict[str, FontProfile] = {
    "standard": FontProfile(
        "standard", "标准", "仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体"
    ),
    "system": FontProfile("system", "系统自带", "仿宋", "楷体", "黑体", "宋体", title_bold=True),
}


def font_profile(key: str | FontProfile) -> FontProfile:
    if isinstance(key, FontProfile):
        return key
    try:
        return PROFILES[key]
    except KeyError:
        raise ExportError(
            f"未知的字体方案：“{key}”（可选：standard 标准、system 系统自带）"
        ) from None


# ───────────────────────── 编号与文字宽度 ─────────────────────────

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一，10 → 十，12 → 十二，20 → 二十，99 → 九十九。"""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def heading_number(level: int, n: int) -> str:
    """GB/T 9704 的结构层次序数：一、 （一） 1. （1）。"""
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def text_width(text: str) -> float:
    """文字占几个汉字宽：全角字符记 1，半角（数字、字母）记 0.5。"""
    w = 0.0
    for ch in text:
        w += 1.0 if unicodedata.east_asian_width(ch) in ("F", "W", "A") else 0.5
    return w


_NO_BREAK = re.compile(
    r"\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月|[\x21-\x7e]+"
)
"""表格里不应断开的一段：日期、年月、连续的半角字符（时刻、数字、百分比、统一社会信用代码）。"""

CELL_MARGIN_TWIPS = 57
"""单元格左右边距（缇），与表格的 tblCellMar 一致。"""


def min_cell_width(pt: float, texts: Iterable[str]) -> int:
    """一列至少要多宽（缇）：放得下表头（四字以内的整个，更长的一半）和最长的不可断开的一段，
    且至少两个字，再加左右边距。``texts`` 的第一个为表头。"""
    texts = list(texts)
    head = text_width(texts[0]) if texts else 0.0
    # 四个字以内的表头不拆开，更长的允许排两行
    chars = max(2.0, head if head <= 4 else (head + 1) // 2)
    for text in texts:
        for m in _NO_BREAK.finditer(text):
            # 很长的半角串（英文文件名、网址）可以断开：最多按 18 个半角字符（一个信用代码）留宽度
            tok = m.group(0)
            n_ascii = sum(c.isascii() for c in tok)
            # 半角字符按 0.7 字估算，再留半个字：没有 _GB2312 字体的电脑用替代字体排数字，会宽一些
            chars = max(chars, min(text_width(tok) + 0.2 * n_ascii + 0.5, 13.5))
    return int(chars * pt * 20 + 2 * CELL_MARGIN_TWIPS + 40)


def fit_widths(weights: Sequence[float], mins: Sequence[int], total: int) -> list[int]:
    """按比例分配列宽（缇），不足最小宽度的列补足，差额从其余各列按比例扣除；合计等于 ``total``。"""
    n = len(weights)
    s = float(sum(weights)) or 1.0
    tw = [total * w / s for w in weights]
    fixed: set[int] = set()
    for _ in range(n):
        short = [i for i in range(n) if i not in fixed and tw[i] < mins[i]]
        if not short:
            break
        for i in short:
            tw[i] = float(mins[i])
            fixed.add(i)
        free = [i for i in range(n) if i not in fixed]
        rest = total - sum(tw[i] for i in fixed)
        wsum = sum(weights[i] for i in free)
        if not free or rest <= 0 or wsum <= 0:
            break
        for i in free:
            tw[i] = rest * weights[i] / wsum
    if sum(tw) > total:
        # 最小宽度合计已超过版心：先从最宽的一列（名称、说明一类可以折行的文字列）扣，
        # 扣到与第二宽的列一样宽为止；仍不够时再按比例缩小。窄列（序号、日期）保持不变。
        excess = sum(tw) - total
        widest = max(range(n), key=lambda i: tw[i])
        second = max((tw[i] for i in range(n) if i != widest), default=0.0)
        cut = min(excess, max(0.0, tw[widest] - second))
        tw[widest] -= cut
        if sum(tw) > total:
            k = total / sum(tw)
            tw = [w * k for w in tw]
    out = [int(w) for w in tw]
    out[-1] += total - sum(out)
    return out


# ───────────────────────── XML 小工具 ─────────────────────────


def _el(parent: Any, tag: str, **attrs: str) -> Any:
    el = etree.SubElement(parent, _W + tag)
    for k, v in attrs.items():
        el.set(_W + k, v)
    return el


def _new(tag: str, **attrs: str) -> Any:
    el = etree.Element(_W + tag, nsmap={"w": W_NS})
    for k, v in attrs.items():
        el.set(_W + k, v)
    return el


def _fonts(rpr: Any, font: str) -> None:
    """显式的四种字体；不写主题字体属性。"""
    _el(rpr, "rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font)


def _size(rpr: Any, pt: float) -> None:
    half = str(int(round(pt * 2)))
    _el(rpr, "sz", val=half)
    _el(rpr, "szCs", val=half)


def _add_text(r: Any, text: str) -> None:
    """文字里的换行变成 ``w:br``。"""
    first = True
    for part in text.split("\n"):
        if not first:
            _el(r, "br")
        first = False
        if part:
            t = _el(r, "t")
            t.text = part
            if part[0] == " " or part[-1] == " ":
                t.set(XML_SPACE, "preserve")


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean_text(text: str) -> str:
    """去掉 XML 不允许的控制字符（用户备注里可能粘进来）。"""
    return _XML_BAD.sub("", text)


Span = tuple[str, str]
"""段落里的一段文字和它的格式：格式字符串里 b 加粗、h 黑体、k 楷体，空串为正文格式。"""


# ───────────────────────── 样式 ─────────────────────────

# 样式 id（ASCII，Word/WPS/LibreOffice 都认）与显示名。
ST_TITLE = "GwTitle"
ST_BODY = "GwBody"
ST_H1, ST_H2, ST_H3 = "GwHeading1", "GwHeading2", "GwHeading3"
ST_CAPTION = "GwCaption"
ST_TABLE, ST_TABLE_HEAD = "GwTable", "GwTableHead"
ST_TABLE4, ST_TABLE4_HEAD = "GwTable4", "GwTable4Head"
ST_SIGN = "GwSignature"
ST_PAGENUM = "GwPageNumber"
ST_PLAIN = "GwPlain"

STYLE_NAMES = {
    ST_TITLE: "公文标题",
    ST_BODY: "公文正文",
    ST_H1: "公文一级标题",
    ST_H2: "公文二级标题",
    ST_H3: "公文三级标题",
    ST_CAPTION: "公文表题",
    ST_TABLE: "公文表格",
    ST_TABLE_HEAD: "公文表头",
    ST_TABLE4: "公文表格（4号）",
    ST_TABLE4_HEAD: "公文表头（4号）",
    ST_SIGN: "公文落款",
    ST_PAGENUM: "公文页码",
    ST_PLAIN: "公文顶格",
}
"""本模块定义的段落样式。自定义模板里已有同 id 的样式时用模板的。"""

HEADING_STYLES = {1: ST_H1, 2: ST_H2, 3: ST_H3}


def _first_line_indent(ppr: Any, chars: int) -> None:
    _el(ppr, "ind", firstLineChars=str(chars * 100), firstLine=str(round(chars * CHAR_PITCH_TWIPS)))


def _style_defs(p: FontProfile) -> list[dict[str, Any]]:
    """各样式的定义：字体、字号、段落属性。"""
    body_pt, title_pt = SIZES["三号"], SIZES["二号"]
    return [
        {
            "id": ST_BODY,
            "based": "Normal",
            "font": p.body,
            "pt": body_pt,
            "indent": 2,
            "jc": "both",
            "condense": True,
        },
        {
            "id": ST_TITLE,
            "based": "Normal",
            "font": p.title,
            "pt": title_pt,
            "jc": "center",
            "bold": p.title_bold,
            "keep": True,
        },
        {
            "id": ST_H1,
            "based": ST_BODY,
            "font": p.hei,
            "pt": body_pt,
            "indent": 2,
            "outline": 0,
            "keep": True,
        },
        {
            "id": ST_H2,
            "based": ST_BODY,
            "font": p.kai,
            "pt": body_pt,
            "indent": 2,
            "outline": 1,
            "keep": True,
        },
        {
            "id": ST_H3,
            "based": ST_BODY,
            "font": p.body,
            "pt": body_pt,
            "indent": 2,
            "outline": 2,
            "keep": True,
            "bold": True,
        },
        {
            "id": ST_CAPTION,
            "based": "Normal",
            "font": p.hei,
            "pt": SIZES["四号"],
            "jc": "center",
            "keep": True,
        },
        {"id": ST_TABLE, "based": "Normal", "font": p.body, "pt": SIZES["小四"], "line": 360},
        {
            "id": ST_TABLE_HEAD,
            "based": ST_TABLE,
            "font": p.hei,
            "pt": SIZES["小四"],
            "line": 360,
            "jc": "center",
        },
        {"id": ST_TABLE4, "based": "Normal", "font": p.body, "pt": SIZES["四号"], "line": 400},
        {
            "id": ST_TABLE4_HEAD,
            "based": ST_TABLE4,
            "font": p.hei,
            "pt": SIZES["四号"],
            "line": 400,
            "jc": "center",
        },
        {
            "id": ST_SIGN,
            "based": "Normal",
            "font": p.body,
            "pt": body_pt,
            "jc": "right",
            "keep": True,
            "condense": True,
        },
        {
            "id": ST_PLAIN,
            "based": "Normal",
            "font": p.body,
            "pt": body_pt,
            "jc": "both",
            "condense": True,
        },
        {
            "id": ST_PAGENUM,
            "based": "Normal",
            "font": p.song,
            "pt": SIZES["四号"],
            "line": 240,
            "rule": "auto",
        },
    ]


def _make_style(d: dict[str, Any]) -> Any:
    st = _new("style", type="paragraph", styleId=d["id"])
    st.set(_W + "customStyle", "1")
    _el(st, "name", val=STYLE_NAMES[d["id"]])
    _el(st, "basedOn", val=d["based"])
    _el(st, "qFormat")
    ppr = _el(st, "pPr")
    if d.get("keep"):
        _el(ppr, "keepNext")
    # 不在汉字与数字、字母之间自动加空：数字宽度才是半个字，表格列宽与落款位置才算得准，
    # “12月25日”也不会因多出的空隙在窄列里断开。
    _el(ppr, "autoSpaceDE", val="0")
    _el(ppr, "autoSpaceDN", val="0")
    # 段落不吸附网格，见 GRID_CONDENSE 的说明。
    _el(ppr, "snapToGrid", val="0")
    if "line" in d:
        _el(
            ppr,
            "spacing",
            before="0",
            after="0",
            line=str(d["line"]),
            lineRule=d.get("rule", "exact"),
        )
    indent = d.get("indent")
    if indent:
        _first_line_indent(ppr, indent)
    elif d["based"] == "Normal":
        _el(ppr, "ind", firstLineChars="0", firstLine="0")
    if "jc" in d:
        _el(ppr, "jc", val=d["jc"])
    if "outline" in d:
        _el(ppr, "outlineLvl", val=str(d["outline"]))
    rpr = _el(st, "rPr")
    _fonts(rpr, d["font"])
    if d.get("bold"):
        _el(rpr, "b")
        _el(rpr, "bCs")
    else:
        _el(rpr, "b", val="0")
        _el(rpr, "bCs", val="0")
    if d.get("condense"):  # w:spacing 须在 w:sz 之前（Word 按架构顺序校验）
        _el(rpr, "spacing", val=str(GRID_CONDENSE))
    _size(rpr, d["pt"])
    return st


def _strip_theme_fonts(rfonts: Any) -> None:
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(_W + attr, None)


def _set_defaults(styles_el: Any, p: FontProfile) -> None:
    """文档默认字体与 Normal 样式：3 号仿宋、固定行距 579 缇、两端对齐、中文语言。"""
    dd = styles_el.find(_W + "docDefaults")
    if dd is None:
        dd = _new("docDefaults")
        styles_el.insert(0, dd)
    rpr_default = dd.find(_W + "rPrDefault")
    if rpr_default is None:
        rpr_default = _el(dd, "rPrDefault")
    rpr = rpr_default.find(_W + "rPr")
    if rpr is not None:
        rpr_default.remove(rpr)
    rpr = _el(rpr_default, "rPr")
    _fonts(rpr, p.body)
    _size(rpr, SIZES["三号"])
    _el(rpr, "lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    ppr_default = dd.find(_W + "pPrDefault")
    if ppr_default is not None:
        dd.remove(ppr_default)
    ppr_default = _el(dd, "pPrDefault")
    ppr = _el(ppr_default, "pPr")
    _el(ppr, "spacing", before="0", after="0", line="240", lineRule="auto")

    normal = None
    for st in styles_el.findall(_W + "style"):
        if st.get(_W + "styleId") == "Normal":
            normal = st
            break
    if normal is None:
        normal = _el(styles_el, "style", type="paragraph", default="1", styleId="Normal")
        _el(normal, "name", val="Normal")
    for tag in ("pPr", "rPr"):
        old = normal.find(_W + tag)
        if old is not None:
            normal.remove(old)
    ppr = _el(normal, "pPr")
    _el(ppr, "widowControl", val="0")
    _el(ppr, "spacing", before="0", after="0", line=str(LINE_PITCH), lineRule="exact")
    _el(ppr, "jc", val="both")
    rpr = _el(normal, "rPr")
    _fonts(rpr, p.body)
    _size(rpr, SIZES["三号"])
    # 其余样式（默认模板的标题、目录等）里的主题字体属性也去掉，以免 Word 用主题字体替换。
    for rf in styles_el.iter(_W + "rFonts"):
        _strip_theme_fonts(rf)


# ───────────────────────── 文档 ─────────────────────────

PLACEHOLDER = "{{正文}}"
"""自定义模板里放正文的位置：写有这个标记的段落被替换为生成的内容；没有时接在模板末尾。"""


class OfficialDocument:
    """按 GB/T 9704-2012 排版的 Word 文档。

    ``profile`` 为字体方案（"standard" 标准 / "system" 系统自带，或 :class:`FontProfile`）。
    ``template`` 为用户的 .docx 模板：用它的页面设置、样式、页眉页脚和红头，内容填在
    ``{{正文}}`` 标记处（没有标记时接在末尾）；模板没有页脚时加上本模块的页码。
    """

    def __init__(
        self, profile: str | FontProfile = "standard", template: Path | None = None
    ) -> None:
        self.profile = font_profile(profile)
        self.template = template
        self._counters = [0, 0, 0, 0]
        self.paragraph_count = 0
        self.cell_count = 0
        self.table_count = 0
        """已编号的表格数：表题按出现顺序编为表1……表N。"""
        self.signature_columns: list[float] = []
        """落款各行首字所在的列（从左数，以字计），便于检查。"""
        if template is not None:
            self._doc = _open_template(template)
        else:
            self._doc = Document()
        body = self._doc.element.body
        self._body = body
        self._anchor = self._find_anchor(body)
        self._style_ids = self._install_styles()
        if template is None:
            self._setup_page()
        else:
            self._ensure_footers()

    # ── 页面与样式 ──
    @staticmethod
    def _find_anchor(body: Any) -> Any:
        for p in body.iter(_W + "p"):
            text = "".join(t.text or "" for t in p.iter(_W + "t"))
            if PLACEHOLDER in text:
                return p
        sect = body.find(_W + "sectPr")
        if sect is None:
            sect = _el(body, "sectPr")
        return sect

    def _install_styles(self) -> set[str]:
        styles_el = self._doc.styles.element
        existing = {st.get(_W + "styleId") for st in styles_el.findall(_W + "style")}
        if self.template is None:
            _set_defaults(styles_el, self.profile)
        for d in _style_defs(self.profile):
            if d["id"] in existing:
                continue  # 模板自己的样式优先
            styles_el.append(_make_style(d))
        return existing | set(STYLE_NAMES)

    def _setup_page(self) -> None:
        sec = self._doc.sections[-1]
        sec.page_width, sec.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
        sec.top_margin, sec.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
        sec.left_margin, sec.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
        sec.header_distance, sec.footer_distance = Mm(HEADER_MM), Mm(FOOTER_MM)
        sec.gutter = Mm(0)
        sect = sec._sectPr
        grid = sect.find(_W + "docGrid")
        if grid is None:
            grid = _el(sect, "docGrid")
        grid.attrib.clear()
        grid.set(_W + "type", "linesAndChars")
        grid.set(_W + "linePitch", str(LINE_PITCH))
        grid.set(_W + "charSpace", str(CHAR_SPACE))
        self._add_page_numbers(sec)

    def _ensure_footers(self) -> None:
        sec = self._doc.sections[-1]
        if sec.footer.is_linked_to_previous and len(self._doc.sections) == 1:
            self._add_page_numbers(sec)

    def _add_page_numbers(self, sec: Any) -> None:
        """单页页码居右空一字，双页居左空一字：“— 1 —”，4 号半角宋体。"""
        self._doc.settings.odd_and_even_pages_header_footer = True
        one_char = str(round(CHAR_PITCH_TWIPS))
        for footer, side in ((sec.footer, "right"), (sec.even_page_footer, "left")):
            footer.is_linked_to_previous = False
            ftr = footer._element
            for child in list(ftr):
                ftr.remove(child)
            p = _el(ftr, "p")
            ppr = _el(p, "pPr")
            _el(ppr, "pStyle", val=ST_PAGENUM)
            if side == "right":
                _el(ppr, "ind", right=one_char, rightChars="100", firstLine="0", firstLineChars="0")
            else:
                _el(ppr, "ind", left=one_char, leftChars="100", firstLine="0", firstLineChars="0")
            _el(ppr, "jc", val=side)
            _page_field(p)
        # 页眉留空，但奇偶页都要有定义，否则 Word 会沿用上一节的。
        for header in (sec.header, sec.even_page_header):
            if header.is_linked_to_previous:
                header.is_linked_to_previous = False

    # ── 内容 ──
    def _append(self, el: Any) -> Any:
        self._anchor.addprevious(el)
        return el

    def _p(
        self,
        style: str,
        text: str | Iterable[Span] = "",
        *,
        jc: str | None = None,
        keep_next: bool = False,
        indent: float | None = None,
        page_break: bool = False,
        hanging: tuple[float, float] | None = None,
    ) -> Any:
        """``hanging``：（左缩进字数，悬挂字数），用于附件说明的回行对齐。"""
        p = _new("p")
        ppr = _el(p, "pPr")
        _el(ppr, "pStyle", val=style)
        if keep_next:
            _el(ppr, "keepNext")
        if page_break:
            _el(ppr, "pageBreakBefore")
        if hanging is not None:
            left, hang = hanging
            _el(
                ppr,
                "ind",
                left=str(round(left * CHAR_PITCH_TWIPS)),
                hanging=str(round(hang * CHAR_PITCH_TWIPS)),
                firstLineChars="0",
            )
        elif indent is not None:
            _el(
                ppr,
                "ind",
                firstLineChars=str(int(indent * 100)),
                firstLine=str(round(indent * CHAR_PITCH_TWIPS)),
            )
        if jc:
            _el(ppr, "jc", val=jc)
        self._runs(p, text)
        self.paragraph_count += 1
        return self._append(p)

    def _runs(self, p: Any, text: str | Iterable[Span]) -> None:
        if isinstance(text, str):
            if text:
                _add_text(_el(p, "r"), _clean_text(text))
            return
        for part, fmt in text:
            if not part:
                continue
            r = _el(p, "r")
            if fmt:
                rpr = _el(r, "rPr")
                if "h" in fmt:
                    _fonts(rpr, self.profile.hei)
                elif "k" in fmt:
                    _fonts(rpr, self.profile.kai)
                if "b" in fmt:
                    _el(rpr, "b")
                    _el(rpr, "bCs")
            _add_text(r, _clean_text(part))

    def title(self, text: str | Sequence[str]) -> None:
        """2 号小标宋居中的标题，其下空一行。

        传入几段（如科室名与“2026年11月……材料”）时，放得下一行就排一行，否则按段回行，
        以免在词中间断开。
        """
        parts = [text] if isinstance(text, str) else [t for t in text if t]
        joined = "".join(parts)
        per_line = TEXT_WIDTH_TWIPS / 20 / SIZES["二号"]
        lines = [joined] if text_width(joined) <= per_line else parts
        self._p(ST_TITLE, "\n".join(lines))
        self.blank()

    def heading(self, level: int, text: str, *, number: bool = True) -> None:
        """层次标题：一级黑体“一、”，二级楷体“（一）”，三级仿宋加粗“1.”。

        ``number`` 为真时自动编号（下级编号随上级重新开始）。
        """
        if not 1 <= level <= 3:
            raise ValueError("标题层级应为 1、2 或 3")
        idx = level - 1
        self._counters[idx] += 1
        for i in range(idx + 1, len(self._counters)):
            self._counters[i] = 0
        label = heading_number(level, self._counters[idx]) + text if number else text
        self._p(HEADING_STYLES[level], label)

    def paragraph(
        self,
        text: str | Iterable[Span] = "",
        *,
        indent: bool = True,
        align: str | None = None,
        keep_with_next: bool = False,
    ) -> None:
        """正文段落（3 号仿宋，首行缩进 2 字）。``text`` 可为若干 (文字, 格式) 段，格式见 :data:`Span`。

        ``align``：None 两端对齐，"center"、"right"、"left"。
        """
        self._p(ST_BODY, text, jc=align, keep_next=keep_with_next, indent=None if indent else 0)

    def blank(self) -> None:
        """空一行。"""
        self._p(ST_BODY)

    def caption(self, text: str, *, numbered: bool = True) -> str:
        """表格标题（4 号黑体居中），与下面的表格不分页。

        ``numbered`` 时按出现顺序加上“表N　”（全角空格），返回完整的表题。
        """
        if numbered:
            self.table_count += 1
            text = f"表{self.table_count}　{text}"
        self._p(ST_CAPTION, text)
        return text

    def addressee(self, text: str) -> None:
        """主送机关：标题下空一行，顶格，回行仍顶格，最后一个机关名称后标全角冒号（GB/T 9704 7.3.2）。"""
        self._p(ST_PLAIN, text, jc="left")

    def attachment_note(self, titles: Sequence[str]) -> None:
        """附件说明（GB/T 9704 7.3.3）：正文下空一行左空二字编排“附件：”；多个附件用“1.”“2.”编号，
        名称后不加标点；回行与上一行附件名称的首字对齐。"""
        if not titles:
            return
        self.blank()
        if len(titles) == 1:
            self._p(ST_PLAIN, f"附件：{titles[0]}", hanging=(5, 3))
            return
        for n, title in enumerate(titles, start=1):
            num = f"{n}."
            lead = "附件：" if n == 1 else ""
            # 名称首字所在的列：空二字 + “附件：” + 序号
            name_col = 2 + 3 + text_width(num)
            self._p(
                ST_PLAIN,
                f"{lead}{num}{title}",
                hanging=(name_col, name_col - 2 if n == 1 else text_width(num)),
            )

    def note(self, text: str) -> None:
        """附注（GB/T 9704 7.3.7）：居左空二字、加圆括号，排在成文日期下一行。"""
        self._p(ST_BODY, text)

    def attachment(self, n: int, title: str) -> None:
        """附件另起一页：“附件N”3 号黑体顶格排在版心左上角第一行，附件标题居中排在第三行（GB/T 9704 8）。"""
        self._p(ST_PLAIN, [(f"附件{n}", "h")], jc="left", page_break=True, keep_next=True)
        self._p(ST_PLAIN, keep_next=True)
        self._p(ST_TITLE, title)
        self.blank()

    def page_break(self) -> None:
        p = _new("p")
        _el(_el(p, "r"), "br", type="page")
        self._append(p)

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        widths: Sequence[float] | None = None,
        *,
        align: str | None = None,
        size: str = "小四",
        shaded: Iterable[int] = (),
        line: int | None = None,
        min_chars: Sequence[float] | None = None,
    ) -> int:
        """表格：宽度为版心宽，表头行每页重复，行不跨页断开。

        ``widths`` 为各列的相对宽度（按版心 156 mm 等比例缩放），但每列至少放得下本列最长的
        “不可断开”的一段（日期“12月25日”、时刻、数字、代码）和两个字，不会被挤成一字一行；
        ``align`` 为每列一个字母 l/c/r（默认全部居中）；``size`` 为 "小四" 或 "四号"；``shaded`` 为
        加底纹的数据行下标（从 0 起）；``line`` 为单元格的固定行距（缇），默认用样式的；
        ``min_chars`` 为各列另外要求的最小宽度（字数，0 为不要求）。
        单元格里的 ``\\n`` 为换行，None 显示为“—”。返回数据行数。
        """
        ncol = len(headers)
        if widths is None:
            widths = [1.0] * ncol
        if len(widths) != ncol:
            raise ValueError("widths 的个数应与表头列数相同")
        rows = [list(r) for r in rows]
        aligns = (align or "c" * ncol).ljust(ncol, "c")
        jc_of = {"l": "left", "c": "center", "r": "right", "j": "both"}
        four = size in ("四号", "4号", "4")
        st_body, st_head = (ST_TABLE4, ST_TABLE4_HEAD) if four else (ST_TABLE, ST_TABLE_HEAD)
        pt = SIZES["四号"] if four else SIZES["小四"]
        mins = [
            min_cell_width(
                pt, [headers[i], *("" if i >= len(r) or r[i] is None else str(r[i]) for r in rows)]
            )
            for i in range(ncol)
        ]
        if min_chars:
            mins = [
                max(m, int(c * pt * 20 + 2 * CELL_MARGIN_TWIPS))
                for m, c in zip(mins, min_chars, strict=False)
            ]
        tw = fit_widths(widths, mins, TEXT_WIDTH_TWIPS)
        shade = set(shaded)

        tbl = _new("tbl")
        tpr = _el(tbl, "tblPr")
        _el(tpr, "tblW", w=str(TEXT_WIDTH_TWIPS), type="dxa")
        _el(tpr, "jc", val="center")
        borders = _el(tpr, "tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            _el(borders, side, val="single", sz="4", space="0", color="000000")
        _el(tpr, "tblLayout", type="fixed")
        mar = _el(tpr, "tblCellMar")
        _el(mar, "left", w="57", type="dxa")
        _el(mar, "right", w="57", type="dxa")
        _el(
            tpr,
            "tblLook",
            val="04A0",
            firstRow="1",
            lastRow="0",
            firstColumn="0",
            lastColumn="0",
            noHBand="0",
            noVBand="1",
        )
        grid = _el(tbl, "tblGrid")
        for w in tw:
            _el(grid, "gridCol", w=str(w))

        def add_row(values: Sequence[Any], header: bool, fill: bool) -> None:
            tr = _el(tbl, "tr")
            trpr = _el(tr, "trPr")
            _el(trpr, "cantSplit")
            if header:
                _el(trpr, "tblHeader")
            for i in range(ncol):
                v = values[i] if i < len(values) else ""
                tc = _el(tr, "tc")
                tcpr = _el(tc, "tcPr")
                _el(tcpr, "tcW", w=str(tw[i]), type="dxa")
                if fill:
                    _el(tcpr, "shd", val="clear", color="auto", fill=SHADE_FILL)
                _el(tcpr, "vAlign", val="center")
                p = _el(tc, "p")
                ppr = _el(p, "pPr")
                _el(ppr, "pStyle", val=st_head if header else st_body)
                if line is not None:
                    _el(ppr, "spacing", before="0", after="0", line=str(line), lineRule="exact")
                if not header:
                    _el(ppr, "jc", val=jc_of.get(aligns[i], "center"))
                text = "—" if v is None else str(v)
                if text:
                    _add_text(_el(p, "r"), _clean_text(text))
            self.cell_count += ncol

        add_row(headers, True, False)
        n = 0
        for n, row in enumerate(rows, start=1):
            add_row(row, False, (n - 1) in shade)
        self._append(tbl)
        return n

    def signature(self, org: str, person: str = "", when: date | str | None = None) -> None:
        """不加盖印章的落款（GB/T 9704-2012 7.3.5.2）：正文下空一行，右空二字编排署名；
        成文日期在署名下一行，首字比署名首字右移二字；日期长于署名时日期右空二字、署名相应左移。

        ``person`` 非空时在署名下另起一行（与署名首字对齐）。日期不补零：2026年11月9日。
        各行左对齐、按计算出的左缩进排，所以“右移二字”不受数字宽度影响；落款与正文最后一段
        不分页。
        """
        when_text = format_date(when) if isinstance(when, date) else (when or "")
        lines: list[tuple[str, float]] = [(org, 0.0)]
        if person:
            lines.append((person, 0.0))
        if when_text:
            lines.append((when_text, 2.0))
        # start：署名首字到版心右边的距离（字），使最长的一行右空二字。
        start = max(text_width(t) + off for t, off in lines) + 2
        last = self._anchor.getprevious()
        if last is not None and last.tag == _W + "p":
            ppr = last.find(_W + "pPr")
            if ppr is None:
                ppr = _insert_ppr(last)
            if ppr.find(_W + "keepNext") is None:
                ppr.insert(1 if ppr.find(_W + "pStyle") is not None else 0, _new("keepNext"))
        self._p(ST_BODY, keep_next=True)
        for i, (t, off) in enumerate(lines):
            left_chars = CHARS_PER_LINE - start + off
            left = max(0, round(TEXT_WIDTH_TWIPS - (start - off) * CHAR_PITCH_TWIPS))
            p = _new("p")
            ppr = _el(p, "pPr")
            _el(ppr, "pStyle", val=ST_SIGN)
            if i < len(lines) - 1:
                _el(ppr, "keepNext")
            # 不在汉字与数字之间自动加空，数字宽度才是半个字。
            _el(ppr, "autoSpaceDE", val="0")
            _el(ppr, "autoSpaceDN", val="0")
            _el(ppr, "ind", left=str(left), firstLine="0", firstLineChars="0")
            _el(ppr, "jc", val="left")
            _add_text(_el(p, "r"), _clean_text(t))
            self.signature_columns.append(left_chars)
            self.paragraph_count += 1
            self._append(p)

    def set_properties(self, *, title: str = "", author: str = "", subject: str = "") -> None:
        cp = self._doc.core_properties
        cp.title, cp.author, cp.subject = title, author, subject
        cp.last_modified_by = author
        cp.comments = ""

    # ── 保存 ──
    def _finish(self) -> None:
        if self._anchor.tag == _W + "p":  # 模板里的 {{正文}} 标记段落
            self._anchor.getparent().remove(self._anchor)
            self._anchor = self._body.find(_W + "sectPr")
        body = self._body
        sect = body.find(_W + "sectPr")
        if sect is not None and len(body) >= 2 and body[-2].tag == _W + "tbl":
            # Word 要求表格后面至少有一个段落。
            sect.addprevious(_new("p"))

    def save(self, path: Path) -> Path:
        """写到同一文件夹的临时文件，再 ``os.replace`` 到目标：中途失败不会留下半个文件。"""
        self._finish()
        path = Path(path)
        folder = path.parent if str(path.parent) else Path(".")
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".~", suffix=".docx.tmp")
        except FileNotFoundError:
            raise ExportError(f"文件夹不存在：{folder}") from None
        except PermissionError:
            raise ExportError(f"没有权限写入文件夹：{folder}") from None
        try:
            with os.fdopen(fd, "wb") as f:
                self._doc.save(f)
                f.flush()
                os.fsync(f.fileno())
            _replace(Path(tmp), path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return path

    @property
    def docx(self) -> Any:
        """底层的 python-docx ``Document``（需要本模块没有的功能时用）。"""
        return self._doc


def _insert_ppr(p: Any) -> Any:
    ppr = _new("pPr")
    p.insert(0, ppr)
    return ppr


def _page_field(p: Any) -> None:
    """“— PAGE —”：域结果先写 1，Word/WPS/LibreOffice 打开时更新。"""

    def run(text: str | None = None, fld: str | None = None, instr: str | None = None) -> None:
        r = _el(p, "r")
        if fld:
            _el(r, "fldChar", fldCharType=fld)
        elif instr:
            t = _el(r, "instrText")
            t.text = instr
            t.set(XML_SPACE, "preserve")
        elif text is not None:
            t = _el(r, "t")
            t.text = text
            t.set(XML_SPACE, "preserve")

    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def _open_template(template: Path) -> Any:
    template = Path(template)
    if not template.exists():  # 存在但不是普通文件（FIFO、设备、文件夹）：由 sanitize_template 说明
        raise ExportError(f"找不到 Word 模板：{template}")
    if template.suffix.lower() != ".docx":
        raise ExportError(f"Word 模板应为 .docx 文件（可在 Word 中“另存为” .docx）：{template}")
    from .template_safety import TemplateError, sanitize_template

    try:  # 只取样式、页面设置、页眉页脚：宏、外部链接、附加模板先清理掉（见 template_safety.py）
        return Document(io.BytesIO(sanitize_template(template)))
    except TemplateError as e:
        raise ExportError(str(e)) from None
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as e:
        raise ExportError(f"Word 模板无法打开，可能已损坏：{template}（{e}）") from None
    except OSError as e:
        raise ExportError(f"Word 模板无法读取：{template}（{os_reason(e)}）") from None


def _replace(tmp: Path, path: Path) -> None:
    """Windows 上目标正被 Word/WPS 打开时 os.replace 会失败：稍等重试，仍失败则给出中文说明。"""
    import time

    for attempt in range(5):
        try:
            os.replace(tmp, path)
            return
        except PermissionError:
            if attempt == 4:
                raise ExportError(
                    f"无法写入 {path}：文件可能正被 Word 或 WPS 打开，请关闭后重试"
                ) from None
            time.sleep(0.2)
