"""科室月度报送材料（Word）：一个科室一个月的自查记录 → 一份带附件的简短报告（GB/T 9704-2012）。

界面与命令行都调用 :func:`export_submission`。版式见 :mod:`exports.docx_layout`。结构：

    标题            {科室全称}关于{YYYY年M月}信用状况监测工作情况的报告
    主送机关        政务服务体系建设指导科：（顶格）
    正文            一、总体情况（一段话和表1）
                    二、各项指标完成情况（每个指标一小段：本月做了什么、数字与比率、逾期或未办结的）
                    三、存在问题和下步打算（专人在界面里写的；没写时由逾期事项生成一句）
    附件说明        附件：1.本月佐证材料清单 2.本月事项办理情况 3.工作台账统计 ……（只列真有的）
    落款            科室名称、成文日期
    附注            （联系人：张伟，电话：0531-……）
    附件            每个另起一页：“附件1”黑体顶格，标题居中在第三行，其下为表格

实施方案的责任要求原文只在 ``with_requirements`` 为真时（命令行 ``--with-requirements``，或设置）
写在各指标的段落之后。表格按出现顺序编号为表1……表N（由 ``OfficialDocument.caption`` 计数）。

状态和标签的文字集中在几个小函数里（:func:`obligation_state`、:func:`indicator_state`、
:func:`field_label`），领域层的状态计算调整时只需改这里。
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from creditcheck.catalog import EVENT_KINDS, Catalog, Indicator
from creditcheck.completion import CellState, IndicatorStanding, assess
from creditcheck.evidence import CHANGED, MISSING, OK, STATE_LABELS, evidence_state
from creditcheck.filenames import safe_file_name
from creditcheck.ledger import COUNT_LABELS, RATE_LABELS
from creditcheck.models import Event, Evidence, IndicatorEntry, SectionMonth, Status
from creditcheck.month import Month
from creditcheck.obligations import Obligation, ObligationState, QuotaLine, quota_lines
from creditcheck.records import dataclass
from creditcheck.rules import DeadlineRule, Level, RuleKind
from creditcheck.settings import Settings
from creditcheck.workcal import WorkCalendar

# ───────────────────────── 文件名 ─────────────────────────


def default_filename(catalog: Catalog, section_id: str, month: Month) -> str:
    """默认文件名：``{科室简称}-{YYYY}年{M}月信用监测报送材料.docx``。"""
    short = safe_file_name(catalog.section_by_id(section_id).short, fallback=section_id)
    return f"{short}-{month.year}年{month.month}月信用监测报送材料.docx"


def default_folder_name(catalog: Catalog, section_id: str, month: Month) -> str:
    """报送材料与工作台账放在一起时的文件夹名：``{科室简称}-{YYYY}年{M}月信用监测报送材料``。"""
    return default_filename(catalog, section_id, month)[: -len(".docx")]


def ledger_workbook_name(catalog: Catalog, section_id: str, month: Month) -> str:
    """与 ``creditcheck export ledgers`` 的默认文件名相同：``工作台账-{科室简称}-{YYYY年M月}.xlsx``。"""
    short = catalog.section_by_id(section_id).short
    return safe_file_name(f"工作台账-{short}-{month.label}", fallback="工作台账") + ".xlsx"


# ───────────────────────── 标签 ─────────────────────────

EVIDENCE_LABELS = STATE_LABELS
"""ok 正常 / missing 文件缺失 / changed 已变更 / unreadable 无法读取（见 creditcheck.evidence）。"""

TIME_LABELS: dict[str, tuple[str, str]] = {
    "licence": ("许可决定日期", "上传平台日期"),
    "data-problem": ("发现日期", "修改完成日期"),
    "commitment": ("承诺日期", "归集日期"),
    "article": ("事件发生时间", "上报时间"),
    "code-error": ("发现日期", "清理完成日期"),
    "case": ("形成日期", "报审日期"),
    "activity": ("活动结束时间", "材料报送时间"),
    "incident": ("发生日期", "处置完成日期"),
    "objection": ("收函日期", "处理完成日期"),
}
"""各类事件的“发生”“完成”在表头里怎么叫（与界面表单的栏名一致）。"""

FIELD_LABELS: dict[str, str] = {
    "code": "统一社会信用代码",
    "uscc": "统一社会信用代码",
    "credit_code": "统一社会信用代码",
    "entity": "主体名称",
    "name": "主体名称",
    "subject": "主体名称",
    "party": "行政相对人",
    "doc_no": "文书号",
    "decision_no": "许可决定书文号",
    "licence_no": "许可编号",
    "letter_no": "来函编号",
    "sender": "来函单位",
    "materials": "活动材料",
    "handling": "处置情况",
    "progress": "推进情况",
    "place": "地点",
    "location": "地点",
    "participants": "参加人数",
    "result": "处理结果",
    "cleanup": "处理情况",
    "url": "链接",
    "problem": "问题",
    "fix": "整改情况",
    "count": "数量",
}
"""事件附加字段的中文名（各类通用）。"""

KIND_FIELD_LABELS: dict[tuple[str, str], str] = {
    ("licence", "subject"): "行政相对人",
    ("licence", "entity"): "行政相对人",
    ("licence", "name"): "行政相对人",
}
"""某类事件里叫法不同的字段：许可决定的对象在表单和“双公示”标准里都叫行政相对人。"""

OTHER_FIELD = "补充信息"
"""目录与界面都不认识的字段（旧版本或手工改过的数据）：不印内部键名，统一写作“补充信息”。"""


def field_label(kind: str, key: str) -> str | None:
    """事件字段的中文名；不认识的键为 None。"""
    return KIND_FIELD_LABELS.get((kind, key)) or FIELD_LABELS.get(key)


LEDGER_NAMES = {
    "licence": "“双公示”",
    "commitment": "“信用承诺和履约践诺”",
    "code-errors": "重错码清理",
}

_RATE_PARTS = {
    "reported": ("uploaded", "due"),
    "timely": ("on_time", "uploaded"),
    "compliant": ("compliant", "uploaded"),
}
"""比率的分子、分母在 counts 里的键（与 creditcheck.ledger 一致）。"""


def rule_label(rule: DeadlineRule) -> str:
    """期限规则的说法，不带括号（文中常把它放进括号里，避免“（第一时间（当天））”）。"""
    if rule.kind is RuleKind.IMMEDIATE:
        return "第一时间处置"
    return rule.label


def obligation_state(o: Obligation) -> str:
    """一项义务的状态：按时完成 / 逾期完成 / 未完成（已逾期） / 未到期。"""
    if o.done:
        return "按时完成" if o.on_time else "逾期完成"
    if o.level is Level.OVERDUE:
        return "未完成（已逾期）"
    return "未到期"


def indicator_state(standing: IndicatorStanding) -> tuple[str, bool]:
    """表1“完成情况”一格的文字（与首页、总览同一计算），以及要不要加底纹（有事项逾期的加）。

    逾期的件数写在“二、”该指标的一段里，逐项列在附件，这里不重复。"""
    state = standing.state
    if state is CellState.CONFIRMED_OPEN:
        text = f"已确认，{len(standing.open)}项未办结"
    else:
        text = state.value
    return text, state is CellState.OVERDUE or (standing.late and standing.counts)


_NOTHING_TO_SAY = {
    CellState.DONE: "已完成。",
    CellState.CONFIRMED_OPEN: "已确认，尚有事项未办结。",
    CellState.IN_PROGRESS: "正在办理。",
    CellState.NOT_STARTED: "尚未开展。",
    CellState.OVERDUE: "尚未完成。",
    CellState.NOT_APPLICABLE: "本月不适用。",
    CellState.NOT_ASSIGNED: "",
}
"""一个指标既没有说明、数字，也没有事项时的一句话。"""


# ───────────────────────── 日期与数字 ─────────────────────────


def _pct(x: float) -> str:
    """0.9615 → 96.15%，1.0 → 100%。"""
    s = f"{x * 100:.2f}".rstrip("0").rstrip(".")
    return f"{s}%"


def _day_text(d: date, month: Month) -> str:
    return f"{d.month}月{d.day}日" if d.year == month.year else f"{d.year}年{d.month}月{d.day}日"


def cell_time(v: date | datetime | None, month: Month, *, with_time: bool = False) -> str:
    """表格里的时间：同年省去年份；只有 ``with_time``（按小时计的期限）且不是 00:00 时另起一行写时刻。"""
    if v is None:
        return "—"
    d = v.date() if isinstance(v, datetime) else v
    text = _day_text(d, month)
    if with_time and isinstance(v, datetime) and (v.hour, v.minute) != (0, 0):
        text += f"\n{v.hour:02d}:{v.minute:02d}"
    return text


def text_time(v: date | datetime, month: Month, *, with_time: bool = False) -> str:
    """正文里的时间：同样的规则，时刻接在日期后面。"""
    return cell_time(v, month, with_time=with_time).replace("\n", "")


_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?$")


def _ledger_value(v: Any, month: Month) -> str:
    """台账单元格：ISO 日期写成“11月5日”（不同年时带年份），其余原样。"""
    if v is None:
        return ""
    if isinstance(v, (date, datetime)):
        return _day_text(v.date() if isinstance(v, datetime) else v, month)
    s = str(v)
    m = _ISO_DAY.match(s)
    if m:
        try:
            return _day_text(date(int(m.group(1)), int(m.group(2)), int(m.group(3))), month)
        except ValueError:
            return s
    return s


def quoted(text: str) -> str:
    """加引号；里面的双引号改成单引号（“‘信易批’让诚信企业办事更快”）。"""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def _sentence(text: str) -> str:
    """补上句末的句号（已有句末标点时不补）。"""
    text = text.strip()
    if not text:
        return ""
    return text if text[-1] in "。！？；…”）" else text + "。"


# ───────────────────────── 导出 ─────────────────────────


def export_submission(
    catalog: Catalog,
    cal: WorkCalendar,
    sm: SectionMonth,
    settings: Settings,
    out_path: Path,
    *,
    now: datetime,
    template: Path | None = None,
    ledger_rows: dict[str, list[dict]] | None = None,
    year_months: Sequence[SectionMonth] | None = None,
    with_requirements: bool | None = None,
    ledger_file: str | None = None,
) -> Path:
    """把一个科室一个月的自查记录写成 Word 报送材料，返回写好的路径。

    字体方案取 ``settings.font_profile``；联系人与电话取本月记录，没有时取设置。
    ``year_months`` 为该科室当年已有的各月记录，用于“每年至少2次”这类年度配额的全年进度。
    ``with_requirements`` 为 None 时取 ``settings.with_requirements``。``ledger_file`` 为另行导出、
    与本文件放在一起的工作台账文件名，附件说明里写明它。
    先写临时文件再替换目标，导出失败不会留下半个文件。
    """
    from .docx_layout import OfficialDocument

    if with_requirements is None:
        with_requirements = settings.with_requirements
    doc = OfficialDocument(settings.font_profile, template=template)
    SubmissionWriter(
        catalog,
        cal,
        sm,
        settings,
        now,
        ledger_rows or {},
        year_months,
        with_requirements=with_requirements,
        ledger_file=ledger_file,
    ).write(doc)
    return doc.save(Path(out_path))


@dataclass
class _Attachment:
    title: str
    write: Callable[[Any], None] | None
    """写附件内容的函数；None 表示另附的文件（只在附件说明里列出，不占页）。"""


class SubmissionWriter:
    """把报送材料的内容按顺序写进一个 :class:`OfficialDocument`。"""

    def __init__(
        self,
        catalog: Catalog,
        cal: WorkCalendar,
        sm: SectionMonth,
        settings: Settings,
        now: datetime,
        ledger_rows: dict[str, list[dict]],
        year_months: Sequence[SectionMonth] | None = None,
        *,
        with_requirements: bool = False,
        ledger_file: str | None = None,
    ) -> None:
        self.catalog = catalog
        self.cal = cal
        self.sm = sm
        self.now = now
        self.ledger_rows = ledger_rows
        self.with_requirements = with_requirements
        self.ledger_file = ledger_file
        self.section = catalog.section_by_id(sm.section_id)
        self.person = sm.person or settings.person
        self.phone = sm.phone or settings.phone
        self.indicators = catalog.assigned(sm.section_id)
        self.obligations: dict[int, list[Obligation]] = defaultdict(list)
        # 本月的事实（义务、各指标完成情况、得分）：与首页、总览同一计算
        self.standing = assess(catalog, cal, sm, now, year_months or (), settings.horizon_days)
        for o in self.standing.obligations:
            self.obligations[o.indicator_id].append(o)
        self.by_event = {
            o.event_id: o for obs in self.obligations.values() for o in obs if o.event_id
        }
        months = [m for m in (year_months or []) if m.month != sm.month] + [sm]
        self.has_year = year_months is not None
        self.quotas = {
            (q.indicator_id, q.event_kind): q
            for q in quota_lines(catalog, sm.section_id, months, sm.month)
        }
        self.attachments = self._attachments()

    # ── 总体 ──
    @property
    def title(self) -> str:
        return f"{self.section.name}关于{self.sm.month.label}信用状况监测工作情况的报告"

    def write(self, doc: Any) -> None:
        sm, sec = self.sm, self.section
        doc.set_properties(title=self.title, author=sec.name, subject="信用状况监测工作情况报告")
        doc.title([f"{sec.name}关于", f"{sm.month.label}信用状况监测工作情况的报告"])
        coordinator = self.catalog.coordinator
        if coordinator is None or coordinator.id != sec.id:  # 体系科自己的材料不主送自己
            doc.addressee(f"{coordinator.name if coordinator else '政务服务体系建设指导科'}：")
        doc.heading(1, "总体情况")
        self._overall(doc)
        doc.heading(1, "各项指标完成情况")
        for n, ind in enumerate(self.indicators, start=1):
            self._indicator(doc, n, ind)
        doc.heading(1, "存在问题和下步打算")
        for text in self._plans():
            doc.paragraph(text)
        if self.attachments:
            doc.attachment_note([a.title for a in self.attachments])
        doc.signature(sec.name, when=self.now.date())
        contact = "，".join(
            x
            for x in (
                f"联系人：{self.person}" if self.person else "",
                f"电话：{self.phone}" if self.phone else "",
            )
            if x
        )
        if contact:
            doc.note(f"（{contact}）")
        for n, a in enumerate(self.attachments, start=1):
            if a.write is not None:
                doc.attachment(n, a.title)
                a.write(doc)

    # ── 一、总体情况 ──
    def _due_obligations(self, ind: Indicator | None = None) -> list[Obligation]:
        """本月的应办事项（不含本软件自己的提醒：目录 reminder 不是实施方案的期限）。"""
        inds = [ind] if ind is not None else self.indicators
        return [o for i in inds for o in self.obligations.get(i.id, []) if not o.reminder]

    def _late_items(self, ind: Indicator | None = None) -> list[Obligation]:
        """逾期的事项（未完成的在前，逾期完成的在后）：正文只写件数，逐项列在附件的“逾期事项”表里。"""
        obs = self._due_obligations(ind)
        return [o for o in obs if o.state is ObligationState.OVERDUE] + [
            o for o in obs if o.state is ObligationState.LATE
        ]

    def _overall(self, doc: Any) -> None:
        """一段话（指标完成数、得分、应办事项的办理情况）和表1（逐项的完成情况）。

        逐项的状态只在表1，逐件的逾期事项只在附件：这段话只写合计，不与“二、”重复。"""
        sm = self.sm
        sc = self.standing.score  # 与首页、总览同一计算
        text = f"本月指标{len(self.indicators)}项，完成{sc.done}项"
        if sc.not_applicable:
            text += f"，不适用{sc.not_applicable}项"
        text += f"，得分{sc.weighted:.1f}分"
        all_obs = self._due_obligations()
        if all_obs:
            states = [o.state for o in all_obs]
            parts = [
                f"{word}{states.count(s)}项"
                for s, word in (
                    (ObligationState.ON_TIME, "按时完成"),
                    (ObligationState.LATE, "逾期完成"),
                    (ObligationState.OVERDUE, "逾期未完成"),
                    (ObligationState.NOT_DUE, "未到期"),
                    (ObligationState.NOT_APPLICABLE, "不适用"),
                )
                if s in states or s is ObligationState.ON_TIME
            ]
            text += f"；应办事项{len(all_obs)}项，" + "，".join(parts)
        doc.paragraph(text + "。")
        # 按月报送的期限（“每月26日前”遇休息日已提前到此前最后一个工作日）写在表题里
        dues = sorted(
            {text_time(o.effective_due, sm.month) for o in all_obs if o.kind == "monthly"}
        )
        due = f"（报送期限{'、'.join(dues)}）" if dues else ""
        doc.caption(f"{sm.month.label}监测指标完成情况{due}")
        rows, shaded = [], []
        for n, ind in enumerate(self.indicators):
            entry = sm.entries.get(ind.id)
            standing = self.standing.indicator(ind.id)
            state, shade = indicator_state(standing)
            if shade:
                shaded.append(n)
            done = entry.completed_at if entry and standing.state is CellState.DONE else None
            rows.append(
                [
                    str(ind.id),
                    ind.short,
                    state,
                    cell_time(done, sm.month),
                    str(len(entry.evidence) if entry else 0),
                ]
            )
        doc.table(
            ["序号", "指标", "完成情况", "完成日期", "材料"],
            rows,
            widths=[8, 52, 40, 20, 9],
            align="clccc",
            shaded=shaded,
            line=270,
        )

    # ── 二、各项指标完成情况 ──
    def _indicator(self, doc: Any, n: int, ind: Indicator) -> None:
        from .docx_layout import heading_number

        entry = self.sm.entries.get(ind.id) or IndicatorEntry(ind.id)
        sentences = self._indicator_sentences(ind, entry)
        doc.paragraph([(f"{heading_number(2, n)}{ind.short}。", "k"), ("".join(sentences), "")])
        if self.with_requirements:
            whats = "；".join(
                f"{r.what}，{rule_label(r.rule)}" if r.what else rule_label(r.rule)
                for r in ind.plan_rules
            )
            doc.paragraph([("责任要求：", "k"), (_sentence(ind.requirement), "")])
            doc.paragraph([("完成时限：", "k"), (_sentence(whats), "")])
            if ind.reminder_rules:
                # 本软件自己的提醒（目录 reminder = true）不是实施方案的期限要求，单独注明
                doc.paragraph(
                    [
                        ("本软件提醒（非实施方案规定的期限）：", "k"),
                        (
                            _sentence(
                                "；".join(r.what or rule_label(r.rule) for r in ind.reminder_rules)
                            ),
                            "",
                        ),
                    ]
                )

    def _indicator_sentences(self, ind: Indicator, entry: IndicatorEntry) -> list[str]:
        """一个指标的一小段：本月做了什么（专人的说明）、数字与比率、事项件数，逾期的只写件数并指向附件。

        指标的状态在表1，不在这里重复；什么都没有可说时写一句短话。"""
        out: list[str] = []
        st = entry.status
        if st is Status.NOT_APPLICABLE:
            out.append(f"本月不适用，理由是{_sentence(entry.reason or '未说明理由')}")
        elif entry.note.strip():
            out.append(_sentence(entry.note))
        if ind.counts:
            out.append(self._counts_sentence(ind, entry))
        if ind.ledger:
            out.append(self._ledger_sentence(ind.ledger))
        if st is Status.NOT_APPLICABLE and not entry.events:
            pass  # 不适用且没记事件：理由已说明，不再写“本月无……”和配额进度
        elif not (ind.ledger and self.sm.ledgers.get(ind.ledger)):
            # 导入了台账的，本月的件数以台账为准；逐件跟踪期限的事项在附件的表里，逾期的件数在段末
            out.extend(self._events_sentences(ind, self._kinds(ind, entry), entry))
        late = self._late_items(ind)
        if late:
            over = sum(1 for o in late if o.state is ObligationState.OVERDUE)
            where = f"见附件{self._items_attachment}"
            if over == len(late):
                out.append(f"逾期未完成{over}项，{where}。")
            elif over:
                out.append(f"逾期{len(late)}项（未完成{over}项），{where}。")
            else:
                out.append(f"逾期完成{len(late)}项，{where}。")
        if not any(out):
            out.append(_NOTHING_TO_SAY[self.standing.indicator(ind.id).state])
        return [s for s in out if s]

    def _kinds(self, ind: Indicator, entry: IndicatorEntry) -> list[str]:
        kinds = list(ind.event_kinds)
        for ev in entry.events:
            if ev.kind not in kinds:
                kinds.append(ev.kind)
        return kinds

    def _counts_sentence(self, ind: Indicator, entry: IndicatorEntry) -> str:
        if all(entry.counts.get(c.key) is None for c in ind.counts):
            return "本月数字未填写。"
        parts = []
        for c in ind.counts:
            v = entry.counts.get(c.key)
            label = COUNT_SHORT.get(c.key, (c.label, ""))
            parts.append(f"{label[0]}{v}{label[1]}" if v is not None else f"{c.label}未填写")
        text = "，".join(parts)
        keys = {c.key for c in ind.counts}
        if {"credit_checks", "joint_sanctions", "market_entities"} <= keys:
            a = entry.counts.get("credit_checks")
            b = entry.counts.get("joint_sanctions")
            m = entry.counts.get("market_entities")
            if a is None or b is None or m is None:
                text += "，数据未填写完整，应用比例无法计算"
            elif m == 0:
                text += "，市场主体数量为0，应用比例无法计算"
            else:
                text += f"，应用比例{_pct((a + b) / m)}"
        return text + "。"

    def _ledger_sentence(self, kind: str) -> str:
        """“台账许可决定14条，上报率92.86%，及时率100%，合规率84.62%。”（段首已是指标名，不再写台账名；
        计数与公式在附件）"""
        summary = self.sm.ledgers.get(kind)
        if not summary:
            return "台账未导入。"
        counts: dict[str, Any] = summary.get("counts") or {}
        rates: dict[str, Any] = summary.get("rates") or {}
        clabels = COUNT_LABELS.get(kind, COUNT_LABELS["licence"])
        first = clabels.get("decided", "")
        first = "" if first.startswith("台账") else first  # “台账记录6条”写作“台账6条”
        parts = [f"{first}{counts['decided']}条"] if counts.get("decided") is not None else []
        for key, (label, _num, _den) in RATE_LABELS.get(kind, RATE_LABELS["licence"]).items():
            r = rates.get(key)
            if isinstance(r, (int, float)):
                parts.append(f"{label}{_pct(r)}")
        return "台账" + ("，".join(parts) if parts else "已导入") + "。"

    def _events_sentences(
        self, ind: Indicator, kinds: Sequence[str], entry: IndicatorEntry
    ) -> list[str]:
        """各类事项合成一句“行政许可决定2件、问题数据2件，已办结1件。”，配额与“零存量”各一句。

        逐件的期限与状态在附件的表里；逾期的件数由段末一句交代（见 :meth:`_indicator_sentences`）。"""
        out: list[str] = []
        heads: list[str] = []
        tail: list[str] = []
        none: list[str] = []
        total = done = 0
        for kind in kinds:
            events = [ev for ev in entry.events if ev.kind == kind]
            label = EVENT_KINDS.get(kind, kind)
            q = self.quotas.get((ind.id, kind))
            if not events:
                if kind == "incident":
                    if entry.status is Status.DONE:
                        out.append("保持“零存量、零增量”。")
                    else:
                        out.append("本月未记录严重失信事件，尚未确认“零存量、零增量”。")
                elif q is not None:
                    out.append(f"本月无{label}。" + self._quota_sentence(q, label))
                else:
                    none.append(label)
                continue
            heads.append(f"{label}{len(events)}件")
            total += len(events)
            for ev in events:
                o = self.by_event.get(ev.id)
                done += bool(o.done if o is not None else ev.done_at)
            tail.append(self._quota_sentence(q, label))
        if heads:
            # 办结了几件说一句；未办结的（未到期的、逾期的）逐件在附件，逾期的件数在段末
            if done == total:
                state = "，已办结" if total == 1 else "，均已办结"
            elif self._late_items(ind):
                state = ""  # 段末一句交代逾期的件数，不再说一遍
            elif done:
                state = f"，已办结{done}件"
            else:
                state = "，尚未办结" if total == 1 else "，均未办结"
            out.insert(0, "、".join(heads) + state + "。" + "".join(tail))
        elif none and not (ind.ledger or ind.counts):
            out.append(f"本月无{'、'.join(none)}。")
        return out

    def _quota_sentence(self, q: QuotaLine | None, label: str) -> str:
        if q is None:
            return ""
        unit = QUOTA_UNITS.get(q.event_kind, "次")
        if q.per == "month":
            if q.met:
                return f"达到每月{q.required}{unit}的要求。"
            if any(
                o.kind == "quota" and o.state is ObligationState.OVERDUE
                for o in self._due_obligations(self.catalog.indicator(q.indicator_id))
            ):
                return ""  # 已逾期：计入段末的逾期件数，逐项在附件
            return f"本月要求至少{q.required}{unit}，已完成{q.done}{unit}。"
        if not self.has_year:
            return f"全年要求至少{q.required}{unit}，全年进度以各月合计为准。"
        if q.met:
            return f"全年累计{q.done}{unit}，已达到要求。"
        return f"全年累计{q.done}{unit}，距每年至少{q.required}{unit}的要求还差{q.required - q.done}{unit}。"

    # ── 三、存在问题和下步打算 ──
    def _plans(self) -> list[str]:
        """专人写的（每行一段）；没写时按逾期事项写一句，逐项见附件。"""
        written = [ln.strip() for ln in self.sm.plans.splitlines() if ln.strip()]
        if written:
            return [_sentence(ln) for ln in written]
        late = self._late_items()
        over = sum(1 for o in late if o.state is ObligationState.OVERDUE)
        if over:
            where = self._items_attachment
            return [f"本月尚有{over}项逾期未完成，逐项见附件{where}。下步将抓紧办理，办结后补报。"]
        if late:
            where = self._items_attachment
            return [f"本月有{len(late)}项逾期完成，逐项见附件{where}。下步将提前安排，按期报送。"]
        problems = sum(
            n
            for n in (summary.get("problems") for summary in self.sm.ledgers.values() if summary)
            if isinstance(n, int)
        )
        if problems:
            # 台账检查发现了问题就不能写“暂无需要说明的问题”
            where = self._items_attachment
            return [
                f"本月台账检查发现问题{problems}处，见附件{where}。"
                "下步将逐条核对修改，上传前逐项核对必填项。"
            ]
        return ["本月各项工作均按期推进，暂无需要说明的问题。下步将继续按期报送各项材料。"]

    # ── 附件 ──
    def _attachments(self) -> list[_Attachment]:
        """附件：1.事项（逾期事项在最前）与台账统计合为一个，2.佐证材料清单，3.另附的工作台账电子表格。

        附件说明每个附件占一行，所以事项与台账不再分成两个附件；只列真有的。"""
        out: list[_Attachment] = []
        items = bool(
            self._late_items()
            or any(e.events for i in self.indicators if (e := self.sm.entries.get(i.id)))
        )
        ledgers = any(
            self.sm.ledgers.get(k) or self.ledger_rows.get(k) for k in self._ledger_kinds()
        )
        if items or ledgers:
            title = (
                ITEMS_AND_LEDGERS_TITLE
                if items and ledgers
                else EVENTS_TITLE
                if items
                else LEDGER_TITLE
            )
            out.append(_Attachment(title, self._items_and_ledgers))
        if any(e.evidence for i in self.indicators if (e := self.sm.entries.get(i.id))):
            out.append(_Attachment(EVIDENCE_TITLE, self._evidence_list))
        if self.ledger_file:
            out.append(_Attachment(self.ledger_file, None))
        return out

    @property
    def _items_attachment(self) -> int:
        """逾期事项所在附件的序号（事项与台账的附件总在最前）。"""
        return 1

    def _items_and_ledgers(self, doc: Any) -> None:
        self._event_tables(doc)
        self._ledger_tables(doc)

    def _ledger_kinds(self) -> list[str]:
        return [i.ledger for i in self.indicators if i.ledger]

    def _evidence_list(self, doc: Any) -> None:
        rows: list[list[str]] = []
        shaded: list[int] = []
        month = self.sm.month
        for ind in self.indicators:
            entry = self.sm.entries.get(ind.id)
            for ev in entry.evidence if entry else []:
                note, bad = _evidence_note(ev)
                if bad:
                    shaded.append(len(rows))
                rows.append(
                    [
                        str(len(rows) + 1),
                        ind.short,
                        ev.file_name,
                        cell_time(ev.effective_date, month),
                        note or "—",
                    ]
                )
        doc.caption("佐证材料")
        doc.table(
            ["序号", "指标", "文件名称", "材料日期", "说明"],
            rows,
            widths=[9, 32, 50, 20, 40],
            align="cllcl",
            shaded=shaded,
        )
        problems = [r for n, r in enumerate(rows) if n in shaded]
        if problems:
            doc.paragraph(
                f"注：有{len(problems)}份材料在附上后文件缺失或被改动，已在“说明”栏注明，请核对。"
            )

    def _late_table(self, doc: Any) -> None:
        """逾期事项（正文只写件数的那些）：按月报送的材料、事件、配额，未完成的在前。"""
        month = self.sm.month
        rows: list[list[str]] = []
        shaded: list[int] = []
        for o in self._late_items():
            hourly = o.rule.startswith("hours")
            over = o.state is ObligationState.OVERDUE
            if over:
                shaded.append(len(rows))
            rows.append(
                [
                    str(len(rows) + 1),
                    self.catalog.indicator(o.indicator_id).short,
                    o.what,
                    cell_time(o.effective_due, month, with_time=hourly),
                    cell_time(o.done_at, month, with_time=hourly),
                    "未完成" if over else "逾期完成",
                ]
            )
        if not rows:
            return
        doc.caption("逾期事项")
        doc.table(
            ["序号", "指标", "事项", "期限", "完成日期", "办理情况"],
            rows,
            widths=[8, 36, 66, 18, 18, 18],
            align="cllccc",
            shaded=shaded,
        )

    def _event_tables(self, doc: Any) -> None:
        month = self.sm.month
        self._late_table(doc)
        for ind in self.indicators:
            entry = self.sm.entries.get(ind.id)
            if not entry or not entry.events:
                continue
            for kind in self._kinds(ind, entry):
                events = sorted(
                    (ev for ev in entry.events if ev.kind == kind), key=lambda e: e.occurred_at
                )
                if not events:
                    continue
                spec = ind.rule_for_event(kind)
                hourly = spec is not None and spec.rule.kind is RuleKind.HOURS
                label = EVENT_KINDS.get(kind, kind)
                t_occ, t_done = TIME_LABELS.get(kind, ("发生日期", "完成日期"))
                rows, shaded = [], []
                for n, ev in enumerate(events):
                    o = self.by_event.get(ev.id)
                    if o is None:
                        due, state = "—", ("已办结" if ev.done_at else "未办结")
                    else:
                        due, state = (
                            cell_time(o.effective_due, month, with_time=hourly),
                            obligation_state(o),
                        )
                        if state in ("逾期完成", "未完成（已逾期）"):
                            shaded.append(n)
                    rows.append(
                        [
                            str(n + 1),
                            event_subject(ev),
                            cell_time(ev.occurred_at, month, with_time=hourly),
                            due,
                            cell_time(ev.done_at, month, with_time=hourly),
                            state.replace("（", "\n（"),
                        ]
                    )
                rule = f"（期限：{rule_label(spec.rule)}）" if spec is not None else ""
                doc.caption(f"{label}办理情况{rule}")
                doc.table(
                    ["序号", "事项", t_occ, "期限", t_done, "办理情况"],
                    rows,
                    widths=[9, 56, 22, 22, 22, 24],
                    align="clcccc",
                    shaded=shaded,
                    min_chars=[0, 0, 0, 0, 0, 5.2],
                )

    def _ledger_tables(self, doc: Any) -> None:
        for kind in self._ledger_kinds():
            summary = self.sm.ledgers.get(kind)
            rows = self.ledger_rows.get(kind)
            if not summary and not rows:
                continue
            name = LEDGER_NAMES.get(kind, kind)
            if summary:
                self._rates_table(doc, kind, name, summary)
            if rows:
                self._rows_table(doc, kind, name, rows)

    def _rates_table(self, doc: Any, kind: str, name: str, summary: dict[str, Any]) -> None:
        counts: dict[str, Any] = summary.get("counts") or {}
        rates: dict[str, Any] = summary.get("rates") or {}
        table_rows, shaded = [], []
        for key, (label, num_label, den_label) in RATE_LABELS.get(
            kind, RATE_LABELS["licence"]
        ).items():
            num_key, den_key = _RATE_PARTS[key]
            num, den = counts.get(num_key), counts.get(den_key, counts.get("decided"))
            if num is None:
                table_rows.append([label, "—", "—", "不适用，本台账没有逐条期限"])
                continue
            rate = rates.get(key)
            if rate is None and isinstance(num, int) and isinstance(den, int) and den:
                rate = num / den
            if rate is not None and rate < 1:
                shaded.append(len(table_rows))
            value = _pct(rate) if rate is not None else "无法计算，分母为0"
            table_rows.append([label, f"{num_label}数÷{den_label}数", f"{num}÷{den}", value])
        doc.caption(f"{name}台账统计")
        doc.table(
            ["指标", "计算方法", "计数", "结果"],
            table_rows,
            widths=[18, 64, 30, 44],
            align="clcc",
            shaded=shaded,
        )
        if isinstance(summary.get("problems"), int) and summary["problems"]:
            doc.paragraph(f"注：台账检查发现问题{summary['problems']}处。")

    def _rows_table(
        self, doc: Any, kind: str, name: str, rows: list[dict], limit: int = 30, max_cols: int = 5
    ) -> None:
        from creditcheck.ledger import spec_for

        from .docx_layout import text_width

        try:
            order = [c.name for c in spec_for(kind).columns]
        except (KeyError, ValueError):
            order = []
        present: list[str] = []
        for r in rows:
            for k in r:
                if not str(k).startswith("_") and k not in present:
                    present.append(k)
        cols = [c for c in order if c in present and any(r.get(c) not in (None, "") for r in rows)]
        cols += [c for c in present if c not in cols and c.isascii() is False]
        cols = cols[:max_cols]
        if not cols:
            return
        shown = rows[:limit]
        data = [
            [str(i + 1)] + [_ledger_value(r.get(c), self.sm.month) for c in cols]
            for i, r in enumerate(shown)
        ]
        # 列宽按各列内容的平均长度分（至少3字、至多14字），名称长的列宽、日期列窄
        weights = [2.5] + [
            min(14.0, max(3.0, sum(text_width(row[i + 1]) for row in data) / len(data)))
            for i in range(len(cols))
        ]
        doc.caption(f"{name}台账明细")
        doc.table(["序号", *cols], data, widths=weights, align="c" + "l" * len(cols))
        if len(rows) > limit:
            where = f"《{self.ledger_file}》" if self.ledger_file else "导出的工作台账电子表格"
            doc.paragraph(f"注：台账共{len(rows)}条，以上列出前{limit}条，完整台账见{where}。")


COUNT_SHORT = {
    "credit_checks": ("信用核查", "次"),
    "joint_sanctions": ("联合奖惩", "次"),
    "market_entities": ("市场主体", "户"),
}
"""第8项指标的计数在正文里的简写：“信用核查283次，联合奖惩23次，市场主体497户”。"""

QUOTA_UNITS = {"article": "篇", "case": "个", "activity": "次"}

EVIDENCE_TITLE = "本月佐证材料清单"
EVENTS_TITLE = "本月事项办理情况"
LEDGER_TITLE = "工作台账统计"
ITEMS_AND_LEDGERS_TITLE = "本月事项办理和台账统计"


def _evidence_note(ev: Evidence) -> tuple[str, bool]:
    """（说明栏的文字，是否有问题）：文件缺失或被改动时写在说明前面。"""
    state = evidence_state(ev)
    parts = []
    bad = state != OK
    if bad:
        parts.append({MISSING: "文件缺失", CHANGED: "附上后已改动"}.get(state, "文件无法读取"))
    if ev.kind and ev.kind != "其他":
        parts.append(ev.kind)
    if ev.note:
        parts.append(ev.note)
    return "；".join(parts), bad


def event_subject(ev: Event) -> str:
    """事件表“事项”一格：名称，其下每行一个附加字段（中文名：值），备注在最后。"""
    parts = [ev.title or EVENT_KINDS.get(ev.kind, ev.kind)]
    for k, v in ev.fields.items():
        if v in ("", None):
            continue
        parts.append(f"{field_label(ev.kind, k) or OTHER_FIELD}：{v}")
    if ev.note:
        parts.append(f"备注：{ev.note}")
    return "\n".join(parts)
