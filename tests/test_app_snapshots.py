"""界面快照（pytest-textual-snapshot）：首次设置、首页的各级预警、各类指标页、帮助。

固定 120×36、固定“此刻”（2026-11-28 10:00，周六）、数据在 tmp_path 下。
更新快照前先看 SVG：pytest tests/test_app_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path

from app_support import configured, make_app, make_ctx, seed_warnings, settle

from screens.app import CreditCheckApp

SIZE = (120, 36)


def _warned_app(tmp_path: Path) -> CreditCheckApp:
    seed_warnings(tmp_path / "data")
    return make_app(tmp_path, settings=configured())


def _open(indicator_id: int):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)  # 启动时本月在后台读取
        pilot.app.open_checklist(indicator_id)
        await settle(pilot)  # 文件状态在后台线程里检查

    return run_before


def test_first_run(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx = make_ctx(tmp_path)
    ctx.data_dir = ctx.default_data_dir = Path("/srv/信用自查数据")  # 路径固定，快照才稳定
    assert snap_compare(CreditCheckApp(ctx), press=["down", "down"], terminal_size=SIZE)


def test_home_each_warning_level(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """已逾期、今日到期、即将到期各一组，体系科退回意见，配额进度。"""
    assert snap_compare(_warned_app(tmp_path), run_before=settle, terminal_size=SIZE)


def test_home_calendar_fallback(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """2027年1月：节假日安排未知，按周一至周五计算并提示。"""

    async def two_months_on(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)  # 换月在后台线程里读取

    assert snap_compare(_warned_app(tmp_path), run_before=two_months_on, terminal_size=SIZE)


def test_checklist_monthly(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_warned_app(tmp_path), run_before=_open(3), terminal_size=SIZE)


def test_checklist_event_driven(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        _warned_app(tmp_path), run_before=_open(10), press=["end"], terminal_size=SIZE
    )


def test_checklist_quota(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_warned_app(tmp_path), run_before=_open(4), terminal_size=SIZE)


def test_checklist_counts(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_warned_app(tmp_path), run_before=_open(8), terminal_size=SIZE)


def test_event_form_refuses_bad_date(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _open(10)(pilot)
        await pilot.press("n")
        await pilot.press(*"某公司异议", "enter")
        await pilot.press("enter")
        await pilot.press(*"2026-02-30", "ctrl+s")
        await pilot.pause()

    assert snap_compare(_warned_app(tmp_path), run_before=run_before, terminal_size=SIZE)


def test_help(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(tmp_path, settings=configured()),
        run_before=settle,
        press=["f1"],
        terminal_size=SIZE,
    )


# ── 80×24：办公电脑上默认大小的命令提示符窗口 ──

SMALL = (80, 24)


def test_small_home(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """报送状态完整显示（月份按键提示收起），底栏的常用按键都在。"""
    assert snap_compare(_warned_app(tmp_path), run_before=settle, terminal_size=SMALL)


def test_small_checklist_events(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """事件表不超出 80 列；底栏最前面是 Esc 返回，最后是 F1 帮助。"""
    assert snap_compare(
        _warned_app(tmp_path), run_before=_open(10), press=["end"], terminal_size=SMALL
    )


def test_small_event_form(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """24 行的窗口里，表单区滚动，“保存”“取消”按钮总在屏幕内。"""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _open(10)(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(_warned_app(tmp_path), run_before=run_before, terminal_size=SMALL)


def test_small_help(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """说明折行时仍对齐在说明一栏。"""
    assert snap_compare(
        make_app(tmp_path, settings=configured()),
        run_before=settle,
        press=["f1", "down", "down", "down", "down"],
        terminal_size=SMALL,
    )
