"""界面里的“本月的事实”：已提交的月份按修改键时说明并提出撤回；确认完成前列出未办结的事项。"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app_support import configured, make_app, press

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
        await pilot.pause()
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
