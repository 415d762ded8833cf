"""提交即冻结：已提交（待审核）和审核通过的月份不能再改；审核时记下所提交内容的指纹，
之后内容若有不同（例如数据包合并、手工改了文件），审核界面据此提示。

纯领域代码：不读时钟、不碰文件。
"""

from __future__ import annotations

import hashlib
import json

from .errors import InputError
from .models import ReviewRecord, ReviewState, SectionMonth


class LockedMonthError(InputError):
    """本月已提交或已审核通过，不能修改。"""


def edit_block(sm: SectionMonth) -> str | None:
    """本月不能修改的原因（中文一句）；可以修改时为 None。"""
    if sm.review is ReviewState.SUBMITTED:
        when = f"（{sm.submitted_at:%Y-%m-%d %H:%M} 提交）" if sm.submitted_at else ""
        return (
            f"本月已提交{when}，内容已冻结，体系科审核的就是提交时的内容；"
            f"如需修改请先撤回提交（{sm.month.label}）"
        )
    if sm.review is ReviewState.APPROVED:
        return f"{sm.month.label}已审核通过并锁定；如需修改，请体系科重新打开（需填写理由）"
    return None


def is_editable(sm: SectionMonth) -> bool:
    """未提交、被退回（或重新打开）的月份可以修改。"""
    return edit_block(sm) is None


def ensure_editable(sm: SectionMonth) -> None:
    """不能修改时抛出 ``LockedMonthError``（消息说明原因和怎么办）。"""
    reason = edit_block(sm)
    if reason is not None:
        raise LockedMonthError(reason)


def content_fingerprint(sm: SectionMonth) -> str:
    """所提交内容的稳定指纹（SHA-256 前16位）：各指标的状态、说明、计数、材料（含文件指纹）、事件、
    台账摘要、联系人和目录版本；不含审核状态与审核记录。同样的内容在任何电脑上得到同样的指纹。"""
    d = sm.to_dict()
    for key in ("review", "history", "schema"):
        d.pop(key, None)
    for entry in d.get("entries", {}).values():
        entry.pop("updated_at", None)  # 只是修改时间，不是内容
    text = json.dumps(d, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _last(sm: SectionMonth, action: str) -> ReviewRecord | None:
    for r in reversed(sm.history):
        if r.action == action:
            return r
    return None


def content_changed_note(sm: SectionMonth) -> str | None:
    """审核界面的提示：现在的内容与提交时（已审核通过时为审核通过时）的指纹不同。相同或无从比较时为 None。"""
    ref = _last(sm, "approve") if sm.review is ReviewState.APPROVED else _last(sm, "submit")
    if ref is None or not ref.fingerprint:
        return None
    now_fp = content_fingerprint(sm)
    if now_fp == ref.fingerprint:
        return None
    what = "审核通过" if ref.action == "approve" else "提交"
    return (
        f"注意：现在的内容与{what}时（{ref.at:%Y-%m-%d %H:%M}）不同"
        f"（当时的内容指纹 {ref.fingerprint}，现在 {now_fp}），请核对后再审核或请科室重新提交"
    )
