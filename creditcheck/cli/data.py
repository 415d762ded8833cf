"""数据管理命令：doctor（体检）、demo（演示数据）、backup（备份）、restore（恢复）。"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from .common import data_option, fail, friendly_errors, now, read_settings, resolve_data_dir


def _data_dir(ctx: click.Context, data: Path | None) -> Path:
    root = ctx.find_root().obj or {}
    return resolve_data_dir(data or root.get("data"))


def _section_ids(data_dir: Path, sections: tuple[str, ...]) -> list[str] | None:
    if not sections:
        return None
    from ..catalog import load_catalog

    cat = load_catalog(data_dir)
    return [cat.section(s).id for s in sections]


@click.command()
@data_option
@click.option("--fix", is_flag=True, help="清理中断留下的临时文件（只清理能证明已无人使用的）。")
@click.pass_context
@friendly_errors
def doctor(ctx: click.Context, data: Path | None, fix: bool) -> None:
    """数据体检：检查本程序读的每一个文件（设置、目录、节假日安排、各科室记录与台账、审核文件、备份、
    佐证材料、中断留下的临时文件），每个问题都写明怎么办。

    退出码：0 一切正常；1 有文件损坏（给出可用的备份和恢复命令）；3 有需要处理的提醒
    （佐证材料缺失或变更、损坏后移开的文件、临时文件、数据文件夹不存在或是空的……）。
    只检查，不改动任何文件；加 --fix 时清理能证明已无人使用的临时文件。

    例：creditcheck doctor --data "Z:\\信用自查"
    """
    from storage.doctor import diagnose

    from ..catalog import CatalogError, load_catalog
    from ..locations import settings_path

    data_dir = _data_dir(ctx, data)
    try:
        catalog = load_catalog(data_dir)
    except CatalogError as e:
        click.echo(f"注意：{e}；改用内置目录检查")
        from ..catalog import load_builtin

        catalog = load_builtin()
    report = diagnose(data_dir, catalog, settings_path(), now(), fix=fix)
    for line in report.lines():
        click.echo(line)
    sys.exit(report.exit_code)


@click.command()
@data_option
@click.option("--no-tui", is_flag=True, help="只生成数据并显示文件夹，不启动界面。")
@click.pass_context
@friendly_errors
def demo(ctx: click.Context, data: Path | None, no_tui: bool) -> None:
    """生成演示数据：每个科室、本月和前两个月的记录，带佐证文件、各类事件、逾期和临近到期的事项。

    默认放在一个新建的临时文件夹里，不碰您的真实数据；用 --data 指定时，该文件夹必须是空的。

    例：creditcheck demo --no-tui
    """
    from storage.demo import make_demo

    from ..catalog import load_builtin
    from ..workcal import load_calendar

    root = ctx.find_root().obj or {}
    target = data or root.get("data")
    if target is None:
        target = Path(tempfile.mkdtemp(prefix="creditcheck-demo-"))
    else:
        target = target.expanduser()
        if target.exists() and any(target.iterdir()):
            fail(
                f"文件夹 {target} 里已有内容；演示数据只放到空文件夹或新文件夹，以免和真实数据混在一起"
            )
        target.mkdir(parents=True, exist_ok=True)
    catalog, cal, moment = load_builtin(), load_calendar(target), now()
    from .launch import DEMO_MARKER

    (target / DEMO_MARKER).write_text(
        "这个文件夹是 creditcheck demo 生成的演示数据，可以随意试用或整个删除。\n"
        "用 creditcheck --data 打开它时总以演示身份（商事登记科）打开，不会修改本机设置。\n",
        encoding="utf-8",
    )
    from ..services.ledgers import demo_ledger_importer

    # 业务科室本月的演示台账在该月提交之前导入（与界面、命令行同一导入路径）
    make_demo(target, moment, catalog, cal, ledgers=demo_ledger_importer(target, catalog, cal))
    click.echo(f"演示数据已生成：{target}")
    if no_tui:
        click.echo(
            f'查看：creditcheck --data "{target}"    体检：creditcheck doctor --data "{target}"'
        )
        return
    from .app import run_app

    run_app(target, demo=True)


@click.command()
@data_option
@click.option(
    "--section",
    "sections",
    multiple=True,
    metavar="科室",
    help="只备份这个科室（可写多次；默认全部科室）。",
)
@click.pass_context
@friendly_errors
def backup(ctx: click.Context, data: Path | None, sections: tuple[str, ...]) -> None:
    """立即备份：复制自上次备份以来有改动的数据文件（保留最近 20 次，更早的每月保留一次）。

    例：creditcheck backup --data "Z:\\信用自查"
    """
    from ..services.backups import backup_now

    data_dir = _data_dir(ctx, data)
    if not (data_dir / "sections").is_dir():
        fail(f"数据文件夹 {data_dir} 里还没有任何科室的数据，无需备份")
    settings = read_settings()
    result = backup_now(data_dir, settings.person, _section_ids(data_dir, sections))
    if result.id is None:
        click.echo("自上次备份以来数据没有改动，无需再备份。")
    else:
        n = sum(len(v) for v in result.files.values())
        click.echo(f"已备份 {n} 个文件，备份编号 {result.id}：")
        for sid, names in sorted(result.files.items()):
            click.echo(f"  {sid}：{'、'.join(names)}")
    for p in result.skipped_damaged:
        click.echo(f"注意：{p} 已损坏，没有备份它；请运行 creditcheck doctor 查看")
    click.echo(f"备份位置：{data_dir / 'backups'}")


@click.command()
@click.argument("when", required=False, metavar="[时间或编号]")
@data_option
@click.option(
    "--section",
    "sections",
    multiple=True,
    metavar="科室",
    help="只恢复这个科室（可写多次；默认全部科室）。",
)
@click.pass_context
@friendly_errors
def restore(
    ctx: click.Context, when: str | None, data: Path | None, sections: tuple[str, ...]
) -> None:
    """从备份恢复。不带参数时列出全部备份；带备份编号或日期时间时恢复到那次备份时的样子。

    时间可写 2026-11-28、"2026-11-28 09:30" 或备份编号 20261128-093000；匹配多次时用最后一次。
    恢复前会先把当前数据再备份一次，所以恢复错了还可以恢复回来。审计日志不回退，只记下这次恢复。

    例：creditcheck restore 2026-11-28 --section 办公室
    """
    from ..services import backups

    data_dir = _data_dir(ctx, data)
    settings = read_settings()
    ids = _section_ids(data_dir, sections)
    if when is None:
        items = backups.list_backups(data_dir, ids)
        if not items:
            click.echo(f"还没有任何备份（{data_dir / 'backups'}）。")
            return
        click.echo(f"共 {len(items)} 次备份（从旧到新）：")
        click.echo("  编号                  时间                 原因              科室与文件数")
        for b in items:
            secs = "，".join(
                f"{_folder_label(data_dir, s)} {len(f)}个" for s, f in sorted(b.sections.items())
            )
            click.echo(f"  {b.id:<20}  {b.label:<19}  {backups.reason_label(b.reason):<10}  {secs}")
        click.echo("恢复：creditcheck restore 编号（或日期时间）")
        return
    result = backups.restore(data_dir, settings.person, when, ids)
    click.echo(f"已恢复到备份 {result.target}（{backups.id_label(result.target)}）。")
    if result.pre_backup:
        click.echo(
            f"恢复前的数据已备份为 {result.pre_backup}；如需撤销：creditcheck restore {result.pre_backup}"
        )
    for p in result.restored:
        click.echo(f"  已恢复：{p}")
    if not result.restored and result.unchanged:
        click.echo("  当前数据与该备份相同，没有文件需要恢复。")
    elif not result.restored:
        click.echo("  该备份中没有可恢复的数据文件。")
    for p in result.newer_kept:
        click.echo(f"  保留（备份之后才新建）：{p}")


def register(main: click.Group) -> None:
    for cmd in (doctor, demo, backup, restore):
        main.add_command(cmd)


def _folder_label(data_dir: Path, folder: str) -> str:
    """备份里的文件夹名 → 给人看的名字：科室简称；reviews 为“体系科审核记录”。"""
    if folder == "reviews":
        return "体系科审核记录"
    from ..catalog import load_catalog
    from ..errors import CreditCheckError

    try:
        return load_catalog(data_dir).section_by_id(folder).short
    except CreditCheckError:  # 目录里已没有这个科室编号：照录文件夹名
        return folder
