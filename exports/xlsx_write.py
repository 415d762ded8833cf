"""写台账 Excel：空白模板、带批注的问题标注副本、科室月度工作台账（体系科汇总用）。

样式与各科室手工做的台账一致：表头加粗、浅色底、细边框、自动换行，首行冻结，列宽合适，
日期列按“yyyy-mm-dd”显示，枚举列（行政相对人类别、履约情况、问题类型……）有下拉选项。
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditcheck.ledger import (
    COUNT_LABELS,
    KINDS,
    LICENCE_CATEGORIES,
    RATE_LABELS,
    LedgerSpec,
    Problem,
    normalize_header,
    rate_lines,
    spec_for,
)

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from creditcheck.catalog import Catalog
    from creditcheck.models import SectionMonth

DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = "DDEBF7"
REQUIRED_FILL = "BDD7EE"
ERROR_FILL = "FFC7CE"
LATE_FILL = "FFEB9C"
SUMMARY_SHEET = "问题汇总"
OVERVIEW_SHEET = "概况"
TEMPLATE_ROWS = 2000
"""模板里预先设好日期格式与下拉选项的行数。"""


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    return {
        "font": Font(name="宋体", bold=True, size=11),
        "fill": PatternFill("solid", fgColor=HEADER_FILL),
        "required_fill": PatternFill("solid", fgColor=REQUIRED_FILL),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "align": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "body_font": Font(name="宋体", size=11),
    }


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def _header(
    ws: Worksheet, names: Sequence[str], widths: Sequence[int], required: Sequence[bool] = ()
) -> None:
    st = _styles()
    for i, name in enumerate(names, start=1):
        c = ws.cell(row=1, column=i, value=name)
        c.font = st["font"]
        c.fill = st["required_fill"] if (i - 1 < len(required) and required[i - 1]) else st["fill"]
        c.border = st["border"]
        c.alignment = st["align"]
        ws.column_dimensions[_letter(i)].width = widths[i - 1] if i - 1 < len(widths) else 16
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"


def _validations(ws: Worksheet, spec: LedgerSpec, last_row: int) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    for i, col in enumerate(spec.columns, start=1):
        letter = _letter(i)
        rng = f"{letter}2:{letter}{last_row}"
        if col.choices:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(col.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请从下拉选项中选择",
                error=f"{col.name}应为：{'、'.join(col.choices)}",
                promptTitle=col.name,
                prompt="请从下拉选项中选择",
                showInputMessage=True,
            )
        elif col.name == "许可类别":
            # 国家双公示标准的许可类别；只作提示，允许填写其他内容
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(LICENCE_CATEGORIES) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="information",
                error="不在常用许可类别中，请确认",
            )
        else:
            continue
        dv.add(rng)
        ws.add_data_validation(dv)


def _header_comments(ws: Worksheet, spec: LedgerSpec) -> None:
    from openpyxl.comments import Comment

    for i, col in enumerate(spec.columns, start=1):
        parts = ["必填" if col.required else "选填"]
        if col.is_date:
            parts.append("日期，如 2026-11-28")
        if col.choices:
            parts.append("可选：" + "、".join(col.choices))
        if col.type == "code":
            parts.append("18位统一社会信用代码，请设为文本格式")
        if col.hint:
            parts.append(col.hint)
        cm = Comment("；".join(parts), "creditcheck")
        cm.width, cm.height = 220, 90
        ws.cell(row=1, column=i).comment = cm


def _body_formats(ws: Worksheet, spec: LedgerSpec) -> None:
    """日期列设日期格式、代码列设文本格式（避免 18 位代码被 Excel 当成数字截断）。"""
    for i, col in enumerate(spec.columns, start=1):
        fmt = DATE_FORMAT if col.is_date else ("@" if col.type == "code" else None)
        if fmt is None:
            continue
        # 只设列格式：新填的格沿用它；不预先生成空格子（否则读回时是一大片“空行”）
        ws.column_dimensions[_letter(i)].number_format = fmt


def _ledger_sheet(ws: Worksheet, spec: LedgerSpec) -> None:
    _header(
        ws,
        [c.name for c in spec.columns],
        [c.width for c in spec.columns],
        [c.required for c in spec.columns],
    )
    _header_comments(ws, spec)


def _instructions(wb: Workbook, spec: LedgerSpec) -> None:
    ws = wb.create_sheet("填写说明")
    _header(ws, ["列名", "是否必填", "填写要求"], [26, 10, 70])
    for col in spec.columns:
        req = "必填" if col.required else "选填"
        notes = []
        if col.is_date:
            notes.append("日期：用 Excel 日期格式，或写作 2026-11-28、2026年11月28日")
        if col.type == "date-or-long":
            notes.append("也可填“长期”或留空")
        if col.past_only:
            notes.append("不能晚于填表当天")
        if col.type == "code":
            notes.append(
                "18位统一社会信用代码（大写字母与半角数字，不含 I、O、Z、S、V），单元格设为文本"
            )
        if col.choices:
            notes.append("从下拉选项中选：" + "、".join(col.choices))
        if col.hint:
            notes.append(col.hint)
        ws.append([col.name, req, "；".join(notes)])
    ws.append([])
    ws.append(
        [
            "说明",
            "",
            "表头须在第1行，列名与本模板一致（顺序可调，可增加其他列）；每一行一条记录，不要合并单元格。",
        ]
    )
    if spec.kind == "licence":
        ws.append(
            [
                "",
                "",
                "同一行政许可决定文书号只能出现一次；许可决定日期不晚于上报日期；有效期自不晚于有效期至。",
            ]
        )
    if spec.kind == "code-errors":
        ws.append(["", "", "每条重错码须在发现的当月处理完毕，处理后填写处理结果与处理日期。"])


def write_template(kind: str, out: Path | str, spec: LedgerSpec | None = None) -> Path:
    """空白台账模板：表头样式、列宽、首行冻结、日期格式、下拉选项，另附“填写说明”页。

    ``spec`` 为数据文件夹里的列定义（``creditcheck.ledger.load_ledger_specs``），默认内置。"""
    from openpyxl import Workbook

    spec = spec if spec is not None else spec_for(kind)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = spec.sheet_title
    _ledger_sheet(ws, spec)
    _body_formats(ws, spec)
    _validations(ws, spec, TEMPLATE_ROWS)
    _instructions(wb, spec)
    return _save(wb, out)


def _xlsx_name(out: Path | str) -> Path:
    """没有后缀时补上 .xlsx。"""
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx") if path.suffix == "" else path
    return path


def _save(wb: Workbook, out: Path | str) -> Path:
    """补上 .xlsx 后缀，再原子地写入（见 save_workbook）。"""
    return save_workbook(wb, _xlsx_name(out))


def save_workbook(wb: Workbook, path: Path | str) -> Path:
    """把工作簿原样写到 ``path``（缺的文件夹会建上）：先写同一文件夹里的临时文件再改名，
    中途失败不会留下半个文件，也不会毁掉同名旧文件。"""
    import os
    import tempfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".xlsx.tmp", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# ───────────────────────── 问题标注 ─────────────────────────


def write_annotated(
    src: Path | str,
    problems: Iterable[Problem],
    out: Path | str,
    *,
    sheet: str | None = None,
    header_row: int = 1,
) -> Path:
    """原工作簿的副本：每个有问题的格涂上警示色并加批注写明问题，另加一页“问题汇总”。"""
    import warnings

    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    from .workbook_read import detect_format

    plist = list(problems)
    fmt = detect_format(src)
    if fmt == "xlsx":
        fast = _annotate_fast(Path(src), plist, out, sheet)
        if fast is not None:
            return fast
    if fmt == "xlsx":
        with (
            warnings.catch_warnings(),
            Path(src).open("rb") as fh,
        ):  # 文件对象：.et 等扩展名 openpyxl 不认
            warnings.simplefilter("ignore")
            wb = load_workbook(fh)
    else:
        wb = _workbook_from_rows(Path(src), sheet)
    if sheet is not None and sheet in wb.sheetnames:
        ws = wb[sheet]
    else:
        visible = [w for w in wb.worksheets if w.sheet_state == "visible"]
        ws = visible[0] if visible else wb.worksheets[0]
    if SUMMARY_SHEET in wb.sheetnames:
        del wb[SUMMARY_SHEET]
    header_cols: dict[str, int] = {}
    for c in ws[header_row]:
        name = normalize_header(c.value)
        if name and name not in header_cols:
            header_cols[name] = c.column
    fills = {
        "error": PatternFill("solid", fgColor=ERROR_FILL),
        "late": PatternFill("solid", fgColor=LATE_FILL),
    }
    by_cell: dict[tuple[int, int], list[Problem]] = {}
    for p in plist:
        col = p.col + 1 if p.col is not None else header_cols.get(p.column, 1)
        by_cell.setdefault(_anchor(ws, p.row, col), []).append(p)
    for (r, c), ps in by_cell.items():
        cell = ws.cell(row=r, column=c)
        kind = "error" if any(p.kind == "error" for p in ps) else "late"
        cell.fill = fills[kind]
        text = "\n".join(f"{p.column}：{p.message}" for p in ps)
        old = cell.comment.text + "\n" if cell.comment is not None else ""
        cm = Comment(old + text, "creditcheck")
        cm.width, cm.height = 300, min(60 + 40 * len(ps), 400)
        cell.comment = cm
    _summary_sheet(wb, ws.title, plist, header_cols)
    return _save(wb, out)


def _annotate_fast(
    src: Path, problems: list[Problem], out: Path | str, sheet: str | None
) -> Path | None:
    """.xlsx 的标注副本：直接改部件（exports.xlsx_annotate），原子地写到 ``out``；结构不常见时返回 None。"""
    import os
    import tempfile

    from .xlsx_annotate import annotate_xlsx

    path = _xlsx_name(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".xlsx.tmp", dir=path.parent)
    os.close(fd)
    try:
        done = annotate_xlsx(
            src,
            problems,
            Path(tmp),
            sheet=sheet,
            summary_title=SUMMARY_SHEET,
            error_fill=ERROR_FILL,
            late_fill=LATE_FILL,
        )
        if done is None:
            Path(tmp).unlink(missing_ok=True)
            return None
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


_BAD_TITLE = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _workbook_from_rows(src: Path, sheet: str | None) -> Workbook:
    """.xls、.ods、.csv 的标注副本：把读到的值按原来的行列写进一个新的 .xlsx（原格式的样式不保留）。"""
    from datetime import datetime

    from openpyxl import Workbook

    from creditcheck.ledger import UNCACHED_FORMULA, Merged

    from .workbook_read import open_ledger

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    with open_ledger(src, sheet) as book:
        ws.title = (book.sheet.translate(_BAD_TITLE)[:31]).strip("'") or "台账"
        for row_no, cells in book.rows():
            for i, v in enumerate(cells, 1):
                if isinstance(v, Merged):
                    v = v.value
                if v is None or v == "" or v is UNCACHED_FORMULA:
                    continue
                cell = ws.cell(row=row_no, column=i, value=v)
                if isinstance(v, (date, datetime)):
                    cell.number_format = DATE_FORMAT
    return wb


def _anchor(ws: Worksheet, row: int, col: int) -> tuple[int, int]:
    """合并区域里被覆盖的格不能单独上色或加批注：改标在区域左上角。"""
    from openpyxl.cell.cell import MergedCell

    cell = ws.cell(row=row, column=col)
    if isinstance(cell, MergedCell):
        for rng in ws.merged_cells.ranges:
            if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
                return rng.min_row, rng.min_col
    return row, col


def _summary_sheet(
    wb: Workbook, sheet_title: str, problems: list[Problem], header_cols: dict[str, int]
) -> None:
    ws = wb.create_sheet(SUMMARY_SHEET)
    _header(ws, ["行号", "列", "单元格", "内容", "问题", "类别"], [8, 22, 10, 24, 70, 8])
    body = _styles()["body_font"]
    quoted = sheet_title.replace("'", "''")
    for p in problems:
        col = p.col + 1 if p.col is not None else header_cols.get(p.column, 1)
        ref = f"{_letter(col)}{p.row}"
        ws.append(
            [p.row, p.column, ref, p.value, p.message, "迟报/逾期" if p.kind == "late" else "问题"]
        )
        link = ws.cell(row=ws.max_row, column=3)
        link.hyperlink = f"#'{quoted}'!{ref}"
        link.style = "Hyperlink"
        for c in ws[ws.max_row]:
            if c.column != 3:
                c.font = body
    if not problems:
        ws.append(["", "", "", "", "没有发现问题"])
    ws.auto_filter.ref = f"A1:F{max(ws.max_row, 1)}"


# ───────────────────────── 科室月度工作台账 ─────────────────────────


def _cell_value(v: Any, is_date: bool) -> Any:
    if is_date and isinstance(v, str) and len(v) == 10:
        try:
            return date.fromisoformat(v)
        except ValueError:
            return v
    return v


def export_section_month_xlsx(
    catalog: Catalog,
    sm: SectionMonth,
    ledgers: dict[str, list[dict[str, Any]]],
    out: Path | str,
) -> Path:
    """一个科室一个月的工作台账：首页“概况”（计数与比率），之后每种台账一页。"""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    try:
        section_name = catalog.section_by_id(sm.section_id).name
    except Exception:  # noqa: BLE001 - 目录调整后科室可能已改名
        section_name = sm.section_id
    wb = Workbook()
    ov = wb.active
    assert ov is not None
    ov.title = OVERVIEW_SHEET
    ov["A1"] = f"{section_name} {sm.month.label} 信用工作台账"
    ov["A1"].font = Font(name="黑体", size=16, bold=True)
    ov.merge_cells("A1:J1")
    ov["A1"].alignment = Alignment(horizontal="center")
    ov.append(["科室", section_name])
    ov.append(["统计月份", sm.month.label])
    ov.append(["目录版本", sm.catalog_version])
    st = _styles()
    kinds = [k for k in KINDS if k in ledgers or k in sm.ledgers]
    if not kinds:
        ov.append(["（本月还没有导入台账）"])
    for kind in kinds:
        spec = spec_for(kind)
        s = sm.ledgers.get(kind, {})
        counts, rates = s.get("counts", {}), s.get("rates", {})
        ov.append([])
        ov.append([spec.title])
        title = ov.cell(row=ov.max_row, column=1)
        title.font, title.fill = st["font"], st["fill"]
        ov.append(["来源文件", s.get("file", "")])
        ov.append(["导入时间", str(s.get("imported_at", "")).replace("T", " ")])
        ov.append(["记录数", s.get("rows", len(ledgers.get(kind, [])))])
        for key, label in COUNT_LABELS[kind].items():
            if key == "decided" or counts.get(key) is None:
                continue
            ov.append([label, counts.get(key)])
        formula = (
            dict(zip(RATE_LABELS[kind], rate_lines(kind, counts, rates), strict=False))
            if counts
            else {}
        )
        for key, (name, _num, _den) in RATE_LABELS[kind].items():
            r = rates.get(key)
            if (
                counts
                and counts.get(
                    {"reported": "uploaded", "timely": "on_time", "compliant": "compliant"}[key]
                )
                is None
            ):
                continue
            ov.append([name, r if r is not None else "—", formula.get(key, "")])
            if r is not None:
                ov.cell(row=ov.max_row, column=2).number_format = "0.00%"
        ov.append(["问题数", s.get("problems", "")])
        if kind == "code-errors":
            ov.append(["未清理", s.get("open", "")])
    ov.column_dimensions["A"].width = 16
    ov.column_dimensions["B"].width = 26
    ov.column_dimensions["C"].width = 60
    for kind in kinds:
        spec = spec_for(kind)
        ws = wb.create_sheet(spec.sheet_title)
        names = [c.name for c in spec.columns] + ["检查结果"]
        _header(
            ws,
            names,
            [c.width for c in spec.columns] + [50],
            [c.required for c in spec.columns] + [False],
        )
        date_idx = [i for i, c in enumerate(spec.columns) if c.is_date]
        code_idx = [i for i, c in enumerate(spec.columns) if c.type == "code"]
        for rec in ledgers.get(kind, []):
            values = [_cell_value(rec.get(c.name, ""), c.is_date) for c in spec.columns]
            issues = rec.get("_issues") or []
            if issues:
                values.append(
                    "；".join(f"{i.get('column', '')}：{i.get('message', '')}" for i in issues)
                )
            else:
                n = rec.get("_problems", 0)
                values.append(f"{n}个问题" if n else "")
            ws.append(values)
            r = ws.max_row
            for i in date_idx:
                ws.cell(row=r, column=i + 1).number_format = DATE_FORMAT
            for i in code_idx:
                ws.cell(row=r, column=i + 1).number_format = "@"
        _validations(ws, spec, max(ws.max_row, 2))
        ws.auto_filter.ref = f"A1:{_letter(len(names))}{max(ws.max_row, 1)}"
    return _save(wb, out)
