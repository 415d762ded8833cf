"""issue 14：科室专人从第一次启动到提交一路不绊脚（设置、退出提示、命令面板、拼音查找、折行）。

每个界面的改动在 120×36 和 80×24 两种窗口下都测。"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import configured, make_app, press, settle
from textual.widgets import Input, OptionList, Static

from screens.choice import ChoiceModal
from screens.home import HomeScreen
from screens.setup import SetupScreen

SIZES = [(120, 36), (80, 24)]


def error_text(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#error", Static).render())


@pytest.mark.parametrize("size", SIZES)
async def test_setup_tab_from_section_lands_in_name_and_keeps_what_is_typed(
    tmp_path: Path, size
) -> None:  # type: ignore[no-untyped-def]
    """选科室后按 Tab：焦点到“专人姓名”（不再落到看不见的滚动区上，打的名字不丢），再 Tab 到电话。"""
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        assert isinstance(app.screen, SetupScreen)
        await press(pilot, "down", "down", "tab")
        assert app.focused is not None and app.focused.id == "person"
        await press(pilot, *"wang")
        await press(pilot, "tab")
        assert app.focused is not None and app.focused.id == "phone"
        await press(pilot, *"0531")
        assert app.screen.query_one("#person", Input).value == "wang"
        assert app.screen.query_one("#phone", Input).value == "0531"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, HomeScreen)
        assert app.ctx.settings.section_id == "commerce" and app.ctx.settings.person == "wang"


@pytest.mark.parametrize("size", SIZES)
async def test_setup_error_is_on_screen(tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    """没填姓名就保存：说明在窗口之内（80×24 也看得见），焦点回到姓名一栏。"""
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "ctrl+s")
        assert "请填写科室专人姓名" in error_text(app)
        err = app.screen.query_one("#error")
        assert err.region.height >= 1 and err.region.bottom <= size[1] - 1, err.region
        assert app.focused is not None and app.focused.id == "person"


@pytest.mark.parametrize("size", SIZES)
async def test_setup_section_found_by_pinyin(tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    """科室列表上打拼音：shang → 商事登记科；tx（首字母）→ 体系建设科；退格后重新找。"""
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        ol = app.screen.query_one("#section", OptionList)
        await press(pilot, *"shang")
        assert ol.highlighted == 2
        assert "商事登记项目审批服务科" in str(
            app.screen.query_one("#section-full", Static).render()
        )
        assert "shang" in str(ol.border_subtitle)
        for _ in range(5):
            await press(pilot, "backspace")
        await press(pilot, "t", "x")
        assert ol.highlighted == 5  # 体系建设科
        await press(pilot, "escape")  # 先清掉打的字，不关闭首次设置
        assert isinstance(app.screen, SetupScreen) and not ol.border_subtitle


async def test_ctrl_c_says_how_to_quit_in_chinese(tmp_path: Path) -> None:
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "ctrl+c")
        texts = [f"{n.title} {n.message}" for n in app._notifications]
        assert any("要退出吗" in t and "Ctrl+Q" in t for t in texts), texts
        assert not any("quit" in t.lower() for t in texts), texts


@pytest.mark.parametrize("query", ["dc", "daochu", "shenhe", "tj"])
async def test_palette_finds_by_pinyin(tmp_path: Path, query: str) -> None:
    """命令面板：全拼与首字母。"dc" 找到“导出”，"shenhe" 找到体系科的“审核”，"tj" 找到“提交本月”。"""
    from textual.command import CommandList

    app = make_app(tmp_path, settings=configured("system"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "ctrl+p")
        await press(pilot, *query)
        palette = app.screen
        expected = {"dc": "导出", "daochu": "导出", "shenhe": "审核", "tj": "提交本月"}[query]

        async def found() -> list[str]:
            cl = palette.query_one(CommandList)
            return [str(getattr(o.prompt, "plain", o.prompt)) for o in cl.options]

        for _ in range(200):  # 面板在后台查找：等到列表里出现结果（条件，不是时长）
            names = await found()
            if any(expected in n for n in names):
                break
            await pilot.pause()
        names = await found()
        assert any(expected in n for n in names), names
        assert not any("没有找到" in n for n in names), names
        assert not any("No matches" in n for n in names)


async def test_choice_modal_finds_by_pinyin(tmp_path: Path) -> None:
    """选择对话框（跳转到第几项）：打 xydt（信用动态）光标到第4项，回车选中。"""
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        app.open_checklist(2)
        await pilot.pause()
        await press(pilot, "g")
        assert isinstance(app.screen, ChoiceModal)
        await press(pilot, *"xydt")
        await press(pilot, "enter")
        assert app.screen.ind.id == 4  # type: ignore[attr-defined]
