"""命令行的公共部分：数据文件夹选项、错误输出、JSON 输出。

数据文件夹、设置、目录与日历的加载（Env、load_env、now……）在 env.py（不依赖 click，
直接启动界面时只用它），这里原样转出，子命令模块照旧从本模块导入。
命令行入口是唯一把领域、存储、导出、界面接在一起的地方。
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import CreditCheckError
from ..oserrors import os_reason
from . import i18n
from .env import Env, load_env, now, read_settings, resolve_data_dir

__all__ = [
    "Env",
    "load_env",
    "now",
    "read_settings",
    "resolve_data_dir",
    "fail",
    "friendly_errors",
    "data_option",
    "echo_json",
    "current_month",
    "force_option",
    "month_option",
    "output_option",
]

i18n.install()  # click 自带的英文提示换成中文；各子命令模块都经由本模块导入 click 的用法

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
            fail(
                f"没有权限访问：{e.filename or e}（文件可能正在 Word/WPS/Excel 中打开，请关闭后重试）"
            )
        except FileNotFoundError as e:
            name = str(e.filename or "")
            if sys.platform == "win32" and len(name) >= 260:
                fail(
                    f"路径太长（超过 260 个字符），Windows 无法处理：{name}。请换一个短一些的文件夹。"
                )
            fail(f"找不到文件：{e.filename or e}")
        except OSError as e:
            fail(
                f"文件操作失败：{os_reason(e)}"
                + (f"（{e.filename}）" if e.filename else "（写入或读取时）")
            )
        except ValueError as e:
            if "null" not in str(e):  # 只处理路径里的空字符；其他 ValueError 是程序错误，不掩盖
                raise
            fail("路径或参数中有不允许的空字符（\\0），请检查输入")

    return wrapper  # type: ignore[return-value]


def _inherit_data(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """子命令没写 --data 时用命令组上写的（creditcheck --data 文件夹 overview 与
    creditcheck overview --data 文件夹 相同）；两处都写时以子命令上的为准。"""
    if value is not None or ctx.parent is None:
        return value
    root = ctx.find_root().obj
    return root.get("data") if isinstance(root, dict) else None


data_option = click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    callback=_inherit_data,
    metavar="文件夹",
    help="数据文件夹（默认取设置中的文件夹，否则为本机用户数据文件夹）；可指向共享文件夹。",
)


def current_month(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    """--month 不写时取本月（CREDITCHECK_TODAY 固定“今天”时取那个月）。"""
    if value:
        return value
    from ..month import Month

    return str(Month.of(now().date()))


month_option = click.option(
    "--month",
    "month_text",
    default=None,
    callback=current_month,
    help="统计月份，如 2026-11；默认为本月。",
)
"""各命令共用的 --month：不写时取本月。"""


def output_option(help: str, *, required: bool = False) -> Callable[[F], F]:
    """各导出命令共用的 ``-o/--output``（一个文件，不是文件夹），参数名为 ``out``。"""
    return click.option(
        "-o",
        "--output",
        "out",
        type=click.Path(dir_okay=False, path_type=Path),
        required=required,
        default=None,
        metavar="文件",
        help=help,
    )


force_option = click.option("--force", is_flag=True, help="输出文件已存在时覆盖它。")
"""各导出命令共用的 --force：输出文件已存在时覆盖。"""


def echo_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))
