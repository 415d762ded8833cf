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
