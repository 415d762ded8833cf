"""义务与预警：由目录规则、日历和一个科室的记录算出“什么时候该交什么、现在怎么样”。

首页的期限面板、Word 报送材料的“期限”列、汇总的及时率都用这里的结果。不读系统时钟。
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from .catalog import EVENT_KINDS, Catalog, Indicator
from .models import Event, SectionMonth, Status
from .month import Month
from .rules import DEFAULT_HORIZON, Level, compute_due, is_on_time, warning_level
from .workcal import WorkCalendar


@dataclass(frozen=True)
class Obligation:
    """一项应完成的事：某指标的按月报送，或某个事件的处理期限。"""

    section_id: str
    indicator_id: int
    what: str
    rule: str
    due: date | datetime
    effective_due: date | datetime
    done_at: date | datetime | None
    level: Level | None  # 已完成时为 None
    on_time: bool | None  # 未完成时为 None
    fallback: bool
    event_id: str | None = None
    month: Month | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def due_label(self) -> str:
        d = self.effective_due
        if isinstance(d, datetime):
            return f"{d.month}月{d.day}日 {d.hour:02d}:{d.minute:02d}"
        return f"{d.month}月{d.day}日"


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


def obligations_for(
    catalog: Catalog,
    cal: WorkCalendar,
    sm: SectionMonth,
    now: datetime,
    horizon: int = DEFAULT_HORIZON,
) -> list[Obligation]:
    """一个科室一个月的全部义务：每条按月报送的规则一项，每个带期限的事件一项。"""
    out: list[Obligation] = []
    for ind in catalog.assigned(sm.section_id):
        entry = sm.entries.get(ind.id)
        status = entry.status if entry else Status.NOT_STARTED
        completed = entry.completed_at if entry else None
        for spec in ind.monthly_rules:
            due = compute_due(sm.month, spec.rule, cal)
            done_at: date | datetime | None = None
            if status in (Status.DONE, Status.NOT_APPLICABLE):
                done_at = completed or due.effective_due  # 没有记录完成时间的旧数据按期内完成计
            out.append(_make(sm, ind, spec.what or ind.short, str(spec.rule), due.due, due.effective_due,
                             done_at, due.fallback, now, cal, horizon))
        for ev in entry.events if entry else ():
            ev_spec = ind.rule_for_event(ev.kind)
            if ev_spec is None:
                continue
            due = compute_due(ev.occurred_at, ev_spec.rule, cal)
            label = EVENT_KINDS.get(ev.kind, ev.kind)
            what = f"{label}：{ev.title}" if ev.title else label
            out.append(_make(sm, ind, what, str(ev_spec.rule), due.due, due.effective_due,
                             ev.done_at, due.fallback, now, cal, horizon, ev.id))
    return out


def _make(
    sm: SectionMonth, ind: Indicator, what: str, rule: str, due: date | datetime,
    eff: date | datetime, done_at: date | datetime | None, fallback: bool, now: datetime,
    cal: WorkCalendar, horizon: int, event_id: str | None = None,
) -> Obligation:
    if done_at is not None:
        return Obligation(sm.section_id, ind.id, what, rule, due, eff, done_at, None,
                          is_on_time(done_at, eff), fallback, event_id, sm.month)
    level, fb = warning_level(eff, now, cal, horizon)
    return Obligation(sm.section_id, ind.id, what, rule, due, eff, None, level, None,
                      fallback or fb, event_id, sm.month)


def open_obligations(obligations: Iterable[Obligation]) -> list[Obligation]:
    """未完成的义务，最紧急的在前。"""
    items = [o for o in obligations if not o.done]
    return sorted(items, key=lambda o: (o.level.rank if o.level else 9, _sort_key(o.effective_due)))


def _sort_key(v: date | datetime) -> datetime:
    return v if isinstance(v, datetime) else datetime(v.year, v.month, v.day, 23, 59)


QUOTA_NEEDS_DONE = frozenset({"article", "case"})
"""配额只数已完成的：信用动态“每月上报1篇”数已上报的稿件，信易批“形成案例并报审”数已报送的案例；
诚信宣传活动“每年开展2次”数已开展的活动（活动材料的48小时期限另算）。"""


def counts_for_quota(ev: Event, kind: str) -> bool:
    return ev.kind == kind and (ev.done_at is not None or kind not in QUOTA_NEEDS_DONE)


def quota_lines(catalog: Catalog, section_id: str, months: Iterable[SectionMonth], month: Month) -> list[QuotaLine]:
    """配额进度与节奏。``months`` 为该科室已有的各月记录（统计当年的事件）。"""
    months = list(months)
    out: list[QuotaLine] = []
    for ind in catalog.assigned(section_id):
        for spec in ind.quota_rules:
            kind = spec.event or ""
            if spec.rule.per == "month":
                pool = [m for m in months if m.month == month]
            else:
                pool = [m for m in months if m.month.year == month.year and m.month <= month]
            done = 0
            for m in pool:
                entry = m.entries.get(ind.id)
                done += sum(1 for ev in (entry.events if entry else []) if counts_for_quota(ev, kind))
            label = EVENT_KINDS.get(kind, kind)
            need = spec.rule.n
            if spec.rule.per == "month":
                text = f"{label} {done}/{need}（本月）"
            else:
                left = 12 - month.month
                pace = "，距年底还有不到1个月" if left == 0 else f"，距年底还有 {left} 个月"
                text = f"{label} {done}/{need}{'' if done >= need else pace}"
            if done >= need:
                text += "，已达到要求"
            out.append(QuotaLine(ind.id, kind, done, need, spec.rule.per, text))
    return out


def timeliness(obligations: Iterable[Obligation], today: date) -> tuple[int, int]:
    """（按时完成数，应完成数）：应完成 = 已完成的，加上期限已过仍未完成的。"""
    met = due = 0
    for o in obligations:
        eff_day = o.effective_due.date() if isinstance(o.effective_due, datetime) else o.effective_due
        if o.done:
            due += 1
            met += bool(o.on_time)
        elif eff_day < today:
            due += 1
    return met, due
