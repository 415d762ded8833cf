"""公文版式（exports/docx_layout.py）：写出真实的 .docx，再用 python-docx 读回检查。"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from docx_helpers import east_asia_font, font_size, is_bold, open_docx, style_id, table_rows

from exports.docx_layout import (
    CHARS_PER_LINE,
    PLACEHOLDER,
    W_NS,
    ExportError,
    OfficialDocument,
    chinese_number,
    heading_number,
    text_width,
)


def _sample(tmp_path: Path, profile: str = "standard") -> Path:
    doc = OfficialDocument(profile)
    doc.title(["商事登记项目审批服务科", "2026年11月信用状况监测工作报送材料"])
    doc.paragraph("正文第一段。")
    doc.heading(1, "总体情况")
    doc.heading(2, "责任要求")
    doc.heading(3, "台账")
    doc.paragraph([("状态：", "h"), ("已完成", "")])
    doc.table(
        ["序号", "指标"],
        [["1", "双公示"], ["2", "信用动态"]],
        widths=[1, 4],
        align="cl",
        shaded=[1],
    )
    doc.signature("商事登记项目审批服务科", "专人：张三", date(2026, 11, 9))
    return doc.save(tmp_path / "样例.docx")


def test_page_size_margins_and_grid(tmp_path: Path) -> None:
    doc = open_docx(_sample(tmp_path))
    sec = doc.sections[0]
    mm = [
        round(v.mm, 1)
        for v in (
            sec.page_width,
            sec.page_height,
            sec.top_margin,
            sec.bottom_margin,
            sec.left_margin,
            sec.right_margin,
        )
    ]
    assert mm == [210, 297, 37, 35, 28, 26]
    grid = sec._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert grid.get(qn("w:linePitch")) == "579"
    assert grid.get(qn("w:charSpace")) == "-842"


def _para(doc, sid: str):
    return next(p for p in doc.paragraphs if style_id(p) == sid)


@pytest.mark.parametrize(
    ("profile", "body", "kai", "hei", "title"),
    [
        ("standard", "仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体"),
        ("system", "仿宋", "楷体", "黑体", "宋体"),
    ],
)
def test_fonts_and_sizes(
    tmp_path: Path, profile: str, body: str, kai: str, hei: str, title: str
) -> None:
    doc = open_docx(_sample(tmp_path, profile))
    t = _para(doc, "GwTitle")
    assert (
        t.text == "商事登记项目审批服务科\n2026年11月信用状况监测工作报送材料"
    )  # 放不下一行，按段回行
    assert (east_asia_font(doc, t._p), font_size(doc, t._p)) == (title, 22)
    assert t.style.paragraph_format.alignment == 1  # 居中（样式里）
    body_p = next(p for p in doc.paragraphs if p.text == "正文第一段。")
    assert (east_asia_font(doc, body_p._p), font_size(doc, body_p._p)) == (body, 16)
    h1, h2, h3 = (_para(doc, f"GwHeading{i}") for i in (1, 2, 3))
    assert (h1.text, h2.text, h3.text) == ("一、总体情况", "（一）责任要求", "1.台账")
    assert (east_asia_font(doc, h1._p), font_size(doc, h1._p)) == (hei, 16)
    assert (east_asia_font(doc, h2._p), font_size(doc, h2._p)) == (kai, 16)
    assert (east_asia_font(doc, h3._p), font_size(doc, h3._p)) == (body, 16) and is_bold(doc, h3._p)
    assert not is_bold(doc, body_p._p)
    # 系统字体方案用宋体加粗代替小标宋
    assert is_bold(doc, t._p) == (profile == "system")


def test_body_indent_line_spacing_and_no_theme_fonts(tmp_path: Path) -> None:
    path = _sample(tmp_path)
    doc = Document(str(path))
    normal = doc.styles["Normal"].element
    spacing = normal.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
    assert spacing.get(qn("w:line")) == "579" and spacing.get(qn("w:lineRule")) == "exact"
    body = doc.styles.element.find(".//w:style[@w:styleId='GwBody']", namespaces={"w": W_NS})
    ind = body.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    assert ind.get(qn("w:firstLineChars")) == "200"
    import zipfile

    styles_xml = zipfile.ZipFile(path).read("word/styles.xml").decode("utf-8")
    assert "eastAsiaTheme" not in styles_xml and "asciiTheme" not in styles_xml


def test_footers_odd_right_even_left_with_page_field(tmp_path: Path) -> None:
    doc = open_docx(_sample(tmp_path))
    assert doc.settings.odd_and_even_pages_header_footer
    assert doc.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    sec = doc.sections[0]
    for footer, jc in ((sec.footer, "right"), (sec.even_page_footer, "left")):
        assert not footer.is_linked_to_previous
        p = footer.paragraphs[0]
        assert p._p.find(f"{qn('w:pPr')}/{qn('w:jc')}").get(qn("w:val")) == jc
        instr = "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert p.text == "— 1 —"
        assert (east_asia_font(doc, p._p), font_size(doc, p._p)) == ("宋体", 14)
        ind = p._p.find(f"{qn('w:pPr')}/{qn('w:ind')}")
        assert ind.get(qn("w:rightChars" if jc == "right" else "w:leftChars")) == "100"  # 空一字


def test_table_header_repeats_and_shading(tmp_path: Path) -> None:
    doc = open_docx(_sample(tmp_path))
    t = doc.tables[0]
    assert table_rows(t) == [["序号", "指标"], ["1", "双公示"], ["2", "信用动态"]]
    first = t.rows[0]._tr
    assert first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert t.rows[1]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None
    fills = [tr.find(f".//{qn('w:shd')}") for tr in (t.rows[1]._tr, t.rows[2]._tr)]
    assert fills[0] is None and fills[1].get(qn("w:fill")) == "D9D9D9"
    cell_p = t.rows[1].cells[1].paragraphs[0]
    assert font_size(doc, cell_p._p) == 12 and east_asia_font(doc, cell_p._p) == "仿宋_GB2312"
    widths = [int(g.get(qn("w:w"))) for g in t._tbl.find(qn("w:tblGrid"))]
    assert sum(widths) == int(Mm(156).twips) and abs(widths[1] - 4 * widths[0]) <= 4


def test_signature_unsealed_layout(tmp_path: Path) -> None:
    doc = OfficialDocument()
    doc.paragraph("正文。")
    doc.signature("商事登记项目审批服务科", "专人：张三", date(2026, 11, 9))
    org_col, person_col, date_col = doc.signature_columns
    # 署名右空二字：首字列 + 字数 = 28 − 2；日期首字比署名首字右移二字；专人与署名对齐。
    assert org_col + text_width("商事登记项目审批服务科") == CHARS_PER_LINE - 2
    assert date_col == org_col + 2 and person_col == org_col
    out = open_docx(doc.save(tmp_path / "落款.docx"))
    texts = [p.text for p in out.paragraphs]
    assert texts[-3:] == ["商事登记项目审批服务科", "专人：张三", "2026年11月9日"]
    assert texts[-4] == ""  # 正文下空一行


def test_signature_date_longer_than_org(tmp_path: Path) -> None:
    doc = OfficialDocument()
    doc.signature("办公室", "", date(2026, 11, 9))
    org_col, date_col = doc.signature_columns
    # 日期长于署名：日期右空二字，署名相应左移
    assert date_col + text_width("2026年11月9日") == CHARS_PER_LINE - 2
    assert date_col == org_col + 2


def test_numbers() -> None:
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 21, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
    ]
    assert [heading_number(lv, 3) for lv in (1, 2, 3, 4)] == ["三、", "（三）", "3.", "（3）"]
    assert text_width("2026年11月9日") == 6.5


def test_heading_numbers_restart(tmp_path: Path) -> None:
    doc = OfficialDocument()
    doc.heading(1, "甲")
    doc.heading(2, "子")
    doc.heading(2, "丑")
    doc.heading(1, "乙")
    doc.heading(2, "子")
    out = open_docx(doc.save(tmp_path / "h.docx"))
    assert [p.text for p in out.paragraphs if p.text] == [
        "一、甲",
        "（一）子",
        "（二）丑",
        "二、乙",
        "（一）子",
    ]


def test_template_keeps_letterhead_header_and_styles(tmp_path: Path) -> None:
    tpl = Document()
    tpl.sections[0].header.paragraphs[0].text = "历城区行政审批服务局"
    tpl.add_paragraph("红头：济南市历城区行政审批服务局文件")
    tpl.add_paragraph(PLACEHOLDER)
    tpl.add_paragraph("模板尾部")
    tpl.sections[0].left_margin = Mm(30)
    tpl_path = tmp_path / "模板.docx"
    tpl.save(str(tpl_path))

    doc = OfficialDocument("standard", template=tpl_path)
    doc.title("测试标题")
    doc.paragraph("我们的正文。")
    out = open_docx(doc.save(tmp_path / "套模板.docx"))
    texts = [p.text for p in out.paragraphs]
    assert (
        texts.index("红头：济南市历城区行政审批服务局文件")
        < texts.index("测试标题")
        < texts.index("我们的正文。")
    )
    assert texts.index("我们的正文。") < texts.index("模板尾部")
    assert PLACEHOLDER not in "\n".join(texts)
    assert out.sections[0].header.paragraphs[0].text == "历城区行政审批服务局"
    assert round(out.sections[0].left_margin.mm) == 30  # 模板的页面设置不动
    assert out.sections[0].footer.paragraphs[0].text == "— 1 —"  # 模板没有页脚时加页码


def test_template_errors(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="找不到 Word 模板"):
        OfficialDocument(template=tmp_path / "没有.docx")
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ExportError, match="无法打开"):
        OfficialDocument(template=bad)
    dotx = tmp_path / "模板.dotx"
    dotx.write_bytes(b"x")
    with pytest.raises(ExportError, match=r"\.docx"):
        OfficialDocument(template=dotx)
    with pytest.raises(ExportError, match="未知的字体方案"):
        OfficialDocument("fancy")


def test_failed_save_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "材料.docx"
    target.write_bytes(b"old content")
    doc = OfficialDocument()
    doc.paragraph("x")

    def boom(*a: object, **k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(doc.docx, "save", boom)
    with pytest.raises(OSError):
        doc.save(target)
    assert target.read_bytes() == b"old content"  # 旧文件原样保留
    assert sorted(p.name for p in tmp_path.iterdir()) == ["材料.docx"]  # 没有留下临时文件


def test_control_characters_are_dropped(tmp_path: Path) -> None:
    doc = OfficialDocument()
    doc.paragraph("备注\x07里有\x0b控制字符")
    out = open_docx(doc.save(tmp_path / "c.docx"))
    assert "备注里有控制字符" in [p.text for p in out.paragraphs]


# OOXML 架构规定的子元素顺序（本模块用到的部分）；Word 遇到顺序错误会报“无法读取的内容”。
_ORDER = {
    "pPr": [
        "pStyle",
        "keepNext",
        "keepLines",
        "pageBreakBefore",
        "widowControl",
        "numPr",
        "pBdr",
        "shd",
        "tabs",
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "bidi",
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "jc",
        "textAlignment",
        "outlineLvl",
        "rPr",
    ],
    "rPr": [
        "rStyle",
        "rFonts",
        "b",
        "bCs",
        "i",
        "iCs",
        "color",
        "spacing",
        "w",
        "kern",
        "position",
        "sz",
        "szCs",
        "u",
        "lang",
    ],
    "tblPr": [
        "tblStyle",
        "tblW",
        "jc",
        "tblInd",
        "tblBorders",
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
    ],
    "tcPr": ["tcW", "gridSpan", "vMerge", "tcBorders", "shd", "noWrap", "tcMar", "vAlign"],
    "style": [
        "name",
        "aliases",
        "basedOn",
        "next",
        "link",
        "uiPriority",
        "semiHidden",
        "unhideWhenUsed",
        "qFormat",
        "rsid",
        "pPr",
        "rPr",
        "tblPr",
        "trPr",
        "tcPr",
    ],
}


def test_child_order_follows_schema(catalog, cal, tmp_path: Path) -> None:
    import zipfile

    from docx_helpers import NOW, rich_month
    from lxml import etree

    from creditcheck.settings import Settings
    from exports.submission import export_submission

    sm = rich_month(catalog, "system", tmp_path / "files")
    path = export_submission(catalog, cal, sm, Settings(), tmp_path / "full.docx", now=NOW)
    z = zipfile.ZipFile(path)
    w = "{" + W_NS + "}"
    checked = 0
    for name in z.namelist():
        if not (name.startswith("word/") and name.endswith(".xml")) or "stylesWithEffects" in name:
            continue
        root = etree.fromstring(z.read(name))
        for parent, order in _ORDER.items():
            for el in root.iter(w + parent):
                tags = [c.tag[len(w) :] for c in el if c.tag.startswith(w)]
                known = [order.index(t) for t in tags if t in order]
                assert known == sorted(known), f"{name}: {parent} 子元素顺序 {tags}"
                checked += 1
    assert checked > 500
