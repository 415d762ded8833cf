"""保存在后台线程里按先后做：第二次保存等第一次写完；保存时有“正在保存……”、画面照常响应按键；
保存失败（磁盘已满、别处改过、占用被接管）时说明原因、表单里填写的内容不丢；退出时等保存做完。"""

from __future__ import annotations

import errno
import threading
from pathlib import Path
from typing import Any

from app_support import checklist_pilot, press, settle, type_into, wait_until
from textual.widgets import Input, Static

from creditcheck.errors import StaleRecordError
from creditcheck.month import Month
from screens.diskwork import BusyNote
from screens.event_form import EventModal
from screens.home import MonthRow
from storage.store import Store

NOV = Month(2026, 11)


def _stored(tmp_path: Path) -> Any:
    with Store(tmp_path / "data") as store:
        return store.load_month("commerce", NOV)


class HeldSaves:
    """让存储层的保存停在“写盘之前”，直到测试放行（模拟很慢的共享文件夹）。"""

    def __init__(self, store: Store) -> None:
        self.real = store.save_month
        self.release = threading.Event()
        self.started = threading.Event()
        self.order: list[str] = []
        self.running = 0
        self.overlap = False
        store.save_month = self.save  # type: ignore[method-assign]

    def save(self, sm: Any, **kw: Any) -> Any:
        self.running += 1
        self.overlap |= self.running > 1
        self.started.set()
        self.release.wait(timeout=60)
        try:
            self.order.append(sm.entry(10).events[-1].title if sm.entry(10).events else "")
            return self.real(sm, **kw)
        finally:
            self.running -= 1


async def test_saves_run_one_after_another_in_the_order_made(tmp_path: Path) -> None:
    async with checklist_pilot(tmp_path, 10) as (app, pilot):
        held = HeldSaves(app.ctx.store)
        for title in ("第一件来函", "第二件来函"):
            await pilot.press("n")
            await wait_until(pilot, lambda: isinstance(app.screen, EventModal), "事件表单打开")
            await type_into(pilot, "#title", title)
            await type_into(pilot, "#occurred", "11-27 09:00")
            await pilot.press("ctrl+s")
            if title == "第一件来函":
                await wait_until(pilot, held.started.is_set, "第一次保存开始")
                # 保存在后台：表单写着“正在保存……”，右上角也有；画面照常响应按键
                form = app.screen
                assert isinstance(form, EventModal) and form.saving
                assert "正在保存" in str(form.query_one("#error", Static).render())
                assert list(form.query(BusyNote))
                await pilot.press("escape")  # 保存中按 Esc：不关闭、不丢
                await pilot.pause()
                assert app.screen is form
                await pilot.press("ctrl+s")  # 再按保存：不会重复保存
                await pilot.pause()
                held.release.set()
                await settle(pilot)
                held.release.clear()
        # 第二次保存停在写盘之前：队列还忙着，右上角仍有说明
        await wait_until(pilot, lambda: held.running == 1, "第二次保存开始")
        assert app.disk.busy
        held.release.set()
        await settle(pilot)
        assert not app.disk.busy and not list(app.screen.query(BusyNote))
        assert held.order == ["第一件来函", "第二件来函"] and not held.overlap
        titles = [e.title for e in app.current.sm.entry(10).events]
        assert titles == ["第一件来函", "第二件来函"]
    app.ctx.store.close()
    assert [e.title for e in _stored(tmp_path).entry(10).events] == ["第一件来函", "第二件来函"]


async def test_failed_save_keeps_what_was_typed_and_says_why(tmp_path: Path) -> None:
    async with checklist_pilot(tmp_path, 10) as (app, pilot):
        store = app.ctx.store
        real = store.save_month
        failures: list[BaseException] = [
            OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "data")),
            StaleRecordError("别处保存过"),
        ]

        def failing(sm: Any, **kw: Any) -> Any:
            if failures:
                raise failures.pop(0)
            return real(sm, **kw)

        store.save_month = failing  # type: ignore[method-assign]
        await press(pilot, "n")
        await type_into(pilot, "#title", "某公司异议来函")
        await type_into(pilot, "#occurred", "11-27 09:00")
        await press(pilot, "ctrl+s")
        form = app.screen
        assert isinstance(form, EventModal) and not form.saving
        error = str(form.query_one("#error", Static).render())
        assert "磁盘已满" in error and "您填写的内容仍在" in error
        assert form.query_one("#title", Input).value == "某公司异议来函"
        assert app.current.sm.entry(10).events == []
        await press(pilot, "ctrl+s")  # 别处改过：重新载入，说明要再改一次，内容还在
        assert app.screen is form
        assert "已在别处更改" in str(form.query_one("#error", Static).render())
        assert form.query_one("#title", Input).value == "某公司异议来函"
        await press(pilot, "ctrl+s")  # 第三次：写成
        assert not isinstance(app.screen, EventModal)
        assert [e.title for e in app.current.sm.entry(10).events] == ["某公司异议来函"]
    app.ctx.store.close()
    assert [e.title for e in _stored(tmp_path).entry(10).events] == ["某公司异议来函"]


async def test_quitting_while_saving_waits_for_the_save(tmp_path: Path) -> None:
    async with checklist_pilot(tmp_path, 10) as (app, pilot):
        held = HeldSaves(app.ctx.store)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("p")  # 沿用上月（上月没有记录：照样排队读写）
        await pilot.press("u")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "ConfirmModal", "提交确认")
        await pilot.press("y")
        await wait_until(pilot, held.started.is_set, "提交的保存开始")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and app.disk.busy
        assert any("保存完就退出" in n.message for n in app._notifications)
        held.release.set()
        await wait_until(pilot, lambda: not app.is_running, "保存做完后退出")
    app.ctx.store.close()
    assert _stored(tmp_path).review.value == "已提交"


async def test_start_up_read_failure_is_explained_and_t_reads_again(tmp_path: Path) -> None:
    from app_support import configured, make_app

    app = make_app(tmp_path, settings=configured())
    store = app.ctx.store
    real = store.load_month
    failing = [OSError(errno.EACCES, "Permission denied", str(tmp_path / "data"))]

    def load(*args: Any, **kw: Any) -> Any:
        if failing:
            raise failing.pop()
        return real(*args, **kw)

    store.load_month = load  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.session is None
        label = app.screen.query_one(MonthRow).text("label")
        assert "未能读取本月的记录" in label
        assert any("没有权限" in n.message for n in app._notifications)
        await press(pilot, "c")  # 没有月份：说明原因，不出错
        assert any("按 T 重新读取" in n.message for n in app._notifications)
        await press(pilot, "t")
        assert app.session is not None and app.current.month == NOV
        assert "2026年11月" in app.screen.query_one(MonthRow).text("label")
    store.close()
