"""界面的细节（一位科室专人实际使用时碰到的问题）：80×24 的窗口里按键与按钮都看得见、表格不左右滚动；
误按 Esc 不丢输入；完成时间不能晚于此刻；跳转按指标序号；命令面板与系统错误都是中文。"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app_support import (
    NOW,
    checklist_pilot,
    configured,
    make_app,
    press,
    seed_warnings,
    settle,
    type_into,
    wait_until,
)
from textual.widgets import Button, DataTable, Input, Static

from creditcheck import checklist
from creditcheck.catalog import load_builtin
from creditcheck.evidence import attach
from creditcheck.month import Month
from creditcheck.workcal import load_calendar
from screens.checklist import ChecklistScreen
from screens.confirm import ConfirmModal
from screens.counts_form import CountsModal
from screens.event_form import EventModal
from screens.evidence_form import EvidenceModal
from screens.home import HomeScreen, MonthRow
from screens.prompt import PromptModal
from storage.store import Store

NOV = Month(2026, 11)
SMALL = (80, 24)


def error_text(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#error", Static).render())


def footer_keys(app) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    """底栏每个按键的说明 -> (左端, 右端) 列。"""
    from screens.text import AppFooter

    footers = app.screen.query(AppFooter)
    return footers.first().drawn() if footers else {}


async def _wait_for_footer(app, pilot, key: str) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    """等底栏排好（机器忙时底栏比页面晚一步出现）：以条件为准，不按时间。"""
    import time

    deadline = time.monotonic() + 30
    keys = footer_keys(app)
    while key not in keys and time.monotonic() < deadline:
        await pilot.pause()
        keys = footer_keys(app)
    return keys


def seed_events(data_dir: Path) -> None:
    """第 2 项：两件标题很长的许可决定和一件问题数据；第 4 项：一件没有上报的稿件。"""
    seed_warnings(data_dir)
    store = Store(data_dir)
    cat, cal = load_builtin(), load_calendar(data_dir)
    sm = store.load_month("commerce", NOV)
    t = NOW
    checklist.add_event(
        sm,
        cat,
        cal,
        2,
        "licence",
        "山东某某物流有限公司道路运输经营许可（普通货运、危险货物运输）",
        datetime(2026, 11, 8, 9, 15),
        t,
    )
    checklist.add_event(
        sm, cat, cal, 2, "licence", "历城区某某幼儿园民办学校办学许可", datetime(2026, 11, 16), t
    )
    checklist.add_event(
        sm,
        cat,
        cal,
        2,
        "data-problem",
        "市平台反馈：有效期至早于有效期自",
        datetime(2026, 11, 19),
        t,
        done_at=datetime(2026, 11, 20),
    )
    checklist.add_event(sm, cat, cal, 4, "article", "第二篇稿件", datetime(2026, 11, 27, 15, 0), t)
    store.save_month(sm)


# ── 80×24 ──


async def test_checklist_footer_fits_80_columns(tmp_path: Path) -> None:
    seed_events(tmp_path / "data")
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        for iid in (2, 4, 8, 10):
            app.open_checklist(iid)
            await wait_until(
                pilot, lambda: "标记完成" in footer_keys(app), "底栏画好"
            )  # 底栏在下一次重绘时排好
            keys = footer_keys(app)
            assert "返回" in keys and "帮助" in keys and "标记完成" in keys, keys
            assert all(right <= 80 for _, right in keys.values()), keys
            # 不重叠：按键之间从左到右排开
            spans = sorted(v for k, v in keys.items() if k != "命令")
            assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), spans
            await press(pilot, "escape")
        keys = footer_keys(app)  # 首页
        assert {"逐项自查", "提交本月", "导出Word", "帮助"} <= set(keys)
        assert all(right <= 80 for _, right in keys.values()), keys


async def test_footer_shows_ctrl_keys_in_words(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        from screens.text import AppFooter

        shown = {display for display, _, _ in app.screen.query_one(AppFooter).entries()}
        assert {"Ctrl+S", "F2", "F1", "Ctrl+P"} <= shown, shown
        assert not any(k.startswith("^") for k in shown)


async def test_events_table_fits_80_columns(tmp_path: Path) -> None:
    seed_events(tmp_path / "data")
    async with checklist_pilot(tmp_path, 2, size=SMALL) as (app, pilot):
        table = app.screen.query_one("#events", DataTable)
        assert table.row_count == 3
        assert table.virtual_size.width <= table.size.width, (table.virtual_size, table.size)
        assert table.region.right <= 80
        row = [str(c) for c in table.get_row_at(0)]
        assert row[0] == "许可决定"
        assert row[1].startswith("山东某某物流") and row[1].endswith("..")  # 长标题截断，不撑宽表格
        assert row[2] == "11-08"  # 许可决定只记日期：不显示 00:00
        assert row[3] == "11-23 周一"
        done = [str(c) for c in table.get_row_at(2)]
        assert done[4] == "11-20" and done[5] == "按时完成"
        # 按小时计算的稿件显示到分钟
        app.open_checklist(4)
        await pilot.pause()
        table = app.screen.query_one("#events", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["第二篇稿件", "11-27 15:00", "11-29 15:00"] == rows[-1][1:4]
    # 宽窗口里标题完整
    async with checklist_pilot(tmp_path, 2, size=(140, 36)) as (app, pilot):
        row = [str(c) for c in app.screen.query_one("#events", DataTable).get_row_at(1)]
        assert row[1] == "历城区某某幼儿园民办学校办学许可"


async def test_home_review_state_visible_at_80_columns(tmp_path: Path) -> None:
    seed_warnings(tmp_path / "data")
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        assert isinstance(app.screen, HomeScreen)
        # issue 14：80 列时月份行照样写出换月的键（写短），报送状态也完整
        row = app.screen.query_one(MonthRow)
        drawn = row.drawn()
        assert drawn["hint"][2] <= 80 and "T 本月" in drawn["hint"][0], drawn
        state, _, right = drawn["state"]
        assert "退回修改" in state and state == row.text("state") and right <= 80, drawn


async def test_form_buttons_visible_at_80x24(tmp_path: Path) -> None:
    """事件表单（第 10 项有来函编号一栏）、佐证材料表单：24 行的窗口里“保存”按钮在屏幕内，表单区滚动。"""
    async with checklist_pilot(tmp_path, 10, size=SMALL) as (app, pilot):
        await press(pilot, "n")
        assert isinstance(app.screen, EventModal)
        ok = app.screen.query_one("#ok", Button)
        await wait_until(pilot, lambda: ok.region.height > 0, "对话框已排好版")
        assert 0 <= ok.region.y and ok.region.bottom <= 24, ok.region
        # 最后一栏（备注）获得焦点时滚入视野（滚动在下一次重绘时、可能带动画）
        await type_into(pilot, "#note", "备注")
        note = app.screen.query_one("#note", Input)
        form = app.screen.query_one(".form")
        await wait_until(
            pilot,
            lambda: form.region.y <= note.region.y and note.region.bottom <= form.region.bottom,
            "备注一栏滚入表单的可见范围",
        )
        await pilot.press("escape")  # 填过内容：先问
        await pilot.pause()
        await press(pilot, "y")
        await press(pilot, "a")
        assert isinstance(app.screen, EvidenceModal)
        ok = app.screen.query_one("#ok", Button)
        await wait_until(pilot, lambda: ok.region.height > 0, "对话框已排好版")
        assert ok.region.bottom <= 24, ok.region


async def test_event_form_rows_aligned(tmp_path: Path) -> None:
    """表单里的“备注”输入框与其他栏一样高、一样对齐（曾被逐项自查页 #note 的样式推下一行）。"""
    async with checklist_pilot(tmp_path, 10) as (app, pilot):
        await press(pilot, "n")
        rows = list(app.screen.query(".form-row"))
        note = app.screen.query_one("#note", Input)
        assert note.region.y == rows[-1].region.y
        assert note.region.height == 3


