"""界面线程上从不读写数据文件夹：启动、换月、记录事件、添加材料、沿用上月、写下步打算、提交、撤回、体系科审核，
每一次打开、读、写、列目录、查文件状态都在后台线程里（共享文件夹很慢时，画面照常响应按键）。

做法：把 open / os.stat / os.replace / os.scandir …… 换成先记一笔再照做的版本；在主线程（事件循环所在的
线程）上碰到数据文件夹里的路径就记下来，最后断言一笔也没有。换回旧写法（在界面线程上保存）时这个测试失败。
"""

from __future__ import annotations

import builtins
import io
import os
import threading
import traceback
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from app_support import NOW, configured, make_app, press, settle, type_into
from textual.widgets import DataTable, TextArea

from creditcheck import checklist
from creditcheck.catalog import load_builtin
from creditcheck.models import ReviewState, SectionMonth, Status
from creditcheck.month import Month
from storage.store import Store

NOV = Month(2026, 11)

_PATCHED = (
    (builtins, "open"),
    (io, "open"),
    (os, "open"),
    (os, "stat"),
    (os, "lstat"),
    (os, "replace"),
    (os, "rename"),
    (os, "remove"),
    (os, "unlink"),
    (os, "scandir"),
    (os, "listdir"),
    (os, "mkdir"),
    (os, "makedirs"),
    (os, "rmdir"),
    (os, "utime"),
    (os, "link"),
)
"""数据文件夹的每一次访问最终都经过这几个函数（Path.read_text、exists、iterdir、glob 也是）。"""


