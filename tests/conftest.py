"""测试公共夹具：固定“今天”，数据与设置文件夹都放在 tmp_path 下，绝不碰真实的用户文件夹。"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from creditcheck.catalog import Catalog, load_builtin
from creditcheck.workcal import WorkCalendar, load_calendar

TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 10, 0)


@pytest.fixture(autouse=True)
def _isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDITCHECK_CONFIG", str(tmp_path / "config"))
    monkeypatch.setenv("CREDITCHECK_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("CREDITCHECK_TODAY", NOW.isoformat())


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_builtin()


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    return load_calendar(None)


@pytest.fixture(autouse=True)
def _close_stores(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """每个测试打开的仓库在测试结束时都关掉（测试中途失败也一样），不留下占用锁。

    测试里照样可以 ``Store(...)``、``make_app(...)``；这里记下每一个打开的仓库，收尾时逐个关闭。"""
    from storage.store import Store

    opened: list[Store] = []
    original = Store.__init__

    def tracking_init(self: Store, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        opened.append(self)

    monkeypatch.setattr(Store, "__init__", tracking_init)
    yield
    for store in reversed(opened):
        try:
            store.close()
        except Exception:  # noqa: BLE001 - 测试自己已关闭或故意弄坏的仓库：收尾不应掩盖测试结果
            pass


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """输入框的光标不闪：闪烁按真实时间翻转，机器一忙，快照和按位置的断言就会随时间变化。"""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