# ── 不丢输入 ──


async def test_escape_on_filled_form_asks_first(tmp_path: Path) -> None:
    async with checklist_pilot(tmp_path, 2) as (app, pilot):
        # 什么都没填：Esc 直接关闭
        await press(pilot, "a")
        await press(pilot, "escape")
        assert isinstance(app.screen, ChecklistScreen)
        # 填了路径：Esc 先问；“继续填写”回到表单，内容还在
        await press(pilot, "a")
        await type_into(pilot, "#path", "/tmp/学习记录.docx")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmModal)
        assert "放弃" in str(app.screen.query_one("#yes", Button).label)
        await press(pilot, "n")
        assert isinstance(app.screen, EvidenceModal)
        assert app.screen.query_one("#path", Input).value == "/tmp/学习记录.docx"
        await press(pilot, "escape")
        await press(pilot, "y")
        assert isinstance(app.screen, ChecklistScreen)
        # 备注：改了文字再按 Esc 也先问
        await press(pilot, "m")
        from textual.widgets import TextArea

        from screens.text_modal import TextModal

        app.screen.query_one("#value", TextArea).insert("已与市平台核对")
        await pilot.pause()
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmModal)
        await press(pilot, "n")
        assert isinstance(app.screen, TextModal)  # 情况说明是多行编辑框（issue 14）
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ChecklistScreen)
    sm = Store(tmp_path / "data").load_month("commerce", NOV)
    assert sm.entries[2].note == "已与市平台核对"


