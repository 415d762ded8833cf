"""命令行入口 ``creditcheck``：不带子命令时启动终端界面。

这是唯一把领域（creditcheck）、存储（storage）、导出（exports）和界面（screens）接在一起的地方。
各部分的子命令分别在本包的模块里注册。
"""

from __future__ import annotations

from pathlib import Path

import click

from . import i18n

i18n.install()

from .. import __version__  # noqa: E402
from .common import data_option, friendly_errors  # noqa: E402

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class LazyGroup(click.Group):
    """子命令在第一次被查找或列出时才注册：直接启动界面（不带子命令）时不必导入各子命令模块。"""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        _register()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        _register()
        return super().list_commands(ctx)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings=CONTEXT,
    options_metavar="[选项]",
    subcommand_metavar="[命令] [参数]...",
)
@data_option
@click.version_option(__version__, "-V", "--version", message="creditcheck %(version)s")
@click.pass_context
@friendly_errors
def main(ctx: click.Context, data: Path | None) -> None:
    """信用状况监测自查（creditcheck）。

    不带子命令时启动终端界面：按本科室负责的指标逐项自查、记录佐证材料、提醒临近和逾期的期限，并生成报送体系科的 Word 月报材料。

    每个命令都可用 -h 查看说明，例如：creditcheck due -h
    """
    ctx.ensure_object(dict)
    ctx.obj["data"] = data
    if ctx.invoked_subcommand is None:
        from .app import run_app

        run_app(data)


@main.group(context_settings=CONTEXT)
def export() -> None:
    """导出：科室月报材料（Word）、台账（Excel）、汇总材料、数据包。"""


@main.group(name="import", context_settings=CONTEXT)
def import_() -> None:
    """导入：其他电脑导出的科室数据包。"""


_registered = False


def _register() -> None:
    global _registered
    if _registered:
        return
    _registered = True
    from . import app, coordinator, core, data, export_word, ledger

    for mod in (core, data, app, export_word, ledger, coordinator):
        mod.register(main)
    _localize(main)


def _localize(cmd: click.Command) -> None:
    """子命令用法行里的 [OPTIONS] 也写成中文。"""
    cmd.options_metavar = "[选项]"
    if isinstance(cmd, click.Group):
        cmd.subcommand_metavar = "命令 [参数]..."
        for sub in cmd.commands.values():
            _localize(sub)


def run() -> None:
    """控制台脚本入口：管道被下游提前关闭（如 | head）时安静退出。"""
    import os
    import sys

    try:
        main(prog_name="creditcheck")
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
