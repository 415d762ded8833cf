"""科室月度报送材料（Word）：一个科室一个月的自查记录 → 公文版式的 .docx。

界面与命令行都调用 :func:`export_submission`。版式见 :mod:`exports.docx_layout`。
内容：标题、报送信息、指标完成情况汇总表、每个指标一部分（责任要求、完成情况、佐证材料、
数据和事项）、逾期和不适用事项、落款。
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from creditcheck.catalog import EVENT_KINDS, Catalog, Indicator
from creditcheck.completion import CellState, assess
from creditcheck.dates import format_date, format_datetime
from creditcheck.evidence import STATE_LABELS, evidence_state
from creditcheck.filenames import safe_file_name
from creditcheck.ledger import COUNT_LABELS, RATE_LABELS
from creditcheck.models import Event, IndicatorEntry, SectionMonth, Status
from creditcheck.month import Month
from creditcheck.obligations import Obligation, quota_lines
from creditcheck.rules import Level, RuleKind
from creditcheck.settings import Settings
from creditcheck.workcal import WorkCalendar

# ───────────────────────── 文件名 ─────────────────────────

def default_filename(catalog: Catalog, section_id: str, month: Month) -> str:
    """默认文件名：``{科室简称}-{YYYY}年{M}月信用监测报送材料.docx``。"""
    short = safe_file_name(catalog.section_by_id(section_id).short, fallback=section_id)
    return f"{short}-{month.year}年{month.month}月信用监测报送材料.docx"


# ───────────────────────── 佐证材料状态 ─────────────────────────

EVIDENCE_LABELS = STATE_LABELS
"""ok 正常 / missing 文件缺失 / changed 已变更 / unreadable 无法读取（见 creditcheck.evidence）。"""


# ───────────────────────── 小工具 ─────────────────────────


def _pct(x: float) -> str:
    """0.9615 → 96.15%，1.0 → 100%。"""
    s = f"{x * 100:.2f}".rstrip("0").rstrip(".")
    return f"{s}%"


def _short_time(v: date | datetime | None, month: Month, *, newline: bool = True) -> str:
    """表格里的时间：同年省去年份；有时刻的换行写时刻。"""
    if v is None:
        return "—"
    d = v.date() if isinstance(v, datetime) else v
    text = f"{d.month}月{d.day}日" if d.year == month.year else f"{d.year}年{d.month}月{d.day}日"
    if isinstance(v, datetime):
        text += ("\n" if newline else " ") + f"{v.hour:02d}:{v.minute:02d}"
    return text


def _long_time(v: date | datetime | None) -> str:
    if v is None:
        return "—"
    if isinstance(v, datetime):
        return format_datetime(v) if (v.hour, v.minute) != (0, 0) else format_date(v.date())
    return format_date(v)


def _status_text(entry: IndicatorEntry | None) -> Status:
    return entry.status if entry else Status.NOT_STARTED


TIME_LABELS: dict[str, tuple[str, str]] = {
    "licence": ("许可决定时间", "上报时间"),
    "data-problem": ("发现时间", "修改完成时间"),
    "commitment": ("承诺时间", "归集上传时间"),
    "article": ("事件时间", "信息上报时间"),
    "code-error": ("发现时间", "清理完成时间"),
    "case": ("形成时间", "报送时间"),
    "activity": ("活动结束时间", "材料报送时间"),
    "incident": ("发生时间", "处置反馈时间"),
    "objection": ("收函时间", "处理完成时间"),
}
"""各类事件的“发生”“完成”在表头里怎么叫。"""

FIELD_LABELS = {
    "code": "统一社会信用代码", "uscc": "统一社会信用代码", "credit_code": "统一社会信用代码",
    "entity": "主体名称", "name": "主体名称", "subject": "主体名称", "party": "行政相对人",
    "doc_no": "文书号", "licence_no": "许可编号", "place": "地点", "location": "地点",
    "participants": "参加人数", "result": "处理结果", "cleanup": "处理情况", "sender": "来函单位",
    "url": "链接", "problem": "问题", "fix": "整改情况", "count": "数量",
}

LEDGER_NAMES = {"licence": "“双公示”", "commitment": "“信用承诺和履约践诺”", "code-errors": "重错码清理"}

_RATE_PARTS = {"reported": ("uploaded", "decided"), "timely": ("on_time", "uploaded"),
               "compliant": ("compliant", "uploaded")}
"""比率的分子、分母在 counts 里的键（与 creditcheck.ledger 一致）。"""


def _event_subject(ev: Event) -> str:
    parts = [ev.title or EVENT_KINDS.get(ev.kind, ev.kind)]
    for k, v in ev.fields.items():
        if v not in ("", None):
            parts.append(f"{FIELD_LABELS.get(k, k)}：{v}")
    if ev.note:
        parts.append(f"备注：{ev.note}")
    return "\n".join(parts)


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
) -> Path:
    """把一个科室一个月的自查记录写成 Word 报送材料，返回写好的路径。

    字体方案取 ``settings.font_profile``；专人与电话取本月记录，没有时取设置。
    ``year_months`` 为该科室当年已有的各月记录，用于“每年至少2次”这类年度配额的全年进度。
    先写临时文件再替换目标，导出失败不会留下半个文件。
    """
    from .docx_layout import OfficialDocument

    doc = OfficialDocument(settings.font_profile, template=template)
    SubmissionWriter(catalog, cal, sm, settings, now, ledger_rows or {}, year_months).write(doc)
    return doc.save(Path(out_path))


class SubmissionWriter:
    """把报送材料的内容按顺序写进一个 :class:`OfficialDocument`。"""

    def __init__(self, catalog: Catalog, cal: WorkCalendar, sm: SectionMonth, settings: Settings,
                 now: datetime, ledger_rows: dict[str, list[dict]],
                 year_months: Sequence[SectionMonth] | None = None) -> None:
        self.catalog = catalog
        self.cal = cal
        self.sm = sm
        self.now = now
        self.ledger_rows = ledger_rows
        self.section = catalog.section_by_id(sm.section_id)
        self.person = sm.person or settings.person
        self.phone = sm.phone or settings.phone
        self.indicators = catalog.assigned(sm.section_id)
        self.obligations: dict[int, list[Obligation]] = defaultdict(list)
        # 本月的事实（义务、各指标完成情况、得分）：与首页、总览同一计算
        self.standing = assess(catalog, cal, sm, now, year_months or (), settings.horizon_days)
        for o in self.standing.obligations:
            self.obligations[o.indicator_id].append(o)
        self.by_event = {o.event_id: o for obs in self.obligations.values() for o in obs if o.event_id}
        months = [m for m in (year_months or []) if m.month != sm.month] + [sm]
        self.has_year = year_months is not None
        self.quotas = {(q.indicator_id, q.event_kind): q
                       for q in quota_lines(catalog, sm.section_id, months, sm.month)}

    # ── 总体 ──
    def write(self, doc: Any) -> None:
        sm, sec = self.sm, self.section
        doc.set_properties(title=f"{sec.name}{sm.month.label}信用状况监测工作报送材料",
                           author=self.person or sec.name, subject="信用状况监测工作报送材料")
        doc.title([sec.name, f"{sm.month.label}信用状况监测工作报送材料"])
        self._header_block(doc)
        self._summary(doc)
        for ind in self.indicators:
            self._indicator(doc, ind)
        self._closing(doc)
        doc.signature(sec.name, f"专人：{self.person}" if self.person else "", self.now.date())

    def _header_block(self, doc: Any) -> None:
        sm = self.sm
        version = sm.catalog_version or self.catalog.version
        ver_text = f"{version}（依据{self.catalog.source}）" if self.catalog.source else version
        if sm.catalog_version and sm.catalog_version != self.catalog.version:
            ver_text += f"；当前目录为{self.catalog.version}"
        items = [
            ("报送科室", self.section.name),
            ("专　　人", self.person or "（未填写）"),
            ("联系电话", self.phone or "（未填写）"),
            ("报送日期", format_date(self.now.date())),
            ("统计期间", f"{sm.month.label}（{format_date(sm.month.first_day)}至{format_date(sm.month.last_day)}）"),
            ("目录版本", ver_text),
        ]
        for label, value in items:
            doc.paragraph([(f"{label}：", "h"), (value, "")])

    def _flags(self, ind: Indicator) -> tuple[list[Obligation], list[Obligation]]:
        """（逾期未完成的义务，逾期完成的义务）。"""
        obs = self.obligations.get(ind.id, [])
        # 本软件自己的提醒（目录 reminder）不是方案的期限，不列为逾期
        open_over = [o for o in obs if not o.done and o.level is Level.OVERDUE and not o.reminder]
        late = [o for o in obs if o.done and o.on_time is False and not o.reminder]
        return open_over, late

    def _due_label(self, ind: Indicator) -> str:
        monthly = [o for o in self.obligations.get(ind.id, []) if o.event_id is None]
        if monthly:
            return monthly[0].due_label
        labels = [r.rule.label for r in ind.rules if r.rule.is_event_rule]
        return "逐件" + "；".join(dict.fromkeys(labels)) if labels else "；".join(r.rule.label for r in ind.rules)

    @staticmethod
    def _requirement_short(ind: Indicator) -> str:
        monthly = [r.what for r in ind.rules if r.rule.kind is RuleKind.MONTHLY and r.what]
        whats = monthly or [r.what for r in ind.rules if r.what]
        return whats[0] if whats else ind.short

    def _summary(self, doc: Any) -> None:
        sm = self.sm
        sc = self.standing.score
        statuses = [_status_text(sm.entries.get(i.id)) for i in self.indicators]
        confirmed_open = sum(1 for i in self.indicators if statuses[self.indicators.index(i)] is Status.DONE
                             and self.standing.indicator(i.id).state is not CellState.DONE)
        n_over = sum(len(self._flags(i)[0]) for i in self.indicators)
        text = (
            f"本科室{sm.month.label}负责信用状况监测指标{len(self.indicators)}项："
            f"已完成{statuses.count(Status.DONE) - confirmed_open}项，"
            + (f"已确认但尚有未办结事项{confirmed_open}项（不计为完成），" if confirmed_open else "")
            + f"进行中{statuses.count(Status.IN_PROGRESS)}项，"
            f"未开始{statuses.count(Status.NOT_STARTED)}项，不适用{statuses.count(Status.NOT_APPLICABLE)}项"
        )
        text += f"；逾期未完成事项{n_over}项。" if n_over else "；无逾期未完成事项。"
        text += f"按目录权重计算，完成得分{sc.weighted:.1f}分（不适用的指标不计入）。"
        doc.paragraph(text)
        doc.caption(f"表1　{sm.month.label}监测指标完成情况汇总")
        rows, shaded = [], []
        for n, ind in enumerate(self.indicators):
            entry = sm.entries.get(ind.id)
            st = _status_text(entry)
            open_over, late = self._flags(ind)
            standing = self.standing.indicator(ind.id)
            state = st.value
            if st is Status.DONE and standing.state is not CellState.DONE:
                state = f"已确认（尚有{len(standing.open)}项未办结）"  # 不计为完成
            if open_over:
                state += "\n（逾期）"
                shaded.append(n)
            elif late:
                state += f"\n（{len(late)}项逾期完成）"
                shaded.append(n)
            done = entry.completed_at if entry and st is Status.DONE else None
            rows.append([
                str(ind.id), ind.short, self._requirement_short(ind), state, self._due_label(ind),
                _short_time(done.date() if done else None, sm.month), str(len(entry.evidence) if entry else 0),
            ])
        doc.table(["序号", "指标", "责任要求", "完成情况", "期限", "完成时间", "佐证材料数"], rows,
                  widths=[11, 28, 34, 20, 22, 22, 19], align="clllccc", shaded=shaded)

    # ── 每个指标 ──
    def _indicator(self, doc: Any, ind: Indicator) -> None:
        entry = self.sm.entries.get(ind.id) or IndicatorEntry(ind.id)
        doc.heading(1, f"{ind.title}（指标{ind.id}）")
        doc.heading(2, "责任要求")
        doc.paragraph(ind.requirement)
        doc.paragraph([("期限要求：", "b"), ("；".join(f"{r.what}（{r.rule.label}）" if r.what else r.rule.label
                                                   for r in ind.plan_rules) + "。", "")])
        if ind.reminder_rules:
            # 本软件自己的提醒（目录 reminder = true）不是实施方案的期限要求，单独注明
            doc.paragraph([("本软件提醒（非实施方案规定的期限）：", "b"),
                           ("；".join(r.what or r.rule.label for r in ind.reminder_rules) + "。", "")])
        if ind.materials:
            doc.paragraph([("报送材料：", "b"), ("、".join(ind.materials) + "。", "")])
        doc.heading(2, "完成情况")
        self._done(doc, ind, entry)
        doc.heading(2, "佐证材料")
        self._evidence(doc, entry)
        if self._has_figures(ind, entry):
            doc.heading(2, "数据和事项")
            self._figures(doc, ind, entry)

    def _done(self, doc: Any, ind: Indicator, entry: IndicatorEntry) -> None:
        st = entry.status
        standing = self.standing.indicator(ind.id)
        if st is Status.DONE and standing.state is not CellState.DONE:
            # 专人已确认，但本月该办结的事项没有全部办结：如实写出，不算完成
            doc.paragraph(f"完成状态：已确认（尚有 {len(standing.open)} 项未办结），不计为完成。")
        elif st is Status.DONE:
            when = f"，完成时间{_long_time(entry.completed_at)}" if entry.completed_at else ""
            doc.paragraph(f"完成状态：已完成{when}。")
        elif st is Status.NOT_APPLICABLE:
            doc.paragraph(f"完成状态：不适用。理由：{entry.reason or '未说明理由'}。")
        elif st is Status.IN_PROGRESS:
            doc.paragraph("完成状态：进行中，尚未完成。")
        else:
            doc.paragraph("完成状态：未开始，本月尚未开展。")
        if entry.note:
            doc.paragraph(f"情况说明：{entry.note}")
        open_over, late = self._flags(ind)
        for o in open_over:
            doc.paragraph(f"逾期未完成：{o.what}，期限为{_long_time(o.effective_due)}。")
        for o in late:
            doc.paragraph(f"逾期完成：{o.what}，期限为{_long_time(o.effective_due)}，"
                          f"完成于{_long_time(o.done_at)}。")

    def _evidence(self, doc: Any, entry: IndicatorEntry) -> None:
        if not entry.evidence:
            doc.paragraph("未附佐证材料。")
            return
        rows, shaded = [], []
        for n, ev in enumerate(entry.evidence):
            state = evidence_state(ev)
            if state != "ok":
                shaded.append(n)
            rows.append([
                str(n + 1), ev.file_name, _short_time(ev.effective_date, self.sm.month),
                "；".join(x for x in (ev.kind if ev.kind != "其他" else "", ev.note) if x) or "—",
                (ev.sha256 or "")[:8] or "—", EVIDENCE_LABELS.get(state, state),
            ])
        doc.table(["序号", "文件名", "材料日期", "说明", "校验码（SHA-256前8位）", "状态"], rows,
                  widths=[11, 43, 22, 36, 24, 20], align="clclcc", shaded=shaded)
        bad = [EVIDENCE_LABELS.get(evidence_state(ev), "") for ev in entry.evidence]
        n_missing, n_changed = bad.count("文件缺失"), bad.count("已变更")
        if n_missing or n_changed:
            notes = []
            if n_missing:
                notes.append(f"{n_missing}份文件缺失")
            if n_changed:
                notes.append(f"{n_changed}份文件在附上后已变更")
            doc.paragraph(f"注意：{'，'.join(notes)}，请核对。")

    # ── 数据和事项 ──
    def _kinds(self, ind: Indicator, entry: IndicatorEntry) -> list[str]:
        kinds = list(ind.event_kinds)
        for ev in entry.events:
            if ev.kind not in kinds:
                kinds.append(ev.kind)
        return kinds

    def _has_figures(self, ind: Indicator, entry: IndicatorEntry) -> bool:
        return bool(ind.counts or ind.ledger or self._kinds(ind, entry))

    def _figures(self, doc: Any, ind: Indicator, entry: IndicatorEntry) -> None:
        if ind.ledger:
            doc.heading(3, f"{LEDGER_NAMES.get(ind.ledger, ind.ledger)}台账")
            self._ledger(doc, ind.ledger)
        if ind.counts:
            doc.heading(3, "应用数据")
            self._counts(doc, ind, entry)
        for kind in self._kinds(ind, entry):
            label = EVENT_KINDS.get(kind, kind)
            doc.heading(3, label)
            events = [ev for ev in entry.events if ev.kind == kind]
            self._events(doc, ind, kind, events, entry)
            q = self.quotas.get((ind.id, kind))
            if q is not None:
                if q.per == "month":
                    doc.paragraph(f"完成进度：{q.text}。")
                elif self.has_year:
                    doc.paragraph(f"本月{label}{len(events)}次；全年进度：{q.text}。")
                else:
                    doc.paragraph(f"本月{label}{len(events)}次（要求每年至少{q.required}次，全年进度以各月合计为准）。")

    def _events(self, doc: Any, ind: Indicator, kind: str, events: Sequence[Event], entry: IndicatorEntry) -> None:
        label = EVENT_KINDS.get(kind, kind)
        if not events:
            if kind == "incident":
                if entry.status is Status.DONE:
                    doc.paragraph("本月无严重失信事件，失信案件保持“零存量、零增量”。")
                else:
                    doc.paragraph("本月未记录严重失信事件；本科室尚未完成本月“零存量、零增量”确认。")
            else:
                doc.paragraph(f"本月无{label}记录。")
            return
        t_occ, t_done = TIME_LABELS.get(kind, ("发生时间", "完成时间"))
        rows, shaded = [], []
        on_time = late = pending = 0
        for n, ev in enumerate(sorted(events, key=lambda e: e.occurred_at)):
            o = self.by_event.get(ev.id)
            if o is None:
                due, verdict = "—", ("已完成" if ev.done_at else "未完成")
            else:
                due = _short_time(o.effective_due, self.sm.month)
                if o.done:
                    verdict = "按时" if o.on_time else "逾期完成"
                    on_time += bool(o.on_time)
                    late += not o.on_time
                elif o.level is Level.OVERDUE:
                    verdict = "逾期未完成"
                    late += 1
                else:
                    verdict = "未完成\n（未到期）"
                    pending += 1
                if verdict.startswith("逾期"):
                    shaded.append(n)
            rows.append([str(n + 1), _event_subject(ev), _short_time(ev.occurred_at, self.sm.month), due,
                         _short_time(ev.done_at, self.sm.month), verdict])
        doc.table(["序号", "事项", t_occ, "期限", t_done, "是否按时"], rows,
                  widths=[11, 49, 24, 24, 24, 24], align="clcccc", shaded=shaded)
        done = sum(1 for ev in events if ev.done_at)
        summary = f"本月{label}共{len(events)}件，已完成{done}件"
        if ind.rule_for_event(kind) is not None:
            summary += f"，其中按时完成{on_time}件"
            if late:
                summary += f"，逾期{late}件"
            if pending:
                summary += f"，尚未到期{pending}件"
        doc.paragraph(summary + "。")

    def _counts(self, doc: Any, ind: Indicator, entry: IndicatorEntry) -> None:
        parts = []
        for c in ind.counts:
            v = entry.counts.get(c.key)
            parts.append(f"{c.label}{v if v is not None else '（未填写）'}")
        doc.paragraph("本月" + "，".join(parts) + "。")
        keys = {c.key for c in ind.counts}
        if {"credit_checks", "joint_sanctions", "market_entities"} <= keys:
            label = {c.key: c.label for c in ind.counts}
            a = entry.counts.get("credit_checks")
            b = entry.counts.get("joint_sanctions")
            m = entry.counts.get("market_entities")
            formula = (f"应用比例 =（{label['credit_checks']} + {label['joint_sanctions']}）÷ "
                       f"{label['market_entities']}")
            if a is None or b is None or m is None:
                doc.paragraph(f"{formula}；数据未填写完整，无法计算。")
            elif m == 0:
                doc.paragraph(f"{formula} =（{a} + {b}）÷ 0，市场主体数量为0，无法计算。")
            else:
                doc.paragraph(f"{formula} =（{a} + {b}）÷ {m} = {_pct((a + b) / m)}。")

    def _ledger(self, doc: Any, kind: str) -> None:
        """台账摘要（台账导入时存入 ``sm.ledgers[kind]``）：计数，以及每个比率的公式、计数和结果。"""
        name = LEDGER_NAMES.get(kind, kind)
        summary = self.sm.ledgers.get(kind)
        rows = self.ledger_rows.get(kind)
        if not summary:
            doc.paragraph(f"本月未导入{name}台账。")
            if rows:
                self._rows_table(doc, rows)
            return
        counts: dict[str, Any] = summary.get("counts") or {}
        rates: dict[str, Any] = summary.get("rates") or {}
        clabels = COUNT_LABELS.get(kind, COUNT_LABELS["licence"])
        parts = [f"{clabels.get(k, k)}{'—' if counts.get(k) is None else counts.get(k)}条"
                 for k in ("decided", "uploaded", "on_time", "compliant") if k in counts and counts.get(k) is not None]
        head = f"本月{name}台账：" + "，".join(parts) if parts else f"本月{name}台账"
        if isinstance(summary.get("problems"), int):
            head += f"；检查发现问题{summary['problems']}处"
        doc.paragraph(head + "。")
        table_rows, shaded = [], []
        for key, (label, num_label, den_label) in RATE_LABELS.get(kind, RATE_LABELS["licence"]).items():
            num_key, den_key = _RATE_PARTS[key]
            num, den = counts.get(num_key), counts.get(den_key)
            if num is None:
                table_rows.append([label, "—", "—", "不适用（本台账没有逐条期限）"])
                continue
            rate = rates.get(key)
            if rate is None and isinstance(num, int) and isinstance(den, int) and den:
                rate = num / den
            if rate is not None and rate < 1:
                shaded.append(len(table_rows))
            value = _pct(rate) if rate is not None else "无法计算（分母为0）"
            table_rows.append([label, f"{num_label}数 ÷ {den_label}数", f"{num} ÷ {den}", value])
        doc.table(["指标", "计算公式", "计数", "结果"], table_rows, widths=[20, 62, 36, 38], align="clcc",
                  shaded=shaded)
        src, when = summary.get("file"), summary.get("imported_at")
        if src or when:
            doc.paragraph(f"台账文件：{Path(str(src)).name if src else '—'}"
                          + (f"，导入时间{str(when)[:16].replace('T', ' ')}" if when else "") + "。")
        if rows:
            self._rows_table(doc, rows)

    def _rows_table(self, doc: Any, rows: list[dict], limit: int = 30, max_cols: int = 5) -> None:
        cols: list[str] = []
        for r in rows:
            for k in r:
                if not str(k).startswith("_") and k not in cols:
                    cols.append(k)
        cols = cols[:max_cols]
        if not cols:
            return
        shown = rows[:limit]
        data = [[str(i + 1)] + ["" if r.get(c) is None else str(r.get(c)) for c in cols]
                for i, r in enumerate(shown)]
        doc.table(["序号", *cols], data, widths=[10] + [30] * len(cols), align="c" + "l" * len(cols))
        if len(rows) > limit:
            doc.paragraph(f"台账共{len(rows)}条，以上列出前{limit}条，完整台账见导出的 Excel 台账。")

    # ── 结尾 ──
    def _closing(self, doc: Any) -> None:
        doc.heading(1, "逾期和不适用事项")
        doc.heading(2, "逾期事项")
        items: list[str] = []
        for ind in self.indicators:
            open_over, late = self._flags(ind)
            for o in open_over:
                items.append(f"指标{ind.id}（{ind.short}）：{o.what}，期限为{_long_time(o.effective_due)}，至报送日仍未完成。")
            for o in late:
                items.append(f"指标{ind.id}（{ind.short}）：{o.what}，期限为{_long_time(o.effective_due)}，"
                             f"于{_long_time(o.done_at)}逾期完成。")
        self._numbered(doc, items, "本月无逾期事项。")
        doc.heading(2, "不适用指标")
        na = []
        for ind in self.indicators:
            e = self.sm.entries.get(ind.id)
            if e is not None and e.status is Status.NOT_APPLICABLE:
                na.append(f"指标{ind.id}（{ind.short}）：{e.reason or '未说明理由'}。")
        self._numbered(doc, na, "本月无不适用的指标。")

    @staticmethod
    def _numbered(doc: Any, items: Iterable[str], empty: str) -> None:
        items = list(items)
        if not items:
            doc.paragraph(empty)
        for n, text in enumerate(items, start=1):
            doc.paragraph(f"{n}.{text}")