async def test_settings_escape_keeps_changes_until_confirmed(tmp_path: Path) -> None:
    from screens.setup import SetupScreen

    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "s")
        assert isinstance(app.screen, SetupScreen)
        await type_into(pilot, "#person", "王五")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmModal)
        await press(pilot, "n")
        assert app.screen.query_one("#person", Input).value == "王五"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, HomeScreen)
    assert app.ctx.settings.person == "王五"


# ── 输入规则 ──


async def test_completion_later_today_is_refused(tmp_path: Path) -> None:
    """此刻 10:00：稿件的上报时间写“今天 15:00”不行（只比日期时会被放过）。"""
    seed_events(tmp_path / "data")
    async with checklist_pilot(tmp_path, 4) as (app, pilot):
        table = app.screen.query_one("#events", DataTable)
        table.focus()
        table.move_cursor(row=table.row_count - 1)
        await pilot.pause()
        await press(pilot, "f")
        assert isinstance(app.screen, PromptModal)
        await type_into(pilot, "#value", "今天 15:00")
        await press(pilot, "enter")
        assert isinstance(app.screen, PromptModal)
        assert "晚于此刻" in error_text(app)
        assert app.screen.query_one("#value", Input).value == "今天 15:00"
        await type_into(pilot, "#value", "今天 9:30")
        await press(pilot, "enter")
        assert isinstance(app.screen, ChecklistScreen)
        # 新记稿件时也一样
        await press(pilot, "n")
        await type_into(pilot, "#title", "第三篇")
        await type_into(pilot, "#occurred", "今天 8:00")
        await type_into(pilot, "#done", "今天 下午3点")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, EventModal)
        assert "晚于此刻" in error_text(app)
        # 没写时间：说明只说一遍栏目名
        await type_into(pilot, "#done", "今天")
        await press(pilot, "ctrl+s")
        msg = error_text(app)
        assert msg.startswith("上报时间：请写上几点几分") and msg.count("上报时间") == 1, msg
    sm = Store(tmp_path / "data").load_month("commerce", NOV)
    done = [e.done_at for e in sm.entries[4].events if e.title == "第二篇稿件"]
    assert done == [datetime(2026, 11, 28, 9, 30)]


async def test_jump_digit_means_indicator_number(tmp_path: Path) -> None:
    """商事登记科没有第 1、7 项：按 4 跳到第 4 项（而不是列表里的第 4 行，即第 5 项）。"""
    async with checklist_pilot(tmp_path, 2) as (app, pilot):
        await press(pilot, "g")
        await press(pilot, "4")
        assert isinstance(app.screen, ChecklistScreen)
        assert app.screen.ind.id == 4
        await press(pilot, "g")
        await pilot.press("7")  # 本科室没有第 7 项：不动
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ChoiceModal"
        await press(pilot, "escape")
        assert app.screen.ind.id == 4


async def test_missing_file_question_asked_once(tmp_path: Path) -> None:
    async with checklist_pilot(tmp_path, 2) as (app, pilot):
        await press(pilot, "a")
        await type_into(pilot, "#path", str(tmp_path / "不存在.docx"))
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmModal)
        body = app.screen.body
        assert body.count("吗？") == 1 and "不存在.docx" in body, body


async def test_evidence_state_column_not_cut(tmp_path: Path) -> None:
    """“文件缺失”比占位的“检查中”宽：状态一栏留足宽度。"""
    data = tmp_path / "data"
    store = Store(data)
    cat = load_builtin()
    sm = store.load_month("commerce", NOV)
    ev = attach(str(tmp_path / "已删除 的文件.docx"), now=NOW, kind="其他", allow_missing=True)
    checklist.add_evidence(sm, cat, 2, ev, NOW)
    store.save_month(sm)
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        app.open_checklist(2)
        await settle(pilot)  # 文件状态在后台线程里检查
        table = app.screen.query_one("#evidence", DataTable)
        assert str(table.get_cell_at((0, 3))) == "文件缺失"
        assert table.columns["state"].width >= 8  # type: ignore[index]
        assert table.virtual_size.width <= table.size.width


