"""click 命令组 ``creditcheck``（``creditcheck.cli.main``）：帮助、版本、各子命令。

各部分的子命令分别在本包的模块里注册（第一次查找或列出子命令时）。直接启动界面（不带子命令）
时不经过这里，见 ``creditcheck/cli/__init__.py`` 的 ``run()`` 与 launch.py。
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .. import __version__
from .common import data_option, friendly_errors  # 导入 common 时已把 click 的提示换成中文（i18n）

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class LazyGroup(click.Group):
    """子命令在第一次被查找或列出时才注册：直接启动界面（不带子命令）时不必导入各子命令模块。"""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        _register()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        _register()
        return super().list_commands(ctx)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)
        except ValueError as e:  # click 检查路径参数时遇到空字符（\0）：一句中文，不打印调用栈
            if "null" not in str(e):
                raise
            click.echo("错误：路径或参数中有不允许的空字符（\\0），请检查输入", err=True)
            sys.exit(2)


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
        from .launch import run_app

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
    from . import app, coordinator, core, data, desktop, export_word, ledger, web

    for mod in (core, data, app, export_word, ledger, coordinator, web, desktop):
        mod.register(main)
    _localize(main)


_METAVARS = {"section_text": "科室", "sections": "科室", "month_text": "月份", "comment": "意见"}
_TYPE_METAVARS = {
    "text": "文字",
    "integer": "数字",
    "path": "路径",
    "file": "文件",
    "directory": "文件夹",
}


def _localize(cmd: click.Command) -> None:
    """子命令用法行里的 [OPTIONS] 与选项的占位词（TEXT、PATH）也写成中文。"""
    cmd.options_metavar = "[选项]"
    for p in cmd.params:
        if (
            isinstance(p, click.Option)
            and p.metavar is None
            and not p.is_flag
            and not isinstance(p.type, click.Choice)
        ):
            word = _METAVARS.get(p.name or "") or _TYPE_METAVARS.get(getattr(p.type, "name", ""))
            if word:
                p.metavar = word
    if isinstance(cmd, click.Group):
        cmd.subcommand_metavar = "命令 [参数]..."
        for sub in cmd.commands.values():
            _localize(sub)
