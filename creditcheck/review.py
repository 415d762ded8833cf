"""报送与审核的状态机：科室提交 → 体系科审核通过或退回修改；通过后锁定，重新打开须写理由。

    未提交 --submit--> 已提交 --approve--> 审核通过 --reopen(理由)--> 退回修改
    已提交 --withdraw--> 未提交
                        已提交 --return(意见)--> 退回修改 --submit--> 已提交

记录分两处保存，各归各的主人：提交、撤回（科室的操作）写在科室自己的月度文件里；审核通过、
退回修改、重新打开（体系科的决定）写在体系科的审核文件里（见 storage/reviews.py）。读取时
``merge_histories`` 把两边的记录排成一条，``effective_state`` 按状态机重放，得出当前状态。
两处的记录来自不同电脑，时钟可能不准，所以先后主要看每条记录的 ``seen``（记下时已知的对方记录数），
旧数据没有 ``seen`` 时才按时间排。重放时不合状态机的一步（例如科室不知道已审核通过又撤回）跳过。

规则只写在这里，全是纯函数、不碰文件：``apply`` 是状态机的一步（不允许时抛中文的 ``ReviewError``），
``admit_section_save`` 是科室保存前按盘上最新记录的核对（存储层在锁内调用，不另写规则）。
记录只按编号（``ReviewRecord.id``）认同，从不按“操作 + 人 + 时间”合并。
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from .errors import InputError
from .models import ReviewRecord, ReviewState, SectionMonth

DECISION_ACTIONS = ("approve", "return", "reopen")
"""体系科的决定，写在体系科的审核文件里。"""

_S = ReviewState
TRANSITIONS: dict[str, tuple[tuple[ReviewState, ...], ReviewState]] = {
    "submit": ((_S.DRAFT, _S.RETURNED), _S.SUBMITTED),
    "withdraw": ((_S.SUBMITTED,), _S.DRAFT),
    "approve": ((_S.SUBMITTED,), _S.APPROVED),
    "return": ((_S.SUBMITTED,), _S.RETURNED),
    "reopen": ((_S.APPROVED,), _S.RETURNED),
}
"""每一步：允许的起始状态 → 结果状态。"""

ACTION_LABELS = {
    "submit": "提交",
    "withdraw": "撤回",
    "approve": "审核通过",
    "return": "退回修改",
    "reopen": "重新打开",
}


class ReviewError(InputError):
    """这一步在当前状态下不允许。"""


class ReviewConflictError(ReviewError):
    """保存时发现体系科在此期间作了新的决定（如已审核通过并锁定），这次保存被拒绝，什么也没写。"""


def is_decision(record: ReviewRecord) -> bool:
    """是否体系科的决定（审核通过、退回修改、重新打开）。"""
    return record.action in DECISION_ACTIONS


def step(state: ReviewState, action: str) -> ReviewState | None:
    """状态 ``state`` 下做 ``action`` 之后的状态；这一步不允许时为 None。"""
    rule = TRANSITIONS.get(action)
    if rule is None or state not in rule[0]:
        return None
    return rule[1]


def record_key(r: ReviewRecord) -> str:
    """判断两条记录是否同一条（导入、合并时去重）：只看记录的编号，从不按操作、人和时间认作同一条。"""
    return r.id


def _unique(records: Iterable[ReviewRecord]) -> list[ReviewRecord]:
    seen: set[str] = set()
    out: list[ReviewRecord] = []
    for r in records:
        if r.id not in seen:
            seen.add(r.id)
            out.append(r)
    return out


def merge_histories(*sources: Iterable[ReviewRecord]) -> list[ReviewRecord]:
    """把几处的审核记录合成一条有先后的记录（去掉重复）。

    科室的操作与体系科的决定各自保持原来的顺序（各自文件里的顺序就是发生的顺序），两边交错时：
    一条记录只排在它记下时已经知道的对方记录之后（``seen``）；两条互不知道（同时发生）或旧数据
    没有 ``seen`` 时，时间早的在前。
    """
    records = _unique(r for src in sources for r in src)
    section = [r for r in records if not is_decision(r)]
    decisions = [r for r in records if is_decision(r)]
    out: list[ReviewRecord] = []
    i = j = 0
    while i < len(section) or j < len(decisions):
        if j >= len(decisions):
            out.append(section[i])
            i += 1
            continue
        if i >= len(section):
            out.append(decisions[j])
            j += 1
            continue
        s, c = section[i], decisions[j]
        s_ok = s.seen is None or s.seen <= j
        c_ok = c.seen is None or c.seen <= i
        if s_ok and not c_ok:
            take_section = True
        elif c_ok and not s_ok:
            take_section = False
        else:  # 互不知道（或数据不一致）：按时间
            take_section = s.at <= c.at
        if take_section:
            out.append(s)
            i += 1
        else:
            out.append(c)
            j += 1
    return out


def effective_state(
    history: Iterable[ReviewRecord], initial: ReviewState = ReviewState.DRAFT
) -> ReviewState:
    """按状态机重放记录得出当前状态；不合规则的一步跳过。没有任何记录时为 ``initial``。"""
    state = ReviewState.DRAFT
    any_record = False
    for r in history:
        any_record = True
        nxt = step(state, r.action)
        if nxt is not None:
            state = nxt
    return state if any_record else initial


def apply(
    state: ReviewState, action: str, comment: str = "", month_label: str = "本月"
) -> ReviewState:
    """状态机的一步（纯函数）：状态 ``state`` 下做 ``action``（带意见或理由 ``comment``）之后的状态。

    这一步不允许（或缺少必填的意见、理由）时抛 ``ReviewError``，说明写成给用户看的中文。
    提交、撤回、审核通过、退回修改、重新打开都经过这里，界面、命令行与存储层不另写规则。
    """
    if action not in TRANSITIONS:
        raise ReviewError(f"不认识的审核操作“{action}”（可用：{'、'.join(TRANSITIONS)}）")
    nxt = step(state, action)
    if nxt is None:
        raise ReviewError(
            {
                "submit": f"{month_label}当前为“{state.value}”，不能再次提交",
                "withdraw": "只有“已提交”且尚未审核的月份可以撤回",
                "approve": f"只有“已提交”的月份可以审核，当前为“{state.value}”",
                "return": f"只有“已提交”的月份可以退回，当前为“{state.value}”",
                "reopen": "只有“审核通过”的月份需要重新打开",
            }[action]
        )
    if action == "return" and not comment.strip():
        raise ReviewError("退回修改时必须填写意见")
    if action == "reopen" and not comment.strip():
        raise ReviewError("重新打开已审核通过的月份必须填写理由")
    return nxt


def admit_section_save(
    month_label: str,
    current: Sequence[ReviewRecord],
    new: Sequence[ReviewRecord],
    *,
    touched: bool,
    initial: ReviewState = ReviewState.DRAFT,
    unknown_decisions: bool = False,
) -> ReviewState:
    """科室保存一个月之前的核对（纯函数，存储层在锁内、按盘上最新的记录调用）。

    ``current``：盘上最新的、合并了体系科决定的审核记录；``new``：这次保存新加的科室的操作
    （提交、撤回）；``touched``：科室填写的内容有没有改；``unknown_decisions``：要保存的副本里有
    体系科那边没有的决定（例如刚从备份恢复过审核文件）。

    返回这次保存之后的状态；不允许时抛 ``ReviewConflictError``（调用方什么也不写）：
    本月已审核通过（锁定）时既不能改内容，也不能提交或撤回；新的一步在最新状态下不允许时拒绝。
    """
    if unknown_decisions:
        raise ReviewConflictError(
            f"{month_label}的审核记录与体系科那边的不一致（可能刚从备份恢复过），刚才的修改未保存；"
            "请切换到别的月份再切回来（重新读取）后再修改"
        )
    state = effective_state(current, initial)
    if state is ReviewState.APPROVED and (touched or new):
        appr = last_decision(current)
        who_when = f"{actor_label(appr)}于 {appr.at:%Y-%m-%d %H:%M} " if appr else "体系科"
        raise ReviewConflictError(
            f"{month_label}已由{who_when}审核通过并锁定，刚才的修改未保存；如需修改请联系体系科重新打开"
        )
    for r in new:
        nxt = step(state, r.action)
        if nxt is None:
            last = last_decision(current)
            why = f"{describe(last)}。" if last else ""
            raise ReviewConflictError(
                f"{why}{month_label}现为“{state.value}”，刚才的{ACTION_LABELS.get(r.action, r.action)}未保存"
            )
        state = nxt
    return state


def last_decision(history: Iterable[ReviewRecord]) -> ReviewRecord | None:
    """最近一条体系科的决定。"""
    found = None
    for r in history:
        if is_decision(r):
            found = r
    return found


def actor_label(record: ReviewRecord) -> str:
    """“体系科（李玲）”“科室（刘琛）”；名字里已带“体系科”时不重复。"""
    who = "体系科" if is_decision(record) else "科室"
    if not record.by:
        return who
    return record.by if record.by.startswith(who) else f"{who}（{record.by}）"


def describe(record: ReviewRecord) -> str:
    """一句话：体系科（李玲）于 2026-11-28 10:00 退回修改，意见：……"""
    text = f"{actor_label(record)}于 {record.at:%Y-%m-%d %H:%M} {ACTION_LABELS.get(record.action, record.action)}"
    if record.comment:
        text += f"，{'理由' if record.action == 'reopen' else '意见'}：{record.comment}"
    return text


def _append(sm: SectionMonth, action: str, by: str, now: datetime, comment: str) -> None:
    from .freeze import content_fingerprint

    decision = action in DECISION_ACTIONS
    seen = sum(1 for r in sm.history if is_decision(r) != decision)
    # 提交和审核通过时记下内容指纹：之后内容若不同，审核界面据此提示（见 creditcheck.freeze）
    fp = content_fingerprint(sm) if action in ("submit", "approve") else ""
    sm.history.append(ReviewRecord(action, now, by, comment, seen, fingerprint=fp))


def _do(sm: SectionMonth, action: str, by: str, now: datetime, comment: str = "") -> None:
    sm.review = apply(sm.review, action, comment, sm.month.label)
    _append(sm, action, by, now, comment.strip() if action in ("return", "reopen") else comment)


def submit(sm: SectionMonth, by: str, now: datetime, comment: str = "") -> None:
    """科室提交本月材料（未提交或被退回时可提交）。"""
    _do(sm, "submit", by, now, comment)


def withdraw(sm: SectionMonth, by: str, now: datetime) -> None:
    """科室撤回尚未审核的提交。"""
    _do(sm, "withdraw", by, now)


def approve(sm: SectionMonth, by: str, now: datetime, comment: str = "") -> None:
    """体系科审核通过；此后本月对科室锁定。"""
    _do(sm, "approve", by, now, comment)


def return_for_changes(sm: SectionMonth, by: str, now: datetime, comment: str) -> None:
    """体系科退回修改，必须写明意见；意见显示在该科室的首页。"""
    _do(sm, "return", by, now, comment)


def reopen(sm: SectionMonth, by: str, now: datetime, reason: str) -> None:
    """重新打开已审核通过的月份，理由写入审核记录（并由存储层记入审计日志）。"""
    _do(sm, "reopen", by, now, reason)


DECIDE = {"approve": approve, "return": return_for_changes, "reopen": reopen}
"""体系科的三种决定：action → 函数(sm, by, now, comment)。"""
