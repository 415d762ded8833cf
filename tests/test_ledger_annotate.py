"""标注副本的快速写法（exports.xlsx_annotate）：只改必要的部件，原有格式、批注、其他工作表都保留；
不常见的结构改用 openpyxl 完整读写，结果一样。每个测试都用 openpyxl 读回真实文件核对。"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from ledger_helpers import GOOD, TODAY, H, lic
from openpyxl.comments import Comment
from openpyxl.styles import Font

from creditcheck.catalog import Catalog
from creditcheck.workcal import WorkCalendar
from exports import xlsx_annotate
from exports.ledger_io import check_file
from exports.xlsx_write import write_annotated, write_template

ROWS = [
    lic(),
    lic(统一社会信用代码=GOOD.lower()),
    lic(行政许可决定文书号="2号", 上报日期="2026-11-20", 许可类别=None),
]


@pytest.fixture
def fast_calls(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """记下快速写法每次是否成功（True）或改用了 openpyxl（False）。"""
    calls: list[bool] = []
    orig = xlsx_annotate.annotate_xlsx

    def spy(*a, **kw):  # type: ignore[no-untyped-def]
        out = orig(*a, **kw)
        calls.append(out is not None)
        return out

    monkeypatch.setattr(xlsx_annotate, "annotate_xlsx", spy)
    return calls


def _filled_template(path: Path) -> Path:
    write_template("licence", path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for r, row in enumerate(ROWS, 2):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(row=r, column=c, value=v)
    ws["A3"].font = Font(b=True, color="FF0000")
    ws["C3"].font = Font(i=True)
    wb.save(path)
    return path


def test_filled_template_keeps_its_header_notes_styles_and_sheets(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar, fast_calls: list[bool]
) -> None:
    src = _filled_template(tmp_path / "模板.xlsx")
    r = check_file(src, "licence", catalog, cal, TODAY)
    out = write_annotated(
        src, r.problems, tmp_path / "标注", sheet=r.sheet, header_row=r.header_row
    )
    assert fast_calls == [True] and out.name == "标注.xlsx"
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["双公示（行政许可）", "填写说明", "问题汇总"]
    ws = wb["双公示（行政许可）"]
    # 模板原有的：表头批注、列宽、冻结、下拉选项、单元格字体
    assert "必填" in ws["A1"].comment.text and ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 28
    assert any("普通" in (dv.formula1 or "") for dv in ws.data_validations.dataValidation)
    assert ws["A3"].font.b is True and ws["C3"].font.i is True
    # 新加的：涂色与批注（问题格原有的斜体保留）
    assert ws["C3"].fill.fgColor.rgb.endswith("FFC7CE") and "含小写字母" in ws["C3"].comment.text
    assert ws["R4"].fill.fgColor.rgb.endswith("FFEB9C") and "迟报" in ws["R4"].comment.text
    assert (
        ws["G4"].fill.fgColor.rgb.endswith("FFC7CE")
        and ws["G4"].comment.text == "许可类别：必填项为空"
    )
    assert [c.value for c in ws[4]][:6] == ROWS[2][:6] and ws["H4"].value == ROWS[2][
        7
    ]  # 补上的空格没有挪动别的格
    assert ws["A2"].comment is None and ws["A2"].fill.fgColor.rgb in ("00000000", None)
    summary = wb["问题汇总"]
    rows = [[c.value for c in row] for row in summary.iter_rows(min_row=2)]
    assert [(x[0], x[1], x[2]) for x in rows] == [
        (
            p.row,
            p.column,
            f"{'CFGR'[('统一社会信用代码', '行政许可决定文书号', '许可类别', '上报日期').index(p.column)]}{p.row}",
        )
        for p in r.problems
    ]
    assert summary["C2"].hyperlink.location == "'双公示（行政许可）'!C3"
    assert summary["A1"].font.b is True
    # 再检查一次：问题不变
    again = check_file(out, "licence", catalog, cal, TODAY)
    assert [(p.row, p.column, p.message) for p in again.problems] == [
        (p.row, p.column, p.message) for p in r.problems
    ]


def test_existing_note_on_a_problem_cell_is_kept_and_extended(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar, fast_calls: list[bool]
) -> None:
    src = tmp_path / "a.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(H)
    for row in ROWS:
        ws.append(row)
    ws["C3"].comment = Comment("王五：代码待核实", "王五")
    wb.save(src)
    r = check_file(src, "licence", catalog, cal, TODAY)
    out = write_annotated(src, r.problems, tmp_path / "o.xlsx")
    assert fast_calls == [True]
    ws = openpyxl.load_workbook(out).active
    assert ws["C3"].comment.text.startswith("王五：代码待核实\n统一社会信用代码：")


def test_annotating_an_annotated_copy_falls_back_and_keeps_one_summary(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar, fast_calls: list[bool]
) -> None:
    src = tmp_path / "a.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "台账"
    ws.append(H)
    for row in ROWS:
        ws.append(row)
    wb.save(src)
    r = check_file(src, "licence", catalog, cal, TODAY)
    once = write_annotated(src, r.problems, tmp_path / "1.xlsx")
    twice = write_annotated(once, r.problems, tmp_path / "2.xlsx")
    assert fast_calls == [True, False]  # 已有“问题汇总”页：改用 openpyxl
    wb2 = openpyxl.load_workbook(twice)
    assert wb2.sheetnames == ["台账", "问题汇总"]
    assert wb2["台账"]["C3"].comment.text.count("含小写字母") == 2


def test_merged_problem_cell_is_marked_at_the_anchor(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar, fast_calls: list[bool]
) -> None:
    src = tmp_path / "m.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(H)
    for i in range(3):
        ws.append(lic(行政许可决定文书号=f"{i}号"))
    ws.merge_cells("N2:N4")
    wb.save(src)
    r = check_file(src, "licence", catalog, cal, TODAY)
    out = write_annotated(src, r.problems, tmp_path / "o.xlsx")
    assert fast_calls == [True]
    ws = openpyxl.load_workbook(out).active
    assert ws["N2"].comment.text.count("合并单元格") == 2 and ws["N2"].fill.fgColor.rgb.endswith(
        "FFC7CE"
    )
