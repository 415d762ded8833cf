"""台账 Excel 的读写：真实 .xlsx 文件写出再读回；各种读不了的文件；安全检查。"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from ledger_helpers import GOOD, TODAY, H, lic

from creditcheck.catalog import Catalog
from creditcheck.ledger import LedgerReadError, Problem
from creditcheck.models import SectionMonth
from creditcheck.month import Month
from creditcheck.workcal import WorkCalendar
from exports import xlsx_read
from exports.ledger_io import check_file, import_ledger
from exports.xlsx_read import LedgerWorkbook
from exports.xlsx_write import export_section_month_xlsx, write_annotated, write_template

# ───────────── 工具 ─────────────


@pytest.fixture(autouse=True, params=["calamine", "openpyxl"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """本文件的每个测试都用两种读法各跑一遍（python-calamine；装不上它的电脑上用的 openpyxl）。"""
    monkeypatch.setenv("CREDITCHECK_LEDGER_READER", request.param)
    return str(request.param)


def make_xlsx(
    path: Path,
    rows: list[list[Any]],
    *,
    title: str = "台账",
    before: list[str] = (),
    hidden: list[str] = (),
) -> Path:  # type: ignore[assignment]
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    sheets = [*before, title]
    first.title = sheets[0]
    for name in sheets[1:]:
        wb.create_sheet(name)
    ws = wb[title]
    ws.append(H)
    for r in rows:
        ws.append(r)
    for name in hidden:
        wb[name].sheet_state = "hidden"
    wb.save(path)
    return path


def rewrite_member(path: Path, member: str, fn: Any) -> None:
    """改写 .xlsx 里的一个部件（用来构造 openpyxl 写不出来的文件）。"""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename == member:
                data = fn(data)
            z.writestr(info.filename, data)


def check(path: Path, catalog: Catalog, cal: WorkCalendar, **kw: Any):  # type: ignore[no-untyped-def]
    return check_file(path, kw.pop("kind", "licence"), catalog, cal, TODAY, **kw)


# ───────────── 正常读取 ─────────────


def test_real_file_round_trip(tmp_path: Path, catalog: Catalog, cal: WorkCalendar) -> None:
    p = make_xlsx(
        tmp_path / "a.xlsx",
        [lic(), lic(统一社会信用代码=GOOD.lower()), [None] * 3, lic(行政许可决定文书号="2号")],
    )
    r = check(p, catalog, cal)
    assert r.sheet == "台账" and r.header_row == 1 and r.file == "a.xlsx"
    assert r.row_count == 3
    assert [(p.row, p.column) for p in r.problems] == [
        (3, "统一社会信用代码"),
        (3, "行政许可决定文书号"),
    ]
    assert r.counts == {
        "decided": 3,
        "not_due": 0,
        "due": 3,
        "uploaded": 3,
        "on_time": 3,
        "compliant": 2,
    }


def test_first_visible_sheet_or_named_sheet(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    p = make_xlsx(tmp_path / "h.xlsx", [lic()], before=["旧数据"], hidden=["旧数据"])
    r = check(p, catalog, cal)
    assert r.sheet == "台账"
    assert any("隐藏的工作表：旧数据" in n for n in r.notes)
    with pytest.raises(LedgerReadError) as e:
        check(p, catalog, cal, sheet="汇总")
    assert "没有名为“汇总”的工作表" in str(e.value) and "“旧数据”" in str(e.value)
    with pytest.raises(LedgerReadError, match="工作表“旧数据”：工作表是空的"):
        check(p, catalog, cal, sheet="旧数据")  # 指定了就读它（即使隐藏），但它是空的


def test_all_sheets_hidden(tmp_path: Path, catalog: Catalog, cal: WorkCalendar) -> None:
    p = make_xlsx(tmp_path / "h.xlsx", [lic()], before=["封面"])
    rewrite_member(p, "xl/workbook.xml", lambda d: d.replace(b'state="visible"', b'state="hidden"'))
    with pytest.raises(LedgerReadError, match="都被隐藏"):
        check(p, catalog, cal)


def test_merged_cells_are_read_and_reported(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    p = tmp_path / "m.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(H)
    for i in range(3):
        ws.append(lic(行政许可决定文书号=f"{i}号"))
    ws.merge_cells("N2:N4")  # 许可机关 合并了三行
    wb.save(p)
    r = check(p, catalog, cal, keep_rows=True)
    m = [(x.row, x.column, x.message) for x in r.problems]
    assert [row for row, _c, _t in m] == [3, 4]
    assert all(c == "许可机关" and "合并单元格 N2:N4" in t for _r, c, t in m)
    assert [rec["许可机关"] for rec in r.rows] == ["某区行政审批服务局"] * 3
    assert any("合并单元格" in n for n in r.notes)


def test_formulas_read_as_cached_values_and_uncached_is_a_problem(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    p = make_xlsx(
        tmp_path / "f.xlsx", [lic(行政许可决定文书号="1号"), lic(行政许可决定文书号="2号")]
    )

    def fix(data: bytes) -> bytes:
        # 第2行的许可类别：公式且有缓存值；第3行：公式没有缓存值
        data = re.sub(
            rb'<c r="G2"[^>]*>.*?</c>',
            b'<c r="G2" t="str"><f>"\xe6\x99\xae"&amp;"\xe9\x80\x9a"</f><v>\xe6\x99\xae\xe9\x80\x9a</v></c>',
            data,
        )
        data = re.sub(rb'<c r="G3"[^>]*>.*?</c>', b'<c r="G3"><f>CONCAT("a","b")</f></c>', data)
        return data

    rewrite_member(p, "xl/worksheets/sheet1.xml", fix)
    r = check(p, catalog, cal, keep_rows=True)
    assert r.rows[0]["许可类别"] == "普通"
    msgs = [(x.row, x.column, x.message) for x in r.problems]
    assert msgs[0][:2] == (3, "许可类别") and "公式没有保存计算结果" in msgs[0][2]
    assert r.problems[0].value == "（公式）"


def test_wrong_dimension_does_not_hide_rows(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    p = make_xlsx(tmp_path / "d.xlsx", [lic(行政许可决定文书号=f"{i}") for i in range(5)])
    rewrite_member(
        p,
        "xl/worksheets/sheet1.xml",
        lambda d: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', d),
    )
    assert check(p, catalog, cal).row_count == 5


def test_a_million_trailing_empty_rows_are_not_read(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    p = make_xlsx(tmp_path / "t.xlsx", [lic()])
    filler = "".join(
        f'<row r="{i}"><c r="A{i}" s="0"/></row>' for i in range(3, 1_000_003)
    ).encode()
    rewrite_member(
        p,
        "xl/worksheets/sheet1.xml",
        lambda d: d.replace(b"</sheetData>", filler + b"</sheetData>"),
    )
    rows_seen = []
    with LedgerWorkbook(p) as book:
        for row_no, _row in book.rows():
            rows_seen.append(row_no)
        notes = book.notes
    assert rows_seen == [1, 2]  # 空行不交给检查；连续 1000 行空行后停止
    assert notes == [
        "第3行起连续1000行都是空行，其后的行没有读取（若后面还有数据，请删去中间的空行）"
    ]
    r = check(p, catalog, cal)
    assert r.row_count == 1 and r.problems == []


def test_header_in_later_row_with_title_merged(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    p = tmp_path / "t.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["某区行政审批服务局2026年11月双公示台账"])
    ws.merge_cells("A1:S1")
    ws.append(H)
    ws.append(lic())
    wb.save(p)
    r = check(p, catalog, cal)
    assert r.header_row == 2 and r.row_count == 1 and r.problems == []


# ───────────── 读不了的文件 ─────────────


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        # CSV 现在可以读（GBK 编码认得出，列名读对了），只是缺列
        (
            "a.csv",
            "行政相对人名称,统一社会信用代码\n某公司,91350100M000100Y43\n".encode("gb18030"),
            "缺少必填列：行政许可决定文书号",
        ),
        ("a.xlsx", b"\x00\x01\x02\x03garbage" * 100, "不是 Excel 工作簿"),
        ("a.xlsx", b"", "空文件"),
        ("a.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "网页"),
        ("a.xlsx", b"%PDF-1.4 ...", "PDF"),
        ("a.xlsx", b"PK\x03\x04 truncated", "已损坏"),
    ],
)
def test_not_a_workbook(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar, name: str, content: bytes, expected: str
) -> None:
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(LedgerReadError, match=expected):
        check(p, catalog, cal)


def _ole(extra: bytes) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + extra + b"\x00" * 1024


def test_old_xls_and_password_protected(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar, reader: str
) -> None:
    xls = tmp_path / "old.xls"
    xls.write_bytes(_ole("Workbook".encode("utf-16-le")))
    # 像 .xls，但读不了（真正的 .xls 见 test_ledger_formats）；没有 calamine 时说明要另存为 .xlsx
    with pytest.raises(LedgerReadError, match="已损坏" if reader == "calamine" else "97-2003"):
        check(xls, catalog, cal)
    enc = tmp_path / "secret.xlsx"
    enc.write_bytes(
        _ole(
            "EncryptionInfo".encode("utf-16-le")
            + b"\x00" * 64
            + "EncryptedPackage".encode("utf-16-le")
        )
    )
    with pytest.raises(LedgerReadError, match="密码"):
        check(enc, catalog, cal)


def test_docx_folder_and_missing_file(tmp_path: Path, catalog: Catalog, cal: WorkCalendar) -> None:
    docx = tmp_path / "a.xlsx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(LedgerReadError, match="Word"):
        check(docx, catalog, cal)
    with pytest.raises(LedgerReadError, match="文件夹"):
        check(tmp_path, catalog, cal)
    with pytest.raises(LedgerReadError, match="找不到文件"):
        check(tmp_path / "nope.xlsx", catalog, cal)


def test_corrupt_sheet_member_is_a_clear_error(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    p = make_xlsx(tmp_path / "c.xlsx", [lic()])
    rewrite_member(p, "xl/worksheets/sheet1.xml", lambda d: d[: len(d) // 2])
    with pytest.raises(LedgerReadError, match="已损坏"):
        check(p, catalog, cal)


# ───────────── 安全 ─────────────

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
"""


