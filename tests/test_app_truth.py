"""界面里的“本月的事实”：已提交的月份按修改键时说明并提出撤回；确认完成前列出未办结的事项。"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app_support import configured, make_app, press, settle

from creditcheck import checklist, review
from creditcheck.catalog import load_builtin
from creditcheck.models import ReviewState, SectionMonth, Status
from creditcheck.month import Month
from screens.confirm import ConfirmModal
from storage.store import Store

NOV = Month(2026, 11)


def _submitted(data_dir: Path) -> None:
    cat = load_builtin()
    sm = SectionMonth("commerce", NOV, cat.version, person="张三")
    checklist.set_note(sm, cat, 3, "本月台账整理中", datetime(2026, 11, 20, 9, 0))
    review.submit(sm, "张三", datetime(2026, 11, 25, 9, 0))
    with Store(data_dir) as store:
        store.save_month(sm)


async def test_editing_a_submitted_month_explains_and_offers_to_withdraw(tmp_path: Path) -> None:
    _submitted(tmp_path / "data")
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        app.open_checklist(3)
        await pilot.pause()
        assert "本月已提交，内容已冻结" in str(app.screen.query_one("#notices").render())
        await press(pilot, "d")
        modal = app.screen
        assert isinstance(modal, ConfirmModal) and "撤回" in modal.body
        await press(pilot, "n")  # 不撤回：什么也没改
        assert app.session is not None and app.session.sm.review is ReviewState.SUBMITTED
        assert app.session.sm.entries[3].status is Status.IN_PROGRESS
        await press(pilot, "d")
        await press(pilot, "y")  # 撤回
        assert app.session.sm.review is ReviewState.DRAFT
    with Store(tmp_path / "data", read_only=True) as store:
        assert store.load_month("commerce", NOV).review is ReviewState.DRAFT


async def test_app_ledger_import_keeps_the_months_rows(tmp_path: Path) -> None:
    import time

    import openpyxl
    from app_support import checklist_pilot, type_into
    from ledger_helpers import H, lic

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(H)
    ws.append(lic())
    ws.append(
        lic(
            行政许可决定文书号="9月1号",
            许可决定日期=datetime(2026, 9, 15),
            有效期自=datetime(2026, 9, 15),
            上报日期=datetime(2026, 9, 20),
        )
    )
    f = tmp_path / "双公示 台账.xlsx"
    wb.save(f)
    async with checklist_pilot(tmp_path, 2) as (app, pilot):
        await press(pilot, "l")
        await type_into(pilot, "#value", str(f))
        await pilot.press("enter")
        deadline = time.monotonic() + 60
        while not getattr(app.screen, "finished", False) and time.monotonic() < deadline:
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert app.session is not None
        summary = app.session.sm.ledgers["licence"]
        assert summary["rows"] == 1 and summary["rows_other_months"] == 1
    rows = Store(tmp_path / "data", read_only=True).load_ledger("commerce", NOV, "licence")
    assert rows is not None and len(rows) == 1
