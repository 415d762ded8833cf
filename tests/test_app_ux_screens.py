"""issue 14：首页、逐项自查、表单在 120×36 与 80×24 下的改动（台账问题清单、多行情况说明、标记完成后的提示、
事件表单顺带标记完成、材料表单记住文件夹和一次添加几个文件、首页顶栏与配额、折行禁则）。"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
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
from ledger_helpers import H, lic
from textual import events
from textual.widgets import Checkbox, DataTable, Input, Static, TextArea

from creditcheck.models import Status
from creditcheck.month import Month
from creditcheck.textwrap_zh import NO_LINE_END, NO_LINE_START
from screens.checklist import ChecklistScreen
from screens.event_form import EventModal
from screens.evidence_form import EvidenceModal
from screens.file_picker import FilePickerModal
from screens.home import HomeScreen, MonthRow
from screens.task import TaskModal
from screens.text_modal import TextModal
from storage.store import Store

NOV = Month(2026, 11)
SIZES = [(120, 36), (80, 24)]


def text_of(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(selector, Static).render())


def messages(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{n.title or ''} {n.message}" for n in app._notifications]


def lines_on_screen(app) -> list[str]:  # type: ignore[no-untyped-def]
    """当前屏幕上每个文字部件实际画出的各行（折行之后）。"""
    out: list[str] = []
    for w in app.screen.query("Static, MonthRow, ProgressRow"):  # 首页的月份、进度两行各是一个部件
        if w.region.width and w.region.height:
            out += [s.text.strip() for s in w.render_lines(w.region.reset_offset)]
    return [t for t in out if t]


def make_ledger(path: Path, rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(H)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


async def finish_task(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_until(
        pilot, lambda: isinstance(app.screen, TaskModal) and app.screen.finished, "后台任务做完"
    )
    await pilot.pause()


# ── 首页 ──


@pytest.mark.parametrize("size", SIZES)
async def test_home_header_keeps_phone_and_month_keys(tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    seed_warnings(tmp_path / "data")
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        assert isinstance(app.screen, HomeScreen)
        top = text_of(app, "#topbar")
        assert "0531-88888888" in top and "张三" in top, top
        drawn = app.screen.query_one(MonthRow).drawn()
        hint, left, right = drawn["hint"]
        assert right - left > 0 and right <= size[0] and "T" in hint and "[" in hint, drawn
        assert "退回修改" in drawn["state"][0], drawn
        # 配额的每一项都在同一行里，不在“信易批案例 1/1”中间折断
        quota = app.screen.query_one("#quota", Static)
        drawn = [s.text.strip() for s in quota.render_lines(quota.region.reset_offset)]
        for item in ("信用动态", "信易批案例"):
            line = next(t for t in drawn if item in t)
            assert "/1" in line.split(item, 1)[1], drawn


async def test_home_score_whole_in_a_tiny_window(tmp_path: Path) -> None:
    """40×12：得分不被截成“得分 10”。"""
    app = make_app(tmp_path, settings=configured())

    def all_done(sm) -> None:  # type: ignore[no-untyped-def]
        from creditcheck import checklist

        for ind in app.ctx.catalog.assigned("commerce"):
            checklist.set_note(sm, app.ctx.catalog, ind.id, "已完成", NOW)
            checklist.set_status(sm, app.ctx.catalog, ind.id, Status.DONE, NOW)

    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        app.session.change(all_done)  # type: ignore[union-attr]
        app.screen.refresh_view()  # type: ignore[attr-defined]
        await pilot.pause()
        shown = "".join(lines_on_screen(app))
        # 得分按记录算（标了完成但本月材料未报的不算完成），这里只看它完整显示、没被截短
        expected = f"得分 {app.session.standing().score.weighted:.1f}"  # type: ignore[union-attr]
        assert expected in shown, shown


# ── 逐项自查：台账的问题 ──


@pytest.mark.parametrize("size", SIZES)
async def test_ledger_problems_listed_and_annotated_copy(tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    src = make_ledger(
        tmp_path / "双公示台账.xlsx",
        [
            lic(),
            lic(
                **{
                    "统一社会信用代码": "91350100M000100Y40",
                    "行政许可决定文书号": "审批许字〔2026〕2号",
                }
            ),  # 校验码错
            lic(**{"许可机关": None, "行政许可决定文书号": "审批许字〔2026〕3号"}),  # 必填项为空
        ],
    )
    async with checklist_pilot(tmp_path, 2, size=size) as (app, pilot):
        await press(pilot, "l")
        await type_into(pilot, "#value", str(src))
        await pilot.press("enter")
        await finish_task(app, pilot)
        await press(pilot, "escape")
        assert isinstance(app.screen, ChecklistScreen)
        ledger = text_of(app, "#ledger")
        table = app.screen.query_one("#ledger-problems", DataTable)
        n = table.row_count
        assert f"发现问题 {n} 个" in ledger and "W" in ledger, ledger
        assert table.display and n >= 2
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(n)]
        assert [r[0] for r in rows] == sorted((r[0] for r in rows), key=int)  # 按行号
        code = next(r for r in rows if r[1].startswith("统一社会"))
        assert code[0] == "3" and code[2].startswith("91350100M0") and code[3], rows
        # 表格下面写全光标所在的问题（80 列时表格里的说明截断了）
        assert (
            "第3行 统一社会信用代码「91350100M000100Y40」：统一社会信用代码有误：校验位不符"
            in text_of(app, "#ledger-problem")
        )
        empty = next(r for r in rows if r[0] == "4")
        assert empty == ["4", "许可机关", "（空）", "必填项为空"], rows
        assert all(r[3] for r in rows)
        assert table.region.right <= size[0]
        # 在问题之间移动
        table.focus()
        await press(pilot, "down")
        assert table.cursor_row == 1
        assert "第4行 许可机关（空）：必填项为空" in text_of(app, "#ledger-problem")
        # W：在原文件旁另存标注副本（与 ledger check --annotate 相同的做法）
        await press(pilot, "w")
        await finish_task(app, pilot)
        out = tmp_path / "双公示台账-问题标注.xlsx"
        assert str(out) in text_of(app, "#status")
        wb = openpyxl.load_workbook(out)
        ws = wb.worksheets[0]
        code_col = H.index("统一社会信用代码") + 1
        assert ws.cell(row=3, column=code_col).comment is not None
        assert "问题汇总" in wb.sheetnames
        assert src.is_file()  # 原文件不动


async def test_ledger_problems_from_a_command_line_import(tmp_path: Path) -> None:
    """命令行导入的台账（问题存在各行里）在界面里一样逐条列出。"""
    from click.testing import CliRunner

    from creditcheck.cli import main

    src = make_ledger(
        tmp_path / "台账.xlsx",
        [lic(), lic(**{"许可机关": None, "行政许可决定文书号": "审批许字〔2026〕3号"})],
    )
    r = CliRunner().invoke(
        main,
        [
            "ledger",
            "import",
            str(src),
            "--section",
            "商事",
            "--month",
            "2026-11",
            "--data",
            str(tmp_path / "data"),
        ],
    )
    assert r.exit_code == 0, r.output
    async with checklist_pilot(tmp_path, 2) as (app, pilot):
        table = app.screen.query_one("#ledger-problems", DataTable)
        assert table.row_count == 1
        row = [str(c) for c in table.get_row_at(0)]
        assert row == ["3", "许可机关", "（空）", "必填项为空"]


# ── 情况说明：多行 ──


@pytest.mark.parametrize("size", SIZES)
async def test_note_keeps_pasted_lines(tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    async with checklist_pilot(tmp_path, 4, size=size) as (app, pilot):
        await press(pilot, "m")
        assert isinstance(app.screen, TextModal)
        area = app.screen.query_one("#value", TextArea)
        assert app.focused is area
        app.post_message(
            events.Paste("本月报送稿件2篇：\n1. 我局推行信用承诺制\n2. 诚信建设进社区")
        )  # 终端的粘贴先到 App
        await pilot.pause()
        await press(pilot, "enter")  # 回车是换行，不是保存
        assert isinstance(app.screen, TextModal)
        await press(pilot, *"完")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ChecklistScreen)
        note = text_of(app, "#note")
        assert "1. 我局推行信用承诺制" in note and "2. 诚信建设进社区" in note
    sm = Store(tmp_path / "data").load_month("commerce", NOV)
    assert sm.entries[4].note == "本月报送稿件2篇：\n1. 我局推行信用承诺制\n2. 诚信建设进社区\n完"


# ── 标记完成：提示与页面一致 ──


@pytest.mark.parametrize("size", SIZES)
async def test_mark_done_moves_on_and_says_which(tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    async with checklist_pilot(tmp_path, 4, size=size) as (app, pilot):
        await press(pilot, "d")
        await press(pilot, "y")  # 没有材料：先确认
        screen = app.screen
        assert isinstance(screen, ChecklistScreen) and screen.ind.id == 5
        assert "第 4/8 项" in text_of(app, "#topbar")  # 第5项是商事登记科的第4个指标
        last = messages(app)[-1]
        assert "第4项「信用动态信息报送」已标记完成" in last and "现在是第5项" in last, last
        assert len(app._notifications) == 1  # 旧的提示已清掉，不会与新页面对不上
    sm = Store(tmp_path / "data").load_month("commerce", NOV)
    assert sm.entries[4].status is Status.DONE


# ── 事件：顺带标记完成，保存后看得见 ──


@pytest.mark.parametrize("size", SIZES)
async def test_event_form_marks_indicator_done(tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    async with checklist_pilot(tmp_path, 10, size=size) as (app, pilot):
        await press(pilot, "n")
        assert isinstance(app.screen, EventModal)
        assert app.screen.query_one("#finish", Checkbox).value is True
        await type_into(pilot, "#title", "某某公司许可信息异议")
        await type_into(pilot, "#occurred", "11-27")
        await type_into(pilot, "#done", "11-28")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ChecklistScreen)
        assert any("第10项「异议处理和信用修复」已标记完成" in m for m in messages(app)), messages(
            app
        )
    sm = Store(tmp_path / "data").load_month("commerce", NOV)
    assert sm.entries[10].status is Status.DONE and sm.entries[10].events[0].done_at == datetime(
        2026, 11, 28
    )


@pytest.mark.parametrize("size", SIZES)
async def test_saved_event_is_in_view(tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    """没填完成时间：不标记完成，留在本页，刚保存的事件滚入视野、光标在它上面。"""
    async with checklist_pilot(tmp_path, 2, size=size) as (app, pilot):
        await press(pilot, "n", "1")
        assert isinstance(app.screen, EventModal)
        await type_into(pilot, "#title", "历城审批许字〔2026〕9号")
        await type_into(pilot, "#occurred", "11-20")
        await press(pilot, "ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChecklistScreen) and screen.ind.id == 2
        table = screen.query_one("#events", DataTable)
        assert app.focused is table and table.cursor_row == table.row_count - 1
        page = screen.query_one("#page")
        assert page.region.contains_region(table.region.intersection(page.region))
        assert table.region.intersection(page.region).height >= 1, (table.region, page.region)


# ── 佐证材料：上次的文件夹、一次几个文件、F2 之后没有旧的错误 ──


@pytest.mark.parametrize("size", SIZES)
async def test_evidence_several_files_and_last_folder(tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "材料"
    folder.mkdir()
    for name in ("学习记录.docx", "制度清单.xlsx"):
        (folder / name).write_bytes(b"x")
    async with checklist_pilot(tmp_path, 1 if False else 2, size=size) as (app, pilot):
        await press(pilot, "a")
        assert isinstance(app.screen, EvidenceModal)
        # 各栏都在窗口里（80×24 也不用 Tab 过去才看得见）
        for wid in ("#path", "#date", "#note", "#ok"):
            w = app.screen.query_one(wid)
            assert w.region.height >= 1 and w.region.bottom <= size[1], (wid, w.region)
        await type_into(pilot, "#path", str(tmp_path / "没有这个.docx"))
        await press(pilot, "ctrl+s")
        await press(pilot, "n")  # 不记录找不到的文件
        assert "找不到的文件未记录" in text_of(app, "#error")
        await type_into(pilot, "#path", str(folder) + "/")
        await press(pilot, "f2")
        assert isinstance(app.screen, FilePickerModal)
        tree = app.screen.query_one("#tree")
        await wait_until(pilot, lambda: len(tree.root.children) >= 2, "文件夹树列出文件")  # type: ignore[attr-defined]
        names: list[str] = []
        for _ in range(10):  # 标记两个文件（光标从第一项开始）
            node = tree.cursor_node  # type: ignore[attr-defined]
            if node is not None and node.data is not None and Path(node.data.path).is_file():
                names.append(Path(node.data.path).name)
                await press(pilot, "space")
            else:
                await press(pilot, "down")
            if len(names) == 2:
                break
        assert sorted(names) == ["制度清单.xlsx", "学习记录.docx"]
        await press(pilot, "up")
        await press(pilot, "enter")
        assert isinstance(app.screen, EvidenceModal)
        assert text_of(app, "#error") == ""  # 旧的“找不到”说明已清掉
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ChecklistScreen)
        assert app.screen.query_one("#evidence", DataTable).row_count == 2
        # 下次添加：路径一栏从上次的文件夹开始
        await press(pilot, "a")
        assert app.screen.query_one("#path", Input).value.startswith(str(folder))
    sm = Store(tmp_path / "data").load_month("commerce", NOV)
    assert sorted(e.file_name for e in sm.entries[2].evidence) == ["制度清单.xlsx", "学习记录.docx"]


# ── 折行禁则 ──


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (120, 30)])
async def test_no_line_starts_with_closing_punctuation(tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    seed_warnings(tmp_path / "data")
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        seen: list[str] = []
        for step in (None, "f1"):
            if step:
                await press(pilot, step)
            seen += lines_on_screen(app)
        await press(pilot, "escape")
        for iid in (2, 3, 6):
            app.open_checklist(iid)
            await pilot.pause()
            seen += lines_on_screen(app)
        bad = [t for t in seen if t[0] in NO_LINE_START or t[-1] in NO_LINE_END]
        assert not bad, bad
        assert len(seen) > 40


@pytest.mark.parametrize("size", SIZES)
async def test_file_picker_finds_by_pinyin(tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    """文件夹树上直接打拼音首字母：zdqd 找到“制度清单.xlsx”。"""
    folder = tmp_path / "材料"
    folder.mkdir()
    for name in ("学习记录.docx", "制度清单.xlsx", "活动照片.jpg"):
        (folder / name).write_bytes(b"x")
    async with checklist_pilot(tmp_path, 2, size=size) as (app, pilot):
        await press(pilot, "a")
        await type_into(pilot, "#path", str(folder) + "/")
        await press(pilot, "f2")
        tree = app.screen.query_one("#tree")
        await wait_until(pilot, lambda: len(tree.root.children) >= 3, "文件夹树列出文件")  # type: ignore[attr-defined]
        await press(pilot, *"zdqd")
        assert Path(tree.cursor_node.data.path).name == "制度清单.xlsx"  # type: ignore[attr-defined]
        assert "zdqd" in str(tree.border_subtitle)
        await press(pilot, "enter")
        assert isinstance(app.screen, EvidenceModal)
        assert app.screen.query_one("#path", Input).value == str(folder / "制度清单.xlsx")