def _laughs(data: bytes, root: bytes, padding: int = 0) -> bytes:
    """在部件开头加上“十亿笑声”实体声明，并在根元素里引用它；padding 把声明推到 8 KB 预检查之外。"""
    body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
    pad = b"<!--" + b" " * padding + b"-->" if padding else b""
    return BILLION_LAUGHS.replace(b"<!DOCTYPE", pad + b"<!DOCTYPE") + body.replace(
        root, root + b"&lol4;", 1
    )


def test_defusedxml_is_used_by_openpyxl() -> None:
    import defusedxml.ElementTree
    import openpyxl.worksheet._reader as sheet_reader
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True
    # 工作表逐行读取用的 iterparse 来自 defusedxml
    assert (
        sheet_reader.iterparse.__module__ == defusedxml.ElementTree.__name__
        or "defused" in repr(sheet_reader.iterparse.__code__.co_filename)
    )


def test_entity_expansion_is_refused(tmp_path: Path, catalog: Catalog, cal: WorkCalendar) -> None:
    from defusedxml.common import DefusedXmlException

    p = make_xlsx(tmp_path / "e.xlsx", [lic()])
    rewrite_member(p, "xl/workbook.xml", lambda d: _laughs(d, b"<sheets>"))
    with pytest.raises(LedgerReadError, match="DOCTYPE"):
        check(p, catalog, cal)
    # 把实体声明藏到 8 KB 之后绕过预检查：工作表扫描仍然拒绝
    q = make_xlsx(tmp_path / "e2.xlsx", [lic()])
    rewrite_member(
        q, "xl/worksheets/sheet1.xml", lambda d: _laughs(d, b"<sheetData>", padding=9000)
    )
    with pytest.raises(LedgerReadError, match="DOCTYPE"):
        check(q, catalog, cal)
    # 不经本程序、直接用 openpyxl 读取：defusedxml 拒绝实体（openpyxl 把它包成 ValueError）
    with pytest.raises(ValueError) as e:
        openpyxl.load_workbook(q, read_only=True)
    assert isinstance(e.value.__cause__, DefusedXmlException)
    # 工作簿部件里藏在 8 KB 之后的实体：openpyxl 不展开（lxml 不解析实体），本程序报为读不了
    w = make_xlsx(tmp_path / "e3.xlsx", [lic()])
    rewrite_member(w, "xl/workbook.xml", lambda d: _laughs(d, b"<sheets>", padding=9000))
    with pytest.raises(LedgerReadError):
        check(w, catalog, cal)


