"""试用时的几处磕绊：第9项的提醒不显示“已逾期”、不适用理由的示例合乎各项、导入台账说清其他月份的行、
导入结果的回车是“知道了”、只需确认的项不问材料、提交确认列出只差确认的项。

每个测试在修改之前都会失败（见各测试的说明）。"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from app_support import (
    NOW,
    checklist_pilot,
    configured,
    make_app,
    press,
    settle,
    type_into,
    wait_until,
)
from click.testing import CliRunner
from ledger_helpers import H, lic
from textual.widgets import Button, Input, Static

from creditcheck import checklist
from creditcheck.catalog import (
    NA_EXAMPLE_DEFAULT,
    CatalogError,
    builtin_text,
    load_builtin,
    parse_catalog,
)
from creditcheck.models import SectionMonth, Status
from creditcheck.month import Month
from creditcheck.obligations import REMINDER_LABEL
from screens.checklist import ChecklistScreen
from screens.confirm import ConfirmModal
from screens.prompt import PromptModal
from screens.task import TaskModal
from storage.store import Store

NOV = Month(2026, 11)


def text_of(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(selector, Static).render())


# ── 1. 第9项：本软件的提醒，过了提醒日也不是“已逾期” ──


async def test_indicator_9_reminder_is_never_shown_overdue(tmp_path: Path) -> None:
    """此刻 11月28日，提醒日 26日已过：逐项自查页写“待确认（本软件提醒，非方案期限）”，与首页、义务一致。
    修改前本页自己按日期算，写的是“已逾期”。"""
    async with checklist_pilot(tmp_path, 9) as (app, pilot):
        rules = text_of(app, "#rules")
        assert REMINDER_LABEL in rules and "已逾期" not in rules, rules
        assert "本月提醒日" in rules and "本软件的提醒" in rules
        [ob] = [o for o in app.current.obligations() if o.indicator_id == 9]
        assert ob.reminding and not ob.overdue
        # 确认之后写“已确认”，不写“逾期完成”（提醒日过后才确认也不算逾期）
        await press(pilot, "d")
        app.open_checklist(9)
        await settle(pilot)
        rules = text_of(app, "#rules")
        assert "已确认（11月28日）" in rules and "逾期" not in rules, rules


async def test_event_states_come_from_the_obligations(tmp_path: Path) -> None:
    """事件表的期限与状态取算好的义务：一件已逾期的异议函、一件按时办结的，与义务的状态相同。"""
    async with checklist_pilot(tmp_path, 10) as (app, pilot):
        cat = app.ctx.catalog
        cal = app.ctx.calendar

        def two(sm) -> None:  # type: ignore[no-untyped-def]
            checklist.add_event(
                sm, cat, cal, 10, "objection", "甲公司异议", datetime(2026, 11, 20, 9, 0), NOW
            )
            checklist.add_event(
                sm,
                cat,
                cal,
                10,
                "objection",
                "乙公司异议",
                datetime(2026, 11, 23, 9, 0),
                NOW,
                done_at=datetime(2026, 11, 23, 15, 0),
            )

        app.current.change(two)
        app.screen.render_page()  # type: ignore[attr-defined]
        await settle(pilot)
        from textual.widgets import DataTable

        table = app.screen.query_one("#events", DataTable)
        shown = [str(table.get_row_at(i)[5]) for i in range(table.row_count)]
        obs = [o for o in app.current.obligations() if o.indicator_id == 10]
        assert [o.state.value for o in obs] == ["未完成（已逾期）", "按时完成"]
        assert shown == ["已逾期", "按时完成"], shown


# ── 2. 不适用理由的示例合乎各项 ──


async def test_not_applicable_placeholder_fits_the_indicator(tmp_path: Path) -> None:
    """第5项（重错码）Z 4：示例说的是重错码，不是“本月无行政许可事项”。"""
    async with checklist_pilot(tmp_path, 5) as (app, pilot):
        await press(pilot, "z", "4")
        assert isinstance(app.screen, PromptModal)
        placeholder = str(app.screen.query_one("#value", Input).placeholder)
        assert "重错码" in placeholder and "行政许可" not in placeholder, placeholder
        await press(pilot, "escape")
        app.open_checklist(2)
        await settle(pilot)
        await press(pilot, "z", "4")
        assert "行政许可" in str(app.screen.query_one("#value", Input).placeholder)


def test_catalogue_examples_are_data_with_a_generic_default() -> None:
    cat = load_builtin()
    examples = [i.na_placeholder for i in cat.indicators]
    assert len(set(examples)) == len(examples) and NA_EXAMPLE_DEFAULT not in examples
    assert all(e.startswith("如：") for e in examples)
    # 用户目录没写 na_example（旧的目录文件）：通用的一句
    old = "\n".join(ln for ln in builtin_text().splitlines() if not ln.startswith("na_example"))
    assert all(
        i.na_placeholder == NA_EXAMPLE_DEFAULT for i in parse_catalog(old, "旧目录").indicators
    )
    bad = builtin_text().replace('na_example = "如：本月未作出行政许可决定"', "na_example = 3", 1)
    with pytest.raises(CatalogError, match="na_example"):
        parse_catalog(bad, "catalog.toml")


# ── 3、4. 导入台账：其他月份的行照命令行的说法说明；回车是“知道了” ──


def two_month_ledger(path: Path) -> Path:
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
    wb.save(path)
    return path


async def test_ledger_import_dialog_says_other_month_rows_like_the_cli(tmp_path: Path) -> None:
    """一行是11月的、一行是9月的：对话框说“1 行；另有 1 行属于其他月份，已放在一边”，与命令行同一句；
    回车只关闭（修改前回车打开了刚导入的文件），打开文件是另一个按钮。"""
    f = two_month_ledger(tmp_path / "双公示台账.xlsx")
    opened: list[Path] = []
    (tmp_path / "app").mkdir()
    async with checklist_pilot(tmp_path / "app", 2, opened=opened) as (app, pilot):
        await press(pilot, "l")
        await type_into(pilot, "#value", str(f))
        await press(pilot, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TaskModal) and app.screen.finished)
        status = text_of(app, "#status")
        said = "已导入：商事登记科 2026年11月 双公示（行政许可）台账，1 行；另有 1 行属于其他月份，已放在一边。"
        assert said in status, status
        assert "许可决定日期不在2026年11月" in status  # 与命令行的“注意”同一句
        # 默认按钮是“知道了”；打开文件在旁边
        focused = app.screen.focused
        assert isinstance(focused, Button) and focused.id == "close"
        assert "知道了" in str(focused.label)
        assert "打开文件" in str(app.screen.query_one("#open-file", Button).label)
        app.screen.query_one("#open-file", Button).press()
        await pilot.pause()
        assert opened == [f]
        await press(pilot, "enter")
        assert isinstance(app.screen, ChecklistScreen) and opened == [f]
        # 台账摘要也写明其他月份的行
        ledger = text_of(app, "#ledger")
        assert "1 行；另有 1 行属于其他月份，已放在一边" in ledger, ledger
        app.ctx.store.close()

    from creditcheck.cli import main

    r = CliRunner().invoke(
        main,
        ["ledger", "import", str(f), "--section", "商事登记科", "--month", "2026-11"]
        + ["--data", str(tmp_path / "cli-data")],
    )
    assert r.exit_code == 0, r.output
    assert said in r.output


async def test_word_export_still_opens_on_enter(tmp_path: Path) -> None:
    """导出 Word 照旧：做完后回车打开生成的文件。"""
    opened: list[Path] = []
    app = make_app(tmp_path, settings=configured(), opened=opened)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        out = tmp_path / "docs" / "报送.docx"
        await type_into(pilot, "#value", str(out))
        await press(pilot, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TaskModal) and app.screen.finished)
        await press(pilot, "enter")
        assert opened == [out]
        await press(pilot, "escape")


# ── 5. 只需确认的项：D 不问材料 ──


async def test_marking_indicator_9_done_does_not_ask_for_material(tmp_path: Path) -> None:
    """第9项每月确认“零存量、零增量”，确认本身就是材料：按 D 直接确认（修改前先问“还没有佐证材料”）。"""
    async with checklist_pilot(tmp_path, 9) as (app, pilot):
        await press(pilot, "d")
        assert not isinstance(app.screen, ConfirmModal)
        entry = app.current.sm.entries[9]
        assert entry.status is Status.DONE and not entry.evidence
        assert app.current.standing().indicator(9).state.value == "完成"
    saved = Store(tmp_path / "data", read_only=True).load_month("commerce", NOV)
    assert saved.entries[9].status is Status.DONE


async def test_other_items_without_material_still_ask(tmp_path: Path) -> None:
    """第10项（只有异议函的期限，本月没有来函）什么都没写：按 D 仍先问一句。"""
    async with checklist_pilot(tmp_path, 10) as (app, pilot):
        await press(pilot, "d")
        assert isinstance(app.screen, ConfirmModal) and "还没有佐证材料" in app.screen.body
        await press(pilot, "n")
        assert (
            10 not in app.current.sm.entries or app.current.sm.entries[10].status is not Status.DONE
        )


# ── 6. 提交确认列出只差确认的项 ──


async def test_submit_confirmation_lists_items_that_only_need_confirming(tmp_path: Path) -> None:
    """第8项的数字已填（只差确认）、第9项只需确认零存量零增量：提交前的确认里逐项写出来，写明按 D。
    修改前只写“还有 N 项未完成”。"""
    data = tmp_path / "data"
    cat = load_builtin()
    sm = SectionMonth("commerce", NOV, cat.version)
    at = datetime(2026, 11, 20, 9, 0)
    for key, n in (("credit_checks", 120), ("joint_sanctions", 3), ("market_entities", 500)):
        checklist.set_count(sm, cat, 8, key, n, at)
    with Store(data) as store:
        store.save_month(sm)
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "u")
        assert isinstance(app.screen, ConfirmModal)
        body = app.screen.body
        assert "· 第8项 信用核查和联合奖惩应用：该办的都已办结，只差确认" in body, body
        assert "· 第9项 严防严重失信事件：只需确认本月失信案件“零存量、零增量”" in body, body
        assert "按 D 标记完成" in body
        # 其他未完成的项写明状态；只差确认的在前
        assert body.index("第8项") < body.index("第2项 双公示工作质量：")
        total = app.current.standing().score.total
        assert f"还有 {total} 项未完成" in body
        await press(pilot, "n")


async def test_submit_confirmation_fits_a_small_window(tmp_path: Path) -> None:
    """80×24：列出的未完成项有上限，“提交”按钮仍在窗口里。"""
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "u")
        assert isinstance(app.screen, ConfirmModal)
        assert "· 另有" in app.screen.body
        yes = app.screen.query_one("#yes", Button)
        await wait_until(pilot, lambda: yes.region.height > 0)
        assert yes.region.bottom <= 24
        await press(pilot, "n")


async def test_jump_list_shows_the_computed_standing(tmp_path: Path) -> None:
    """G 的列表写算出的完成情况：第2项标了完成却没有台账（26日已过）写“逾期”，不写“已完成”。"""
    async with checklist_pilot(tmp_path, 2) as (app, pilot):
        cat = app.ctx.catalog
        app.current.change(lambda sm: checklist.set_status(sm, cat, 2, Status.DONE, NOW))
        await press(pilot, "g")
        from screens.choice import ChoiceModal

        assert isinstance(app.screen, ChoiceModal)
        labels = [label for label, _ in app.screen.options]
        line = next(t for t in labels if "双公示" in t)
        assert line.endswith("（逾期）"), labels
        await press(pilot, "escape")
