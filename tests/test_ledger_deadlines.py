"""台账里尚未办结的行也是义务：没有上报日期的许可决定从导入起就有自己的期限，
首页列出（即将到期 / 尚未进入提醒期），过了期限列在“已逾期”下；重新导入、已上报后消失。

真实的 Excel 文件（openpyxl 写出）、真实的导入路径（与命令行相同的服务）、真实的数据文件夹与节假日日历。
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from app_support import configured, make_app, open_store, settle
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_helpers import H, lic

from creditcheck import checklist
from creditcheck.catalog import Catalog
from creditcheck.completion import CellState, assess
from creditcheck.month import Month
from creditcheck.obligations import ObligationState, obligations_for, pending_rows
from creditcheck.services.ledgers import import_ledger
from creditcheck.workcal import WorkCalendar
from storage import Store

NOV = Month(2026, 11)


def _write(path: Path, rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(H)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _ledger(tmp_path: Path, *, reported_pending: bool = False) -> Path:
    """三行：一行按时上报；两行（11月20日、11月24日决定）尚未上报。"""
    return _write(
        tmp_path / "双公示台账.xlsx",
        [
            lic(),
            lic(
                行政相对人名称="济南甲乙餐饮有限公司",
                行政许可决定文书号="审批许字〔2026〕7号",
                许可决定日期=datetime(2026, 11, 20),
                有效期自=datetime(2026, 11, 20),
                上报日期=datetime(2026, 11, 27) if reported_pending else None,
            ),
            lic(
                行政相对人名称="山东丙丁物流有限公司",
                行政许可决定文书号="审批许字〔2026〕9号",
                许可决定日期=datetime(2026, 11, 24),
                有效期自=datetime(2026, 11, 24),
                上报日期=None,
            ),
        ],
    )


def _import(
    data: Path, catalog: Catalog, cal: WorkCalendar, path: Path, now: datetime, force: bool = False
) -> None:
    store = Store(data, actor="张三")
    try:
        import_ledger(store, catalog, cal, "commerce", NOV, "licence", path, now, force=force)
    finally:
        store.close()


def _ledger_obs(catalog: Catalog, cal: WorkCalendar, data: Path, now: datetime):  # type: ignore[no-untyped-def]
    sm = Store(data, read_only=True).load_month("commerce", NOV)
    return [o for o in obligations_for(catalog, cal, sm, now) if o.kind == "ledger"]


def test_pending_rows_group_by_start_date_and_skip_reported() -> None:
    rows = [
        {"_row": 2, "许可决定日期": "2026-11-02", "上报日期": "2026-11-03", "行政许可决定文书号": "1号"},
        {"_row": 3, "许可决定日期": "2026-11-20", "上报日期": "", "行政许可决定文书号": "7号",
         "行政相对人名称": "甲"},
        {"_row": 4, "许可决定日期": "2026-11-20", "上报日期": "", "行政许可决定文书号": "8号",
         "行政相对人名称": "乙"},
        {"_row": 5, "许可决定日期": "11月某日", "上报日期": ""},  # 读不出的日期：台账检查已报问题
    ]  # fmt: skip
    assert pending_rows("licence", rows) == [
        {"date": "2026-11-20", "count": 2, "rows": [3, 4], "items": [["7号", "甲"], ["8号", "乙"]]}
    ]
    assert pending_rows("commitment", rows) == []  # 信用承诺台账没有期限规则


def test_unreported_rows_run_their_own_deadline_then_fall_overdue(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    data = tmp_path / "data"
    _import(data, catalog, cal, _ledger(tmp_path), datetime(2026, 11, 28, 10, 0))

    # 11月28日：11月20日的决定 15 个自然日到 12月5日，11月24日的到 12月9日，都未到期
    obs = _ledger_obs(catalog, cal, data, datetime(2026, 11, 28, 10, 0))
    assert [(o.what, o.due_label, o.state) for o in obs] == [
        (
            "“双公示”待上报：济南甲乙餐饮有限公司（审批许字〔2026〕7号，台账第3行）",
            "12月5日",
            ObligationState.NOT_DUE,
        ),
        (
            "“双公示”待上报：山东丙丁物流有限公司（审批许字〔2026〕9号，台账第4行）",
            "12月9日",
            ObligationState.NOT_DUE,
        ),
    ]
    assert all(o.rule == "natural-days:15" and o.indicator_id == 2 for o in obs)
    # 12月7日：前一行已逾期，后一行还没有；同一计算让第2项指标显示“逾期”（总览、文档都用它）
    later = datetime(2026, 12, 7, 9, 0)
    obs = _ledger_obs(catalog, cal, data, later)
    assert [o.state for o in obs] == [ObligationState.OVERDUE, ObligationState.NOT_DUE]
    sm = Store(data, read_only=True).load_month("commerce", NOV)
    assert assess(catalog, cal, sm, later).indicator(2).state is CellState.OVERDUE

    # 重新导入：已上报的那一行不再是未办结的事项
    _import(data, catalog, cal, _ledger(tmp_path, reported_pending=True), later, force=True)
    obs = _ledger_obs(catalog, cal, data, later)
    assert [o.what for o in obs] == [
        "“双公示”待上报：山东丙丁物流有限公司（审批许字〔2026〕9号，台账第4行）"
    ]


def test_row_already_recorded_as_event_is_listed_once(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    data = tmp_path / "data"
    now = datetime(2026, 11, 28, 10, 0)
    _import(data, catalog, cal, _ledger(tmp_path), now)
    store = Store(data, actor="张三")
    sm = store.load_month("commerce", NOV)
    checklist.add_event(
        sm,
        catalog,
        cal,
        2,
        "licence",
        "审批许字〔2026〕7号",
        datetime(2026, 11, 20),
        now,
        fields={"subject": "济南甲乙餐饮有限公司"},
    )
    store.save_month(sm)
    store.close()
    obs = obligations_for(
        catalog, cal, Store(data, read_only=True).load_month("commerce", NOV), now
    )
    titled = [o.what for o in obs if "审批许字〔2026〕7号" in o.what]
    assert titled == [
        "行政许可决定：审批许字〔2026〕7号（济南甲乙餐饮有限公司）"
    ]  # 事件那一项；台账的同一行不再重复
    assert [o.what for o in obs if o.kind == "ledger"] == [
        "“双公示”待上报：山东丙丁物流有限公司（审批许字〔2026〕9号，台账第4行）"
    ]


def _prompts(app) -> list[str]:  # type: ignore[no-untyped-def]
    from textual.content import Content

    ol = app.screen.query_one("#deadlines")
    return [Content.from_markup(str(o.prompt)).plain for o in ol.options]


async def test_home_lists_unreported_ledger_row_then_under_overdue(
    tmp_path: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    data = tmp_path / "data"
    _import(data, catalog, cal, _ledger(tmp_path), datetime(2026, 11, 28, 10, 0))

    # 12月3日：11月20日的决定 12月5日到期（提醒期内），列在“即将到期”下
    app = make_app(
        tmp_path,
        settings=configured(),
        now=datetime(2026, 12, 3, 9, 0),
        store=open_store(data, "commerce", "张三"),
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        prompts = _prompts(app)
        soon = prompts.index(next(p for p in prompts if p.startswith("即将到期")))
        row = next(n for n, p in enumerate(prompts) if "济南甲乙餐饮有限公司" in p)
        assert row > soon and "12月5日（周六）" in prompts[row], prompts
        assert "2. 双公示工作质量" in prompts[row], prompts[row]
        assert (
            "（11月）「双公示」待上报：济南甲乙餐饮有限公司" in prompts[row]
        )  # 往月的事项标明月份
        head = max(n for n, p in enumerate(prompts[:row]) if not p.startswith(" "))
        assert head == soon, prompts  # 在“即将到期”这一组里，不在“已逾期”下
    app.ctx.store.close()

    # 12月7日：过了期限，列在“已逾期”下（月份仍是 11 月的记录）
    app = make_app(
        tmp_path,
        settings=configured(),
        now=datetime(2026, 12, 7, 9, 0),
        store=open_store(data, "commerce", "张三"),
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        prompts = _prompts(app)
        assert prompts[0].startswith("已逾期"), prompts
        heads = [n for n, p in enumerate(prompts) if not p.startswith(" ")]
        end = next((n for n in heads if n > 0), len(prompts))
        overdue = prompts[1:end]
        assert any("待上报：济南甲乙餐饮有限公司" in p for p in overdue), prompts
        assert not any("山东丙丁物流有限公司" in p for p in overdue), prompts
    app.ctx.store.close()


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    pending=st.one_of(
        _JSON,
        st.lists(
            st.fixed_dictionaries(
                {
                    "date": st.one_of(st.dates().map(date.isoformat), st.text(max_size=12), _JSON),
                    "count": st.one_of(st.integers(), _JSON),
                    "rows": _JSON,
                    "items": _JSON,
                }
            ),
            max_size=4,
        ),
    )
)
def test_damaged_pending_summary_never_breaks_the_obligations(pending: Any) -> None:
    """手工改过或损坏的台账摘要（pending 一栏）：读得懂的照算，读不懂的跳过，从不抛出异常。"""
    from creditcheck.catalog import load_builtin
    from creditcheck.models import SectionMonth
    from creditcheck.workcal import load_calendar

    sm = SectionMonth("commerce", NOV, "2022.1")
    sm.ledgers["licence"] = {"imported_at": "2026-11-28T10:00:00", "pending": pending}
    obs = obligations_for(load_builtin(), load_calendar(None), sm, datetime(2026, 11, 28, 10))
    for o in obs:
        assert o.what and o.state in ObligationState
