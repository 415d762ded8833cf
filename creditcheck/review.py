"""报送与审核的状态机：科室提交 → 体系科审核通过或退回修改；通过后锁定，重新打开须写理由。

    未提交 --submit--> 已提交 --approve--> 审核通过 --reopen(理由)--> 退回修改
                        已提交 --return(意见)--> 退回修改 --submit--> 已提交
"""

from __future__ import annotations

from datetime import datetime

from .errors import InputError
from .models import ReviewRecord, ReviewState, SectionMonth


class ReviewError(InputError):
    """这一步在当前状态下不允许。"""


def submit(sm: SectionMonth, by: str, now: datetime, comment: str = "") -> None:
    """科室提交本月材料（未提交或被退回时可提交）。"""
    if sm.review not in (ReviewState.DRAFT, ReviewState.RETURNED):
        raise ReviewError(f"{sm.month.label}当前为“{sm.review.value}”，不能再次提交")
    sm.review = ReviewState.SUBMITTED
    sm.history.append(ReviewRecord("submit", now, by, comment))


def withdraw(sm: SectionMonth, by: str, now: datetime) -> None:
    """科室撤回尚未审核的提交。"""
    if sm.review is not ReviewState.SUBMITTED:
        raise ReviewError("只有“已提交”且尚未审核的月份可以撤回")
    sm.review = ReviewState.DRAFT
    sm.history.append(ReviewRecord("withdraw", now, by, ""))


def approve(sm: SectionMonth, by: str, now: datetime, comment: str = "") -> None:
    """体系科审核通过；此后本月对科室锁定。"""
    if sm.review is not ReviewState.SUBMITTED:
        raise ReviewError(f"只有“已提交”的月份可以审核，当前为“{sm.review.value}”")
    sm.review = ReviewState.APPROVED
    sm.history.append(ReviewRecord("approve", now, by, comment))


def return_for_changes(sm: SectionMonth, by: str, now: datetime, comment: str) -> None:
    """体系科退回修改，必须写明意见；意见显示在该科室的首页。"""
    if sm.review is not ReviewState.SUBMITTED:
        raise ReviewError(f"只有“已提交”的月份可以退回，当前为“{sm.review.value}”")
    if not comment.strip():
        raise ReviewError("退回修改时必须填写意见")
    sm.review = ReviewState.RETURNED
    sm.history.append(ReviewRecord("return", now, by, comment.strip()))


def reopen(sm: SectionMonth, by: str, now: datetime, reason: str) -> None:
    """重新打开已审核通过的月份，理由写入审核记录（并由存储层记入审计日志）。"""
    if sm.review is not ReviewState.APPROVED:
        raise ReviewError("只有“审核通过”的月份需要重新打开")
    if not reason.strip():
        raise ReviewError("重新打开已审核通过的月份必须填写理由")
    sm.review = ReviewState.RETURNED
    sm.history.append(ReviewRecord("reopen", now, by, reason.strip()))


ACTION_LABELS = {"submit": "提交", "withdraw": "撤回", "approve": "审核通过", "return": "退回修改", "reopen": "重新打开"}
