"""``creditcheck --data 文件夹 命令`` 与 ``creditcheck 命令 --data 文件夹`` 读同一个文件夹。

``creditcheck --help`` 把 --data 列为整个命令的选项，演示数据生成后也提示“creditcheck --data 文件夹”；
此前写在命令前面的 --data 被多数子命令悄悄忽略，改读默认数据文件夹（总览全是“未”，导出的材料是空的）。
"""

from __future__ import annotations

import json

import click
from click.testing import CliRunner
from coordination_data import save_records

from creditcheck.cli import main


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_overview_reads_the_folder_given_before_the_command(catalog, tmp_path):
    shared = tmp_path / "shared"  # 不是测试环境的默认数据文件夹（CREDITCHECK_DATA）
    save_records(catalog, shared)
    after = _run("overview", "--month", "2026-11", "--json", "--data", str(shared))
    before = _run("--data", str(shared), "overview", "--month", "2026-11", "--json")
    assert after.exit_code == 0 and before.exit_code == 0, before.output
    assert json.loads(before.output) == json.loads(after.output)
    default = _run("overview", "--month", "2026-11", "--json")
    assert json.loads(default.output) != json.loads(before.output)  # 确是另一个文件夹的数据


def test_word_export_reads_the_folder_given_before_the_command(catalog, tmp_path):
    shared = tmp_path / "shared"
    save_records(catalog, shared)
    out = tmp_path / "材料.docx"
    r = _run(
        "--data",
        str(shared),
        "export",
        "submission",
        "-s",
        "建设项目科",
        "-m",
        "2026-11",
        "-o",
        str(out),
    )
    assert r.exit_code == 0, r.output
    assert "还没有自查记录" not in r.output
    assert out.is_file()


def test_the_command_s_own_data_option_wins(catalog, tmp_path):
    shared = tmp_path / "shared"
    save_records(catalog, shared)
    both = _run(
        "--data",
        str(tmp_path / "empty"),
        "overview",
        "--month",
        "2026-11",
        "--json",
        "--data",
        str(shared),
    )
    only = _run("overview", "--month", "2026-11", "--json", "--data", str(shared))
    assert json.loads(both.output) == json.loads(only.output)


def _commands(group: click.Group, ctx: click.Context):
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, ctx)
        elif cmd is not None:
            yield cmd


def test_every_data_option_inherits_the_group_s():
    from creditcheck.cli.common import _inherit_data

    ctx = click.Context(main)
    cmds = [c for c in _commands(main, ctx) if any(p.name == "data" for p in c.params)]
    assert len(cmds) > 10
    for cmd in cmds:
        p = next(p for p in cmd.params if p.name == "data")
        assert p.callback is _inherit_data, cmd.name