class MainThreadIO:
    """记下主线程上对 ``root`` 之下路径的每一次访问（函数名、路径、调用处）。"""

    def __init__(self, root: Path) -> None:
        self.root = os.path.abspath(root)
        self.hits: list[tuple[str, str, str]] = []
        self.on = False
        self._inside = threading.local()

    def wrap(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def spy(*args: Any, **kwargs: Any) -> Any:
            if self.on and not getattr(self._inside, "busy", False):
                self._inside.busy = True
                try:
                    self._check(name, args)
                finally:
                    self._inside.busy = False
            return real(*args, **kwargs)

        return spy

    def _check(self, name: str, args: tuple[Any, ...]) -> None:
        if threading.current_thread() is not threading.main_thread() or not args:
            return
        first = args[0]
        if isinstance(first, int) or first is None:
            return  # 文件描述符：打开它的那一次已经查过
        try:
            path = os.path.abspath(os.fsdecode(os.fspath(first)))
        except TypeError:
            return
        if path == self.root or path.startswith(self.root + os.sep):
            where = "".join(traceback.format_stack(limit=12)[:-3])
            self.hits.append((name, path, where))

    def report(self) -> str:
        return "\n\n".join(
            f"{name}({path}) 在界面线程上：\n{where}" for name, path, where in self.hits[:5]
        )


@pytest.fixture
def main_thread_io(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainThreadIO]:
    spy = MainThreadIO(tmp_path / "data")
    for module, name in _PATCHED:
        monkeypatch.setattr(module, name, spy.wrap(name, getattr(module, name)))
    yield spy
    spy.on = False


def _seed(data: Path, evidence_file: Path) -> None:
    """商事登记科十月有可沿用的材料（反复报送的那几项写了说明）；十一月还没有记录。"""
    cat = load_builtin()
    oct_ = SectionMonth("commerce", NOV.prev(), cat.version, person="张三")
    recurring = [i.id for i in cat.assigned("commerce") if i.recurring]
    assert recurring
    for iid in recurring:
        checklist.set_note(oct_, cat, iid, "上月推进情况", datetime(2026, 10, 20, 9, 0))
        checklist.set_status(oct_, cat, iid, Status.DONE, datetime(2026, 10, 20, 9, 0))
    with Store(data, section_id="commerce", actor="张三", backup_on_open=False) as store:
        store.save_month(oct_)
    evidence_file.write_bytes(b"%PDF-1.4 test")


def _stored(data: Path, section: str = "commerce") -> SectionMonth:
    with Store(data) as store:
        return store.load_month(section, NOV)


async def test_no_data_folder_access_on_the_ui_thread(
    tmp_path: Path, main_thread_io: MainThreadIO
) -> None:
    data = tmp_path / "data"
    evidence = tmp_path / "docs" / "学习记录.pdf"
    (tmp_path / "docs").mkdir()
    _seed(data, evidence)

    # ── 商事登记科：启动、换月、记录事件、添加材料、沿用上月、提交、撤回、再提交 ──
    app = make_app(tmp_path, settings=configured())
    main_thread_io.on = True
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动：本月在后台读出
        assert app.session is not None and app.session.month == NOV
        await press(pilot, "left_square_bracket")  # 打开十月
        assert app.current.month == NOV.prev()
        await press(pilot, "right_square_bracket")  # 换回本月
        assert app.current.month == NOV

        app.open_checklist(10)  # 记录一件异议来函
        await settle(pilot)
        await press(pilot, "n")
        await type_into(pilot, "#title", "某公司许可信息异议")
        await type_into(pilot, "#occurred", "11-27 09:00")
        await press(pilot, "ctrl+s")
        assert [e.title for e in app.current.sm.entry(10).events] == ["某公司许可信息异议"]

        app.open_checklist(2)  # 添加一份佐证材料
        await settle(pilot)
        await press(pilot, "a")
        await type_into(pilot, "#path", str(evidence))
        await press(pilot, "ctrl+s")
        assert [e.file_name for e in app.current.sm.entry(2).evidence] == ["学习记录.pdf"]
        assert app.screen.query_one("#evidence", DataTable).row_count == 1

        await press(pilot, "escape")
        await press(pilot, "p")  # 沿用上月
        assert any(e.note == "上月推进情况" for e in app.current.sm.entries.values())

        await press(pilot, "x")  # 存在问题和下步打算
        app.screen.query_one("#plans", TextArea).load_text("下月补齐信用动态稿件")
        await press(pilot, "ctrl+s")
        assert app.current.sm.plans == "下月补齐信用动态稿件"

        await press(pilot, "u")  # 提交
        await press(pilot, "y")
        assert app.current.sm.review is ReviewState.SUBMITTED
        await press(pilot, "u")  # 已提交：问要不要撤回
        await press(pilot, "y")
        assert app.current.sm.review is ReviewState.DRAFT
        await press(pilot, "u")  # 再提交，留给体系科审核
        await press(pilot, "y")
        assert app.current.sm.review is ReviewState.SUBMITTED

        await press(pilot, "s")  # 设置：保存时检查数据文件夹能不能写（在后台）
        assert type(app.screen).__name__ == "SetupScreen"
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ != "SetupScreen"
    main_thread_io.on = False  # 以下是测试自己（关仓库、读回）与入口关窗口后的事
    app.ctx.store.close()
    saved = _stored(data)
    assert saved.review is ReviewState.SUBMITTED
    assert [e.title for e in saved.entry(10).events] == ["某公司许可信息异议"]
    assert [e.file_name for e in saved.entry(2).evidence] == ["学习记录.pdf"]

    # ── 体系科：打开审核页，审核通过商事登记科的十一月；再换月 ──
    coord = make_app(tmp_path, settings=configured("system", "李玲"))
    main_thread_io.on = True
    async with coord.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "r")
        table = coord.screen.query_one("#review", DataTable)
        keys = [str(k.value) for k in table.rows]
        table.move_cursor(row=keys.index("commerce"))
        await settle(pilot)
        await press(pilot, "v")
        await press(pilot, "y")
        await press(pilot, "escape")
        await press(pilot, "right_square_bracket")  # 换月
        assert coord.current.month == NOV.next()
        await press(pilot, "t")
        assert coord.current.month == NOV
    main_thread_io.on = False
    coord.ctx.store.close()
    assert _stored(data).review is ReviewState.APPROVED

    assert not main_thread_io.hits, main_thread_io.report()


def test_the_spy_sees_a_read_on_the_ui_thread(tmp_path: Path, main_thread_io: MainThreadIO) -> None:
    """这个测试的“探头”本身管用：主线程上读数据文件夹里的文件会被记下，后台线程上的不会。"""
    data = tmp_path / "data"
    data.mkdir()
    (data / "x.json").write_text("{}", encoding="utf-8")
    main_thread_io.on = True
    worker = threading.Thread(target=lambda: (data / "x.json").read_text(encoding="utf-8"))
    worker.start()
    worker.join()
    assert not main_thread_io.hits
    assert (data / "x.json").exists()
    (tmp_path / "elsewhere.txt").write_text("不在数据文件夹里", encoding="utf-8")
    assert [h[0] for h in main_thread_io.hits] == ["stat"]
    _ = NOW
