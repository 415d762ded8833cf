"""``creditcheck export submission``：生成科室月度报送材料（Word，公文版式）。"""

from __future__ import annotations

from pathlib import Path

import click

from ..month import Month
from ..services.documents import LEDGER_KINDS_LISTED
from .common import current_month, data_option, fail, friendly_errors, load_env
from .outputs import check_output, is_empty_path, writing_output

__all__ = ["LEDGER_KINDS_LISTED", "register", "submission"]


@click.command("submission")
@click.option(
    "--section",
    "-s",
    "section_text",
    required=True,
    metavar="科室",
    help="科室全称或简称，如 商事登记科。",
)
@click.option(
    "--month",
    "-m",
    "month_text",
    default=None,
    callback=current_month,
    metavar="月份",
    help="统计月份，如 2026-11；默认为本月。",
)
@data_option
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(path_type=Path),
    default=None,
    metavar="文件",
    help="输出文件（默认为当前文件夹下的“科室简称-2026年11月信用监测报送材料.docx”）；"
    "给出文件夹时放在该文件夹下。",
)
@click.option(
    "--template",
    "template",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="文件",
    help="自定义 Word 模板（.docx），默认取设置中的模板，没有时用内置公文版式。",
)
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖它。")
@click.option(
    "--with-requirements",
    "with_requirements",
    is_flag=True,
    default=None,
    help="在各指标的完成情况后附上实施方案的责任要求原文（默认不附，也可在设置中开启）。",
)
@click.option(
    "--folder",
    "as_folder",
    is_flag=True,
    help="生成一个以科室和月份命名的文件夹，报送材料与本月工作台账（Excel）放在一起，"
    "附件说明写明台账文件名；-o 给出的是放这个文件夹的位置。",
)
@friendly_errors
def submission(
    section_text: str,
    month_text: str,
    data: Path | None,
    output: Path | None,
    template: Path | None,
    force: bool,
    with_requirements: bool | None,
    as_folder: bool,
) -> None:
    """生成某科室某月的信用状况监测报送材料（Word，GB/T 9704 公文版式）。

    例：creditcheck export submission --section 商事登记科 --month 2026-11
    """
    from exports.submission import default_folder_name, ledger_workbook_name

    from ..services import documents
    from ..services.stores import writing_store

    env = load_env(data)
    section = env.catalog.section(section_text)
    month = Month.parse(month_text)
    name = documents.submission_file_name(env.catalog, section.id, month)
    folder: Path | None = None
    if as_folder:
        folder = (output or Path.cwd()) / default_folder_name(env.catalog, section.id, month)
        out = folder / name
    elif output is None:
        out = Path.cwd() / name
    elif is_empty_path(output):
        out = check_output(output)
    elif output.is_dir():
        out = output / name
    else:
        out = output
    if out.suffix.lower() != ".docx":
        fail(f"输出文件应以 .docx 结尾：{out}")
    if template is None and env.settings.template:
        template = Path(env.settings.template).expanduser()
    out = check_output(out, force=force, data_dir=env.data_dir, inputs=[template])
    workbook_path: Path | None = None
    if folder is not None:
        workbook_path = folder / ledger_workbook_name(env.catalog, section.id, month)
        workbook_path = check_output(workbook_path, force=force, data_dir=env.data_dir)
        folder.mkdir(parents=True, exist_ok=True)
    from storage.doctor import damaged_aside

    aside = damaged_aside(env.data_dir, section.id, str(month))
    for p in aside:
        click.echo(
            f"警告：{section.name}{month.label}的数据文件曾损坏，已改名为 {p.name} 保留，还没有恢复；"
            f'这份材料按现有记录生成，可能不完整。恢复方法见 creditcheck doctor --data "{env.data_dir}"',
            err=True,
        )
    with writing_output(out):
        done = documents.export_submission(
            writing_store(env.data_dir, backup_on_open=False),
            env.catalog,
            env.data_dir,
            env.calendar,
            env.settings,
            section.id,
            month,
            out,
            env.now,
            template=template.expanduser() if template else None,
            with_requirements=with_requirements,
            ledger_workbook=workbook_path,
        )
    if done.backup_error:  # 导出前备份本科室有改动的数据文件（失败不妨碍导出，只提示）
        click.echo(f"注意：导出前备份未完成：{done.backup_error}", err=True)
    if not done.sm.entries and not aside:
        click.echo(
            f"注意：{section.name}{month.label}还没有自查记录，材料中各项均为“未开始”。", err=True
        )
    n = len(done.catalog.assigned(section.id))
    click.echo(f"已生成报送材料：{done.path}（{section.name}{month.label}，{n}项指标）")
    if done.workbook is not None:
        click.echo(f"已导出工作台账：{done.workbook}")
    elif folder is not None:
        click.echo("本月还没有导入台账，文件夹里只有报送材料。", err=True)


def register(main: click.Group) -> None:
    export = main.commands["export"]
    assert isinstance(export, click.Group)
    export.add_command(submission)
