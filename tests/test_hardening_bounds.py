"""范围与大小在动手之前检查：规则数字、支持的年份、只读普通文件、节假日文件与台账工作簿的大小和行数。"""

from __future__ import annotations

import os
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from creditcheck.cli import main
from creditcheck.dates import MAX_YEAR, MIN_YEAR, check_year
from creditcheck.errors import InputError
from creditcheck.ledger import LedgerReadError
from creditcheck.rules import MAX_N, DeadlineRule, compute_due
from exports.input_safety import (
    MAX_LEDGER_ROWS,
    inspect_workbook,
    read_limited,
    regular_file,
)

fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="没有命名管道")


def _run(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(main, list(args))
    assert "Traceback" not in r.output, r.output
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise AssertionError(f"{type(r.exception).__name__}: {r.exception}\n{r.output}")
    return r.exit_code, r.output


# ───────────── 规则与年份 ─────────────


@pytest.mark.parametrize(
    "text,limit",
    [
        ("working-days:99999999", MAX_N["working-days"]),
        ("natural-days:99999999999", MAX_N["natural-days"]),
        ("hours:99999999999999", MAX_N["hours"]),
        ("working-days:" + "9" * 5000, MAX_N["working-days"]),
        ("quota:" + "9" * 5000 + "/year", MAX_N["quota"]),
    ],
)
def test_rule_numbers_are_bounded_before_the_work(text: str, limit: int) -> None:
    with pytest.raises(InputError, match=f"数字过大，最多 {limit}"):
        DeadlineRule.parse(text)


def test_rules_at_the_limit_still_compute(cal) -> None:
    for kind in ("working-days", "natural-days", "hours"):
        rule = DeadlineRule.parse(f"{kind}:{MAX_N[kind]}")
        due = compute_due(date(2026, 9, 30), rule, cal)
        assert due.due.year <= 2026 + 11


@pytest.mark.parametrize("start", ["9999-12-31", "1000-01-01"])
def test_due_outside_supported_years_is_refused(start: str) -> None:
    code, out = _run("due", start, "--rule", "working-days:3")
    assert code == 2 and f"超出支持的范围（{MIN_YEAR}—{MAX_YEAR}年）" in out


def test_due_hang_case_now_refused_at_once() -> None:
    code, out = _run("due", "2026-09-30", "--rule", "working-days:99999999")
    assert code == 2 and "数字过大" in out


@pytest.mark.parametrize("year", ["99999", "0", "1989", "2200"])
def test_calendar_show_outside_supported_years(year: str) -> None:
    code, out = _run("calendar", "show", year)
    assert code == 2 and "超出支持的范围" in out


def test_check_year_edges() -> None:
    assert check_year(MIN_YEAR) == MIN_YEAR and check_year(MAX_YEAR) == MAX_YEAR
    with pytest.raises(InputError):
        check_year(MAX_YEAR + 1)


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["working-days", "natural-days", "hours", "monthly", "quota"]),
    digits=st.text(alphabet="0123456789", min_size=1, max_size=40),
    start=st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31)),
)
def test_any_rule_number_either_parses_and_computes_or_is_refused(
    cal, kind: str, digits: str, start: date
) -> None:
    text = f"{kind}:{digits}" + ("/year" if kind == "quota" else "")
    try:
        rule = DeadlineRule.parse(text)
    except InputError:
        return
    compute_due(start, rule, cal)


# ───────────── 只读普通文件 ─────────────


@fifo_only
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "台账.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="命名管道"):
        regular_file(fifo)
    code, out = _run("ledger", "check", str(fifo))
    assert code == 2 and "命名管道" in out
    csv = tmp_path / "2027.csv"
    os.mkfifo(csv)
    code, out = _run("calendar", "import", str(csv))
    assert code == 2 and "命名管道" in out


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="没有 /dev/zero")
def test_device_is_refused_at_once(tmp_path: Path) -> None:
    code, out = _run("calendar", "import", "/dev/zero")
    assert code == 2 and "设备" in out
    code, out = _run("ledger", "check", "/dev/zero")
    assert code == 2 and "设备" in out


def test_directory_and_size_limits(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="文件夹"):
        regular_file(tmp_path)
    big = tmp_path / "2027.csv"
    big.write_bytes(b"2027-01-01,\xe6\x94\xbe\xe5\x81\x87\n" * 100_000)
    with pytest.raises(InputError, match="超过上限"):
        read_limited(big, 1024 * 1024, "节假日文件")
    code, out = _run("calendar", "import", str(big))
    assert code == 2 and "超过上限" in out
    assert not (tmp_path / "data" / "calendar").exists()


# ───────────── 工作簿：先看清单再读 ─────────────


def _workbook(
    path: Path, sheet_xml_chunks, *, dimension: str | None = None, shared: int = 0
) -> Path:
    """最小的 .xlsx：一张工作表（XML 分块写入，省内存），可选很大的共享字符串表。"""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"/>',
        )
        zf.writestr(
            "xl/workbook.xml",
            '<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships><Relationship Id="rId1" Type="x/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b"<worksheet>")
            if dimension:
                f.write(f'<dimension ref="A1:{dimension}"/>'.encode())
            f.write(b"<sheetData>")
            for chunk in sheet_xml_chunks:
                f.write(chunk)
            f.write(b"</sheetData></worksheet>")
        if shared:
            with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
                f.write(b"<sst>")
                block = b"<si><t>" + b"x" * 1000 + b"</t></si>"
                for _ in range(shared // len(block)):
                    f.write(block)
                f.write(b"</sst>")
    return path


def _rows(n: int, start: int = 1):
    batch = []
    for i in range(start, start + n):
        batch.append(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>'.encode())
        if len(batch) == 20_000:
            yield b"".join(batch)
            batch = []
    if batch:
        yield b"".join(batch)


def test_huge_sheet_refused_with_the_numbers(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "大台账.xlsx", _rows(MAX_LEDGER_ROWS + 10), dimension="T1048575")
    with pytest.raises(LedgerReadError) as ei:
        inspect_workbook(book, error=LedgerReadError)
    msg = str(ei.value)
    assert "1,048,575 行" in msg and f"{MAX_LEDGER_ROWS:,} 行的上限" in msg
    code, out = _run("ledger", "import", str(book), "--section", "商事登记科", "--month", "2026-11")
    assert code == 2 and "上限" in out


def test_huge_sheet_without_dimension_is_counted(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "大台账.xlsx", _rows(1001))
    with pytest.raises(InputError, match="超过 1,000 行"):
        inspect_workbook(book, max_rows=1000)
    inspect_workbook(book, max_rows=1001)


def test_formatted_but_empty_rows_are_not_counted(tmp_path: Path) -> None:
    empty = (b'<row r="%d" s="1" customFormat="1"/>' % i for i in range(20, 3000))
    book = _workbook(
        tmp_path / "格式到底.xlsx", iter([*_rows(10), b"".join(empty)]), dimension="T1048575"
    )
    inspect_workbook(book, max_rows=100)  # 只有 10 行有值：照常读
    code, out = _run("ledger", "check", str(book))
    assert "上限" not in out


def test_shared_strings_bomb_refused_before_reading(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "炸弹.xlsx", _rows(20), dimension="A20", shared=190 * 1024 * 1024)
    assert book.stat().st_size < 5 * 1024 * 1024
    with pytest.raises(InputError, match="共享字符串表") as ei:
        inspect_workbook(book)
    assert "190" in str(ei.value) or "189" in str(ei.value)
