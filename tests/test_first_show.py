"""屏幕第一次显示：首页画好的那一刻底栏已排好按键（不再空着画一遍、再重排一遍）；断点样式类构造时就加好。"""

from __future__ import annotations

from pathlib import Path

from app_support import configured, make_ctx, settle

from screens.app import CreditCheckApp
from screens.firstshow import QuickFirstShow
from screens.home import HomeScreen, MonthRow
from screens.text import AppFooter
from storage import Store


async def test_home_footer_has_its_keys_when_first_painted(tmp_path: Path) -> None:
    store = Store(tmp_path / "data", section_id="commerce", actor="张三", defer_lock=True)
    seen: list[list[str]] = []
    app: CreditCheckApp

    def painted() -> None:
        footer = app.screen.query_one(AppFooter)
        seen.append([desc for _, desc, _ in footer.entries()])
        seen.append(list(footer.drawn()))

    app = CreditCheckApp(
        make_ctx(tmp_path, settings=configured(), store=store), on_first_paint=painted
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert len(seen) == 2
        assert "帮助" in seen[0] and "帮助" in seen[1], seen  # 首页第一次画好时底栏已画出按键
        footer = app.screen.query_one(AppFooter)
        assert footer.compact  # 80 列：紧凑的底栏，从一开始就是
        assert len(list(footer.query("*"))) == 0  # 整条底栏是一个部件（不为每个按键建部件）
        assert app.screen.has_class("-narrow") and app.screen.has_class("-short")
        # 首页下面 Textual 的空白默认屏幕也是 QuickFirstShow：第一次显示时不重复排样式
        assert (
            isinstance(app.screen_stack[0], QuickFirstShow) and app.screen_stack[0].id == "_default"
        )
    store.close()


async def test_breakpoint_classes_follow_a_resize(tmp_path: Path) -> None:
    store = Store(tmp_path / "data", section_id="commerce", actor="张三", defer_lock=True)
    app = CreditCheckApp(make_ctx(tmp_path, settings=configured(), store=store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert app.screen.has_class("-wide") and app.screen.has_class("-tall")
        assert not app.screen.has_class("-narrow") and not app.screen.has_class("-short")
    store.close()


async def test_later_styles_load_after_home_paints(tmp_path: Path) -> None:
    """启动时只解析 app.tcss；首页画好之后加载 later.tcss（对话框、逐项自查等的样式）。"""
    from screens.app import LATER_CSS

    store = Store(tmp_path / "data", section_id="commerce", actor="张三", defer_lock=True)
    at_paint: list[bool] = []
    app: CreditCheckApp

    def painted() -> None:
        at_paint.append(app.stylesheet.has_source(str(LATER_CSS), ""))

    app = CreditCheckApp(
        make_ctx(tmp_path, settings=configured(), store=store), on_first_paint=painted
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert at_paint == [False]
        assert app.stylesheet.has_source(str(LATER_CSS), "")
        rules = {str(r.selector_set) for r in app.stylesheet.rules}
        assert any(".dialog" in r for r in rules), "later.tcss 的规则已在样式表里"
    store.close()


async def test_first_resize_at_the_same_size_does_not_lay_out_again(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """按 O 打开体系科总览：恢复时已按窗口大小排好版，紧接着同样大小的 Resize 不再把总览和背后的首页整个重排
    （这是按下 O 之后界面线程上最大的一块活）；之后窗口真的变了大小照常重排，各部件按新大小排好。"""
    from textual.screen import Screen

    from screens.coordinator import OverviewScreen

    resized: list[str] = []
    real = Screen._screen_resized

    def counting(self, size):  # type: ignore[no-untyped-def]
        resized.append(type(self).__name__)
        return real(self, size)

    monkeypatch.setattr(Screen, "_screen_resized", counting)
    store = Store(tmp_path / "data", section_id="system", actor="李玲", defer_lock=True)
    app = CreditCheckApp(make_ctx(tmp_path, settings=configured("system", "李玲"), store=store))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        resized.clear()
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        assert "OverviewScreen" not in resized and "HomeScreen" not in resized, resized
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert "OverviewScreen" in resized and "HomeScreen" in resized, resized  # 真的变了大小
        assert app.screen.size.width == 120
        await pilot.press("escape")
        await settle(pilot)
        assert (
            app.screen.query_one(MonthRow).region.width == 118
        )  # 回到首页：按新大小排好（左右各留一格）
    store.close()
