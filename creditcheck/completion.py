"""指标的完成情况：由义务和专人的确认算出，得分、总览、排名、首页、两份 Word 文档和
``overview --json`` 都从这里取数（只此一处计算）。

规则（``SCORING_RULE`` 为同一段话，汇总材料的脚注可直接印出）：

- 指标“完成”：本月该办结的义务（期限在本月底之前、或已逾期的）全部已办结，并且专人已确认完成。
  本软件自己的提醒（目录 ``reminder``）和尚未到期的按年配额不在其列。
- 专人确认时仍有未办结的义务：显示“已确认（尚有 N 项未办结）”，不算完成。
- 有义务已逾期仍未办结：显示“逾期”（即使已确认）。
- 不适用（写明理由）的指标不计入分母；但记下的事件（来函、活动……）照样有期限，未办结时按“已确认（尚有
  N 项未办结）”或“逾期”计，计入分母。
- 得分 = Σ(完成指标的权重 × 系数) / Σ(应完成指标的权重) × 100，保留一位小数；按时完成的系数为 1，
  有义务逾期完成（期限过后才办结）的系数为目录的 ``late_credit``（内置目录为 1，即照记满分，逾期只体现在
  及时率中）。没有应完成指标时记 100 分。
- 按时完成率 = 按时完成的义务 / 到期的义务（已办结的与已逾期未办结的，不含未到期、不适用和提醒）；
  不是“双公示”台账的及时率。
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

from .catalog import Catalog, Indicator
from .models import SectionMonth, Status
from .obligations import Obligation, ObligationState, obligations_for, timeliness
from .records import dataclass
from .rules import DEFAULT_HORIZON
from .workcal import WorkCalendar


class CellState(str, enum.Enum):
    """一个科室的一个指标在本月的状态（总览矩阵的一格）。"""

    DONE = "完成"
    CONFIRMED_OPEN = "已确认未办结"
    IN_PROGRESS = "进行中"
    NOT_STARTED = "未开始"
    OVERDUE = "逾期"
    NOT_APPLICABLE = "不适用"
    NOT_ASSIGNED = "不负责"

    @property
    def symbol(self) -> str:
        """命令行矩阵里的一个字（“-”表示不负责）。"""
        return _SYMBOLS[self]


_SYMBOLS = {
    CellState.DONE: "完",
    CellState.CONFIRMED_OPEN: "确",
    CellState.IN_PROGRESS: "进",
    CellState.NOT_STARTED: "未",
    CellState.OVERDUE: "逾",
    CellState.NOT_APPLICABLE: "无",
    CellState.NOT_ASSIGNED: "-",
}

SCORING_RULE = (
    "计分规则：指标在本月该办结的事项（按月报送材料、事件期限、配额）全部办结并经专人确认，才算完成；"
    "确认时仍有未办结事项的显示“已确认（尚有N项未办结）”，不算完成；有事项逾期未办结的显示“逾期”。"
    "得分＝完成指标的权重之和÷应完成指标的权重之和×100（不适用的指标不计入），"
    "期限过后才办结（逾期完成）的指标按目录系数 {late} 计分；"
    "按时完成率＝按时完成的事项÷到期的应办事项（已办结的与已逾期未办结的）。"
)
"""计分规则的一段话；``scoring_rule_text(catalog)`` 填入系数。"""


def scoring_rule_text(catalog: Catalog) -> str:
    """汇总材料脚注、帮助里印的计分规则（填入目录的逾期完成系数）。"""
    late = catalog.late_credit
    shown = "1（照记满分，逾期只影响按时完成率）" if late == 1 else f"{late:g}"
    return SCORING_RULE.format(late=shown)


@dataclass(frozen=True)
class IndicatorStanding:
    """一个指标在本月的完成情况。``open`` 为本月该办结而未办结的义务（确认前界面列出来问）。"""

    indicator: Indicator
    section_id: str
    state: CellState
    confirmed: bool
    obligations: tuple[Obligation, ...]
    open: tuple[Obligation, ...]
    overdue: tuple[Obligation, ...]
    late: bool  # 已办结的义务中有逾期完成的
    credit: float  # 计分系数：完成时 1 或 late_credit，否则 0
    reason: str = ""

    @property
    def label(self) -> str:
        """界面与文档显示的状态文字。"""
        if self.state is CellState.CONFIRMED_OPEN:
            return f"已确认（尚有 {len(self.open)} 项未办结）"
        if self.state is CellState.NOT_APPLICABLE and self.reason:
            return f"不适用（{self.reason}）"
        if self.state is CellState.DONE and self.late:
            return "完成（有逾期完成事项）"
        return self.state.value

    @property
    def ready_to_confirm(self) -> bool:
        """本月该办结的都已办结（至少一项已办），只差专人确认（按 D 标记完成）就算完成。"""
        return (
            self.state is CellState.IN_PROGRESS
            and not self.open
            and any(o.met and not o.reminder for o in self.obligations)
        )

    @property
    def counts(self) -> bool:
        """计入得分分母（负责且不是不适用）。"""
        return self.state not in (CellState.NOT_APPLICABLE, CellState.NOT_ASSIGNED)


def _blocking(o: Obligation) -> bool:
    """本月该办结而未办结：不是提醒、不是不适用、没办结，且已逾期或期限在本月底之前。"""
    if o.reminder or o.done:
        return False
    return o.overdue or (o.month is not None and o.in_month(o.month))


def standing(
    ind: Indicator, sm: SectionMonth, obligations: Iterable[Obligation], late_credit: float = 1.0
) -> IndicatorStanding:
    """一个指标的完成情况。``obligations`` 为该科室本月的全部义务（函数只看本指标的）。"""
    sid = sm.section_id
    mine = tuple(o for o in obligations if o.indicator_id == ind.id and o.section_id == sid)
    if sid not in ind.sections:
        return IndicatorStanding(ind, sid, CellState.NOT_ASSIGNED, False, (), (), (), False, 0.0)
    entry = sm.entries.get(ind.id)
    status = entry.status if entry else Status.NOT_STARTED
    confirmed = status is Status.DONE
    open_ = tuple(o for o in mine if _blocking(o))
    overdue = tuple(o for o in mine if o.overdue and not o.reminder)
    late = any(o.state is ObligationState.LATE and not o.reminder for o in mine)
    reason = entry.reason if entry else ""
    if status is Status.NOT_APPLICABLE and not open_:
        return IndicatorStanding(
            ind, sid, CellState.NOT_APPLICABLE, False, mine, (), (), late, 0.0, reason
        )
    if overdue:
        state = CellState.OVERDUE
    elif (confirmed or status is Status.NOT_APPLICABLE) and open_:
        state = CellState.CONFIRMED_OPEN
    elif confirmed:
        state = CellState.DONE
    elif status is Status.IN_PROGRESS or any(o.met for o in mine):
        state = CellState.IN_PROGRESS
    else:
        state = CellState.NOT_STARTED
    credit = (late_credit if late else 1.0) if state is CellState.DONE else 0.0
    return IndicatorStanding(ind, sid, state, confirmed, mine, open_, overdue, late, credit, reason)


@dataclass(frozen=True)
class Score:
    """一个科室一个月的得分。``total`` 为应完成的指标数（不含不适用）。"""

    done: int
    total: int
    not_applicable: int
    in_progress: int
    weighted: float  # 0..100
    confirmed_open: int = 0
    overdue: int = 0
    late: int = 0  # 完成但有逾期完成事项的指标数

    @property
    def label(self) -> str:
        return f"{self.done}/{self.total}项，得分{self.weighted:.1f}"


@dataclass(frozen=True)
class MonthStanding:
    """一个科室一个月的事实：全部义务、各指标的完成情况、得分与及时率。"""

    section_id: str
    obligations: tuple[Obligation, ...]
    indicators: dict[int, IndicatorStanding]
    score: Score
    on_time: int
    due: int

    def indicator(self, indicator_id: int) -> IndicatorStanding:
        return self.indicators[indicator_id]

    @property
    def overdue(self) -> tuple[Obligation, ...]:
        """全部已逾期未办结的义务（不含本软件的提醒）。"""
        return tuple(o for o in self.obligations if o.overdue and not o.reminder)


def score_of(catalog: Catalog, standings: Iterable[IndicatorStanding]) -> Score:
    done = total = na = prog = conf = over = late = 0
    w_done = w_total = 0.0
    for st in standings:
        if st.state is CellState.NOT_ASSIGNED:
            continue
        if st.state is CellState.NOT_APPLICABLE:
            na += 1
            continue
        total += 1
        w_total += st.indicator.weight
        w_done += st.indicator.weight * st.credit
        if st.state is CellState.DONE:
            done += 1
            late += st.late
        elif st.state is CellState.IN_PROGRESS:
            prog += 1
        elif st.state is CellState.CONFIRMED_OPEN:
            conf += 1
        elif st.state is CellState.OVERDUE:
            over += 1
    weighted = round(100.0 * w_done / w_total, 1) if w_total else 100.0
    return Score(done, total, na, prog, weighted, conf, over, late)


def assess(
    catalog: Catalog,
    cal: WorkCalendar,
    sm: SectionMonth,
    now: datetime,
    records: Iterable[SectionMonth] = (),
    horizon: int = DEFAULT_HORIZON,
) -> MonthStanding:
    """一个科室一个月的事实（义务 → 指标完成情况 → 得分、及时率）。``records`` 见 ``obligations_for``。"""
    obs = tuple(obligations_for(catalog, cal, sm, now, horizon, records=records))
    by_ind: dict[int, list[Obligation]] = {}
    for o in obs:
        by_ind.setdefault(o.indicator_id, []).append(o)
    inds = {
        ind.id: standing(ind, sm, by_ind.get(ind.id, ()), catalog.late_credit)
        for ind in catalog.indicators
    }
    sc = score_of(catalog, (inds[i.id] for i in catalog.assigned(sm.section_id)))
    met, due = timeliness(obs)
    return MonthStanding(sm.section_id, obs, inds, sc, met, due)


def open_for_confirmation(
    catalog: Catalog,
    cal: WorkCalendar,
    sm: SectionMonth,
    indicator_id: int,
    now: datetime,
    records: Iterable[SectionMonth] = (),
) -> list[Obligation]:
    """专人要确认某指标完成时，本月该办结而尚未办结的义务（界面列出来问“仍要确认吗”）；空表示可以直接确认。"""
    ind = catalog.indicator(indicator_id)
    obs = obligations_for(catalog, cal, sm, now, records=records)
    return list(standing(ind, sm, obs, catalog.late_credit).open)


def confirmation_question(items: Iterable[Obligation]) -> str:
    """确认前提问的文字：列出未办结的事项。"""
    items = list(items)
    lines = [f"尚有 {len(items)} 项未办结："]
    for o in items:
        lines.append(f"· {o.what}（期限 {o.due_label}，{o.state_label}）")
    lines.append("仍要确认完成吗？确认后显示“已确认（尚有未办结事项）”，不计为完成。")
    return "\n".join(lines)