async def test_counts_error_focuses_the_bad_field(tmp_path: Path) -> None:
    async with checklist_pilot(tmp_path, 8) as (app, pilot):
        await press(pilot, "h")
        assert isinstance(app.screen, CountsModal)
        assert app.screen.query_one("#c-credit_checks", Input).placeholder == "未填写"
        await type_into(pilot, "#c-credit_checks", "120")
        await type_into(pilot, "#c-joint_sanctions", "三十")
        await type_into(pilot, "#c-market_entities", "1,500")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CountsModal)
        assert app.screen.focused is app.screen.query_one("#c-joint_sanctions", Input)
        assert app.screen.query_one("#c-joint_sanctions", Input).value == "三十"
        await type_into(pilot, "#c-joint_sanctions", "30")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ChecklistScreen)
    sm = Store(tmp_path / "data").load_month("commerce", NOV)
    assert sm.entries[8].counts == {
        "credit_checks": 120,
        "joint_sanctions": 30,
        "market_entities": 1500,
    }


# ── 中文 ──


async def test_palette_no_match_is_chinese(tmp_path: Path) -> None:
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "ctrl+p")
        await pilot.press(*"zzzz")
        from textual.command import CommandList

        await settle(pilot)  # 命令面板在后台查找
        ol = app.screen.query_one(CommandList)
        texts = [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]
        assert any("没有找到" in t for t in texts), texts
        assert not any("No matches" in t for t in texts)
        await pilot.press("enter")  # 没找到时回车打开帮助
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"


async def test_setup_folder_error_in_chinese(tmp_path: Path) -> None:
    blocker = tmp_path / "一个文件"
    blocker.write_text("x", encoding="utf-8")
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "s")
        await type_into(pilot, "#data-dir", str(blocker / "数据"))
        await press(pilot, "ctrl+s")
        msg = error_text(app)
        assert "无法创建文件夹" in msg and "不是文件夹" in msg, msg
        assert "Not a directory" not in msg
        assert app.screen.query_one("#data-dir", Input).value == str(blocker / "数据")


# ── 只读、导出、导入 ──


async def test_read_only_does_not_open_forms(tmp_path: Path) -> None:
    """别处占用时按 A、N、M、U：先说明只读，不打开表单（免得填完才知道存不了）。"""
    from app_support import open_store

    holder = open_store(tmp_path / "data", "commerce", "别人")
    try:
        second = Store(
            tmp_path / "data",
            section_id="commerce",
            actor="张三",
            backup_on_open=False,
            lock_wait=0,
        )
        app = make_app(tmp_path, settings=configured(), store=second)
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot)  # 启动时本月在后台读取
            await pilot.press("u")  # 首页：提交
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            app.open_checklist(4)
            await pilot.pause()
            for key in ("a", "n", "m", "d", "z"):
                await press(pilot, key)
                assert isinstance(app.screen, ChecklistScreen), key
            titles = [n.title for n in app._notifications]
            assert titles and all(t == "只读，不能修改" for t in titles), titles
            assert any("别人" in n.message for n in app._notifications)
    finally:
        holder.close()


async def test_export_to_new_folder_and_to_a_folder(tmp_path: Path) -> None:
    """保存路径里的文件夹还没有：自动新建；只写了文件夹：用默认文件名存进去。"""
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "i")
        target = tmp_path / "新建 文件夹" / "子目录" / "期限.ics"
        await type_into(pilot, "#value", f'"{target}"')  # 资源管理器“复制为路径”带引号
        await press(pilot, "enter")  # 在后台线程里写文件；press 等它做完
        assert getattr(app.screen, "finished", False)
        assert target.is_file()
        await press(pilot, "escape")
        await press(pilot, "i")
        folder = tmp_path / "新建 文件夹"
        await type_into(pilot, "#value", str(folder))
        await press(pilot, "enter")  # 在后台线程里写文件；press 等它做完
        assert getattr(app.screen, "finished", False)
        made = list(folder.glob("*.ics"))
        assert len(made) == 1 and made[0].name.startswith("信用自查期限提醒"), made
        assert not (tmp_path / "新建 文件夹.ics").exists()


async def test_failed_ledger_import_reopens_with_the_path(tmp_path: Path) -> None:
    bad = tmp_path / "坏 台账.xlsx"
    bad.write_text("这不是 Excel", encoding="utf-8")
    async with checklist_pilot(tmp_path, 2, size=SMALL) as (app, pilot):
        await press(pilot, "l")
        await type_into(pilot, "#value", str(bad))
        await press(pilot, "enter")  # 在后台线程里写文件；press 等它做完
        assert getattr(app.screen, "finished", False)
        assert "不是 Excel" in error_text(app)
        await press(pilot, "escape")
        assert isinstance(app.screen, PromptModal)
        assert app.screen.query_one("#value", Input).value == str(bad)
        await press(pilot, "escape")
        assert isinstance(app.screen, ChecklistScreen)
