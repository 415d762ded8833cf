"""启动路径：不带子命令直接启动界面时不加载 click 与子命令模块；本科室的占用锁与打开时备份
推迟到首页画好之后，但保证不变（第二个窗口只读并说明占用者；第一次保存前已经备份）。"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from app_support import configured, make_ctx, settle
from click.testing import CliRunner
from storage_helpers import on_latest
from textual.widgets import Static

from creditcheck.cli.launch import plain_launch_args
from creditcheck.models import SectionMonth
from creditcheck.month import Month
from screens.app import CreditCheckApp
from storage.notices import LOCKED, ReadOnlyError
from storage.store import Store

NOV = Month(2026, 11)

_PROBE = (
    "click",
    "creditcheck.cli.group",
    "creditcheck.cli.core",
    "creditcheck.cli.ledger",
    "creditcheck.ledger",
    "docx",
    "openpyxl",
    "filelock",
    "storage.backups",
    "screens.checklist",
    "screens.setup",
    "textual",
    "screens.home",
    "python_calamine",
    "pypinyin",
    "tinydb",
    "zipfile",
    "csv",
    "creditcheck.obligations",
    "creditcheck.completion",
    "creditcheck.services.months",
    "tomllib",
)  # 读台账、拼音查找、TinyDB 查询、导入节假日：用到时才加载（首页只读本月的 JSON 文件）；
# 本月的完成度与义务在首页画好、读出本月之后才算；内置目录读的是 JSON 副本，不必加载 TOML 解析器


def _launch(tmp_path: Path, args: list[str]) -> dict[str, bool]:
    """在子进程里按控制台脚本的方式启动（首页画好即退出），返回哪些模块被加载了。"""
    from creditcheck.settings import Settings
    from storage.settings_file import save_settings

    cfg = tmp_path / "cfg"
    save_settings(Settings(section_id="commerce", person="张三"), cfg / "settings.json")
    code = (
        "import sys, json\n"
        f"sys.argv = ['creditcheck'] + {args!r}\n"
        "from creditcheck.cli import run\n"
        "run()\n"
        f"print(json.dumps({{m: m in sys.modules for m in {_PROBE!r}}}))\n"
    )
    env = dict(
        os.environ,
        CREDITCHECK_CONFIG=str(cfg),
        CREDITCHECK_DATA=str(tmp_path / "data"),
        CREDITCHECK_EXIT_AFTER_PAINT="1",
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_plain_launch_does_not_load_click_or_subcommands(tmp_path: Path) -> None:
    loaded = _launch(tmp_path, [])
    assert loaded["textual"] and loaded["screens.home"]
    # 首页用不到的：click 与各子命令、导出库、备份与文件锁（首页画好后才取锁）、其他屏幕
    assert not any(v for k, v in loaded.items() if k not in ("textual", "screens.home")), loaded


def test_plain_launch_with_data_folder_does_not_load_click(tmp_path: Path) -> None:
    loaded = _launch(tmp_path, ["--data", str(tmp_path / "其他数据")])
    assert loaded["screens.home"] and not loaded["click"] and not loaded["creditcheck.cli.group"]


@pytest.mark.parametrize(
    "args,plain",
    [
        ([], True),
        (["--data", "共享/数据"], True),
        (["--data=共享/数据"], True),
        (["-h"], False),
        (["--help"], False),
        (["-V"], False),
        (["due", "2026-11-28"], False),
        (["--data"], False),
        (["--data", ""], False),
        (["--data", "-V"], False),
        (["--data", "a", "due"], False),
        (["--dat", "a"], False),
        (["--data", "数据*"], False),
    ],
)
def test_plain_launch_args(args: list[str], plain: bool) -> None:
    assert plain_launch_args(args)[0] is plain


def test_data_option_pointing_at_a_file_goes_through_click(tmp_path: Path) -> None:
    """--data 指向一个文件：交给 click，和以前一样给出一行中文错误。"""
    from creditcheck.cli import main

    f = tmp_path / "not-a-folder.txt"
    f.write_text("x", encoding="utf-8")
    assert plain_launch_args(["--data", str(f)]) == (False, None)
    res = CliRunner().invoke(main, ["--data", str(f)])
    assert res.exit_code == 2
    assert "--data" in res.output and "Traceback" not in res.output


def test_console_script_help_and_version_unchanged() -> None:
    for args, expect in ((["-V"], "creditcheck "), (["-h"], "用法：")):
        res = subprocess.run(
            [sys.executable, "-m", "creditcheck", *args], capture_output=True, text=True, timeout=60
        )
        assert res.returncode == 0, res.stderr
        assert expect in res.stdout


# ── 推迟取锁 ──
_DATA: list[Path] = []


@pytest.fixture(autouse=True)
def _where(tmp_path: Path) -> None:
    _DATA[:] = [tmp_path / "data"]


def _sm(note: str) -> SectionMonth:
    """一次在盘上最新一版之上的修改（保存是比较并交换；这里关心的是取锁与备份）。"""
    sm = SectionMonth("commerce", NOV, "2022.1")
    sm.entry(1).note = note
    return on_latest(sm, _DATA[0])


def test_deferred_store_reads_before_the_lock(data_dir: Path) -> None:
    with Store(data_dir) as s:
        s.save_month(_sm("已有"))
    store = Store(data_dir, section_id="commerce", actor="张三", defer_lock=True)
    assert store.session_pending and not store.read_only and not store.holds_lock
    assert not (data_dir / "sections" / "commerce" / "lock-holder.json").exists()
    assert store.load_month("commerce", NOV).entry(1).note == "已有"
    assert store.backups() == []
    assert store.open_session() is True
    assert store.holds_lock and not store.session_pending
    assert [b.reason for b in store.backups()] == ["session"]
    assert store.open_session() is False  # 只做一次
    store.close()


def test_deferred_second_copy_is_read_only_and_names_the_holder(data_dir: Path) -> None:
    first = Store(data_dir, section_id="commerce", actor="张三")
    try:
        second = Store(data_dir, section_id="commerce", actor="李四", defer_lock=True)
        assert not second.read_only  # 还不知道
        second.open_session()
        assert second.read_only and "张三" in (second.lock_holder or "")
        assert any(n.kind == LOCKED and "张三" in n.message for n in second.notices)
        with pytest.raises(ReadOnlyError, match="张三"):
            second.save_month(_sm("不应写入"))
        second.close()
    finally:
        first.close()


def test_first_save_on_deferred_store_takes_lock_and_backs_up_first(data_dir: Path) -> None:
    with Store(data_dir) as s:
        s.save_month(_sm("原来的"))
    path = data_dir / "sections" / "commerce" / "2026-11.json"
    before = path.read_bytes()
    store = Store(data_dir, section_id="commerce", actor="张三", defer_lock=True)
    store.save_month(_sm("新的"))  # 没有先 open_session：保存前自动取锁并备份
    assert store.holds_lock
    snaps = store._backups.snapshots("commerce")
    assert len(snaps) == 1 and snaps[0].reason == "session"
    assert store._backups.read_copy(snaps[0], path.name) == before
    assert store.load_month("commerce", NOV).entry(1).note == "新的"
    store.close()


def test_deferred_store_closed_before_opening_leaves_no_trace(data_dir: Path) -> None:
    store = Store(data_dir, section_id="commerce", actor="张三", defer_lock=True)
    store.close()
    assert not (data_dir / "sections" / "commerce").exists()
    assert store.open_session() is False
    with pytest.raises(ReadOnlyError):
        store.save_month(_sm("关闭之后"))
    assert not (data_dir / "sections" / "commerce").exists()


# ── 界面：首页画好后取锁 ──
async def test_app_opens_the_deferred_session_after_home_is_painted(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = Store(data, section_id="commerce", actor="张三", defer_lock=True)
    calls: list[str] = []
    app = CreditCheckApp(
        make_ctx(tmp_path, settings=configured(), store=store),
        on_first_paint=lambda: calls.append("painted"),
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        assert calls == ["painted"]
        assert store.holds_lock and not app.ctx.read_only
        assert not app.screen.query_one("#readonly", Static).display
        await pilot.press("p")  # 沿用上月：没有可沿用的，但说明可以修改（不是只读）
        await pilot.pause()
        assert not any("只读" in n.message for n in app._notifications)
    store.close()
    assert calls == ["painted"]


async def test_app_second_copy_shows_read_only_banner_naming_holder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    holder = Store(data, section_id="commerce", actor="王五")
    try:
        store = Store(data, section_id="commerce", actor="张三", defer_lock=True)
        app = CreditCheckApp(make_ctx(tmp_path, settings=configured(), store=store))
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)  # 启动时本月在后台读取
            await pilot.pause()
            banner = app.screen.query_one("#readonly", Static)
            assert banner.display
            text = str(banner.render())
            assert text.startswith("只读：") and "王五" in text
            assert app.session is not None
            with pytest.raises(Exception, match="只读"):
                app.session.change(lambda sm: None)
        store.close()
    finally:
        holder.close()


async def test_session_edits_use_data_read_under_the_lock(tmp_path: Path) -> None:
    """首页是取锁前读的；若期间别处保存过，取锁后按盘上最新内容修改，不会覆盖别人的保存。"""
    data = tmp_path / "data"
    store = Store(data, section_id="commerce", actor="张三", defer_lock=True)
    app = CreditCheckApp(make_ctx(tmp_path, settings=configured(), store=store))
    # 还没画首页：模拟取锁前别处刚保存了一次
    from screens.session import MonthSession

    session = MonthSession(app.ctx, NOV)
    with Store(data) as other:
        other.save_month(_sm("别处刚保存"))
    session.change(lambda sm: setattr(sm.entry(2), "note", "本窗口"))
    saved = Store(data).load_month("commerce", NOV)
    assert saved.entry(1).note == "别处刚保存" and saved.entry(2).note == "本窗口"
    store.close()
