"""底栏（screens.text.AppFooter）：一个部件写出当前可用的按键；点一下按键等于按下它；窄窗口紧凑排布，
放不下的省去，命令面板总在右端。"""

from __future__ import annotations

from pathlib import Path

from app_support import configured, make_app, settle, wait_until
from textual.command import CommandPalette

from screens.checklist import ChecklistScreen
from screens.text import AppFooter


async def test_clicking_a_key_in_the_footer_presses_it(tmp_path: Path) -> None:
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(AppFooter)
        cols = footer.drawn()
        left, _ = cols["逐项自查"]
        await pilot.click(AppFooter, offset=(left - footer.region.x + 1, 0))
        await wait_until(pilot, lambda: isinstance(app.screen, ChecklistScreen), "逐项自查打开")
        footer = app.screen.query_one(AppFooter)
        assert "标记完成" in footer.drawn()  # 换了屏幕，底栏写的是这一屏的按键
        left, _ = footer.drawn()["命令"]
        await pilot.click(AppFooter, offset=(left - footer.region.x + 1, 0))
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "命令面板打开")


async def test_footer_keys_fit_and_never_overlap(tmp_path: Path) -> None:
    """80 列与 120 列：各项从左到右排开、不重叠、不超出窗口；命令面板在最右端。"""
    for size in ((80, 24), (120, 36), (60, 20)):
        app = make_app(tmp_path, settings=configured())
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            footer = app.screen.query_one(AppFooter)
            drawn = footer.drawn()
            assert drawn["命令"][1] == size[0], drawn
            spans = sorted(drawn.values())
            assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), spans
            assert footer.compact == (size[0] < 100)
            line = "".join(s.text for s in footer.render_line(0))
            assert len(line) <= size[0] * 2 and "Ctrl+P 命令" in line, line
            if size[0] >= 80:
                assert {"逐项自查", "提交本月", "帮助"} <= set(drawn), drawn
