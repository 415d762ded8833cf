"""报送与审核的状态机是领域层的纯函数（creditcheck.review）：这里不碰任何文件。

表格逐格核对“哪一步在哪个状态下允许、到哪个状态”；hypothesis 随机走一串操作：重放从不出错，
状态总是规则说的那个；保存前的核对（admit_section_save）也按表核对。
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditcheck import review
from creditcheck.models import ReviewRecord, ReviewState, SectionMonth
from creditcheck.month import Month
from creditcheck.review import (
    ReviewConflictError,
    ReviewError,
    admit_section_save,
    apply,
    effective_state,
)

D, S, A, R = ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.APPROVED, ReviewState.RETURNED
ACTIONS = ("submit", "withdraw", "approve", "return", "reopen")
T = datetime(2026, 11, 28, 9, 0)

# 行：起始状态；列：操作；格：结果（None = 不允许）
TABLE: dict[ReviewState, dict[str, ReviewState | None]] = {
    D: {"submit": S, "withdraw": None, "approve": None, "return": None, "reopen": None},
    S: {"submit": None, "withdraw": D, "approve": A, "return": R, "reopen": None},
    A: {"submit": None, "withdraw": None, "approve": None, "return": None, "reopen": R},
    R: {"submit": S, "withdraw": None, "approve": None, "return": None, "reopen": None},
}

REFUSALS = {
    (D, "withdraw"): "只有“已提交”且尚未审核的月份可以撤回",
    (D, "approve"): "只有“已提交”的月份可以审核，当前为“未提交”",
    (A, "submit"): "2026年11月当前为“审核通过”，不能再次提交",
    (R, "return"): "只有“已提交”的月份可以退回，当前为“退回修改”",
    (S, "reopen"): "只有“审核通过”的月份需要重新打开",
}


@pytest.mark.parametrize("state", list(TABLE))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_cell_of_the_table(state: ReviewState, action: str) -> None:
    expected = TABLE[state][action]
    assert review.step(state, action) is expected
    if expected is None:
        with pytest.raises(ReviewError) as e:
            apply(state, action, "意见", "2026年11月")
        if (state, action) in REFUSALS:
            assert str(e.value) == REFUSALS[(state, action)]
    else:
        assert apply(state, action, "意见", "2026年11月") is expected


@pytest.mark.parametrize(
    ("state", "action", "message"),
    [
        (S, "return", "退回修改时必须填写意见"),
        (A, "reopen", "重新打开已审核通过的月份必须填写理由"),
    ],
)
def test_return_and_reopen_need_a_reason(state: ReviewState, action: str, message: str) -> None:
    for blank in ("", "   "):
        with pytest.raises(ReviewError, match=message):
            apply(state, action, blank)


def test_unknown_action_is_refused_in_chinese() -> None:
    with pytest.raises(ReviewError, match="不认识的审核操作“delete”"):
        apply(D, "delete")


def _model(history: list[str]) -> ReviewState:
    """参照模型：直接按表走，不允许的一步跳过。"""
    state = D
    for a in history:
        nxt = TABLE[state][a]
        state = nxt if nxt is not None else state
    return state


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(["", "请补充材料"])), max_size=25)
)
def test_random_sequences_follow_the_rules(steps: list[tuple[str, str]]) -> None:
    sm = SectionMonth("office", Month(2026, 11), "2022.1")
    do = {
        "submit": review.submit,
        "approve": review.approve,
        "return": review.return_for_changes,
        "reopen": review.reopen,
    }
    for i, (action, comment) in enumerate(steps):
        now = T + timedelta(seconds=i // 3)  # 好几步落在同一时刻
        before_state, before_len = sm.review, len(sm.history)
        try:
            if action == "withdraw":
                review.withdraw(sm, "王芳", now)
            else:
                do[action](sm, "王芳", now, comment)
        except ReviewError:
            # 不允许的一步什么也不改
            assert (sm.review, len(sm.history)) == (before_state, before_len)
            allowed = TABLE[before_state][action]
            assert allowed is None or (action in ("return", "reopen") and not comment.strip())
            continue
        assert sm.review is TABLE[before_state][action]
    # 记录里的每一步都被接受过：重放得到同样的状态，参照模型也是
    assert effective_state(sm.history) is sm.review
    assert _model([r.action for r in sm.history]) is sm.review
    assert len({r.id for r in sm.history}) == len(sm.history)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ACTIONS), max_size=30))
def test_replay_of_any_record_never_crashes_and_matches_the_model(actions: list[str]) -> None:
    history = [ReviewRecord(a, T) for a in actions]  # 同一时刻、同一个人：照样是不同的几步
    assert effective_state(history) is _model(actions)
    merged = review.merge_histories(
        [r for r in history if not review.is_decision(r)],
        [r for r in history if review.is_decision(r)],
        history,
    )
    assert sorted(r.id for r in merged) == sorted(r.id for r in history)


# ───────────── 保存前的核对 ─────────────


def _rec(action: str, hour: int = 9, by: str = "") -> ReviewRecord:
    return ReviewRecord(action, T.replace(hour=hour), by)


@pytest.mark.parametrize(
    ("current", "new", "touched", "result"),
    [
        ([], [], True, D),
        ([], ["submit"], False, S),
        (["submit"], ["withdraw"], True, D),
        (["submit"], ["withdraw", "submit", "withdraw"], False, D),
        (["submit", "return"], ["submit"], True, S),
        (["submit", "approve", "reopen"], [], True, R),
    ],
)
def test_admitted_saves(
    current: list[str], new: list[str], touched: bool, result: ReviewState
) -> None:
    assert (
        admit_section_save(
            "2026年11月", [_rec(a) for a in current], [_rec(a) for a in new], touched=touched
        )
        is result
    )


def test_locked_month_refuses_changes_and_steps_but_not_a_plain_resave() -> None:
    current = [_rec("submit", 9, "刘琛"), _rec("approve", 10, "李玲")]
    locked = "2026年11月已由体系科（李玲）于 2026-11-28 10:00 审核通过并锁定，刚才的修改未保存；如需修改请联系体系科重新打开"
    with pytest.raises(ReviewConflictError) as e:
        admit_section_save("2026年11月", current, [], touched=True)
    assert str(e.value) == locked
    with pytest.raises(ReviewConflictError, match="审核通过并锁定"):
        admit_section_save("2026年11月", current, [_rec("withdraw", 11)], touched=False)
    assert admit_section_save("2026年11月", current, [], touched=False) is A


def test_a_step_the_latest_state_does_not_allow_is_refused_with_the_reason() -> None:
    current = [_rec("submit", 9, "刘琛"), _rec("return", 10, "李玲")]
    current[1].comment = "补材料"
    with pytest.raises(ReviewConflictError) as e:
        admit_section_save("2026年11月", current, [_rec("withdraw", 11)], touched=False)
    assert str(e.value) == (
        "体系科（李玲）于 2026-11-28 10:00 退回修改，意见：补材料。"
        "2026年11月现为“退回修改”，刚才的撤回未保存"
    )


def test_unknown_decisions_and_initial_state() -> None:
    with pytest.raises(ReviewConflictError, match="与体系科那边的不一致"):
        admit_section_save("2026年11月", [], [], touched=False, unknown_decisions=True)
    # 没有任何记录时沿用盘上记下的状态（很旧的数据）
    assert admit_section_save("2026年11月", [], [], touched=False, initial=S) is S
    with pytest.raises(ReviewConflictError):
        admit_section_save("2026年11月", [], [], touched=True, initial=A)
