"""模糊测试：随机的行与畸形单元格、随机写出的 .xlsx、被破坏的文件——只允许两种结局：
得到检查结果，或一条 LedgerReadError（中文说明）；绝不漏出其他异常。"""

from __future__ import annotations

import io
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_helpers import GOOD, TODAY, H, lic

from creditcheck.catalog import load_builtin
from creditcheck.ledger import (
    SPECS,
    UNCACHED_FORMULA,
    LedgerReadError,
    LedgerResult,
    Merged,
    check_rows,
    rows_from_lists,
)
from creditcheck.workcal import load_calendar
from exports.ledger_io import check_file

# 想跑得更深：LEDGER_FUZZ=20 pytest tests/test_ledger_fuzz.py（例数乘以 20）
SCALE = int(os.environ.get("LEDGER_FUZZ", "1"))
CATALOG = load_builtin()
CAL = load_calendar(None)

PLAIN = st.one_of(
    st.none(),
    st.text(max_size=24),
    st.sampled_from(
        [
            GOOD,
            GOOD.lower(),
            "长期",
            "自然人",
            "个体工商户",
            "已履约",
            "重码",
            "2026-11-02",
            "2026年2月30日",
            "11-28",
            "今天",
            "20261102",
            "  ",
            "\u3000",
            "９１３５",
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    st.dates(),
    st.times(),
    st.timedeltas(),
    st.booleans(),
)
CELL = st.one_of(PLAIN, st.just(UNCACHED_FORMULA), st.builds(Merged, PLAIN, st.just("A2:A3")))


def _invariants(r: LedgerResult) -> None:
    c = r.counts
    assert c["decided"] == r.row_count
    assert 0 <= c["compliant"] <= c["uploaded"] <= c["decided"]  # type: ignore[operator]
    if c["on_time"] is not None:
        assert 0 <= c["on_time"] <= c["uploaded"]  # type: ignore[operator]
    for v in r.rates.values():
        assert v is None or 0.0 <= v <= 1.0
    names = {col.name for col in SPECS[r.kind].columns}
    for p in r.problems:
        assert p.row > r.header_row and p.column in names and p.message
    json.dumps(r.to_json(), ensure_ascii=False)
    json.dumps(r.rows, ensure_ascii=False)


@settings(max_examples=300 * SCALE, deadline=None)
@given(
    kind=st.sampled_from(sorted(SPECS)),
    header=st.one_of(
        st.none(),
        st.lists(
            st.one_of(st.sampled_from(H + ["承诺主体名称", "发现日期", "序号"]), PLAIN), max_size=22
        ),
    ),
    rows=st.lists(st.lists(CELL, max_size=22), max_size=12),
)
def test_generated_rows_never_crash(
    kind: str, header: list[Any] | None, rows: list[list[Any]]
) -> None:
    head = [c.name for c in SPECS[kind].columns] if header is None else header
    try:
        r = check_rows(
            rows_from_lists([head, *rows]),
            kind,
            today=TODAY,
            cal=CAL,
            catalog=CATALOG,
            keep_rows=True,
        )
    except LedgerReadError as e:
        assert str(e)
        return
    _invariants(r)


XLSX_CELL = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.sampled_from([GOOD, "长期", "自然人", "2026-11-02", "=1/0", "=A2", '=CONCAT("a","b")']),
)


@settings(max_examples=25 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(XLSX_CELL, max_size=20), max_size=8),
    merge=st.booleans(),
    hide=st.booleans(),
)
def test_generated_workbooks_never_crash(rows: list[list[Any]], merge: bool, hide: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(H)
        ws.append(lic())
        for r in rows:
            ws.append(r)
        if merge:
            ws.merge_cells("A2:B4")
        if hide:
            wb.create_sheet("其他").sheet_state = "hidden"
        wb.save(path)
        try:
            r = check_file(path, "licence", CATALOG, CAL, TODAY, keep_rows=True)
        except LedgerReadError as e:
            assert str(e)
            return
        _invariants(r)


def _valid_bytes() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(H)
    for i in range(3):
        ws.append(lic(行政许可决定文书号=f"{i}号"))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


VALID = _valid_bytes()


@settings(max_examples=60 * SCALE, deadline=None)
@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(VALID) - 1), st.integers(0, 255)),
        max_size=8,
    ),
    cut=st.one_of(st.none(), st.integers(min_value=0, max_value=len(VALID))),
)
def test_damaged_files_never_crash(edits: list[tuple[int, int]], cut: int | None) -> None:
    data = bytearray(VALID)
    for pos, byte in edits:
        data[pos] = byte
    if cut is not None:
        data = data[:cut]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "damaged.xlsx"
        path.write_bytes(bytes(data))
        try:
            r = check_file(path, "licence", CATALOG, CAL, TODAY)
        except LedgerReadError as e:
            assert str(e)
            return
        _invariants(r)
