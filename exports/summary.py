"""体系科月度汇总材料：“{局名}{YYYY年M月}信用状况监测工作情况汇总”（Word，另可导出同样表格的 Excel）。

内容全部来自 :class:`creditcheck.coordination.Overview`（与总览、排名界面同一口径）：

    一、总体情况        由数字生成的通报段落
    二、各科室完成情况  科室、应完成、已完成、逾期、得分、排名、审核状态
    三、各指标完成情况  每个指标在负责科室中的完成情况
    四、“双公示”数据质量  各负责科室的上报率、及时率、合规率（未导入台账的写“未导入”）
    五、逾期事项        按科室列出已过期限仍未完成的事项
    六、未报送科室      未提交或退回修改尚未重新提交的科室

:func:`summary_content` 只组织文字和表格（纯数据，便于测试）；:func:`write_summary_docx` 用
``docx_layout.OfficialDocument`` 排成公文版式，:func:`write_summary_xlsx` 写成工作簿。
python-docx 与 openpyxl 只在写文件时导入。
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from creditcheck.completion import scoring_rule_text
from creditcheck.coordination import Overview, SectionRow
from creditcheck.dates import format_datetime
from creditcheck.filenames import safe_file_name
from creditcheck.models import ReviewState

DEFAULT_BUREAU = "济南市历城区行政审批服务局"
TITLE_SUFFIX = "信用状况监测工作情况汇总"
RATE_FORMULAS = "上报率 = 已上报 ÷ 作出许可决定；及时率 = 按时上报 ÷ 已上报；合规率 = 通过校验 ÷ 已上报。"
NOT_IMPORTED = "未导入"


@dataclass
class Table:
    """一张表：表题、表头、数据行（都是文字）、列宽比例、每列对齐（l/c/r）、加底纹的行。"""

    key: str
    caption: str
    headers: list[str]
    rows: list[list[str]]
    widths: list[float]
    align: str
    shaded: list[int] = field(default_factory=list)
    empty_text: str = ""
    """没有数据行时在文档中写的一句话（此时不画表）。"""
    note: str = ""
    """表下的说明（口径、公式）。"""


@dataclass
class Part:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: Table | None = None


@dataclass
class SummaryContent:
    title: str
    title_parts: list[str]
    intro: str
    parts: list[Part]
    bulletin: str
    org: str
    day: date

    @property
    def tables(self) -> list[Table]:
        return [p.table for p in self.parts if p.table is not None]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def summary_title(bureau: str, overview: Overview) -> str:
    return f"{bureau or DEFAULT_BUREAU}{overview.month.label}{TITLE_SUFFIX}"


def default_file_name(bureau: str, overview: Overview, suffix: str = ".docx") -> str:
    return safe_file_name(summary_title(bureau, overview), fallback="信用状况监测汇总") + suffix


def _pct(r: float | None) -> str:
    return "—" if r is None else f"{100.0 * r:.1f}%"


def review_label(row: SectionRow) -> str:
    """“已提交（11月25日）”“审核通过（11月26日）”“退回修改”“未提交”。"""
    label = row.review.value
    action = {ReviewState.SUBMITTED: "submit", ReviewState.APPROVED: "approve"}.get(row.review)
    if action:
        at = next((h.at for h in reversed(row.record.history) if h.action == action), None)
        if at is not None:
            label += f"（{at.month}月{at.day}日）"
    return label


def _overview_table(ov: Overview) -> Table:
    rows = []
    shaded = []
    for n, r in enumerate(ov.ranking):
        rows.append([r.section.short, str(r.score.total), str(r.score.done), str(r.overdue_cells),
                     f"{r.score.weighted:.1f}", str(r.rank), review_label(r)])
        if r.overdue_cells:
            shaded.append(n)
    return Table(
        "overview", "表1　各科室完成情况",
        ["科室", "应完成", "已完成", "逾期", "得分", "排名", "审核状态"],
        rows, [26, 12, 12, 10, 13, 10, 35], "lcccccl", shaded,
        note=("应完成为本科室负责的指标数（不含不适用）；逾期为有事项已过期限仍未办结的指标数；"
              "排名先看得分，得分相同看按时完成率，两者都相同的并列。" + scoring_rule_text(ov.catalog)),
    )


def _indicator_table(ov: Overview) -> Table:
    rows, shaded = [], []
    for n, c in enumerate(ov.indicators):
        rows.append([str(c.indicator.id), c.indicator.short, str(c.assigned), str(c.required), str(c.done),
                     str(c.overdue), c.rate_label])
        if c.overdue:
            shaded.append(n)
    return Table(
        "indicators", "表2　各指标完成情况",
        ["序号", "指标", "负责科室", "应完成", "已完成", "逾期", "完成率"],
        rows, [10, 50, 16, 12, 12, 9, 15], "clccccc", shaded,
        note="应完成为负责科室数减去本月不适用的科室数；完成率 = 已完成 ÷ 应完成。",
    )


def _fig(v: Any) -> str:
    return "—" if v is None else str(v)


def _rate(rates: dict[str, Any], key: str, num: Any, den: Any) -> str:
    """“9/10（90.0%）”；分母为 0 时“无法计算”，台账没有这一项时“—”。"""
    v = rates.get(key)
    if not isinstance(v, (int, float)):
        return "无法计算（分母为0）" if den == 0 else "—"
    return f"{_fig(num)}/{_fig(den)}（{_pct(v)}）"


def _licence_table(ov: Overview) -> Table:
    rows, shaded = [], []
    for r in ov.rows:
        if not any(i.ledger == "licence" for i in ov.catalog.assigned(r.section_id)):
            continue
        lic = r.record.ledgers.get("licence")
        if not isinstance(lic, dict) or not lic:
            rows.append([r.section.name, NOT_IMPORTED, NOT_IMPORTED, NOT_IMPORTED, NOT_IMPORTED, NOT_IMPORTED])
            continue
        raw_counts, raw_rates = lic.get("counts"), lic.get("rates")
        counts: dict[str, Any] = raw_counts if isinstance(raw_counts, dict) else {}
        rates: dict[str, Any] = raw_rates if isinstance(raw_rates, dict) else {}

        decided, uploaded = counts.get("decided"), counts.get("uploaded")
        row = [r.section.name, _fig(decided), _fig(uploaded),
               _rate(rates, "reported", uploaded, decided),
               _rate(rates, "timely", counts.get("on_time"), uploaded),
               _rate(rates, "compliant", counts.get("compliant"), uploaded)]
        if any(isinstance(rates.get(k), (int, float)) and rates[k] < 1 for k in ("reported", "timely", "compliant")):
            shaded.append(len(rows))
        rows.append(row)
    return Table(
        "licence", "表3　“双公示”数据质量",
        ["科室", "许可决定", "已上报", "上报率", "及时率", "合规率"],
        rows, [36, 14, 14, 22, 22, 22], "lccccc", shaded,
        empty_text="目录中没有负责“双公示”的科室。",
        note=RATE_FORMULAS + "“未导入”表示该科室本月尚未导入“双公示”台账。",
    )


def _overdue_table(ov: Overview) -> Table:
    rows = []
    for r in ov.overdue_by_section:
        for o in r.overdue:
            rows.append([r.section.name, f"{o.indicator_id}. {ov.catalog.indicator(o.indicator_id).short}",
                         o.what, o.due_label])
    return Table(
        "overdue", "表4　逾期事项",
        ["科室", "指标", "事项", "期限"],
        rows, [30, 40, 60, 22], "lllc",
        empty_text="本月各科室均无逾期事项。",
        note="逾期事项指已过有效期限（遇非工作日提前到此前最后一个工作日）仍未完成的事项。",
    )


def _not_submitted_table(ov: Overview) -> Table:
    rows = []
    for r in ov.not_submitted:
        if r.review is ReviewState.RETURNED:
            state = "退回修改，尚未重新提交"
            comment = r.record.last_return_comment or ""
            for h in reversed(r.record.history):
                if h.action in ("return", "reopen"):
                    comment = h.comment
                    break
            detail = f"意见：{comment}" if comment else ""
        else:
            state = "未提交"
            detail = "" if r.stored else "本月没有记录"
        rows.append([r.section.name, state, detail])
    return Table(
        "not_submitted", "表5　未报送科室",
        ["科室", "状态", "说明"],
        rows, [40, 40, 60], "lll",
        empty_text="本月各科室均已报送。",
    )


def summary_content(ov: Overview, bureau: str, day: date, org: str = "") -> SummaryContent:
    """汇总材料的全部文字与表格。``org`` 为落款（默认目录中的牵头科室全称）。"""
    bureau = bureau or DEFAULT_BUREAU
    title = summary_title(bureau, ov)
    coordinator = ov.catalog.coordinator
    org = org or (coordinator.name if coordinator else bureau)
    source = f"（{ov.catalog.source}）" if ov.catalog.source else ""
    intro = (f"统计月份：{ov.month.label}；统计截至：{format_datetime(ov.now)}；"
             f"指标目录版本：{ov.catalog.version}{source}。")
    parts = [
        Part("总体情况", [ov.bulletin]),
        Part("各科室完成情况", table=_overview_table(ov)),
        Part("各指标完成情况", table=_indicator_table(ov)),
        Part("“双公示”数据质量", table=_licence_table(ov)),
        Part("逾期事项", table=_overdue_table(ov)),
        Part("未报送科室", table=_not_submitted_table(ov)),
    ]
    return SummaryContent(title, [bureau, f"{ov.month.label}{TITLE_SUFFIX}"], intro, parts, ov.bulletin, org, day)


# ───────────────────────── Word ─────────────────────────


def write_summary_docx(content: SummaryContent, path: Path, *, font_profile: str = "standard",
                       template: Path | None = None) -> Path:
    """按 GB/T 9704 版式写 Word 汇总材料（临时文件 + os.replace）。"""
    from .docx_layout import OfficialDocument

    doc = OfficialDocument(font_profile, template=template)
    doc.set_properties(title=content.title, author=content.org, subject="信用状况监测工作情况汇总")
    doc.title(content.title_parts)
    doc.paragraph(content.intro)
    for part in content.parts:
        doc.heading(1, part.heading)
        for text in part.paragraphs:
            doc.paragraph(text)
        t = part.table
        if t is None:
            continue
        if not t.rows:
            doc.paragraph(t.empty_text)
            continue
        doc.caption(t.caption)
        doc.table(t.headers, t.rows, widths=t.widths, align=t.align, shaded=t.shaded)
        if t.note:
            doc.paragraph(t.note)
    doc.signature(content.org, when=content.day)
    return doc.save(Path(path))


# ───────────────────────── Excel ─────────────────────────

SHEET_NAMES = {
    "overview": "各科室完成情况",
    "indicators": "各指标完成情况",
    "licence": "双公示数据质量",
    "overdue": "逾期事项",
    "not_submitted": "未报送科室",
}
HEADER_FILL = "DDEBF7"
SHADE_FILL = "FFEB9C"


def _number(text: str) -> Any:
    """能当数字的文字写成数字（便于在 Excel 里排序求和），百分比保留文字。"""
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return text


def _col_width(texts: Sequence[str]) -> float:
    """列宽（Excel 的字符数）：最长一格的宽度，汉字按 2 计；限制在 8 到 60 之间。"""
    from .docx_layout import text_width

    longest = max((text_width(t) for t in texts if t), default=4.0)
    return max(8.0, min(60.0, longest * 2 + 2))


def write_summary_xlsx(content: SummaryContent, path: Path) -> Path:
    """同样的表格写成工作簿：第一张为“通报”，其后每张表一个工作表（表头加粗、底色、冻结）。"""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from .xlsx_write import save_workbook

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font = Font(name="宋体", bold=True, size=11)
    body_font = Font(name="宋体", size=11)
    head_fill = PatternFill("solid", fgColor=HEADER_FILL)
    shade = PatternFill("solid", fgColor=SHADE_FILL)
    wrap = Alignment(vertical="center", wrap_text=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    wb = Workbook()
    ws = wb.active
    ws.title = "通报"
    ws["A1"] = content.title
    ws["A1"].font = Font(name="宋体", bold=True, size=14)
    ws["A2"] = content.intro
    ws["A3"] = content.bulletin
    for cell in ("A2", "A3"):
        ws[cell].font = body_font
        ws[cell].alignment = Alignment(vertical="top", wrap_text=True)
    ws.column_dimensions["A"].width = 100
    ws.row_dimensions[3].height = max(60, 15 * (len(content.bulletin) // 45 + 1))

    for t in content.tables:
        ws = wb.create_sheet(SHEET_NAMES.get(t.key, t.key)[:31])
        for c, h in enumerate(t.headers, start=1):
            cell = ws.cell(row=1, column=c, value=h)
            cell.font, cell.fill, cell.border, cell.alignment = head_font, head_fill, border, center
        for r, row in enumerate(t.rows, start=2):
            for c, v in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c, value=_number(v))
                cell.font, cell.border = body_font, border
                cell.alignment = center if t.align[c - 1 : c] == "c" else wrap
                if (r - 2) in t.shaded:
                    cell.fill = shade
        if not t.rows and t.empty_text:
            ws.cell(row=2, column=1, value=t.empty_text).font = body_font
        for c, h in enumerate(t.headers, start=1):
            col = [h] + [row[c - 1] for row in t.rows]
            ws.column_dimensions[get_column_letter(c)].width = _col_width(col)
        ws.row_dimensions[1].height = 24
        ws.freeze_panes = "A2"
        if t.note:
            note_row = len(t.rows) + 3
            ws.cell(row=note_row, column=1, value="说明：" + t.note).font = Font(name="宋体", size=10, italic=True)

    return save_workbook(wb, path)


def export_summary(ov: Overview, out: Path, *, bureau: str, day: date | datetime, xlsx: bool = False,
                   font_profile: str = "standard", template: Path | None = None) -> Path:
    """导出汇总材料：``xlsx`` 为真时写工作簿，否则写 Word。"""
    d = day.date() if isinstance(day, datetime) else day
    content = summary_content(ov, bureau, d)
    if xlsx:
        return write_summary_xlsx(content, out)
    return write_summary_docx(content, out, font_profile=font_profile, template=template)
