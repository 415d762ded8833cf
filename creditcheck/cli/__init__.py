"""命令行入口 ``creditcheck``：不带子命令时启动终端界面。

这是唯一把领域（creditcheck）、存储（storage）、导出（exports）和界面（screens）接在一起的地方。

- ``creditcheck``（或只带 ``--data 文件夹``）：直接启动界面（launch.py），不加载 click 与各子命令模块，
  首页出来得快。
- 其余（子命令、``-h``、``-V``……）：click 命令组 ``main``（group.py），各部分的子命令分别在本包的模块里注册。

``from creditcheck.cli import main`` 照旧得到 click 命令组（第一次用到时才导入 click）。
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .group import main as main

__all__ = ["main", "run"]


def __getattr__(name: str) -> Any:
    if name == "main":
        from .group import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run() -> None:
    """控制台脚本入口：管道被下游提前关闭（如 | head）时安静退出。"""
    import os
    import sys

    from .console import make_console_safe
    from .launch import launch, plain_launch_args

    make_console_safe()  # GBK 控制台或重定向：无法编码的字符以“?”代替，不让命令崩溃
    try:
        plain, data = plain_launch_args(sys.argv[1:])
        if plain:
            launch(data)
        else:
            from .group import main

            main(prog_name="creditcheck")
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
