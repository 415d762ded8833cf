"""对一个月自查记录的修改：设置状态、记事件、附材料、沿用上月。界面与命令行都调这里。

每个函数都校验输入并给出中文说明；不读系统时钟（``now`` 由调用方传入）。
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import TypeVar

from .catalog import EVENT_KINDS, Catalog
from .dates import check_completion
from .errors import InputError
from .evidence import check_evidence_date
from .freeze import LockedMonthError as LockedMonthError
from .freeze import ensure_editable
from .models import Event, Evidence, IndicatorEntry, SectionMonth, Status, new_id
from .obligations import event_due
from .workcal import WorkCalendar


def _guard(sm: SectionMonth) -> None:
    """已提交（待审核）或审核通过的月份不能修改：提交即冻结（见 ``creditcheck.freeze``）。"""
    ensure_editable(sm)


def _entry(sm: SectionMonth, catalog: Catalog, indicator_id: int) -> IndicatorEntry:
    ind = catalog.indicator(indicator_id)
    if sm.section_id not in ind.sections:
        name = catalog.section_by_id(sm.section_id).short
        raise InputError(f"第{indicator_id}项指标不由{name}负责")
    return sm.entry(indicator_id)


def set_status(
    sm: SectionMonth,
    catalog: Catalog,
    indicator_id: int,
    status: Status,
    now: datetime,
    reason: str = "",
    note: str | None = None,
) -> IndicatorEntry:
    """设置完成状态。不适用必须写理由；已完成时记下完成时间。"""
    _guard(sm)
    e = _entry(sm, catalog, indicator_id)
    if status is Status.NOT_APPLICABLE and not reason.strip():
        raise InputError("选择“不适用”时必须填写理由")
    e.status = status
    e.reason = reason.strip() if status is Status.NOT_APPLICABLE else ""
    if note is not None:
        e.note = note
    e.completed_at = now if status in (Status.DONE, Status.NOT_APPLICABLE) else None
    e.updated_at = now
    return e


def set_note(
    sm: SectionMonth, catalog: Catalog, indicator_id: int, note: str, now: datetime
) -> None:
    _guard(sm)
    e = _entry(sm, catalog, indicator_id)
    e.note = note
    e.updated_at = now
    if e.status is Status.NOT_STARTED and note.strip():
        e.status = Status.IN_PROGRESS


def set_plans(sm: SectionMonth, text: str, now: datetime) -> None:
    """写“存在问题和下步打算”（报送材料正文第三部分）。去掉首尾空白和多余的空行。"""
    _guard(sm)
    lines = [
        ln.rstrip() for ln in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    sm.plans = "\n".join(ln for ln in lines if ln.strip()).strip()


def set_count(
    sm: SectionMonth, catalog: Catalog, indicator_id: int, key: str, value: int | str, now: datetime
) -> None:
    """填写计数（信用核查应用次数、市场主体数量……）；必须是非负整数。"""
    _guard(sm)
    ind = catalog.indicator(indicator_id)
    labels = {c.key: c.label for c in ind.counts}
    if key not in labels:
        raise InputError(f"第{indicator_id}项指标没有计数“{key}”")
    text = str(value).strip().replace(",", "").replace("，", "")
    if not text.isdigit():
        raise InputError(f"“{labels[key]}”应为不小于0的整数，实际为“{value}”")
    e = _entry(sm, catalog, indicator_id)
    e.counts[key] = int(text)
    e.updated_at = now
    if e.status is Status.NOT_STARTED:
        e.status = Status.IN_PROGRESS


def application_ratio(counts: dict[str, int]) -> float | None:
    """应用比例 = (信用核查次数 + 联合奖惩次数) / 市场主体数量；市场主体为 0 时无意义。"""
    entities = counts.get("market_entities", 0)
    if not entities:
        return None
    return (counts.get("credit_checks", 0) + counts.get("joint_sanctions", 0)) / entities


def add_evidence(
    sm: SectionMonth, catalog: Catalog, indicator_id: int, ev: Evidence, now: datetime
) -> None:
    """附上一份材料；材料日期晚于今天时拒绝（报送材料里不能有日期在报送日之后的佐证）。"""
    _guard(sm)
    check_evidence_date(ev.effective_date, now)
    e = _entry(sm, catalog, indicator_id)
    e.evidence.append(ev)
    e.updated_at = now
    if e.status is Status.NOT_STARTED:
        e.status = Status.IN_PROGRESS


def remove_evidence(
    sm: SectionMonth, catalog: Catalog, indicator_id: int, evidence_id: str, now: datetime
) -> Evidence:
    _guard(sm)
    e = _entry(sm, catalog, indicator_id)
    return _remove(e, e.evidence, evidence_id, now, "找不到这条佐证材料")


def add_event(
    sm: SectionMonth,
    catalog: Catalog,
    cal: WorkCalendar,
    indicator_id: int,
    kind: str,
    title: str,
    occurred_at: datetime,
    now: datetime,
    done_at: datetime | None = None,
    note: str = "",
    fields: dict[str, str] | None = None,
) -> Event:
    """记录一个事件（来函、活动、稿件、重错码……），按目录规则算出期限。

    发生时间不能晚于此刻；完成时间不能晚于今天，也不能早于发生时间。
    """
    _guard(sm)
    ind = catalog.indicator(indicator_id)
    if kind not in ind.event_kinds:
        allowed = "、".join(EVENT_KINDS[k] for k in ind.event_kinds) or "无"
        raise InputError(
            f"第{indicator_id}项指标不记录“{EVENT_KINDS.get(kind, kind)}”（可记录：{allowed}）"
        )
    if occurred_at.date() > now.date():
        raise InputError(
            f"发生日期 {occurred_at.date().isoformat()} 晚于今天（{now.date().isoformat()}），请核对"
        )
    if done_at is not None:
        check_completion(done_at, occurred_at, now)
    ev = Event(
        kind=kind,
        title=title.strip(),
        occurred_at=occurred_at,
        done_at=done_at,
        note=note,
        fields=dict(fields or {}),
        id=new_id(),
    )
    due = event_due(ind, ev, cal)
    ev.due_at = due[0] if due else None
    e = _entry(sm, catalog, indicator_id)
    e.events.append(ev)
    e.updated_at = now
    if e.status is Status.NOT_STARTED:
        e.status = Status.IN_PROGRESS
    return ev


def complete_event(
    sm: SectionMonth,
    catalog: Catalog,
    indicator_id: int,
    event_id: str,
    done_at: datetime,
    now: datetime,
) -> Event:
    _guard(sm)
    e = _entry(sm, catalog, indicator_id)
    for ev in e.events:
        if ev.id == event_id:
            check_completion(done_at, ev.occurred_at, now)
            ev.done_at = done_at
            e.updated_at = now
            return ev
    raise InputError("找不到这个事件")


def remove_event(
    sm: SectionMonth, catalog: Catalog, indicator_id: int, event_id: str, now: datetime
) -> Event:
    _guard(sm)
    e = _entry(sm, catalog, indicator_id)
    return _remove(e, e.events, event_id, now, "找不到这个事件")


_Item = TypeVar("_Item", Evidence, Event)


def _remove(
    e: IndicatorEntry, items: list[_Item], item_id: str, now: datetime, missing: str
) -> _Item:
    """从指标的材料或事件列表中删掉编号为 ``item_id`` 的一条并返回它；没有这一条时报 ``missing``。"""
    for i, item in enumerate(items):
        if item.id == item_id:
            e.updated_at = now
            return items.pop(i)
    raise InputError(missing)


def copy_from_previous(
    prev: SectionMonth, cur: SectionMonth, catalog: Catalog, now: datetime
) -> list[int]:
    """把上月“反复报送”的指标（制度文件清单与学习记录、信易批推进情况）的说明和材料沿用到本月。

    只复制本月还没有材料的指标；状态置为“进行中”，由专人核对后再标记完成。返回复制了的指标序号。
    """
    _guard(cur)
    copied: list[int] = []
    for ind in catalog.assigned(cur.section_id):
        if not ind.recurring:
            continue
        src = prev.entries.get(ind.id)
        if src is None or (not src.evidence and not src.note):
            continue
        dst = cur.entry(ind.id)
        if dst.evidence or dst.note:
            continue
        dst.note = src.note
        dst.evidence = [_copy_ev(ev, now) for ev in src.evidence]
        if dst.status is Status.NOT_STARTED:
            dst.status = Status.IN_PROGRESS
        dst.updated_at = now
        copied.append(ind.id)
    return copied


def _copy_ev(ev: Evidence, now: datetime) -> Evidence:
    """沿用的材料算本月的材料：日期记为沿用的这一刻（专人决定沿用时即视为本月报送了这份材料）。"""
    new = copy.copy(ev)
    new.id = new_id()
    new.effective_date = now.date()
    new.attached_at = now
    return new
