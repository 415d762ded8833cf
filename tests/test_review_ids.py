"""审核记录有唯一编号：同一个人同一分钟里的几步各是各的，合并、去重只看编号（issue 13）。

以前按“操作 + 人 + 时间（分钟）”认作同一条：
- ``review withdraw, submit, withdraw`` 在一分钟内：最后一步显示“已撤回提交”、退出码 0，但本月仍是已提交；
- ``submit, withdraw, submit`` 在一分钟内：第二次提交被丢掉（“已提交。当前状态：未提交”）。
命令行里的“现在”是固定的（conftest），所以下面几步都在同一分钟里。
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from coordination_data import MONTH, save_records
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creditcheck import review
from creditcheck.cli import main
from creditcheck.models import ReviewRecord, ReviewState, SectionMonth, history_from_dicts
from creditcheck.review import ReviewError, effective_state
from storage import Store

FIXTURES = Path(__file__).parent / "fixtures"


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _review(data_dir: Path, action: str, section: str = "office") -> str:
    r = _run("review", action, "--section", section, "--month", "2026-11", "--data", str(data_dir))
    assert r.exit_code == 0, r.output
    return r.output.strip()


def _own_history(data_dir: Path, sid: str = "office") -> list[dict]:
    data = json.loads((data_dir / "sections" / sid / "2026-11.json").read_text("utf-8"))
    (doc,) = data["months"].values()
    return doc["history"]


def _state(data_dir: Path, sid: str = "office") -> ReviewState:
    return Store(data_dir, read_only=True).load_month(sid, MONTH).review


def _draft_month(catalog, data_dir: Path, sid: str = "office") -> None:
    with Store(data_dir) as s:
        s.save_month(SectionMonth(sid, MONTH, catalog.version, person="王芳"))


def test_withdraw_submit_withdraw_in_one_minute_ends_withdrawn(catalog, data_dir):
    _draft_month(catalog, data_dir)
    assert _review(data_dir, "submit").endswith("已提交。当前状态：已提交")
    assert _review(data_dir, "withdraw").endswith("已撤回提交。当前状态：未提交")
    assert _review(data_dir, "submit").endswith("已提交。当前状态：已提交")
    assert _review(data_dir, "withdraw").endswith("已撤回提交。当前状态：未提交")
    assert _state(data_dir) is ReviewState.DRAFT
    hist = _own_history(data_dir)
    assert [h["action"] for h in hist] == ["submit", "withdraw", "submit", "withdraw"]
    assert len({h["at"] for h in hist}) == 1  # 同一分钟
    assert len({h["id"] for h in hist}) == 4 and all(len(h["id"]) == 32 for h in hist)
    show = _run(
        "review", "show", "--section", "office", "--month", "2026-11", "--data", str(data_dir)
    ).output
    assert show.splitlines() == [
        "办公室2026年11月：未提交",
        "  2026-11-28 10:00  提交",
        "  2026-11-28 10:00  撤回",
        "  2026-11-28 10:00  提交",
        "  2026-11-28 10:00  撤回",
    ]


def test_submit_withdraw_submit_in_one_minute_keeps_the_second_submit(catalog, data_dir):
    _draft_month(catalog, data_dir)
    _review(data_dir, "submit")
    _review(data_dir, "withdraw")
    assert _review(data_dir, "submit").endswith("已提交。当前状态：已提交")
    assert _state(data_dir) is ReviewState.SUBMITTED
    assert [h["action"] for h in _own_history(data_dir)] == ["submit", "withdraw", "submit"]
    # 命令行说的与盘上的一致：再撤回一次也照样生效
    assert _review(data_dir, "withdraw").endswith("当前状态：未提交")
    assert _state(data_dir) is ReviewState.DRAFT


def _as(section: str, person: str) -> None:
    """这台电脑改设成某科室某人（命令行按设置认出是谁在操作）。"""
    from creditcheck.locations import settings_path
    from creditcheck.settings import Settings
    from storage.settings_file import save_settings

    save_settings(Settings(section_id=section, person=person), settings_path())


def _return_commerce(data_dir: Path) -> None:
    r = _run(
        "review",
        "return",
        "--section",
        "commerce",
        "--month",
        "2026-11",
        "--comment",
        "补材料",
        "--data",
        str(data_dir),
    )
    assert r.exit_code == 0, r.output


def test_repeated_decisions_in_one_minute_are_all_kept(catalog, data_dir, tmp_path):
    save_records(catalog, data_dir)  # 商事登记科：已提交
    _as("system", "李玲")
    _return_commerce(data_dir)
    _as("commerce", "刘琛")
    _review(data_dir, "submit", "commerce")
    _as("system", "李玲")
    _return_commerce(data_dir)
    sm = Store(data_dir, read_only=True).load_month("commerce", MONTH)
    assert [h.action for h in sm.history][-3:] == ["return", "submit", "return"]
    assert sm.review is ReviewState.RETURNED
    decisions = json.loads((data_dir / "reviews" / "commerce-2026-11.json").read_text("utf-8"))[
        "decisions"
    ]
    returns = [d for d in decisions if d["action"] == "return"]
    assert len(returns) == 2 and returns[0]["id"] != returns[1]["id"]


# ───────────── 旧数据：没有编号 ─────────────


def _legacy_month_file(data_dir: Path, history: list[dict]) -> Path:
    path = data_dir / "sections" / "office" / "2026-11.json"
    path.parent.mkdir(parents=True)
    doc = {
        "schema": 1,
        "section_id": "office",
        "month": "2026-11",
        "catalog_version": "2022.1",
        "person": "王芳",
        "phone": "",
        "review": "未提交",
        "history": history,
        "entries": {},
        "ledgers": {},
        "rev": 3,
        "saved_at": "2026-11-20T09:00:00",
        "saved_by": "王芳",
    }
    meta = {"schema": 2, "kind": "months", "section_id": "office", "year": 2026, "month": "2026-11"}
    path.write_text(
        json.dumps({"_meta": {"1": meta}, "months": {"1": doc}}, ensure_ascii=False), "utf-8"
    )
    return path


def test_old_records_without_ids_keep_every_step_and_get_stable_ids(catalog, data_dir):
    same = {"action": "withdraw", "at": "2026-11-20T09:00", "by": "王芳", "comment": ""}
    history = [
        {"action": "submit", "at": "2026-11-20T09:00", "by": "王芳", "comment": ""},
        same,
        {"action": "submit", "at": "2026-11-20T09:00", "by": "王芳", "comment": ""},
        dict(same),
    ]
    path = _legacy_month_file(data_dir, history)
    before = path.read_bytes()
    first = Store(data_dir, read_only=True).load_month("office", MONTH)
    again = Store(data_dir, read_only=True).load_month("office", MONTH)
    assert [r.action for r in first.history] == ["submit", "withdraw", "submit", "withdraw"]
    assert first.review is ReviewState.DRAFT
    ids = [r.id for r in first.history]
    assert len(set(ids)) == 4 and ids == [r.id for r in again.history]  # 每次读出编号相同
    assert path.read_bytes() == before  # 只读：没有写
    # 在旧记录之上提交：旧的几步一步不少，编号就此写进文件
    with Store(data_dir) as s:
        sm = s.load_month("office", MONTH)
        review.submit(sm, "王芳", datetime(2026, 11, 28, 10, 0))
        s.save_month(sm)
    stored = json.loads(path.read_text("utf-8"))["months"]["1"]["history"]
    assert [h["action"] for h in stored] == ["submit", "withdraw", "submit", "withdraw", "submit"]
    assert [h["id"] for h in stored[:4]] == ids
    assert (
        Store(data_dir, read_only=True).load_month("office", MONTH).review is ReviewState.SUBMITTED
    )


def test_history_from_dicts_numbers_identical_old_records_by_occurrence():
    d = {"action": "submit", "at": "2026-11-20T09:00", "by": "王芳", "comment": ""}
    a = history_from_dicts([d, dict(d)])
    b = history_from_dicts([d, dict(d), dict(d)])
    assert a[0].id != a[1].id and [r.id for r in a] == [r.id for r in b[:2]]
    assert history_from_dicts([{**d, "id": "abc"}])[0].id == "abc"
    fresh = ReviewRecord("submit", datetime(2026, 11, 20, 9))
    assert len(fresh.id) == 32 and fresh.id != ReviewRecord("submit", datetime(2026, 11, 20, 9)).id
    assert ReviewRecord.from_dict(fresh.to_dict()) == fresh


def test_v1_fixture_still_loads(data_dir):
    import shutil

    fixture = FIXTURES / "storage_v1"
    if not fixture.is_dir():
        pytest.skip("没有 storage_v1 样例")
    shutil.copytree(fixture, data_dir)
    with Store(data_dir) as s:
        months = list(s.iter_all_months())
    assert months
    for sm in months:
        assert all(r.id for r in sm.history)
        assert sm.rev >= 1


# ───────────── 随机的一串操作，经真实的文件 ─────────────

_STEPS = st.lists(
    st.sampled_from(["submit", "withdraw", "approve", "return", "reopen"]), min_size=1, max_size=8
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=_STEPS)
def test_random_steps_in_one_minute_are_all_stored(tmp_path_factory, steps: list[str]) -> None:
    """同一分钟里随机的提交、撤回、审核：每一步要么被拒绝（什么也不写），要么写下并且读回来就是那个状态。"""
    data_dir = tmp_path_factory.mktemp("data")
    now = datetime(2026, 11, 28, 10, 0)
    section, coord = Store(data_dir, actor="王芳"), Store(data_dir, actor="李玲")
    section.save_month(SectionMonth("office", MONTH, "2022.1"))
    expected = ReviewState.DRAFT
    accepted: list[str] = []
    for action in steps:
        try:
            if action in ("submit", "withdraw"):
                sm = section.load_month("office", MONTH)
                getattr(review, action)(sm, "王芳", now)
                section.save_month(sm)
            else:
                coord.record_decision("office", MONTH, action, "李玲", now, "意见")
        except ReviewError:
            assert review.step(expected, action) is None
            continue
        expected = review.step(expected, action)  # type: ignore[assignment]
        accepted.append(action)
        stored = Store(data_dir, read_only=True).load_month("office", MONTH)
        assert stored.review is expected
    final = Store(data_dir, read_only=True).load_month("office", MONTH)
    assert [r.action for r in final.history] == accepted
    assert effective_state(final.history) is expected
    assert len({r.id for r in final.history}) == len(accepted)
