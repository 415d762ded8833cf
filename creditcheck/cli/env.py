"""命令行与界面入口共用、且不依赖 click 的部分：数据文件夹、设置、目录与日历、此刻。

直接启动界面（``creditcheck`` 不带子命令）只用到这里，不必加载 click 和各子命令模块；
``common.py`` 原样转出这些名字，子命令模块照旧 ``from .common import load_env, now``。
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..catalog import Catalog, catalog_for_month, load_catalog
from ..errors import CreditCheckError
from ..locations import default_data_dir, settings_path
from ..month import Month
from ..records import dataclass
from ..settings import Settings
from ..workcal import WorkCalendar, load_calendar


def now() -> datetime:
    """命令行与界面入口是唯一读系统时钟的地方。测试可用环境变量 CREDITCHECK_TODAY 固定“今天”。"""
    import os

    fixed = os.environ.get("CREDITCHECK_TODAY")
    if fixed:
        d = date.fromisoformat(fixed[:10])
        if len(fixed) > 10:
            return datetime.fromisoformat(fixed)
        return datetime.combine(d, datetime.now().time().replace(microsecond=0))
    return datetime.now().replace(second=0, microsecond=0)


def read_settings() -> Settings:
    from storage.settings_file import load_settings

    notices: list[Any] = []
    settings = load_settings(settings_path(), notices)
    for n in notices:  # 设置文件损坏：改名保留、改用默认设置，并告诉用户
        _warn(f"注意：{n}")
    return settings


def _warn(text: str) -> None:
    """写一行到标准错误（与 click.echo(err=True) 相同：加载了 click 时就用它）。"""
    click = sys.modules.get("click")
    if click is not None:
        click.echo(text, err=True)
    else:
        print(text, file=sys.stderr, flush=True)


def resolve_data_dir(data: Path | None, settings: Settings | None = None) -> Path:
    from ..filenames import clean_path_text

    # 总是绝对路径：存下的路径（导入的佐证原件等）从别的文件夹运行也找得到
    if data is not None:
        # cmd 里写 --data "Z:\信用自查\" 时程序收到 Z:\信用自查" ：去掉多余的引号
        return Path(clean_path_text(str(data))).expanduser().absolute()
    settings = settings if settings is not None else read_settings()
    if settings.data_dir:
        return Path(clean_path_text(settings.data_dir)).expanduser().absolute()
    return default_data_dir().absolute()


@dataclass
class Env:
    """一次命令所需的一切：数据文件夹、目录、日历、设置、此刻。"""

    data_dir: Path
    catalog: Catalog
    calendar: WorkCalendar
    settings: Settings
    now: datetime

    @property
    def today(self) -> date:
        return self.now.date()

    def catalog_for(self, month: Month, stored_version: str = "") -> Catalog:
        """某月应使用的目录版本（该月记下的版本，或当时施行的版本）。"""
        if stored_version == self.catalog.version or (
            not stored_version and self.catalog.effective <= month
        ):
            return self.catalog
        return catalog_for_month(self.data_dir, month, stored_version)


def load_env(data: Path | None) -> Env:
    settings = read_settings()
    data_dir = resolve_data_dir(data, settings)
    catalog = load_catalog(data_dir)
    from storage.catalogs import archive_user_catalog

    try:
        archive_user_catalog(data_dir, catalog)  # 用户目录按版本存档，旧月份仍能按当时的版本显示
    except (OSError, CreditCheckError):
        pass  # 只读的共享文件夹：存档留给能写的电脑去做，不妨碍本次使用
    return Env(data_dir, catalog, load_calendar(data_dir), settings, now())
