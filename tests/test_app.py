"""终端界面的 Pilot 测试：用户走的整条路径，以及输入规则、只读横幅。数据都在 tmp_path 下。"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from app_support import (
    NOW,
    configured,
    make_app,
    open_store,
    press,
    seed_warnings,
    settle,
    type_into,
)
from textual.widgets import Input, Static

from creditcheck.catalog import load_builtin
from creditcheck.models import ReviewState, Status
from creditcheck.month import Month
from screens.checklist import ChecklistScreen
from screens.confirm import ConfirmModal
from screens.event_form import EventModal
from screens.evidence_form import EvidenceModal
from screens.home import HomeScreen, MonthRow, ProgressRow
from screens.setup import SetupScreen
from storage.store import Store

NOV = Month(2026, 11)


def load(tmp_path: Path, section: str = "commerce"):  # type: ignore[no-untyped-def]
    return Store(tmp_path / "data").load_month(section, NOV)


def screen_text(app) -> str:  # type: ignore[no-untyped-def]
    shown = app.screen.query("Static, MonthRow, ProgressRow")  # 首页的月份、进度两行各是一个部件
    return "\n".join(str(w.render()) for w in shown if w.display)


async def test_first_run_saves_settings_and_opens_home(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        assert isinstance(app.screen, SetupScreen)
        await pilot.press("down", "down", "enter")  # 商事登记科，光标到姓名
        await pilot.press("ctrl+s")  # 姓名没填：不保存，提示
        assert isinstance(app.screen, SetupScreen)
        assert "请填写科室专人姓名" in str(app.screen.query_one("#error", Static).render())
        await pilot.press(*"李四", "enter")
        await pilot.press(*"0531-1234", "enter")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, HomeScreen)
        assert "商事登记科" in str(app.screen.query_one("#topbar", Static).render())
    saved = json.loads((tmp_path / "config" / "settings.json").read_text(encoding="utf-8"))
    assert saved["section_id"] == "commerce"
    assert saved["person"] == "李四"
    assert saved["phone"] == "0531-1234"
    # 首次设置之后以本科室身份打开了仓库（持有占用锁）
    assert app.ctx.store.section_id == "commerce"


async def test_first_run_refuses_unwritable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x", encoding="utf-8")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await pilot.press("enter")
        await pilot.press(*"李四", "enter")
        await type_into(pilot, "#data-dir", str(blocker / "sub"))
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, SetupScreen)
        assert "无法创建文件夹" in str(app.screen.query_one("#error", Static).render())
        assert app.screen.query_one("#data-dir", Input).value == str(blocker / "sub")


async def test_walk_every_indicator_record_export_and_reopen(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    evidence_file = tmp_path / "学习记录.docx"
    evidence_file.write_bytes(b"study notes")
    cat = load_builtin()
    assigned = [i.id for i in cat.assigned("commerce")]
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        assert isinstance(app.screen, HomeScreen)
        await press(pilot, "c")
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)
        seen = []
        for n in range(len(assigned)):
            seen.append(screen.ind.id)
            assert f"第 {n + 1}/{len(assigned)} 项" in str(
                screen.query_one("#topbar", Static).render()
            )
            await pilot.press("right_square_bracket")
        assert seen == assigned
        # 回到第2项：添加佐证材料（真实文件）
        app.open_checklist(2)
        await pilot.pause()
        await pilot.press("a")
        assert isinstance(app.screen, EvidenceModal)
        await type_into(pilot, "#path", str(evidence_file))
        await type_into(pilot, "#date", "2026年11月20日")
        await type_into(pilot, "#note", "11月台账")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ChecklistScreen)
        await press(pilot, "d")
        # 第4项：信用动态稿件，事件时间与上报时间
        app.open_checklist(4)
        await pilot.pause()
        await pilot.press("n")
        assert isinstance(app.screen, EventModal)
        await type_into(pilot, "#title", "我局推行信用承诺制")
        await type_into(pilot, "#occurred", "11-26 下午3点")
        await type_into(pilot, "#done", "昨天 9:30")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ChecklistScreen)
        # 第5项：重错码（代码校验只提醒，不拒绝）
        app.open_checklist(5)
        await pilot.pause()
        await pilot.press("n")
        await type_into(pilot, "#title", "某某有限公司")
        await type_into(pilot, "#x-code", "91350100M000100Y4")
        await pilot.pause()
        assert "提醒" in str(app.screen.query_one("#code-check", Static).render())
        await type_into(pilot, "#occurred", "2026-11-10")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ChecklistScreen)
        # 第8项：计数与比例
        app.open_checklist(8)
        await pilot.pause()
        await pilot.press("h")
        await type_into(pilot, "#c-credit_checks", "120")
        await type_into(pilot, "#c-joint_sanctions", "30")
        await type_into(pilot, "#c-market_entities", "500")
        await pilot.pause()
        assert "30.0%" in str(app.screen.query_one("#ratio", Static).render())
        await press(pilot, "ctrl+s")
        assert "30.0%" in str(app.screen.query_one("#counts", Static).render())
        # 第3项：不适用须写理由
        app.open_checklist(3)
        await pilot.pause()
        await press(pilot, "z", "4")
        await pilot.press("enter")  # 理由为空：拒绝
        await pilot.pause()
        assert "必须填写理由" in str(app.screen.query_one("#error", Static).render())
        await press(pilot, *"本月无信用承诺事项", "enter")
        assert isinstance(app.screen, ChecklistScreen)
        # 导出 Word
        await press(pilot, "escape")
        assert isinstance(app.screen, HomeScreen)
        await press(pilot, "e")
        out = tmp_path / "docs" / "11月报送.docx"
        await type_into(pilot, "#value", str(out))
        await press(pilot, "enter")  # 在后台线程里生成；press 等它做完
        assert app.screen.__class__.__name__ == "TaskModal" and app.screen.finished
        assert app.screen.result == out
        assert str(out) in str(app.screen.query_one("#status", Static).render())
        await pilot.press("ctrl+o")  # 打开所在文件夹（issue 14：O 只是体系科的总览）
        assert app.ctx.opener is not None
        await press(pilot, "escape")
    assert out.exists()
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "商事登记" in text
    assert "export" in [b.reason for b in app.ctx.store.backups()]  # 导出前先备份
    app.ctx.store.close()

    # 重新打开：一切都在
    sm = load(tmp_path)
    assert sm.entries[2].status is Status.DONE
    ev = sm.entries[2].evidence[0]
    assert ev.abs_path == str(evidence_file) and ev.sha256 is not None
    assert ev.effective_date is not None and ev.effective_date.isoformat() == "2026-11-20"
    article = sm.entries[4].events[0]
    assert article.occurred_at == datetime(2026, 11, 26, 15, 0)
    assert article.done_at == datetime(2026, 11, 27, 9, 30)
    assert sm.entries[5].events[0].fields["code"] == "91350100M000100Y4"
    assert sm.entries[8].counts == {
        "credit_checks": 120,
        "joint_sanctions": 30,
        "market_entities": 500,
    }
    assert (
        sm.entries[3].status is Status.NOT_APPLICABLE
        and sm.entries[3].reason == "本月无信用承诺事项"
    )

    app2 = make_app(tmp_path, settings=configured())
    async with app2.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        assert (
            "已完成 2/" in app2.screen.query_one(ProgressRow).text()
        )  # 第4项：稿件填了上报时间，事件表单顺带标记完成（issue 14）
        app2.open_checklist(2)
        await pilot.pause()
        table = app2.screen.query_one("#evidence")
        assert table.row_count == 1
        await settle(pilot)  # 文件状态在后台线程里检查
        assert "正常" in str(table.get_row_at(0)[3])
    app2.ctx.store.close()


async def test_bad_date_is_refused_and_text_stays(tmp_path: Path) -> None:
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        app.open_checklist(10)
        await pilot.pause()
        await pilot.press("n")
        await type_into(pilot, "#title", "某公司异议")
        await type_into(pilot, "#occurred", "2026-02-30")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, EventModal)
        assert "日期不存在" in str(app.screen.query_one("#error", Static).render())
        assert app.screen.query_one("#occurred", Input).value == "2026-02-30"
        # 完成时间晚于今天
        await type_into(pilot, "#occurred", "11-27")
        await type_into(pilot, "#done", "明天")
        await press(pilot, "ctrl+s")
        assert "晚于今天" in str(app.screen.query_one("#error", Static).render())
        assert app.screen.query_one("#done", Input).value == "明天"
        # 完成早于事件
        await type_into(pilot, "#done", "11-20")
        await press(pilot, "ctrl+s")
        assert "早于事件发生" in str(app.screen.query_one("#error", Static).render())
        assert app.screen.query_one("#done", Input).value == "11-20"
        # 按小时计算的稿件必须写时间。Esc：已填了内容，先问是否放弃；N 回到表单，内容还在
        await press(pilot, "escape")
        assert app.screen.__class__.__name__ == "ConfirmModal"
        await press(pilot, "n")
        assert app.screen.query_one("#done", Input).value == "11-20"
        await press(pilot, "escape")
        await pilot.press("y")  # 放弃
        await pilot.pause()
        assert isinstance(app.screen, ChecklistScreen)
        app.open_checklist(4)
        await pilot.pause()
        await pilot.press("n")
        await type_into(pilot, "#title", "稿件")
        await type_into(pilot, "#occurred", "昨天")
        await press(pilot, "ctrl+s")
        assert "请写上几点几分" in str(app.screen.query_one("#error", Static).render())
    app.ctx.store.close()
    assert 10 not in load(tmp_path).entries or not load(tmp_path).entries[10].events


async def test_missing_evidence_path_needs_confirmation(tmp_path: Path) -> None:
    missing = tmp_path / "还没拷过来.pdf"
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        app.open_checklist(2)
        await pilot.pause()
        await pilot.press("a")
        await type_into(pilot, "#path", str(missing))
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmModal)
        await press(pilot, "n")
        assert isinstance(app.screen, EvidenceModal)
        assert app.screen.query_one("#path", Input).value == str(missing)
        assert 2 not in load(tmp_path).entries
        await press(pilot, "ctrl+s")
        await press(pilot, "y")
        assert isinstance(app.screen, ChecklistScreen)
        await settle(pilot)  # 文件状态在后台线程里检查
        assert "文件缺失" in str(app.screen.query_one("#evidence").get_row_at(0)[3])
    app.ctx.store.close()
    ev = load(tmp_path).entries[2].evidence[0]
    assert ev.abs_path == str(missing) and ev.sha256 is None


async def test_read_only_banner_and_no_edits(tmp_path: Path) -> None:
    holder = open_store(tmp_path / "data", "commerce", "别人")
    try:
        second = Store(
            tmp_path / "data",
            section_id="commerce",
            actor="张三",
            backup_on_open=False,
            lock_wait=0,
        )
        assert second.read_only
        app = make_app(tmp_path, settings=configured(), store=second)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)  # 启动时本月在后台读取
            banner = app.screen.query_one("#readonly", Static)
            assert banner.display
            assert str(banner.render()).startswith("只读：")
            app.open_checklist(9)
            await pilot.pause()
            assert app.screen.query_one("#readonly", Static).display
            await press(pilot, "z", "2")
            assert isinstance(app.screen, ChecklistScreen)
            assert any("只读" in n.message for n in app._notifications)
        assert 9 not in load(tmp_path).entries
    finally:
        holder.close()


async def test_submit_month_and_copy_from_previous(tmp_path: Path) -> None:
    from creditcheck import checklist
    from creditcheck.models import Evidence, SectionMonth

    cat = load_builtin()
    prev = SectionMonth("commerce", Month(2026, 10), cat.version)
    checklist.add_evidence(prev, cat, 6, Evidence("推进情况.docx", "/x/推进情况.docx"), NOW)
    with Store(tmp_path / "data") as s:
        s.save_month(prev)
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "p")
        await press(pilot, "u")
        assert isinstance(app.screen, ConfirmModal)
        await press(pilot, "y")
        assert "已提交" in app.screen.query_one(MonthRow).text("state")
    app.ctx.store.close()
    sm = load(tmp_path)
    assert sm.review is ReviewState.SUBMITTED
    assert sm.entries[6].evidence[0].path == "推进情况.docx"


async def test_home_shows_levels_and_return_comment(tmp_path: Path) -> None:
    seed_warnings(tmp_path / "data")
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        ol = app.screen.query_one("#deadlines")
        from textual.content import Content

        prompts = [Content.from_markup(str(o.prompt)).plain for o in ol.options]
        joined = "\n".join(prompts)
        # 已逾期：26日的按月报送 2、3（标了完成却没有材料）、6，和“每月26日前1篇”（稿件未上报）
        assert (
            "已逾期（4项）" in joined
            and "今日到期（1项）" in joined
            and "即将到期（1项）" in joined
        )
        # 第9项每月确认零存量、零增量是本软件的提醒：单列在“提醒”下，永远不在已逾期下
        assert prompts[-2] == "提醒（本软件的提醒，不是方案规定的期限，确认即可）（1项）"
        assert prompts[-1].split()[1:4] == [
            "9.",
            "严防严重失信事件",
            "确认本月失信案件「零存量、零增量」",
        ]
        assert prompts[0] == "已逾期（4项）" and [p.split()[1] for p in prompts[1:5]] == [
            "2.",
            "3.",
            "4.",
            "6.",
        ]
        assert "11月30日（周一）" in joined  # 来函：1个工作日，周五收到 → 周一
        assert "第8项缺少市场主体数量" in str(app.screen.query_one("#notices", Static).render())
        await press(
            pilot, "right_square_bracket", "right_square_bracket"
        )  # 2027年1月：节假日未知（后台读取）
        assert "2027年节假日安排未导入" in str(app.screen.query_one("#notices", Static).render())
        # 回车打开逾期的那一项
        await press(pilot, "t")
        await press(pilot, "enter")
        assert isinstance(app.screen, ChecklistScreen) and app.screen.ind.id == 2
    app.ctx.store.close()


async def test_help_and_palette(tmp_path: Path) -> None:
    from screens.help import HelpScreen

    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await press(pilot, "ctrl+p")
        await press(pilot, *"逐项")  # 命令面板在后台查找
        await press(pilot, "enter")
        assert isinstance(app.screen, ChecklistScreen)
    app.ctx.store.close()


async def test_coordinator_keys_only_for_coordinator(tmp_path: Path) -> None:
    app = make_app(tmp_path, settings=configured(section="system"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        assert app.ctx.is_coordinator
        assert "O 总览" in str(app.screen.query_one("#topbar", Static).render())
        await press(pilot, "o")
        from screens.coordinator import OverviewScreen

        assert isinstance(app.screen, OverviewScreen)
        assert app.screen.overview is not None and len(app.screen.overview.rows) == 10
    app.ctx.store.close()
    plain = make_app(tmp_path, settings=configured())
    async with plain.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        assert plain.screen.check_action("coordinator", ("OverviewScreen",)) is False
    plain.ctx.store.close()
