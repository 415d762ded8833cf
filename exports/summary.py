"""体系科月度汇总材料，两种形式（Word，另可导出同样表格的 Excel）：

- ``to="区信用办"``：“{局名}关于{YYYY年M月}信用状况监测工作情况的报告”，主送区信用办，以局的名义落款；
- ``to="各科室"``：“{体系科全称}关于{YYYY年M月}信用状况监测工作情况的通报”，主送局（中心）各科室，
  由体系科落款。

内容全部来自 :class:`creditcheck.coordination.Overview`（与总览、排名界面同一口径）：

    一、总体情况        由数字生成的一段话
    二、各科室完成情况  科室、应完成、已完成、逾期、得分、按时完成率、局内排名、审核状态
    三、各指标完成情况  每个指标在负责科室中的完成情况
    四、“双公示”数据质量  各负责科室的上报率、及时率、合规率（未导入台账的写“未导入”）
    五、逾期事项        按科室列出已过期限仍未完成的事项
    六、未报送科室      未提交或退回修改尚未重新提交的科室

有数据行的表才画出来，按出现顺序编为表1……表N；表下的“注”写明口径：哪些期限遇节假日提前
（只有“每月26日前”），两种“及时率”各指什么，排名是本局内部排名及其规则。

:func:`summary_content` 只组织文字和表格（纯数据，便于测试）；:func:`write_summary_docx` 用
``docx_layout.OfficialDocument`` 排成公文版式，:func:`write_summary_xlsx` 写成工作簿。
python-docx 与 openpyxl 只在写文件时导入。
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from creditcheck.catalog import Catalog
from creditcheck.completion import scoring_rule_text
from creditcheck.coordination import Overview, SectionRow, bulletin
from creditcheck.dates import format_datetime
from creditcheck.filenames import safe_file_name
from creditcheck.models import ReviewState
from creditcheck.records import dataclass
from creditcheck.rules import RuleKind

DEFAULT_BUREAU = "济南市历城区行政审批服务局"
NOT_IMPORTED = "未导入"


def deadline_note(catalog: Catalog) -> str:
    """哪些期限遇节假日移动：只有按月报送的（如“每月26日前”），提前到此前最后一个工作日。规则取自目录。"""
    monthly = sorted(
        {
            r.rule.label
            for i in catalog.indicators
            for r in i.rules
            if r.rule.kind is RuleKind.MONTHLY
        }
    )
    named = "、".join(f"“{m}”" for m in monthly) or "按月报送"
    return (
        f"期限：只有按月报送的{named}遇法定节假日或休息日时提前到此前最后一个工作日；"
        "按自然日、小时计的期限不因节假日调整，按工作日计的期限本身只计工作日，"
        "“当月内”“年底前”以月末、年末为期限。"
    )


def licence_rule_label(catalog: Catalog) -> str:
    """“双公示”按时上报的期限（目录中许可决定的规则），如“15个自然日内”。"""
    for i in catalog.indicators:
        if i.ledger == "licence":
            spec = i.rule_for_event("licence")
            if spec is not None:
                return spec.rule.label
    return "规定期限内"


@dataclass
class Table:
    """一张表：表题、表头、数据行（都是文字）、列宽比例、每列对齐（l/c/r）、加底纹的行。

    ``caption`` 是不带编号的表题；``number`` 在 :func:`summary_content` 里按出现顺序编好
    （没有数据行、不画出来的表为 0）。
    """

    key: str
    caption: str
    headers: list[str]
    rows: list[list[str]]
    widths: list[float]
    align: str
    shaded: list[int] = field(default_factory=list)
    empty_text: str = ""
    """没有数据行时在文档中写的一句话（此时不画表）。"""
    notes: list[str] = field(default_factory=list)
    """表下的“注”（口径、公式）。"""
    after: str = ""
    """表和注之后的一段正文（有数据行时才写）。"""
    number: int = 0

    @property
    def label(self) -> str:
        """“表2　各指标完成情况”。"""
        return f"表{self.number}　{self.caption}" if self.number else self.caption

    @property
    def note_paragraphs(self) -> list[str]:
        """表下的注，一条一段：“注：1.……”“2.……”。"""
        if len(self.notes) == 1:
            return ["注：" + self.notes[0]]
        return [("注：" if n == 1 else "") + f"{n}.{t}" for n, t in enumerate(self.notes, start=1)]

    @property
    def note(self) -> str:
        return "".join(self.note_paragraphs)


@dataclass
class Part:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: Table | None = None


@dataclass
class SummaryContent:
    title: str
    title_parts: list[str]
    addressee: str
    intro: str
    parts: list[Part]
    bulletin: str
    org: str
    day: date
    to: str = "区信用办"
    basis: str = ""
    """统计口径的一句话：统计截至何时、目录版本。"""

    @property
    def tables(self) -> list[Table]:
        return [p.table for p in self.parts if p.table is not None]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


AUDIENCES = ("区信用办", "各科室")
"""汇总材料的两种形式：报区信用办的报告（以局的名义），发各科室的通报（以体系科的名义）。"""

ADDRESSEES = {"区信用办": "区信用办：", "各科室": "局（中心）各科室："}


def _coordinator_name(ov: Overview) -> str:
    c = ov.catalog.coordinator
    return c.name if c else "政务服务体系建设指导科"


def summary_title(bureau: str, overview: Overview, to: str = "区信用办") -> str:
    """报区信用办：“{局名}关于{年月}信用状况监测工作情况的报告”；发各科室：“{体系科}关于……的通报”。"""
    if to == "各科室":
        return f"{_coordinator_name(overview)}关于{overview.month.label}信用状况监测工作情况的通报"
    return f"{bureau or DEFAULT_BUREAU}关于{overview.month.label}信用状况监测工作情况的报告"


def default_file_name(
    bureau: str, overview: Overview, suffix: str = ".docx", to: str = "区信用办"
) -> str:
    return safe_file_name(summary_title(bureau, overview, to), fallback="信用状况监测汇总") + suffix


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


def _overview_table(ov: Overview, to: str) -> Table:
    rows = []
    shaded = []
    for n, r in enumerate(ov.ranking):
        on_time = f"{r.on_time}/{r.due}\n{_pct(r.on_time / r.due)}" if r.due else "—"
        rows.append(
            [
                r.section.short,
                str(r.score.total),
                str(r.score.done),
                str(r.overdue_cells),
                f"{r.score.weighted:.1f}",
                on_time,
                str(r.rank),
                review_label(r),
            ]
        )
        if r.overdue_cells:
            shaded.append(n)
    who = "本局" if to == "区信用办" else "局内"
    return Table(
        "overview",
        "各科室完成情况及局内排名",
        ["科室", "应完成", "已完成", "逾期指标", "得分", "按时完成率", "局内排名", "审核状态"],
        rows,
        [34, 11, 11, 9, 11, 18, 11, 30],
        "lccccccl",
        shaded,
        notes=[
            "应完成为本科室负责的指标数，不含不适用的；逾期指标为有事项已过期限仍未完成的指标数"
            "（逾期的事项数见“五、逾期事项”）；"
            "得分为按目录权重计算的完成度，满分100分。" + scoring_rule_text(ov.catalog),
            "按时完成率 = 按时完成的应办事项数 ÷ 到期的应办事项数，应办事项包括按月报送的材料和逐件办理的事项，"
            "本月没有到期事项的写“—”。它不是“双公示”的及时率。",
            f"局内排名是{who}各科室之间的排名，不是区信用办对全区各部门的排名。规则：得分高者在前；"
            "得分相同的，按时完成率高者在前；两者都相同的并列，名次按1、1、3排。",
        ],
    )


def _indicator_table(ov: Overview) -> Table:
    rows, shaded = [], []
    for n, c in enumerate(ov.indicators):
        rows.append(
            [
                str(c.indicator.id),
                c.indicator.short,
                str(c.assigned),
                str(c.required),
                str(c.done),
                str(c.overdue),
                c.rate_label,
            ]
        )
        if c.overdue:
            shaded.append(n)
    return Table(
        "indicators",
        "各指标完成情况",
        ["序号", "指标", "负责科室", "应完成", "已完成", "逾期", "完成率"],
        rows,
        [10, 50, 16, 12, 12, 9, 15],
        "clccccc",
        shaded,
        notes=["应完成为负责科室数减去本月不适用的科室数；完成率 = 已完成 ÷ 应完成。"],
    )


def _fig(v: Any) -> str:
    return "—" if v is None else str(v)


def _rate(rates: dict[str, Any], key: str, num: Any, den: Any) -> str:
    """“9/10，90.0%”；分母为 0 时“无法计算”，台账没有这一项时“—”。"""
    v = rates.get(key)
    if not isinstance(v, (int, float)):
        return "无法计算" if den == 0 else "—"
    return f"{_fig(num)}/{_fig(den)}\n{_pct(v)}"


def _licence_table(ov: Overview) -> Table:
    rows, shaded = [], []
    for r in ov.rows:
        if not any(i.ledger == "licence" for i in ov.catalog.assigned(r.section_id)):
            continue
        lic = r.record.ledgers.get("licence")
        if not isinstance(lic, dict) or not lic:
            rows.append(
                [
                    r.section.short,
                    NOT_IMPORTED,
                    NOT_IMPORTED,
                    NOT_IMPORTED,
                    NOT_IMPORTED,
                    NOT_IMPORTED,
                ]
            )
            continue
        raw_counts, raw_rates = lic.get("counts"), lic.get("rates")
        counts: dict[str, Any] = raw_counts if isinstance(raw_counts, dict) else {}
        rates: dict[str, Any] = raw_rates if isinstance(raw_rates, dict) else {}

        decided, uploaded = counts.get("decided"), counts.get("uploaded")
        due = counts.get("due", decided)  # 上报率的分母：应上报（不含未到期）；旧摘要没有 due
        row = [
            r.section.short,
            _fig(decided),
            _fig(uploaded),
            _rate(rates, "reported", uploaded, due),
            _rate(rates, "timely", counts.get("on_time"), uploaded),
            _rate(rates, "compliant", counts.get("compliant"), uploaded),
        ]
        if any(
            isinstance(rates.get(k), (int, float)) and rates[k] < 1
            for k in ("reported", "timely", "compliant")
        ):
            shaded.append(len(rows))
        rows.append(row)
    return Table(
        "licence",
        "“双公示”数据质量",
        ["科室", "许可决定", "已上报", "上报率", "及时率", "合规率"],
        rows,
        [26, 14, 14, 22, 22, 22],
        "lccccc",
        shaded,
        empty_text="目录中没有负责“双公示”的科室。",
        notes=[
            "上报率 = 已上报 ÷ 应上报（已作出许可决定，不含尚未到上传期限的）；合规率 = 通过校验 ÷ 已上报；"
            "表中写作“分子/分母”及百分比。",
            f"这里的及时率是“双公示”及时率 = 按时上报 ÷ 已上报，自作出许可决定之日起{licence_rule_label(ov.catalog)}"
            "上传为按时；数字来自各科室导入的“双公示”台账。它与各科室的按时完成率不同。",
            "“未导入”表示该科室本月尚未导入“双公示”台账。",
        ],
    )


def _overdue_table(ov: Overview) -> Table:
    rows = []
    for r in ov.overdue_by_section:
        for o in r.overdue:
            rows.append(
                [
                    r.section.short,
                    f"{o.indicator_id}.{ov.catalog.indicator(o.indicator_id).short}",
                    o.what,
                    o.due_label,
                ]
            )
    return Table(
        "overdue",
        "逾期事项",
        ["科室", "指标", "事项", "期限"],
        rows,
        [28, 36, 62, 22],
        "lllc",
        empty_text="本月各科室均无逾期事项。",
        notes=["逾期事项指已过期限仍未完成的事项。" + deadline_note(ov.catalog)],
    )


NOT_SUBMITTED_NOTE = {
    "各科室": "请以上科室抓紧报送本月材料。",
    "区信用办": "我局已督促以上科室抓紧报送。",
}
"""未报送科室表下的一句（也使落款不会单独排在最后一页）。"""


def _not_submitted_table(ov: Overview, to: str) -> Table:
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
        rows.append([r.section.short, state, detail])
    return Table(
        "not_submitted",
        "未报送科室",
        ["科室", "状态", "说明"],
        rows,
        [40, 40, 60],
        "lll",
        empty_text="本月各科室均已报送。",
        after=NOT_SUBMITTED_NOTE[to],
    )


def overall_text(ov: Overview, to: str) -> str:
    """“总体情况”一段：与命令行、界面的通报是同一段（``creditcheck.coordination.bulletin``）。"""
    return bulletin(ov, to)


def summary_content(
    ov: Overview, bureau: str, day: date, org: str = "", to: str = "区信用办"
) -> SummaryContent:
    """汇总材料的全部文字与表格。``to`` 为“区信用办”（报告，局落款）或“各科室”（通报，体系科落款）；
    ``org`` 给出时代替默认的落款。"""
    if to not in AUDIENCES:
        raise ValueError(f"未知的汇总材料形式：{to}")
    bureau = bureau or DEFAULT_BUREAU
    title = summary_title(bureau, ov, to)
    coordinator = _coordinator_name(ov)
    if to == "各科室":
        org = org or coordinator
        title_parts = [f"{coordinator}关于", f"{ov.month.label}信用状况监测工作情况的通报"]
        intro = f"现将{ov.month.label}全局各科室信用状况监测工作完成情况通报如下。"
    else:
        org = org or bureau
        title_parts = [f"{bureau}关于", f"{ov.month.label}信用状况监测工作情况的报告"]
        intro = f"现将我局{ov.month.label}信用状况监测工作情况报告如下。"
    source = f"，依据{ov.catalog.source}" if ov.catalog.source else ""
    basis = (
        f"本{'通报' if to == '各科室' else '报告'}数据统计截至{format_datetime(ov.now)}，"
        f"指标目录版本{ov.catalog.version}{source}。"
    )
    overall = overall_text(ov, to)
    parts = [
        Part("总体情况", [overall, basis]),
        Part("各科室完成情况", table=_overview_table(ov, to)),
        Part("各指标完成情况", table=_indicator_table(ov)),
        Part("“双公示”数据质量", table=_licence_table(ov)),
        Part("逾期事项", table=_overdue_table(ov)),
        Part("未报送科室", table=_not_submitted_table(ov, to)),
    ]
    n = 0
    for p in parts:
        if p.table is not None and p.table.rows:
            n += 1
            p.table.number = n
    return SummaryContent(
        title, title_parts, ADDRESSEES[to], intro, parts, overall, org, day, to, basis
    )


# ───────────────────────── Word ─────────────────────────


def write_summary_docx(
    content: SummaryContent,
    path: Path,
    *,
    font_profile: str = "standard",
    template: Path | None = None,
) -> Path:
    """按 GB/T 9704 版式写 Word 汇总材料（临时文件 + os.replace）。"""
    from .docx_layout import OfficialDocument

    doc = OfficialDocument(font_profile, template=template)
    kind = "通报" if content.to == "各科室" else "报告"
    doc.set_properties(
        title=content.title, author=content.org, subject=f"信用状况监测工作情况{kind}"
    )
    doc.title(content.title_parts)
    doc.addressee(content.addressee)
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
        doc.caption(t.label, numbered=False)
        doc.table(t.headers, t.rows, widths=t.widths, align=t.align, shaded=t.shaded)
        for text in t.note_paragraphs:
            doc.paragraph(text)
        if t.after:
            doc.paragraph(t.after)
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
    ws["A2"] = content.basis
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
                cell = ws.cell(row=r, column=c, value=_number(v.replace("\n", " ")))
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
            ws.cell(row=note_row, column=1, value=t.note).font = Font(
                name="宋体", size=10, italic=True
            )

    return save_workbook(wb, path)


def export_summary(
    ov: Overview,
    out: Path,
    *,
    bureau: str,
    day: date | datetime,
    xlsx: bool = False,
    font_profile: str = "standard",
    template: Path | None = None,
    to: str = "区信用办",
) -> Path:
    """导出汇总材料：``xlsx`` 为真时写工作簿，否则写 Word。``to`` 见 :func:`summary_content`。"""
    d = day.date() if isinstance(day, datetime) else day
    content = summary_content(ov, bureau, d, to=to)
    if xlsx:
        return write_summary_xlsx(content, out)
    return write_summary_docx(content, out, font_profile=font_profile, template=template)
