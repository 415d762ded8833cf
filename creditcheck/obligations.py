"""义务：由目录规则、日历和记录算出“什么时候该交什么、现在怎么样”——本月的事实就是这些义务。

每一项义务是以下之一，各有一个状态（``ObligationState``）：

- 按月报送的材料（``monthly:D``，有效期限为当日或之前最近的工作日）：本月日期的佐证材料、本月导入的
  同类台账（或该指标的计数已填）即为办结，办结时间取最早的一份；
- 事件的期限（许可决定、来函、活动、重错码……）：以事件的完成时间办结；
- 配额（每月、每年至少若干次）：期内记录的该类事件达到数量即办结，办结时间为第 N 件的时间；按月配额
  按目录的 ``by``（信用动态为每月26日前）到期，按年配额到年底，从10月起数量不足时给出节奏提醒；
- 台账里尚未办结的行（“双公示”台账没有上报日期的许可决定、重错码清单没有处理日期的代码）：导入时按
  起算日期归组存进台账摘要（``pending_rows``），每个起算日期一项，期限按目录里该类事件的规则（许可决定
  15个自然日，重错码当月）；同一件事已作为事件记下的（文书号或代码相同）不再重复；重新导入后办结的行即消失；
- 本软件自己的提醒（目录里 ``reminder = true``，如第9项的“确认零存量、零增量”）：专人确认即办结，
  不计入及时率，也不作为指标完成的条件；过了提醒日也永远不算逾期（状态仍是未到期，说法为“待确认”）。

首页的期限面板、Word 报送材料、汇总与 ``overview --json`` 都用这里的结果。不读系统时钟。
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

from .catalog import EVENT_KINDS, Catalog, Indicator, RuleSpec
from .errors import CreditCheckError
from .models import Event, IndicatorEntry, SectionMonth, Status
from .month import Month
from .records import dataclass
from .rules import (
    DEFAULT_HORIZON,
    DeadlineRule,
    Level,
    RuleKind,
    compute_due,
    is_on_time,
    warning_level,
)
from .workcal import WorkCalendar


class ObligationState(str, enum.Enum):
    """一项义务在某一时刻的状态。"""

    NOT_DUE = "未到期"
    ON_TIME = "按时完成"
    LATE = "逾期完成"
    OVERDUE = "未完成（已逾期）"
    NOT_APPLICABLE = "不适用"

    @property
    def met(self) -> bool:
        return self in (ObligationState.ON_TIME, ObligationState.LATE)


REMINDER_LABEL = "待确认（本软件提醒，非方案期限）"
"""本软件自己的提醒到了提醒日、尚未确认时的状态说法（永远不是“已逾期”）。"""

PACE_FROM_MONTH = 10
"""按年配额从第几个月起在数量不足时提醒节奏（“距年底还有 N 个月”）。"""


@dataclass(frozen=True)
class Obligation:
    """一项应完成的事：按月报送的材料、事件的处理期限、配额，或本软件自己的提醒。

    ``kind``：monthly（按月材料）、event（事件）、quota（配额）。``state`` 为此刻的状态；
    ``reason`` 为不适用的理由；``met_by`` 说明由什么办结（“佐证材料 xx.docx”“双公示台账”……）。
    ``level`` 为未办结时的预警等级（已办结或不适用时为 None）；``on_time`` 为已办结时是否按时。
    """

    section_id: str
    indicator_id: int
    what: str
    rule: str
    due: date | datetime
    effective_due: date | datetime
    done_at: date | datetime | None
    level: Level | None
    on_time: bool | None
    fallback: bool
    event_id: str | None = None
    month: Month | None = None
    kind: str = "monthly"
    state: ObligationState = ObligationState.NOT_DUE
    reason: str = ""
    met_by: str = ""
    reminder: bool = False
    progress: tuple[int, int] | None = None  # 配额：（已有，要求）
    pace: str = ""  # 配额的节奏提醒

    @property
    def done(self) -> bool:
        """已办结（不适用的也不再待办）。"""
        return self.done_at is not None or self.state is ObligationState.NOT_APPLICABLE

    @property
    def met(self) -> bool:
        return self.state.met

    @property
    def overdue(self) -> bool:
        return self.state is ObligationState.OVERDUE

    @property
    def state_label(self) -> str:
        """“不适用（理由）”或状态名。"""
        if self.state is ObligationState.NOT_APPLICABLE:
            return f"不适用（{self.reason}）" if self.reason else "不适用"
        if self.reminder and not self.done and self.level is not Level.OK:
            return REMINDER_LABEL
        return self.state.value

    @property
    def reminding(self) -> bool:
        """本软件自己的提醒，提醒日已到（或临近）而专人尚未确认：首页列在“提醒”下，不列为逾期。"""
        return self.reminder and not self.done and self.level not in (None, Level.OK)

    @property
    def due_label(self) -> str:
        d = self.effective_due
        if isinstance(d, datetime):
            return f"{d.month}月{d.day}日 {d.hour:02d}:{d.minute:02d}"
        return f"{d.month}月{d.day}日"

    @property
    def due_day(self) -> date:
        d = self.effective_due
        return d.date() if isinstance(d, datetime) else d

    def in_month(self, month: Month) -> bool:
        """期限在该月底之前（含）：这个月该办结的事。按年配额在12月之前、次月才到期的事件不算。"""
        return self.due_day <= month.last_day


@dataclass(frozen=True)
class QuotaLine:
    """配额进度：“诚信宣传活动 1/2，距年底还有 1 个月”。"""

    indicator_id: int
    event_kind: str
    done: int
    required: int
    per: str  # month | year
    text: str

    @property
    def met(self) -> bool:
        return self.done >= self.required


def event_due(ind: Indicator, ev: Event, cal: WorkCalendar) -> tuple[date | datetime, bool] | None:
    """事件按目录规则的期限；该指标对此类事件没有期限规则时为 None。"""
    spec = ind.rule_for_event(ev.kind)
    if spec is None:
        return None
    due = compute_due(ev.occurred_at, spec.rule, cal)
    return due.effective_due, due.fallback


QUOTA_NEEDS_DONE = frozenset({"article", "case"})
"""配额只数已完成的：信用动态“每月上报1篇”数已上报的稿件，信易批“形成案例并报审”数已报送的案例；
诚信宣传活动“每年开展2次”数已开展的活动（活动材料的48小时期限另算）。"""


def counts_for_quota(ev: Event, kind: str) -> bool:
    return ev.kind == kind and (ev.done_at is not None or kind not in QUOTA_NEEDS_DONE)


def quota_time(ev: Event) -> datetime:
    """事件计入配额的时间：需要完成的（稿件、案例）取完成时间，其余取发生时间。"""
    if ev.kind in QUOTA_NEEDS_DONE and ev.done_at is not None:
        return ev.done_at
    return ev.occurred_at


def _end_of(d: date | datetime) -> datetime:
    return d if isinstance(d, datetime) else datetime.combine(d, time(23, 59, 59))


def _day_of(v: date | datetime) -> date:
    return v.date() if isinstance(v, datetime) else v


def quota_period(month: Month, rule: DeadlineRule) -> tuple[date, date]:
    """配额的统计期间：按月为该月，按年为该年。"""
    if rule.per == "month":
        return month.first_day, month.last_day
    return date(month.year, 1, 1), date(month.year, 12, 31)


def quota_due(month: Month, spec: RuleSpec, cal: WorkCalendar) -> tuple[date, date, bool]:
    """配额的（期限，有效期限，是否兜底）：目录 ``by`` 给出的规则，否则按月到月底、按年到年底。"""
    by = spec.by
    if by is None:
        by = (
            DeadlineRule(RuleKind.MONTH_END)
            if spec.rule.per == "month"
            else DeadlineRule(RuleKind.YEAR_END)
        )
    start: Month | date = month if by.kind is RuleKind.MONTHLY else month.first_day
    d = compute_due(start, by, cal)
    return _day_of(d.due), _day_of(d.effective_due), d.fallback


def _quota_events(
    spec: RuleSpec,
    ind: Indicator,
    sm: SectionMonth,
    records: Iterable[SectionMonth],
    lo: date,
    hi: date,
) -> list[Event]:
    """期内计入配额的事件（按科室或全局，去重）。"""
    kind = spec.event or ""
    pool: dict[str, Event] = {}
    sections = set(ind.sections) if spec.scope == "bureau" else {sm.section_id}
    for rec in (sm, *records):
        if rec.section_id not in sections or not (lo.year <= rec.month.year <= hi.year):
            continue
        if rec.section_id == sm.section_id and rec.month == sm.month and rec is not sm:
            continue  # 本月以传入的记录为准
        entry = rec.entries.get(ind.id)
        for ev in entry.events if entry else ():
            if counts_for_quota(ev, kind) and lo <= quota_time(ev).date() <= hi:
                pool.setdefault(f"{rec.section_id}/{ev.id}", ev)
    return sorted(pool.values(), key=quota_time)


def _monthly_met_by(
    ind: Indicator, entry: IndicatorEntry | None, sm: SectionMonth, reminder: bool
) -> tuple[date | datetime | None, str]:
    """按月材料由什么办结、何时办结：本月日期的佐证材料（办结日期取材料上的日期，没写日期时取附上的那天）、
    本月导入的同类台账、已填的计数；提醒类由确认办结。"""
    found: list[tuple[date | datetime, str]] = []
    month = sm.month
    if entry is not None:
        for ev in entry.evidence:
            dated = ev.effective_date or (ev.attached_at.date() if ev.attached_at else None)
            if dated is None or Month.of(dated) != month:
                continue
            # 办结日期是材料上的日期（材料的落款、印发、活动日期），不是附上材料的时刻
            found.append((dated, f"佐证材料 {ev.file_name}"))
        if ind.counts and all(c.key in entry.counts for c in ind.counts):
            when_c = (
                entry.completed_at
                if entry.status is Status.DONE and entry.completed_at
                else entry.updated_at
            )
            if when_c is not None:
                found.append((when_c, "已填报计数"))
        if reminder and entry.status is Status.DONE and entry.completed_at is not None:
            found.append((entry.completed_at, "专人确认"))
    if ind.ledger:
        summary = sm.ledgers.get(ind.ledger)
        if summary:
            try:
                at = datetime.fromisoformat(str(summary.get("imported_at", "")))
            except ValueError:
                at = None
            if at is not None:
                from .ledger import SPECS

                title = SPECS[ind.ledger].title if ind.ledger in SPECS else "台账"
                found.append((at, f"导入{title}"))
    if not found:
        return None, ""
    when, what = min(found, key=lambda x: _sort_key(x[0]))
    return when, what


def obligations_for(
    catalog: Catalog,
    cal: WorkCalendar,
    sm: SectionMonth,
    now: datetime,
    horizon: int = DEFAULT_HORIZON,
    records: Iterable[SectionMonth] = (),
) -> list[Obligation]:
    """一个科室一个月的全部义务：每条按月报送的规则一项，每个带期限的事件一项，每条配额一项。

    ``records`` 为其他月份（按年配额数全年的事件）和其他科室（全局口径的配额）的记录；不给时只数本月记录。
    """
    records = tuple(records)
    out: list[Obligation] = []
    for ind in catalog.assigned(sm.section_id):
        entry = sm.entries.get(ind.id)
        na_reason = entry.reason if entry and entry.status is Status.NOT_APPLICABLE else None
        for spec in ind.monthly_rules:
            due = compute_due(sm.month, spec.rule, cal)
            done_at, met_by = _monthly_met_by(ind, entry, sm, spec.reminder)
            out.append(
                _make(
                    sm,
                    ind,
                    spec.what or ind.short,
                    str(spec.rule),
                    due.due,
                    due.effective_due,
                    done_at,
                    due.fallback,
                    now,
                    cal,
                    horizon,
                    kind="monthly",
                    met_by=met_by,
                    na_reason=na_reason,
                    reminder=spec.reminder,
                )
            )
        for ev in entry.events if entry else ():
            ev_spec = ind.rule_for_event(ev.kind)
            if ev_spec is None:
                continue
            due = compute_due(ev.occurred_at, ev_spec.rule, cal)
            label = EVENT_KINDS.get(ev.kind, ev.kind)
            what = f"{label}：{ev.title}" if ev.title else label
            subject = ev.fields.get("subject", "") if ev.kind == "licence" else ""
            if subject and subject not in what:  # 许可决定的名称是文书号：带上行政相对人，一眼认得
                what += f"（{subject}）"
            # 记下的事件即是实际发生的事：指标标为不适用也照样有期限
            out.append(
                _make(
                    sm,
                    ind,
                    what,
                    str(ev_spec.rule),
                    due.due,
                    due.effective_due,
                    ev.done_at,
                    due.fallback,
                    now,
                    cal,
                    horizon,
                    ev.id,
                    kind="event",
                    met_by="已办结" if ev.done_at else "",
                    reminder=ev_spec.reminder,
                )
            )
        out.extend(_ledger_obligations(cal, sm, ind, entry, now, horizon))
        for spec in ind.quota_rules:
            out.append(_quota(catalog, cal, sm, ind, spec, records, now, horizon, na_reason))
    return out


@dataclass(frozen=True)
class LedgerOpenSpec:
    """台账里“尚未办结”的行怎么认：起算日期列、办结日期列、标识列（文书号、代码）、名称列、说法。"""

    start: str
    done: str
    key: str
    name: str
    what: str
    verb: str


LEDGER_OPEN: dict[str, LedgerOpenSpec] = {
    "licence": LedgerOpenSpec(
        "许可决定日期", "上报日期", "行政许可决定文书号", "行政相对人名称", "“双公示”待上报", "决定"
    ),
    "code-errors": LedgerOpenSpec(
        "发现日期", "处理日期", "统一社会信用代码", "主体名称", "重错码待清理", "发现"
    ),
}
"""有期限的台账：没有办结日期的行各有一个期限（信用承诺台账没有期限规则，不在其列）。"""

PENDING_DETAIL = 20
"""台账摘要里每个起算日期最多记下几行的文书号和名称（其余只计行数），免得月度文件随大表膨胀。"""


def pending_rows(kind: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """导入的台账里尚未办结的行，按起算日期归组：``[{"date", "count", "rows", "items": [[标识, 名称]]}]``。

    起算日期读不出的行不在其列（台账检查已报为问题）。存进台账摘要的 ``pending``，义务据此算出期限。"""
    spec = LEDGER_OPEN.get(kind)
    if spec is None:
        return []
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        if str(r.get(spec.done) or "").strip():
            continue
        start = str(r.get(spec.start) or "")
        try:
            date.fromisoformat(start)
        except ValueError:
            continue
        g = groups.setdefault(start, {"date": start, "count": 0, "rows": [], "items": []})
        g["count"] += 1
        if len(g["items"]) < PENDING_DETAIL:
            g["rows"].append(r.get("_row"))
            g["items"].append([str(r.get(spec.key) or ""), str(r.get(spec.name) or "")])
    return [groups[k] for k in sorted(groups)]


def _ledger_obligations(
    cal: WorkCalendar,
    sm: SectionMonth,
    ind: Indicator,
    entry: IndicatorEntry | None,
    now: datetime,
    horizon: int,
) -> list[Obligation]:
    """本指标台账里尚未办结的行：每个起算日期一项（已作为事件记下的同一件事不重复）。"""
    kind = ind.ledger or ""
    summary = sm.ledgers.get(kind) if kind else None
    spec = LEDGER_OPEN.get(kind)
    if not summary or spec is None or not summary.get("pending"):
        return []
    from .ledger import SPECS, rule_for  # 只在有未办结的行时才加载（启动时首页用不到台账检查）

    if kind not in SPECS:
        return []
    lspec = SPECS[kind]
    ev_spec = ind.rule_for_event(lspec.event) if lspec.event else None
    rule = ev_spec.rule if ev_spec is not None else rule_for(lspec, None)
    if rule is None:
        return []
    # 同一件事已作为事件记下（许可决定书文号、重错码的代码相同）：期限由事件那一项说，不再重复
    known = {
        _norm(v)
        for ev in (entry.events if entry else ())
        if ev.kind == lspec.event
        for v in (ev.title, *ev.fields.values())
        if v
    }
    out: list[Obligation] = []
    pending = summary.get("pending") if isinstance(summary, dict) else None
    for g in pending if isinstance(pending, list) else ():
        # 手工改过或损坏的摘要：读不懂的一组跳过，不让首页因此出错
        if not isinstance(g, dict):
            continue
        try:
            start = date.fromisoformat(str(g.get("date", "")))
            count = int(g.get("count", 0))
            items = [
                (str(it[0]), str(it[1]))
                for it in g.get("items") or ()
                if isinstance(it, (list, tuple)) and len(it) == 2
            ]
            rows = list(g.get("rows") or ())
        except (TypeError, ValueError, OverflowError):
            continue
        keep = [(n, it) for n, it in enumerate(items) if _norm(it[0]) not in known]
        count = min(count, 1_000_000)
        count -= len(items) - len(keep)
        if count <= 0:
            continue
        row_nos = [str(rows[n]) for n, _ in keep if n < len(rows) and rows[n] is not None]
        where = f"台账第{'、'.join(row_nos)}行" if row_nos else "台账"
        if count == 1 and keep:
            key, name = keep[0][1]
            what = f"{spec.what}：{name or key}（{'，'.join(x for x in (key if name else '', where) if x)}）"
        else:
            what = f"{spec.what}：{count}条（{start.month}月{start.day}日{spec.verb}，{where}）"
        try:
            due = compute_due(start, rule, cal)
        except (ValueError, OverflowError, CreditCheckError):
            continue
        out.append(
            _make(
                sm,
                ind,
                what,
                str(rule),
                due.due,
                due.effective_due,
                None,
                due.fallback,
                now,
                cal,
                horizon,
                kind="ledger",
            )
        )
    return out


def _norm(text: str) -> str:
    """比较文书号、代码用：去掉空格，全角转半角。"""
    import unicodedata

    return unicodedata.normalize("NFKC", str(text)).replace(" ", "").strip()


def _quota(
    catalog: Catalog,
    cal: WorkCalendar,
    sm: SectionMonth,
    ind: Indicator,
    spec: RuleSpec,
    records: tuple[SectionMonth, ...],
    now: datetime,
    horizon: int,
    na_reason: str | None,
) -> Obligation:
    lo, hi = quota_period(sm.month, spec.rule)
    due, eff, fallback = quota_due(sm.month, spec, cal)
    events = _quota_events(spec, ind, sm, records, lo, hi)
    need = spec.rule.n
    done_at: datetime | None = quota_time(events[need - 1]) if len(events) >= need else None
    label = EVENT_KINDS.get(spec.event or "", spec.event or "")
    scope = "（全局合计）" if spec.scope == "bureau" else ""
    what = spec.what or f"{label}{spec.rule.label}"
    pace = ""
    if spec.rule.per == "year" and done_at is None and sm.month.month >= PACE_FROM_MONTH:
        left = 12 - sm.month.month
        when = "距年底不到1个月" if left == 0 else f"距年底还有 {left} 个月"
        pace = (
            f"{label}全年已有{len(events)}次{scope}，还差{need - len(events)}次，{when}，请抓紧安排"
        )
    ob = _make(
        sm,
        ind,
        what,
        str(spec.rule),
        due,
        eff,
        done_at,
        fallback,
        now,
        cal,
        horizon,
        kind="quota",
        met_by=f"{label} {min(len(events), need)}/{need}{scope}" if done_at else "",
        na_reason=na_reason,
        reminder=spec.reminder,
    )
    return replace(ob, progress=(len(events), need), pace=pace)


def _make(
    sm: SectionMonth,
    ind: Indicator,
    what: str,
    rule: str,
    due: date | datetime,
    eff: date | datetime,
    done_at: date | datetime | None,
    fallback: bool,
    now: datetime,
    cal: WorkCalendar,
    horizon: int,
    event_id: str | None = None,
    *,
    kind: str,
    met_by: str = "",
    na_reason: str | None = None,
    reminder: bool = False,
) -> Obligation:
    def made(**kw: Any) -> Obligation:
        return Obligation(
            section_id=sm.section_id,
            indicator_id=ind.id,
            what=what,
            rule=rule,
            due=due,
            effective_due=eff,
            event_id=event_id,
            month=sm.month,
            kind=kind,
            reminder=reminder,
            **kw,
        )

    if done_at is not None:
        on_time = is_on_time(done_at, eff)
        state = ObligationState.ON_TIME if on_time else ObligationState.LATE
        return made(
            done_at=done_at,
            level=None,
            on_time=on_time,
            fallback=fallback,
            state=state,
            met_by=met_by,
        )
    if na_reason is not None:
        return made(
            done_at=None,
            level=None,
            on_time=None,
            fallback=fallback,
            state=ObligationState.NOT_APPLICABLE,
            reason=na_reason,
        )
    level, fb = warning_level(eff, now, cal, horizon)
    if reminder and level is Level.OVERDUE:
        # 本软件自己的提醒不是方案的期限：过了提醒日仍是“该确认了”，永远不算逾期
        level = Level.DUE_TODAY
    state = ObligationState.OVERDUE if level is Level.OVERDUE else ObligationState.NOT_DUE
    return made(done_at=None, level=level, on_time=None, fallback=fallback or fb, state=state)


def open_obligations(obligations: Iterable[Obligation]) -> list[Obligation]:
    """未办结的义务（不含不适用），最紧急的在前。"""
    items = [o for o in obligations if not o.done]
    return sorted(items, key=lambda o: (o.level.rank if o.level else 9, _sort_key(o.effective_due)))


def _sort_key(v: date | datetime) -> datetime:
    return v if isinstance(v, datetime) else datetime(v.year, v.month, v.day, 23, 59)


def quota_lines(
    catalog: Catalog, section_id: str, months: Iterable[SectionMonth], month: Month
) -> list[QuotaLine]:
    """配额进度与节奏。``months`` 为该科室（全局口径时也可含其他科室）已有的各月记录。"""
    months = list(months)
    out: list[QuotaLine] = []
    base = next((m for m in months if m.section_id == section_id and m.month == month), None)
    sm = base if base is not None else SectionMonth(section_id, month, catalog.version)
    for ind in catalog.assigned(section_id):
        for spec in ind.quota_rules:
            kind = spec.event or ""
            lo, hi = quota_period(month, spec.rule)
            done = len(_quota_events(spec, ind, sm, months, lo, hi))
            label = EVENT_KINDS.get(kind, kind)
            need = spec.rule.n
            scope = "（全局合计）" if spec.scope == "bureau" else ""
            if spec.rule.per == "month":
                text = f"{label} {done}/{need}（本月）"
            else:
                left = 12 - month.month
                pace = "，距年底还有不到1个月" if left == 0 else f"，距年底还有 {left} 个月"
                text = f"{label} {done}/{need}{scope}{'' if done >= need else pace}"
                if done < need and month.month >= PACE_FROM_MONTH:
                    text += "，请抓紧安排"
            if done >= need:
                text += "，已达到要求"
            out.append(QuotaLine(ind.id, kind, done, need, spec.rule.per, text))
    return out


def timeliness(obligations: Iterable[Obligation], today: date | None = None) -> tuple[int, int]:
    """（按时完成数，应完成数）：应完成 = 已办结的，加上已逾期仍未办结的；不含未到期、不适用和本软件的提醒。

    ``today`` 不再使用（状态已按义务算出时的“此刻”定好），保留参数以兼容旧调用。
    """
    met = due = 0
    for o in obligations:
        if o.reminder:
            continue
        if o.state is ObligationState.ON_TIME:
            met += 1
            due += 1
        elif o.state in (ObligationState.LATE, ObligationState.OVERDUE):
            due += 1
    return met, due
