"""提交与审核：科室提交、撤回（写科室的月度文件），体系科审核通过、退回修改、重新打开（只写体系科的审核文件）。

状态机（哪一步在哪个状态下允许）在领域层 ``creditcheck.review``；这里只把它接到数据文件夹上。
界面里本科室的提交、撤回经由 ``MonthSession.change`` 走同一个 ``review.submit`` / ``review.withdraw``。
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from creditcheck import review
from creditcheck.catalog import Catalog
from creditcheck.errors import InputError
from creditcheck.models import SectionMonth
from creditcheck.month import Month

if TYPE_CHECKING:
    from storage.store import Store

DONE_TEXT = {
    "submit": "已提交",
    "withdraw": "已撤回提交",
    "approve": "已审核通过（本月对科室锁定）",
    "return": "已退回修改",
    "reopen": "已重新打开（理由已记入审核记录与审计日志）",
}
"""每一步做完后给用户看的话。"""


def decide(
    store: Store,
    catalog: Catalog,
    section_id: str,
    month: Month,
    action: str,
    by: str,
    now: datetime,
    comment: str = "",
) -> SectionMonth:
    """体系科的决定（approve / return / reopen）：只写审核文件，不需要科室的锁。返回合并后的该月记录。"""
    if action not in review.DECISION_ACTIONS:
        raise InputError(f"不是体系科的审核决定：{action}")
    return store.record_decision(section_id, month, action, by, now, comment, catalog.version)


def has_month(store: Store, section_id: str, month: Month) -> bool:
    """数据文件夹里有没有该科室该月的自查记录。"""
    return store.month_path(section_id, month).exists() or any(
        m.month == month for m in store.months(section_id)
    )


def review_action(
    store: Store,
    catalog: Catalog,
    section_id: str,
    month: Month,
    action: str,
    by: str,
    now: datetime,
    comment: str = "",
) -> SectionMonth:
    """提交、撤回、审核通过、退回修改或重新打开（命令行用）。没有该月记录时抛出中文错误。"""
    if not has_month(store, section_id, month):
        section = catalog.section_by_id(section_id)
        raise InputError(
            f"没有{section.short}{month.label}的自查记录（数据文件夹：{store.data_dir}）"
        )
    if action in review.DECISION_ACTIONS:
        return decide(store, catalog, section_id, month, action, by, now, comment)
    sm = store.load_month(section_id, month, catalog.version)
    if action == "submit":
        review.submit(sm, by, now, comment)
    elif action == "withdraw":
        review.withdraw(sm, by, now)
    else:
        raise InputError(f"未知的操作：{action}")
    store.save_month(sm, actor=by)
    return sm


def month_history(store: Store, section_id: str, month: Month) -> tuple[SectionMonth, list[str]]:
    """某科室某月的审核状态与记录，以及读取时的提示（文件损坏已移开……）。"""
    sm = store.load_month(section_id, month)
    return sm, [str(n) for n in store.take_notices()]
