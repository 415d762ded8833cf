"""体系科的汇总视角：一个月里各科室 × 各指标的完成情况、得分、及时率、排名、趋势与通报。

纯领域代码：输入是目录、日历、各科室的月度记录和“此刻”，输出是不可变的数据对象；
不读系统时钟，不碰文件。总览界面、排名界面、汇总材料（Word/Excel）和 ``creditcheck overview``
都从这里取数，所以它们给出的数字一定一致。

口径（界面与文档照此说明）：
- 单元格状态、得分、及时率：都来自 ``completion.assess``（见那里的计分规则）：不负责；不适用；
  逾期（有义务已逾期未办结）；已确认（尚有 N 项未办结）；完成（本月该办结的全部办结且专人已确认）；
  进行中；未开始。
- 及时率：按时完成数 / 应完成数；没有到期事项时记为 100%，显示为“—”。
- 排名：得分高者在前；得分相同看及时率；再相同按目录中的科室顺序排列，名次并列（1、1、3）。
- 趋势：截至本月的 12 个月得分，某月没有记录时为 None。
- 已报送：审核状态为“已提交”或“审核通过”；“未提交”和“退回修改”都算未报送。
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import field
from datetime import datetime
from typing import Any

from .catalog import Catalog, Indicator, Section
from .completion import CellState, IndicatorStanding, Score, assess, scoring_rule_text, standing
from .models import ReviewRecord, ReviewState, SectionMonth
from .month import Month
from .obligations import Obligation
from .records import dataclass
from .review import effective_state, merge_histories
from .workcal import WorkCalendar

TREND_MONTHS = 12


LEGEND = "完=完成  确=已确认但尚有未办结事项  进=进行中  未=未开始  逾=逾期  无=不适用  -=不负责"

SUBMITTED_STATES = (ReviewState.SUBMITTED, ReviewState.APPROVED)


@dataclass(frozen=True)
class Cell:
    section_id: str
    indicator_id: int
    state: CellState
    overdue: tuple[Obligation, ...] = ()
    open: tuple[Obligation, ...] = ()  # 本月该办结而未办结的义务
    label_text: str = ""

    @property
    def label(self) -> str:
        """“已确认（尚有 N 项未办结）”这样的完整说法。"""
        return self.label_text or self.state.value


@dataclass(frozen=True)
class SectionRow:
    """一个科室本月的汇总：矩阵一行、得分、及时率、名次、趋势。"""

    section: Section
    record: SectionMonth
    stored: bool  # 数据文件夹里是否有本月记录
    cells: dict[int, Cell]
    score: Score
    overdue: tuple[Obligation, ...]  # 全部已逾期未完成的义务（含已完成指标下未处理的事件）
    on_time: int
    due: int
    rank: int = 0
    trend: tuple[float | None, ...] = ()

    @property
    def section_id(self) -> str:
        return self.section.id

    @property
    def name(self) -> str:
        return self.section.short

    @property
    def review(self) -> ReviewState:
        return self.record.review

    @property
    def submitted(self) -> bool:
        return self.record.review in SUBMITTED_STATES

    @property
    def submitted_at(self) -> datetime | None:
        return self.record.submitted_at

    @property
    def overdue_cells(self) -> int:
        return sum(1 for c in self.cells.values() if c.state is CellState.OVERDUE)

    @property
    def timeliness_rate(self) -> float:
        """按时完成数 / 应完成数；没有到期事项时为 1.0。"""
        return self.on_time / self.due if self.due else 1.0

    @property
    def timeliness_label(self) -> str:
        if not self.due:
            return "—"
        return f"{self.on_time}/{self.due}（{100.0 * self.on_time / self.due:.1f}%）"

    @property
    def completion_label(self) -> str:
        return f"{self.score.done}/{self.score.total}"


@dataclass(frozen=True)
class IndicatorCompletion:
    """一个指标在各科室的完成情况。"""

    indicator: Indicator
    assigned: int
    done: int
    in_progress: int
    not_started: int
    overdue: int
    not_applicable: int
    confirmed_open: int = 0

    @property
    def required(self) -> int:
        """应完成的科室数（不含不适用）。"""
        return self.assigned - self.not_applicable

    @property
    def rate(self) -> float | None:
        return self.done / self.required if self.required else None

    @property
    def rate_label(self) -> str:
        r = self.rate
        return "—" if r is None else f"{100.0 * r:.1f}%"


@dataclass(frozen=True)
class Overview:
    """一个月的全局汇总。``rows`` 按目录中的科室顺序；``ranking`` 按名次。"""

    month: Month
    now: datetime
    catalog: Catalog
    rows: tuple[SectionRow, ...]
    indicators: tuple[IndicatorCompletion, ...]
    trend_months: tuple[Month, ...]
    _by_id: dict[str, SectionRow] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({r.section_id: r for r in self.rows})

    def row(self, section_id: str) -> SectionRow:
        return self._by_id[section_id]

    @property
    def ranking(self) -> list[SectionRow]:
        order = {r.section_id: i for i, r in enumerate(self.rows)}
        return sorted(self.rows, key=lambda r: (r.rank, order[r.section_id]))

    @property
    def submitted(self) -> list[SectionRow]:
        return [r for r in self.rows if r.submitted]

    @property
    def not_submitted(self) -> list[SectionRow]:
        return [r for r in self.rows if not r.submitted]

    @property
    def overdue_by_section(self) -> list[SectionRow]:
        """有逾期事项的科室（按目录顺序）。"""
        return [r for r in self.rows if r.overdue]

    @property
    def average_score(self) -> float:
        if not self.rows:
            return 0.0
        return round(sum(r.score.weighted for r in self.rows) / len(self.rows), 1)

    @property
    def totals(self) -> tuple[int, int]:
        """（已完成指标数，应完成指标数），各科室合计。"""
        return sum(r.score.done for r in self.rows), sum(r.score.total for r in self.rows)

    @property
    def timeliness_totals(self) -> tuple[int, int]:
        return sum(r.on_time for r in self.rows), sum(r.due for r in self.rows)

    @property
    def bulletin(self) -> str:
        return bulletin(self)

    def to_json(self) -> dict[str, Any]:
        ids = [i.id for i in self.catalog.indicators]
        return {
            "month": str(self.month),
            "catalog_version": self.catalog.version,
            "indicators": [{"id": i, "short": self.catalog.indicator(i).short} for i in ids],
            "trend_months": [str(m) for m in self.trend_months],
            "sections": [
                {
                    "id": r.section_id,
                    "name": r.name,
                    "cells": {str(i): r.cells[i].state.value for i in ids},
                    "cell_labels": {str(i): r.cells[i].label for i in ids},
                    "open_items": {str(i): len(r.cells[i].open) for i in ids if r.cells[i].open},
                    "required": r.score.total,
                    "done": r.score.done,
                    "confirmed_open": r.score.confirmed_open,
                    "overdue_indicators": r.overdue_cells,
                    "overdue_items": [_obligation_json(o) for o in r.overdue],
                    "score": r.score.weighted,
                    "on_time": r.on_time,
                    "due": r.due,
                    "rank": r.rank,
                    "review": r.review.value,
                    "submitted_at": r.submitted_at.isoformat(timespec="minutes")
                    if r.submitted_at
                    else None,
                    "trend": list(r.trend),
                }
                for r in self.rows
            ],
            "ranking": [r.section_id for r in self.ranking],
            "indicator_completion": [
                {
                    "id": c.indicator.id,
                    "assigned": c.assigned,
                    "required": c.required,
                    "done": c.done,
                    "in_progress": c.in_progress,
                    "confirmed_open": c.confirmed_open,
                    "not_started": c.not_started,
                    "overdue": c.overdue,
                    "not_applicable": c.not_applicable,
                    "rate": c.rate,
                }
                for c in self.indicators
            ],
            "average_score": self.average_score,
            "not_submitted": [r.section_id for r in self.not_submitted],
            "bulletin": self.bulletin,
            "scoring_rule": scoring_rule_text(self.catalog),
        }


def _obligation_json(o: Obligation) -> dict[str, Any]:
    eff = o.effective_due
    return {
        "indicator_id": o.indicator_id,
        "what": o.what,
        "effective_due": eff.isoformat(timespec="minutes")
        if isinstance(eff, datetime)
        else eff.isoformat(),
        "event_id": o.event_id,
    }


# ───────────────────────── 计算 ─────────────────────────


def cell_state(
    ind: Indicator,
    record: SectionMonth,
    obligations: Iterable[Obligation],
    late_credit: float = 1.0,
) -> Cell:
    """一格的状态。``obligations`` 为该科室本月的全部义务（函数只看本指标的）。"""
    return _cell(standing(ind, record, obligations, late_credit))


def _cell(st: IndicatorStanding) -> Cell:
    return Cell(st.section_id, st.indicator.id, st.state, st.overdue, st.open, st.label)


def _row(
    catalog: Catalog,
    cal: WorkCalendar,
    section: Section,
    record: SectionMonth,
    stored: bool,
    now: datetime,
    records: Iterable[SectionMonth] = (),
) -> SectionRow:
    ms = assess(catalog, cal, record, now, records)
    cells = {ind.id: _cell(ms.indicators[ind.id]) for ind in catalog.indicators}
    return SectionRow(section, record, stored, cells, ms.score, ms.overdue, ms.on_time, ms.due)


def assign_ranks(rows: Iterable[SectionRow]) -> dict[str, int]:
    """名次：得分降序，再按及时率降序；两者都相同的并列（1、1、3），列出时按科室顺序。"""
    rows = list(rows)
    order = {r.section_id: i for i, r in enumerate(rows)}
    ordered = sorted(
        rows, key=lambda r: (-r.score.weighted, -r.timeliness_rate, order[r.section_id])
    )
    ranks: dict[str, int] = {}
    prev_key: tuple[float, float] | None = None
    prev_rank = 0
    for pos, r in enumerate(ordered, start=1):
        key = (r.score.weighted, round(r.timeliness_rate, 9))
        rank = prev_rank if key == prev_key else pos
        ranks[r.section_id] = rank
        prev_key, prev_rank = key, rank
    return ranks


def trend_months(month: Month, n: int = TREND_MONTHS) -> tuple[Month, ...]:
    """截至 ``month``（含）的 n 个月，从早到晚。"""
    return tuple(month.shift(k) for k in range(-(n - 1), 1))


def build_overview(
    catalog: Catalog,
    cal: WorkCalendar,
    month: Month,
    records: Iterable[SectionMonth],
    now: datetime,
    catalog_for: Callable[[Month, str], Catalog] | None = None,
) -> Overview:
    """由各科室的记录（任意月份，可多于本月）算出本月的全局汇总。

    ``records`` 里没有本月记录的科室按“全部未开始、未提交”计；目录里没有的科室忽略。
    ``catalog_for(月份, 该月记下的目录版本)`` 给出往月应使用的目录（趋势按各月当时的权重和分工计分）；
    不给时都用 ``catalog``。
    """
    by_key: dict[tuple[str, Month], SectionMonth] = {}
    for r in records:
        by_key[(r.section_id, r.month)] = r
    months = trend_months(month)
    all_records = list(by_key.values())
    bureau_scope = any(
        spec.scope == "bureau" for ind in catalog.indicators for spec in ind.quota_rules
    )
    rows: list[SectionRow] = []
    for section in catalog.sections:
        rec = by_key.get((section.id, month))
        stored = rec is not None
        if rec is None:
            rec = SectionMonth(section.id, month, catalog.version)
        # 按年配额要数全年的事件：按科室计时只需本科室的记录，全局合计时要各科室的
        pool = (
            all_records if bureau_scope else [r for r in all_records if r.section_id == section.id]
        )
        row = _row(catalog, cal, section, rec, stored, now, pool)
        trend = tuple(
            assess(
                _catalog_of(catalog, catalog_for, by_key[(section.id, m)]),
                cal,
                by_key[(section.id, m)],
                now,
                pool,
            ).score.weighted
            if (section.id, m) in by_key
            else None
            for m in months
        )
        rows.append(_replace(row, trend=trend))
    ranks = assign_ranks(rows)
    rows = [_replace(r, rank=ranks[r.section_id]) for r in rows]
    return Overview(month, now, catalog, tuple(rows), _indicator_completion(catalog, rows), months)


def _catalog_of(
    catalog: Catalog, catalog_for: Callable[[Month, str], Catalog] | None, sm: SectionMonth
) -> Catalog:
    if catalog_for is None or sm.catalog_version in ("", catalog.version):
        return catalog
    return catalog_for(sm.month, sm.catalog_version)


def _replace(row: SectionRow, **changes: Any) -> SectionRow:
    from dataclasses import replace

    return replace(row, **changes)


def _indicator_completion(
    catalog: Catalog, rows: list[SectionRow]
) -> tuple[IndicatorCompletion, ...]:
    out: list[IndicatorCompletion] = []
    for ind in catalog.indicators:
        counts = dict.fromkeys(CellState, 0)
        for r in rows:
            counts[r.cells[ind.id].state] += 1
        assigned = len(rows) - counts[CellState.NOT_ASSIGNED]
        out.append(
            IndicatorCompletion(
                ind,
                assigned=assigned,
                done=counts[CellState.DONE],
                in_progress=counts[CellState.IN_PROGRESS],
                not_started=counts[CellState.NOT_STARTED],
                overdue=counts[CellState.OVERDUE],
                not_applicable=counts[CellState.NOT_APPLICABLE],
                confirmed_open=counts[CellState.CONFIRMED_OPEN],
            )
        )
    return tuple(out)


# ───────────────────────── 通报 ─────────────────────────


def bulletin(ov: Overview, to: str = "各科室") -> str:
    """由数字生成的一段通报文字（陈述事实，不作评价）：报送、得分、按时完成率（写明是哪一种）、局内排名前三、逾期。

    ``to`` 为“区信用办”时以本局口吻（“我局”“已督促相关科室整改”），否则是发各科室的通报。
    命令行 ``overview``、界面和两种汇总材料都用这一段，同一个月说法一致。"""
    n = len(ov.rows)
    sub = ov.submitted
    approved = [r for r in sub if r.review is ReviewState.APPROVED]
    who = "我局" if to == "区信用办" else "全局"
    text = f"{ov.month.label}，{who}{n}个科室中{len(sub)}个已报送信用状况监测材料"
    if sub:
        text += f"，其中审核通过{len(approved)}个、待审核{len(sub) - len(approved)}个"
    missing = ov.not_submitted
    returned = [r for r in missing if r.review is ReviewState.RETURNED]
    drafts = [r for r in missing if r.review is not ReviewState.RETURNED]
    if drafts:
        text += f"；未报送的有{'、'.join(r.name for r in drafts)}"
    if returned:
        text += f"；退回修改尚未重新报送的有{'、'.join(r.name for r in returned)}"
    if not missing:
        text += "，各科室均已报送"
    text += "。"
    done, total = ov.totals
    text += f"各科室平均得分{ov.average_score:.1f}分，共完成指标{done}项，应完成{total}项"
    met, due = ov.timeliness_totals
    if due:
        text += f"；到期的应办事项{due}项，按时完成{met}项，按时完成率{100.0 * met / due:.1f}%"
    text += "。"
    top = [r for r in ov.ranking if r.rank <= 3]
    if (
        len(ov.ranking) > 1
        and all(r.rank == 1 for r in ov.ranking)
        and ov.ranking[0].score.weighted > 0
    ):
        text += f"各科室得分均为{ov.ranking[0].score.weighted:.1f}分，局内排名并列第一。"
    elif any(r.score.weighted > 0 for r in ov.rows):
        listed = "、".join(f"{r.name}{r.score.weighted:.1f}分" for r in top)
        tie = "（含并列）" if len(top) > 3 else ""
        text += f"局内排名前三{tie}的是{listed}。"
    late = ov.overdue_by_section
    if late:
        listed = "、".join(f"{r.name}{len(r.overdue)}项" for r in late)
        total_late = sum(len(r.overdue) for r in late)
        text += f"存在逾期事项的科室有{listed}，共{total_late}项"
        text += "，请相关科室抓紧整改。" if to == "各科室" else "，已督促相关科室整改。"
    else:
        text += "各科室均无逾期事项。"
    return text


# ───────────────────────── 数据包合并 ─────────────────────────


def merge_review(
    ours: SectionMonth, theirs: SectionMonth
) -> tuple[list[ReviewRecord], ReviewState]:
    """合并两份审核记录（本机的与数据包里的），排出先后，并按状态机重放得出当前状态。

    用于导入数据包：体系科在本机做的“退回修改”不应被科室后来导出的包冲掉；
    科室在退回之后重新提交，则状态回到“已提交”。没有任何记录时沿用数据包里的状态。
    排序与重放的规则见 ``creditcheck.review.merge_histories`` / ``effective_state``。
    """
    merged = merge_histories(ours.history, theirs.history)
    return merged, effective_state(merged, theirs.review)
