"""首页按 W 写“存在问题和下步打算”：多行输入、Ctrl+S 保存进本月记录，Esc 改过时先问；导出的材料里有它。"""

from __future__ import annotations

from pathlib import Path

from app_support import configured, make_app, press, settle
from textual.widgets import TextArea

from creditcheck.month import Month
from screens.confirm import ConfirmModal
from screens.plans import PlansModal
from storage.store import Store

NOV = Month(2026, 11)


async def test_plans_saved_from_home_and_kept_on_reopen(tmp_path: Path) -> None:
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "x")
        assert isinstance(app.screen, PlansModal)
        area = app.screen.query_one("#plans", TextArea)
        area.insert("个别信息上传偏晚。\n下步在3个工作日内上传。")
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, PlansModal)
        sm = Store(tmp_path / "data").load_month("commerce", NOV)
        assert sm.plans == "个别信息上传偏晚。\n下步在3个工作日内上传。"
        # 再打开：显示已写的内容；不改就按 Esc，直接关闭
        await press(pilot, "x")
        assert app.screen.query_one("#plans", TextArea).text == sm.plans
        await press(pilot, "escape")
        assert not isinstance(app.screen, (PlansModal, ConfirmModal))


async def test_escape_after_typing_asks_first(tmp_path: Path) -> None:
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "x")
        app.screen.query_one("#plans", TextArea).insert("还没保存的话")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmModal)
        await press(pilot, "escape")  # 继续填写
        assert isinstance(app.screen, PlansModal)
        assert app.screen.query_one("#plans", TextArea).text == "还没保存的话"
    assert Store(tmp_path / "data").load_month("commerce", NOV).plans == ""
