"""界面读写数据文件夹都在后台线程里：换月时先显示“正在读取……”，读好后换上；没有改动时不重读文件。"""

from __future__ import annotations

from pathlib import Path

from app_support import configured, make_app, press, seed_warnings, settle
from coordination_data import save_records
from textual.widgets import Static

from creditcheck.month import Month
from screens.coordinator import OverviewScreen
from screens.home import MonthRow
from screens.messages import MonthLoading


def _label(app) -> str:  # type: ignore[no-untyped-def]
    return app.screen.query_one(MonthRow).text("label")


async def test_month_switch_loads_in_a_worker_and_counts_every_press(tmp_path: Path) -> None:
    seed_warnings(tmp_path / "data")
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.current.month == Month(2026, 11)
        # 连按两次：第二次从正在读取的月份往后数，最后换上的是 2027年1月
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert app.current.month == Month(2027, 1)
        assert "2027年1月" in _label(app)
        await press(pilot, "t")
        assert app.current.month == Month(2026, 11) and "2026年11月" in _label(app)


async def test_home_says_it_is_loading(tmp_path: Path) -> None:
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.screen.post_message(MonthLoading(Month(2026, 12)))
        await pilot.pause()
        assert "2026年12月" in _label(app) and "正在读取" in _label(app)


async def test_home_refresh_rereads_nothing_when_no_file_changed(tmp_path: Path) -> None:
    seed_warnings(tmp_path / "data")
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        reads = app.current.reads
        assert reads >= 1
        app.month_changed()
        app.month_changed()
        await settle(pilot)
        assert app.current.reads == reads  # 首页重画了两次，科室的各月一个文件也没重读


async def test_coordinator_poll_reads_no_month_file_when_nothing_changed(
    catalog, tmp_path: Path
) -> None:
    save_records(catalog, tmp_path / "data").close()
    app = make_app(tmp_path, settings=configured("system", "李玲"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "o")
        screen = app.screen
        assert isinstance(screen, OverviewScreen) and screen.overview is not None
        service = app.overview_service
        assert service is not None and service.reads == len(catalog.sections)
        screen.poll()  # 每两分钟一次的检查
        await settle(pilot)
        assert service.reads == len(catalog.sections)
        await press(pilot, "k")  # 换到排名：同一个读取器，文件没变也不重读
        assert service.reads == len(catalog.sections)
        assert "正在读取" not in str(app.screen.query_one("#topbar", Static).render())
