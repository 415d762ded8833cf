"""按科室专人和体系科实际走一遍时发现的问题：首页说明下一步、逾期完成如实显示、到头的翻页有回应、
沿用上月没有内容时说明原因、已提交不再重复确认、重新提交时看到退回意见、体系科的审核页定时看到新的提交。"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app_support import NOW, checklist_pilot, configured, make_app, press, seed_warnings, settle
from textual.widgets import Static

from creditcheck import checklist, review
from creditcheck.catalog import load_builtin
from creditcheck.evidence import attach
from creditcheck.models import ReviewState, SectionMonth, Status
from creditcheck.month import Month
from screens.confirm import ConfirmModal
from screens.home import HomeScreen
from storage.store import Store

NOV = Month(2026, 11)


def text_of(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(selector, Static).render())


def messages(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


async def test_home_says_what_to_do_next(tmp_path: Path) -> None:
    """空的数据文件夹：首页说从哪里开始；全部完成：说导出、提交；提交后不再写“下一步”，再按 U 只说明已提交。"""
    app = make_app(tmp_path, settings=configured("office", "王芳"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        step = text_of(app, "#next-step")
        assert "本月还没有记录" in step and "按 C 逐项自查" in step
        assert "P 沿用" not in step  # 上月也没有记录，没有可沿用的

        cat = app.ctx.catalog

        def finish(sm) -> None:  # type: ignore[no-untyped-def]
            for ind in cat.assigned("office"):
                checklist.set_status(sm, cat, ind.id, Status.DONE, NOW)

        app.session.change(finish)
        app.screen.refresh_view()
        await pilot.pause()
        assert "按 E 导出 Word" in text_of(app, "#next-step")
        assert "U 提交" in text_of(app, "#next-step")

        await press(pilot, "u")
        assert isinstance(app.screen, ConfirmModal)
        await press(pilot, "y")
        assert app.session.sm.review is ReviewState.SUBMITTED
        assert not app.screen.query_one("#next-step", Static).display

        await press(pilot, "u")  # 已提交：不再问“确定提交吗”，说明不用再提交，并可撤回
        assert isinstance(app.screen, ConfirmModal)
        body = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "不用再提交" in body and "撤回" in body
        await press(pilot, "n")  # 不撤回
        assert isinstance(app.screen, HomeScreen) and app.session.sm.review is ReviewState.SUBMITTED
        assert not any("不能再次提交" in m for m in messages(app))
        await press(pilot, "u")
        await press(pilot, "y")  # 撤回提交
        assert app.session.sm.review is ReviewState.DRAFT
        assert [r.action for r in app.session.sm.history] == ["submit", "withdraw"]
        saved = Store(tmp_path / "data", read_only=True).load_month("office", Month(2026, 11))
        assert saved.review is ReviewState.DRAFT  # 撤回已存盘


async def test_next_step_names_items_that_only_wait_for_confirmation(tmp_path: Path) -> None:
    """材料已齐、只差确认的指标不在期限提醒里：首页的“下一步”点出是哪几项、按什么键。"""
    data = tmp_path / "data"
    cat = load_builtin()
    sm = SectionMonth("commerce", NOV, cat.version)
    at = datetime(2026, 11, 20, 9, 0)
    for key, n in (("credit_checks", 120), ("joint_sanctions", 3), ("market_entities", 500)):
        checklist.set_count(sm, cat, 8, key, n, at)  # 第8项：数字已填，按月报送已按时办结
    checklist.set_status(sm, cat, 4, Status.IN_PROGRESS, at)  # 第4项：开了头，稿件还没报
    with Store(data) as store:
        store.save_month(sm)
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        standing = app.current.standing()
        assert [i for i, st in standing.indicators.items() if st.ready_to_confirm] == [8]
        step = text_of(app, "#next-step")
        assert "第8项本月该办的都已办结，只差确认" in step and "按 D 标记完成" in step
        assert f"还有 {standing.score.total} 项未完成" in step
        checklist.set_status(app.session.sm, cat, 8, Status.DONE, NOW)
        app.screen.refresh_view()
        await pilot.pause()
        assert "只差确认" not in text_of(app, "#next-step")


async def test_next_step_mentions_copy_when_last_month_has_records(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cat = load_builtin()
    prev = SectionMonth("office", Month(2026, 10), cat.version)
    checklist.set_note(prev, cat, 1, "制度文件共5件", datetime(2026, 10, 20, 9, 0))
    with Store(data) as store:
        store.save_month(prev)
    app = make_app(tmp_path, settings=configured("office", "王芳"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        assert "按 P 沿用" in text_of(app, "#next-step")


async def test_late_monthly_item_shows_late_completion(tmp_path: Path) -> None:
    """26日截止的材料 28日才附上：逐项自查页写“逾期完成”（与 Word 报送材料一致），不是“已完成”；
    只标记完成、不附材料，这一项仍是“已逾期”，标记时先列出未办结的事项问一句。"""
    (tmp_path / "commerce").mkdir()
    (tmp_path / "office").mkdir()
    async with checklist_pilot(tmp_path / "commerce", 3) as (app, pilot):
        rules = text_of(app, "#rules")  # 示例数据之外：商事登记科第3项没有记录
        assert "逾期完成" not in rules
    app = make_app(tmp_path / "office", settings=configured("office", "王芳"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        app.open_checklist(1)
        await pilot.pause()
        await press(pilot, "d")
        from screens.confirm import ConfirmModal

        assert isinstance(app.screen, ConfirmModal) and "尚有 1 项未办结" in app.screen.body  # 先问
        await press(pilot, "y")  # 仍要确认
        assert app.screen.ind.id == 4  # type: ignore[attr-defined]  # 标记完成后转到下一项未完成的（issue 14）
        await press(pilot, "left_square_bracket")
        rules = text_of(app, "#rules")
        assert "已逾期" in rules and "逾期完成" not in rules, rules
        assert "已确认（尚有 1 项未办结，其中有逾期），不计为完成" in text_of(app, "#ind-title")
        from creditcheck import checklist as ops
        from creditcheck.models import Evidence

        at = app.ctx.now()
        app.screen.session.change(
            lambda sm: ops.add_evidence(  # type: ignore[attr-defined]
                sm,
                app.ctx.catalog,
                1,
                Evidence(
                    "制度文件清单.docx",
                    "/x/制度文件清单.docx",
                    effective_date=at.date(),
                    attached_at=at,
                ),
                at,
            )
        )
        app.screen.render_page()  # type: ignore[attr-defined]
        await pilot.pause()
        rules = text_of(app, "#rules")
        assert "逾期完成（11月28日，佐证材料 制度文件清单.docx）" in rules, rules
        assert "不计为完成" not in text_of(app, "#ind-title")


async def test_step_past_the_ends_explains(tmp_path: Path) -> None:
    app = make_app(tmp_path, settings=configured("office", "王芳"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        app.open_checklist(9)  # 办公室的最后一项
        await pilot.pause()
        await press(pilot, "right_square_bracket")
        assert app.screen.index == 3  # type: ignore[attr-defined]
        last = messages(app)[-1]
        assert last.startswith("已是最后一项") and "还有 4 项未完成" in last and "第1项" in last, (
            last
        )
        app.screen.index = 0  # type: ignore[attr-defined]
        await press(pilot, "left_square_bracket")
        assert messages(app)[-1].startswith("已是第一项")


async def test_marking_the_last_item_says_export_and_submit(tmp_path: Path) -> None:
    app = make_app(tmp_path, settings=configured("office", "王芳"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        cat = app.ctx.catalog

        def three(sm) -> None:  # type: ignore[no-untyped-def]
            for iid in (1, 4, 7):
                checklist.set_note(sm, cat, iid, "已整理", NOW)
                checklist.set_status(sm, cat, iid, Status.DONE, NOW)
            checklist.set_note(sm, cat, 9, "零存量、零增量", NOW)

        app.session.change(three)
        app.open_checklist(9)
        await pilot.pause()
        await press(pilot, "d")
        assert "本月各项都已完成" in messages(app)[-1] and "E 导出 Word" in messages(app)[-1]


async def test_copy_previous_explains_when_nothing_to_copy(tmp_path: Path) -> None:
    """上月没有记录：说明原因（提示，不是“未保存”的错误）；上月有材料：沿用，只提示一次。"""
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
    app = make_app(tmp_path / "a", settings=configured("office", "王芳"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "p")
        notes = list(app._notifications)
        assert len(notes) == 1, [n.message for n in notes]
        assert notes[0].title == "沿用上月" and notes[0].severity == "warning"
        assert "2026年10月没有记录" in notes[0].message

    data = tmp_path / "b" / "data"
    cat = load_builtin()
    prev = SectionMonth("office", Month(2026, 10), cat.version)
    doc = tmp_path / "制度文件清单.docx"
    doc.write_text("清单", encoding="utf-8")
    checklist.add_evidence(
        prev,
        cat,
        1,
        attach(str(doc), now=datetime(2026, 10, 20, 9, 0)),
        datetime(2026, 10, 20, 9, 0),
    )
    with Store(data) as store:
        store.save_month(prev)
    app = make_app(tmp_path / "b", settings=configured("office", "王芳"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "p")
        notes = list(app._notifications)
        assert [n.message for n in notes] == ["已从2026年10月沿用：第1项。请逐项核对后标记完成。"]
        assert app.session.sm.entries[1].evidence[0].file_name == "制度文件清单.docx"
        app._notifications.clear()
        await press(pilot, "p")  # 本月已有：不覆盖，说明原因
        assert "已经有内容" in messages(app)[-1]


async def test_resubmit_shows_the_return_comment(tmp_path: Path) -> None:
    seed_warnings(tmp_path / "data")
    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "u")
        assert isinstance(app.screen, ConfirmModal)
        assert "体系科退回意见：第8项缺少市场主体数量" in app.screen.body


async def test_review_screen_picks_up_new_submissions(tmp_path: Path) -> None:
    """体系科开着审核页：别的科室（另一台电脑）提交后，定时重读时表格换上新状态，并提示一句。"""
    data = tmp_path / "data"
    cat = load_builtin()
    app = make_app(tmp_path, settings=configured("system", "李玲"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "r")
        screen = app.screen
        assert screen.__class__.__name__ == "ReviewScreen"
        row = next(r for r in screen.overview.rows if r.section_id == "social")  # type: ignore[attr-defined]
        assert row.review is ReviewState.DRAFT

        sm = SectionMonth("social", NOV, cat.version, person="赵敏")
        checklist.set_note(sm, cat, 2, "台账已报", NOW)
        review.submit(sm, "赵敏", NOW)
        with Store(data) as store:
            store.save_month(sm)

        screen.poll()  # type: ignore[attr-defined]
        await settle(pilot)  # 在后台线程里比文件戳、重读
        row = next(r for r in screen.overview.rows if r.section_id == "social")  # type: ignore[attr-defined]
        assert row.review is ReviewState.SUBMITTED
        assert any("社会事务科刚刚提交了2026年11月的材料" in m for m in messages(app)), messages(
            app
        )