def test_zip_bomb_is_refused_before_reading(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = make_xlsx(tmp_path / "z.xlsx", [lic()])
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/image1.png", b"\x00" * (10 * 1024 * 1024))  # 10 MiB 零：压缩比约 1000
    with pytest.raises(LedgerReadError, match="压缩比异常"):
        check(p, catalog, cal)
    q = make_xlsx(tmp_path / "big.xlsx", [lic()])
    with zipfile.ZipFile(q, "a", zipfile.ZIP_STORED) as z:
        z.writestr("xl/media/image1.png", b"x" * (3 * 1024 * 1024))
    monkeypatch.setattr(xlsx_read, "MAX_UNCOMPRESSED", 2 * 1024 * 1024)
    with pytest.raises(LedgerReadError, match="超过 2 MiB 的上限"):
        check(q, catalog, cal)


# ───────────── 写出 ─────────────


def test_template(tmp_path: Path, catalog: Catalog, cal: WorkCalendar) -> None:
    p = write_template("licence", tmp_path / "tpl.xlsx")
    wb = openpyxl.load_workbook(p)
    ws = wb.worksheets[0]
    assert ws.title == "双公示（行政许可）"
    assert [c.value for c in ws[1]] == H
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b is True
    assert ws.column_dimensions["A"].width == 28
    assert ws.column_dimensions["K"].number_format == "yyyy-mm-dd"  # 许可决定日期
    assert ws.column_dimensions["C"].number_format == "@"  # 统一社会信用代码按文本
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["B2:B2000"] == '"法人及非法人组织,个体工商户,自然人"'
    assert "普通" in lists["G2:G2000"]
    assert wb.sheetnames == ["双公示（行政许可）", "填写说明"]
    # 空模板读回：没有数据行，也不出错
    r = check(p, catalog, cal)
    assert r.row_count == 0 and r.problems == []


@pytest.mark.parametrize(
    ("kind", "col", "choices"), [("commitment", "F", "已履约"), ("code-errors", "C", "重码")]
)
def test_other_templates(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar, kind: str, col: str, choices: str
) -> None:
    p = write_template(kind, tmp_path / f"{kind}.xlsx")
    ws = openpyxl.load_workbook(p).worksheets[0]
    dv = {str(d.sqref): d.formula1 for d in ws.data_validations.dataValidation}
    assert choices in dv[f"{col}2:{col}2000"]
    assert check(p, catalog, cal, kind=kind).row_count == 0


def test_annotated_copy(tmp_path: Path, catalog: Catalog, cal: WorkCalendar) -> None:
    src = make_xlsx(
        tmp_path / "a.xlsx",
        [
            lic(),
            lic(统一社会信用代码=GOOD.lower()),
            lic(行政许可决定文书号="2号", 上报日期="2026-11-20"),
        ],
    )
    r = check(src, catalog, cal)
    out = write_annotated(src, r.problems, tmp_path / "out.xlsx", sheet=r.sheet)
    wb = openpyxl.load_workbook(out)
    ws = wb["台账"]
    assert ws["C3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "含小写字母" in ws["C3"].comment.text
    assert "与第2行重复" in ws["F3"].comment.text
    assert ws["R4"].fill.fgColor.rgb.endswith("FFEB9C") and "迟报" in ws["R4"].comment.text
    assert ws["A2"].comment is None
    summary = wb["问题汇总"]
    rows = [[c.value for c in row] for row in summary.iter_rows(min_row=2)]
    assert [(row[0], row[1], row[2]) for row in rows] == [
        (3, "统一社会信用代码", "C3"),
        (3, "行政许可决定文书号", "F3"),
        (4, "上报日期", "R4"),
    ]
    assert (
        summary["C2"].hyperlink.location == "'台账'!C3"
        or summary["C2"].hyperlink.target == "#'台账'!C3"
    )
    # 标注副本再检查一次：数据页仍是第一个可见页，结果不变
    again = check(out, catalog, cal)
    assert [(p.row, p.column) for p in again.problems] == [(p.row, p.column) for p in r.problems]
    # 原文件未被改动
    assert openpyxl.load_workbook(src)["台账"]["C3"].comment is None


def test_annotate_merged_cell_goes_to_anchor(tmp_path: Path) -> None:
    p = tmp_path / "m.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(H)
    ws.append(lic())
    ws.append(lic())
    ws.merge_cells("N2:N3")
    wb.save(p)
    out = write_annotated(p, [Problem(3, "许可机关", "", "合并单元格", 13)], tmp_path / "o.xlsx")
    assert "合并单元格" in openpyxl.load_workbook(out).active["N2"].comment.text


def test_export_section_month(tmp_path: Path, catalog: Catalog, cal: WorkCalendar) -> None:
    src = make_xlsx(tmp_path / "a.xlsx", [lic(), lic(统一社会信用代码=GOOD.lower())])
    r = import_ledger(src, "licence", catalog, cal, datetime(2026, 11, 28, 10))
    sm = SectionMonth("commerce", Month(2026, 11), catalog.version)
    sm.ledgers["licence"] = r.summary("a.xlsx", "2026-11-28T10:00:00")
    out = export_section_month_xlsx(catalog, sm, {"licence": r.rows}, tmp_path / "x" / "台账.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["概况", "双公示（行政许可）"]
    ov = wb["概况"]
    text = [[c.value for c in row] for row in ov.iter_rows()]
    flat = [v for row in text for v in row if v is not None]
    assert "商事登记项目审批服务科 2026年11月 信用工作台账" in flat[0]
    assert "a.xlsx" in flat
    rate_row = next(row for row in text if row[0] == "合规率")
    assert rate_row[1] == 0.5 and "1 / 2" in rate_row[2]
    ws = wb["双公示（行政许可）"]
    assert [c.value for c in ws[1]] == [*H, "检查结果"]
    assert ws["K2"].value == datetime(2026, 11, 2) and ws["K2"].number_format == "yyyy-mm-dd"
    assert ws["C3"].value == GOOD.lower()
    result_col = openpyxl.utils.get_column_letter(len(H) + 1)  # “检查结果”在所有列之后
    assert ws[f"{result_col}3"].value == (
        f"统一社会信用代码：统一社会信用代码含小写字母，应写作 {GOOD}；行政许可决定文书号：行政许可决定文书号与第2行重复"
    )
    assert ws[f"{result_col}2"].value is None
    assert ws.freeze_panes == "A2"
    # 导出的工作台账可以再作为台账读回
    back = check_file(out, "licence", catalog, cal, date(2026, 11, 28), sheet="双公示（行政许可）")
    assert back.row_count == 2 and back.extra_columns == ["检查结果"]


def test_rows_keep_title_of_extra_and_sheet_is_closed(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    p = make_xlsx(tmp_path / "a.xlsx", [lic()])
    r = import_ledger(p, "licence", catalog, cal, TODAY)
    assert r.rows[0]["_row"] == 2
    p.unlink()  # Windows 上文件未关闭时删不掉；这里至少确认没有残留句柄引发错误
    assert not p.exists()
