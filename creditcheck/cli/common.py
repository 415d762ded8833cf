"""命令行的公共部分：数据文件夹、加载目录与日历、错误输出。

命令行入口是唯一把领域、存储、导出、界面接在一起的地方。
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from ..catalog import Catalog, archive_user_catalog, catalog_for_month, load_catalog
from ..errors import CreditCheckError
from ..locations import default_data_dir, settings_path
from ..month import Month
from ..settings import Settings
from ..workcal import WorkCalendar, load_calendar

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 2) -> None:
    """一行中文错误信息，不打印调用栈。"""
    click.echo(f"错误：{message}", err=True)
    sys.exit(code)


def friendly_errors(func: F) -> F:
    """把可预期的错误（以及文件系统错误）变成一行中文消息。"""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CreditCheckError as e:
            fail(str(e))
        except BrokenPipeError:
            raise
        except PermissionError as e:
            fail(f"没有权限访问：{e.filename or e}")
        except FileNotFoundError as e:
            fail(f"找不到文件：{e.filename or e}")
        except OSError as e:
            fail(f"文件操作失败：{e.strerror or e}（{e.filename or ''}）")

    return wrapper  # type: ignore[return-value]


data_option = click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="数据文件夹（默认取设置中的文件夹，否则为本机用户数据文件夹）；可指向共享文件夹。",
)


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
        click.echo(f"注意：{n}", err=True)
    return settings


def resolve_data_dir(data: Path | None, settings: Settings | None = None) -> Path:
    if data is not None:
        return data.expanduser()
    settings = settings if settings is not None else read_settings()
    if settings.data_dir:
        return Path(settings.data_dir).expanduser()
    return default_data_dir()


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
        if stored_version == self.catalog.version or (not stored_version and self.catalog.effective <= month):
            return self.catalog
        return catalog_for_month(self.data_dir, month, stored_version)


def load_env(data: Path | None) -> Env:
    settings = read_settings()
    data_dir = resolve_data_dir(data, settings)
    try:
        archive_user_catalog(data_dir)  # 用户目录按版本存档，旧月份仍能按当时的版本显示
    except OSError:
        pass  # 只读的共享文件夹：存档留给能写的电脑去做，不妨碍本次使用
    return Env(data_dir, load_catalog(data_dir), load_calendar(data_dir), settings, now())


def echo_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))
