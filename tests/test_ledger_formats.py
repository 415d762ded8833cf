"""台账的各种文件格式与两种读法：同样的行写成 .xlsx、.xls、.ods、.csv（UTF-8/GBK）、.et，
用 python-calamine 与 openpyxl 两种读法读回，检查结果（问题、计数、比率）一字不差。

.xls 用 xlwt 写，.ods 用 odfpy 写，都在测试里现写（不放二进制夹具）。
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_helpers import AGENCY, GOOD, TODAY, H, lic

from creditcheck.catalog import Catalog
from creditcheck.ledger import LedgerReadError, LedgerResult
from creditcheck.workcal import WorkCalendar
from exports import workbook_read
from exports.ledger_io import check_file, import_ledger
from exports.workbook_read import READER_ENV, detect_format, open_ledger, reader_engine
from exports.xlsx_write import write_annotated

# ───────────── 同一批行 ─────────────

D = datetime


def _rows() -> list[list[Any]]:
    """各种情况：正确的行、日期写成文字（几种写法）、小写代码、重复文书号、迟报、必填项空、
    日期写错、有效期至“长期”、逾期未上报。日期大多是真正的日期单元格。"""
    return [
        lic(),
        lic(
            行政许可决定文书号="2号",
            许可决定日期="2026/11/3",
            有效期自="2026年11月3日",
            上报日期="2026-11-05",
        ),
        lic(行政许可决定文书号="3号", 统一社会信用代码=GOOD.lower()),
        lic(行政许可决定文书号="2号"),
        lic(
            行政许可决定文书号="5号",
            许可决定日期=D(2026, 10, 9),
            有效期自=D(2026, 10, 9),
            上报日期=D(2026, 11, 20),
        ),
        lic(行政许可决定文书号="6号", 许可类别=None, 许可机关=None),
        lic(行政许可决定文书号="7号", 许可决定日期="2026-13-01", 有效期至=D(2031, 11, 1)),
        lic(
            行政许可决定文书号="8号",
            许可决定日期=D(2026, 9, 1),
            有效期自=D(2026, 9, 1),
            上报日期=None,
        ),
        lic(
            行政许可决定文书号="9号", 行政相对人类别="自然人", 统一社会信用代码=None, 有效期至=None
        ),
        [None] * len(H),  # 空行：不计数
        lic(
            行政许可决定文书号="11号",
            行政相对人名称="  某某  ",
            许可机关统一社会信用代码=AGENCY[:-1] + "0",
        ),
    ]


def _text(v: Any) -> str:
    """CSV 里的写法：日期写成 2026-11-02（平台导出的就是这样）。"""
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    return str(v)


# ───────────── 各种格式的写法 ─────────────


def write_xlsx(
    path: Path, rows: list[list[Any]], *, epoch1904: bool = False, date_format: str = "yyyy-mm-dd"
) -> Path:
    wb = openpyxl.Workbook()
    if epoch1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    assert ws is not None
    ws.title = "台账"
    ws.append(H)
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, datetime):
                c.number_format = date_format
    wb.save(path)
    return path


def write_xls(path: Path, rows: list[list[Any]]) -> Path:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("台账")
    dates = xlwt.easyxf(num_format_str='yyyy"年"m"月"d"日"')
    for c, name in enumerate(H):
        ws.write(0, c, name)
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, datetime):
                ws.write(r, c, v, dates)
            else:
                ws.write(r, c, v)
    wb.save(str(path))
    return path


def write_ods(path: Path, rows: list[list[Any]]) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="台账")

    def cell(v: Any) -> TableCell:
        if v is None:
            return TableCell()
        if isinstance(v, datetime):
            c = TableCell(valuetype="date", datevalue=v.date().isoformat())
        else:
            c = TableCell(valuetype="string")
        c.addElement(P(text=_text(v)))
        return c

    for row in [H, *rows]:
        tr = TableRow()
        for v in row:
            tr.addElement(cell(v))
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def write_csv(
    path: Path, rows: list[list[Any]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(H)
    for r in rows:
        w.writerow([_text(v) for v in r])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def _et_from(
    writer: Callable[[Path, list[list[Any]]], Path],
) -> Callable[[Path, list[list[Any]]], Path]:
    """WPS 的 .et：内容是 .xls 或 .xlsx（xlwt、openpyxl 不看扩展名）。"""

    def write(path: Path, rows: list[list[Any]]) -> Path:
        return writer(path, rows)

    return write


FORMATS: dict[str, tuple[str, Callable[[Path, list[list[Any]]], Path]]] = {
    "xlsx": (".xlsx", write_xlsx),
    "xlsx-1904": (".xlsx", lambda p, r: write_xlsx(p, r, epoch1904=True)),
    "xlsx-中文日期格式": (".xlsx", lambda p, r: write_xlsx(p, r, date_format='yyyy"年"m"月"d"日"')),
    "xlsm": (".xlsm", write_xlsx),
    "xls": (".xls", write_xls),
    "ods": (".ods", write_ods),
    "et-xls": (".et", _et_from(write_xls)),
    "et-xlsx": (".et", _et_from(write_xlsx)),
    "csv-utf8": (".csv", write_csv),
    "csv-utf8-bom": (".csv", lambda p, r: write_csv(p, r, encoding="utf-8-sig")),
    "csv-gbk": (".csv", lambda p, r: write_csv(p, r, encoding="gbk")),
    "csv-tab": (".csv", lambda p, r: write_csv(p, r, delimiter="\t")),
}
OPENPYXL_FORMATS = (
    "xlsx",
    "xlsx-1904",
    "xlsx-中文日期格式",
    "xlsm",
    "et-xlsx",
    "csv-utf8",
    "csv-gbk",
)


def _key(r: LedgerResult) -> tuple[Any, ...]:
    return (r.row_count, [tuple(p) for p in r.problems], r.counts, r.rates, r.header_row)


@pytest.fixture(scope="module")
def reference(
    catalog: Catalog, cal: WorkCalendar, tmp_path_factory: pytest.TempPathFactory
) -> LedgerResult:
    """.xlsx 用 openpyxl 读：改动之前的读法，作为标准。"""
    os.environ[READER_ENV] = "openpyxl"
    try:
        p = write_xlsx(tmp_path_factory.mktemp("ref") / "ref.xlsx", _rows())
        return check_file(p, "licence", catalog, cal, TODAY)
    finally:
        del os.environ[READER_ENV]


def test_reference_has_the_expected_problems(reference: LedgerResult) -> None:
    # 标准本身要像样：每种问题都在，否则“各格式一样”说明不了什么
    msgs = "\n".join(f"{p.row} {p.column} {p.value} {p.message}" for p in reference.problems)
    assert reference.row_count == 10
    assert "4 统一社会信用代码" in msgs and "含小写字母" in msgs
    assert "5 行政许可决定文书号 2号 行政许可决定文书号与第3行重复" in msgs
    assert "6 上报日期 2026-11-20 迟报" in msgs
    assert "7 许可类别  必填项为空" in msgs
    assert "8 许可决定日期 2026-13-01" in msgs
    assert "9 上报日期  逾期未上报" in msgs
    assert "12 许可机关统一社会信用代码" in msgs
    # 合规按 GB 32100 的结构与校验码（登记管理部门、机构类别、行政区划码）判断，见 creditcheck.creditcode
    assert reference.counts == {
        "decided": 10,
        "uploaded": 9,
        "on_time": 7,
        "compliant": 3,
        "due": 10,
        "not_due": 0,
    }


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_same_rows_same_result_with_calamine(
    fmt: str,
    reference: LedgerResult,
    tmp_path: Path,
    catalog: Catalog,
    cal: WorkCalendar,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(READER_ENV, "calamine")
    suffix, writer = FORMATS[fmt]
    p = writer(tmp_path / f"台账{suffix}", _rows())
    r = check_file(p, "licence", catalog, cal, TODAY)
    assert _key(r) == _key(reference)
    assert r.file == f"台账{suffix}"


@pytest.mark.parametrize("fmt", OPENPYXL_FORMATS)
def test_same_rows_same_result_with_openpyxl_fallback(
    fmt: str,
    reference: LedgerResult,
    tmp_path: Path,
    catalog: Catalog,
    cal: WorkCalendar,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(READER_ENV, "openpyxl")
    suffix, writer = FORMATS[fmt]
    p = writer(tmp_path / f"台账{suffix}", _rows())
    book = open_ledger(p)
    with book:
        assert type(book).__name__ in ("LedgerWorkbook", "CsvBook")
    assert _key(check_file(p, "licence", catalog, cal, TODAY)) == _key(reference)


def test_imported_rows_are_the_same_in_every_format(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    """导入时存下的各行（日期整理成 yyyy-mm-dd、文字去掉首尾空格）也一样。"""
    got = {}
    for fmt in ("xlsx", "xls", "ods", "csv-gbk"):
        suffix, writer = FORMATS[fmt]
        p = writer(tmp_path / f"{fmt}{suffix}", _rows())
        got[fmt] = import_ledger(p, "licence", catalog, cal, TODAY).rows
    assert (
        got["xlsx"][0]["许可决定日期"] == "2026-11-02"
        and got["xlsx"][-1]["行政相对人名称"] == "某某"
    )
    for fmt, rows in got.items():
        assert rows == got["xlsx"], fmt


# ───────────── 读法的选择 ─────────────


def test_calamine_is_the_default_and_the_fallback_can_be_forced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = write_xlsx(tmp_path / "a.xlsx", [lic()])
    monkeypatch.delenv(READER_ENV, raising=False)
    assert reader_engine() == "calamine"
    with open_ledger(p) as book:
        assert type(book).__name__ == "CalamineBook" and book.sheet == "台账"
    monkeypatch.setenv(READER_ENV, "openpyxl")
    assert reader_engine() == "openpyxl"
    assert reader_engine("calamine") == "calamine"  # 参数优先于环境变量


def test_without_calamine_installed_xlsx_still_reads_and_xls_ods_say_how_to_save(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    """装不上 python-calamine 的电脑（如龙芯）：导入它失败，自动改用 openpyxl。"""
    monkeypatch.delenv(READER_ENV, raising=False)
    monkeypatch.setitem(
        sys.modules, "python_calamine", None
    )  # import python_calamine → ImportError
    assert reader_engine() == "openpyxl"
    r = check_file(write_xlsx(tmp_path / "a.xlsx", [lic()]), "licence", catalog, cal, TODAY)
    assert r.row_count == 1 and r.problems == []
    with pytest.raises(LedgerReadError) as e:
        check_file(write_xls(tmp_path / "b.xls", [lic()]), "licence", catalog, cal, TODAY)
    assert (
        "97-2003" in str(e.value)
        and "python-calamine" in str(e.value)
        and "Excel 工作簿(*.xlsx)" in str(e.value)
    )
    with pytest.raises(LedgerReadError, match=r"\.ods.*另存为 \.xlsx"):
        check_file(write_ods(tmp_path / "c.ods", [lic()]), "licence", catalog, cal, TODAY)
    assert (
        check_file(write_csv(tmp_path / "d.csv", [lic()]), "licence", catalog, cal, TODAY).row_count
        == 1
    )


def test_importing_the_app_and_cli_does_not_import_calamine() -> None:
    """启动不因新的读取库变慢：只有真正读台账时才导入 python_calamine。"""
    code = (
        "import sys\n"
        "import creditcheck.cli, creditcheck.cli.group, creditcheck.cli.ledger, screens.app, screens.checklist\n"
        "import exports.ledger_io, exports.workbook_read, exports.xlsx_write\n"
        "print('python_calamine' in sys.modules)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "False"


# ───────────── 各格式的细节 ─────────────


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_1904_workbook_dates_read_the_same(tmp_path: Path, engine: str) -> None:
    p = write_xlsx(tmp_path / "mac.xlsx", [lic()], epoch1904=True)
    with zipfile.ZipFile(p) as z:
        assert b'date1904="1"' in z.read("xl/workbook.xml")  # 真的是 1904 日期系统
    with open_ledger(p, engine=engine) as book:
        rows = dict(book.rows())
    got = rows[2][H.index("许可决定日期")]
    assert got == date(2026, 11, 2) or got == datetime(2026, 11, 2)


def test_excel_serial_number_in_a_general_cell_is_reported_the_same(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    """格式为“常规”的日期序号（46328）：两种读法、.xls 都报同一句“不是日期”。"""
    rows = [lic(许可决定日期=46328)]
    results = [
        check_file(write_xlsx(tmp_path / "a.xlsx", rows), "licence", catalog, cal, TODAY),
        check_file(write_xls(tmp_path / "a.xls", rows), "licence", catalog, cal, TODAY),
    ]
    os.environ[READER_ENV] = "openpyxl"
    try:
        results.append(check_file(tmp_path / "a.xlsx", "licence", catalog, cal, TODAY))
    finally:
        del os.environ[READER_ENV]
    msgs = [[(p.row, p.column, p.value, p.message) for p in r.problems] for r in results]
    assert msgs[0] == msgs[1] == msgs[2]
    assert msgs[0][0][:3] == (2, "许可决定日期", "46328") and "Excel 日期序号" in msgs[0][0][3]


def test_data_not_starting_in_column_a(tmp_path: Path, catalog: Catalog, cal: WorkCalendar) -> None:
    """表格从 C3 开始：列号（写批注用）与 openpyxl 读法一致。"""
    p = tmp_path / "off.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for c, v in enumerate(H, 3):
        ws.cell(row=3, column=c, value=v)
    for c, v in enumerate(lic(统一社会信用代码=GOOD.lower()), 3):
        ws.cell(row=4, column=c, value=v)
    wb.save(p)
    a = check_file(p, "licence", catalog, cal, TODAY)
    os.environ[READER_ENV] = "openpyxl"
    try:
        b = check_file(p, "licence", catalog, cal, TODAY)
    finally:
        del os.environ[READER_ENV]
    assert [tuple(x) for x in a.problems] == [tuple(x) for x in b.problems]
    assert a.problems[0].row == 4 and a.problems[0].col == 4  # E 列（0 起第4列）
    assert a.header_row == 3


def test_xls_merged_cells_and_hidden_sheet(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    import xlwt

    p = tmp_path / "m.xls"
    wb = xlwt.Workbook(encoding="utf-8")
    old = wb.add_sheet("旧数据")
    old.write(0, 0, "去年")
    old.visibility = 1  # 隐藏
    ws = wb.add_sheet("台账")
    for c, name in enumerate(H):
        ws.write(0, c, name)
    agency_col = H.index("许可机关")
    for r in range(1, 4):
        for c, v in enumerate(lic(行政许可决定文书号=f"{r}号")):
            if v is not None and c != agency_col:
                ws.write(r, c, v.date().isoformat() if isinstance(v, datetime) else v)
    ws.write_merge(1, 3, agency_col, agency_col, "某区行政审批服务局")
    wb.save(str(p))
    r = check_file(p, "licence", catalog, cal, TODAY, keep_rows=True)
    assert r.sheet == "台账" and any("隐藏的工作表：旧数据" in n for n in r.notes)
    merged = [(x.row, x.column) for x in r.problems if "合并单元格 N2:N4" in x.message]
    assert merged == [(3, "许可机关"), (4, "许可机关")]
    assert [rec["许可机关"] for rec in r.rows] == ["某区行政审批服务局"] * 3


def test_ods_picks_named_sheet(tmp_path: Path, catalog: Catalog, cal: WorkCalendar) -> None:
    p = write_ods(tmp_path / "a.ods", [lic()])
    assert detect_format(p) == "ods"
    with pytest.raises(LedgerReadError, match="没有名为“汇总”的工作表（现有：“台账”）"):
        check_file(p, "licence", catalog, cal, TODAY, sheet="汇总")
    assert check_file(p, "licence", catalog, cal, TODAY, sheet=" 台账 ").row_count == 1


def test_csv_encodings_and_platform_text_cells(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    p = write_csv(tmp_path / "gbk.csv", [lic()], encoding="gbk")
    with open_ledger(p) as book:
        assert book.notes == ["按 CSV 文本表格读取（GBK 编码）"]
        assert book.sheet == "gbk"
    # 平台为保留前导 0 写成 ="..." 的格；格里有换行的记录仍算一行
    text = (
        ",".join(H)
        + "\n"
        + ",".join(
            f'="{v}"'
            if h == "统一社会信用代码"
            else ('"某某\n食品"' if h == "行政相对人名称" else _text(v))
            for h, v in zip(H, lic(), strict=True)
        )
        + "\n"
        + ",".join(_text(v) for v in lic(行政许可决定文书号="2号"))
        + "\n"
    )
    q = tmp_path / "eq.csv"
    q.write_text(text, encoding="utf-8-sig")
    r = check_file(q, "licence", catalog, cal, TODAY, keep_rows=True)
    assert r.problems == [] and r.row_count == 2
    assert [rec["_row"] for rec in r.rows] == [2, 3]
    assert r.rows[0]["统一社会信用代码"] == GOOD and r.rows[0]["行政相对人名称"] == "某某\n食品"


def test_csv_undecodable_and_sheet_option(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    p = tmp_path / "bad.csv"
    p.write_bytes(b"a,b\n" * 1100 + b"\xff\xff\n")  # 开头像文字，后面既不是 UTF-8 也不是 GBK
    with pytest.raises(LedgerReadError, match="编码无法识别.*Excel 工作簿"):
        check_file(p, "licence", catalog, cal, TODAY)
    q = write_csv(tmp_path / "a.csv", [lic()])
    r = check_file(q, "licence", catalog, cal, TODAY, sheet="Sheet1")
    assert "CSV 文件只有一张表，已忽略指定的工作表“Sheet1”" in r.notes


def test_oversized_csv_is_refused_before_reading(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exports import xlsx_read

    p = write_csv(tmp_path / "big.csv", [lic(行政许可决定文书号=f"{i}号") for i in range(200)])
    monkeypatch.setattr(xlsx_read, "MAX_UNCOMPRESSED", 16 * 1024)
    with pytest.raises(LedgerReadError, match="超过 0 MiB 的上限"):
        check_file(p, "licence", catalog, cal, TODAY)


def test_text_file_with_xlsx_name_is_still_refused(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    p = tmp_path / "a.xlsx"
    p.write_text("行政相对人名称\n某公司\n", encoding="utf-8")
    with pytest.raises(LedgerReadError, match="文本文件"):
        check_file(p, "licence", catalog, cal, TODAY)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000, "WPS 专有格式"),
        ("a.et", b"\x00\x01garbage" * 50, "不是 Excel 工作簿"),
        ("a.xlsb", None, r"\.xlsb"),
        ("a.odt", None, "不是表格"),
    ],
)
def test_other_formats_are_refused_with_how_to_save_as_xlsx(
    tmp_path: Path,
    catalog: Catalog,
    cal: WorkCalendar,
    name: str,
    content: bytes | None,
    expected: str,
) -> None:
    p = tmp_path / name
    if content is not None:
        p.write_bytes(content)
    elif name.endswith(".xlsb"):
        with zipfile.ZipFile(p, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("xl/workbook.bin", b"\x00" * 10)
    else:
        with zipfile.ZipFile(p, "w") as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            z.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(LedgerReadError) as e:
        check_file(p, "licence", catalog, cal, TODAY)
    assert __import__("re").search(expected, str(e.value))
    assert "另存为" in str(e.value)


def test_password_protected_xls(tmp_path: Path, catalog: Catalog, cal: WorkCalendar) -> None:
    p = tmp_path / "secret.xls"
    p.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 512
    )
    with pytest.raises(LedgerReadError, match="密码"):
        check_file(p, "licence", catalog, cal, TODAY)


# ───────────── 标注副本 ─────────────


@pytest.mark.parametrize("fmt", ["xls", "ods", "csv-gbk", "et-xlsx"])
def test_annotated_copy_of_other_formats_is_an_xlsx(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar, fmt: str
) -> None:
    suffix, writer = FORMATS[fmt]
    src = writer(tmp_path / f"台账{suffix}", _rows())
    r = check_file(src, "licence", catalog, cal, TODAY)
    out = write_annotated(
        src, r.problems, tmp_path / "out.xlsx", sheet=r.sheet, header_row=r.header_row
    )
    assert out.suffix == ".xlsx"
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == H
    assert "含小写字母" in ws["C4"].comment.text
    assert ws["R6"].comment is not None and "迟报" in ws["R6"].comment.text
    assert wb.sheetnames[-1] == "问题汇总"
    # 标注副本再检查一次：结果不变
    again = check_file(out, "licence", catalog, cal, TODAY)
    assert [(p.row, p.column, p.message) for p in again.problems] == [
        (p.row, p.column, p.message) for p in r.problems
    ]


# ───────────── 不可信的输入 ─────────────


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=400), st.sampled_from([".csv", ".et", ".xls", ".ods", ".xlsx"]))
def test_hostile_bytes_never_crash(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar, data: bytes, suffix: str
) -> None:
    """任意字节、任意扩展名：要么检查出结果，要么一句中文说明，绝不抛出别的异常。"""
    p = tmp_path / f"x{suffix}"
    p.write_bytes(data)
    try:
        r = check_file(p, "licence", catalog, cal, TODAY)
    except LedgerReadError as e:
        assert str(e) and "\n" not in str(e)
    else:
        assert r.row_count >= 0


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.lists(st.text(max_size=12), max_size=len(H) + 2), max_size=6),
    st.sampled_from(["utf-8", "gbk", "utf-8-sig"]),
)
def test_hostile_csv_text_never_crashes(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar, rows: list[list[str]], enc: str
) -> None:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf).writerows([H, *rows])
    p = tmp_path / "h.csv"
    p.write_bytes(buf.getvalue().encode(enc, errors="replace"))
    try:
        check_file(p, "licence", catalog, cal, TODAY)
    except LedgerReadError as e:
        assert str(e) and "\n" not in str(e)


def test_module_lists_every_format() -> None:
    assert workbook_read.FORMATS == ("xlsx", "xls", "ods", "csv")


@pytest.mark.parametrize(
    ("writer", "engine"),
    [(write_xlsx, "calamine"), (write_xlsx, "openpyxl"), (write_ods, "calamine"), (write_csv, "")],
    ids=["xlsx-calamine", "xlsx-openpyxl", "ods-calamine", "csv"],
)
def test_blank_rows_and_the_empty_run_stop_are_the_same_for_every_reader(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    writer: Callable[[Path, list[list[Any]]], Path],
    engine: str,
) -> None:
    """三种读法共用一份逐行整理：只有空白文字的行不给，连续 1000 行空行后停止并说明。"""
    if engine:
        monkeypatch.setenv(READER_ENV, engine)
    blank = [None] * len(H)
    spaces = ["  "] + [None] * (len(H) - 1)
    rows = [lic(), spaces, blank] + [blank] * 1000 + [lic(行政许可决定文书号="后面的行")]
    suffix = {write_xlsx: ".xlsx", write_ods: ".ods", write_csv: ".csv"}[writer]
    path = writer(tmp_path / f"台账{suffix}", rows)
    with open_ledger(path) as book:
        seen = [row_no for row_no, _cells in book.rows()]
        notes = [n for n in book.notes if not n.startswith("按 CSV")]
    assert seen == [1, 2]
    assert notes == [
        "第3行起连续1000行都是空行，其后的行没有读取（若后面还有数据，请删去中间的空行）"
    ]
