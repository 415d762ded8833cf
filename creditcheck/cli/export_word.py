"""``creditcheck export submission``：生成科室月度报送材料（Word，公文版式）。"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import CreditCheckError
from ..month import Month
from .common import current_month, data_option, fail, friendly_errors, load_env

LEDGER_KINDS_LISTED = ("commitment", "code-errors")
"""报送材料里逐条列出的台账（“双公示”台账只列计数和比率）。"""


@click.command("submission")
@click.option("--section", "-s", "section_text", required=True, metavar="科室",
              help="科室全称或简称，如 商事登记科。")
@click.option("--month", "-m", "month_text", default=None, callback=current_month, metavar="月份", help="统计月份，如 2026-11；默认为本月。")
@data_option
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None, metavar="文件",
              help="输出文件（默认为当前文件夹下的“科室简称-2026年11月信用监测报送材料.docx”）；"
                   "给出文件夹时放在该文件夹下。")
@click.option("--template", "template", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="文件", help="自定义 Word 模板（.docx），默认取设置中的模板，没有时用内置公文版式。")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖它。")
@friendly_errors
def submission(section_text: str, month_text: str, data: Path | None, output: Path | None,
               template: Path | None, force: bool) -> None:
    """生成某科室某月的信用状况监测报送材料（Word，GB/T 9704 公文版式）。

    例：creditcheck export submission --section 商事登记科 --month 2026-11
    """
    from exports.submission import default_filename, export_submission
    from storage.store import Store

    env = load_env(data)
    section = env.catalog.section(section_text)
    month = Month.parse(month_text)
    name = default_filename(env.catalog, section.id, month)
    if output is None:
        out = Path.cwd() / name
    elif output.is_dir():
        out = output / name
    else:
        out = output
    if out.suffix.lower() != ".docx":
        fail(f"输出文件应以 .docx 结尾：{out}")
    if out.exists() and not force:
        fail(f"文件已存在：{out}。如需覆盖，请加 --force；或用 -o 指定另一个文件名")
    if template is None and env.settings.template:
        template = Path(env.settings.template).expanduser()

    try:  # 导出前备份本科室有改动的数据文件（失败不妨碍导出，只提示）
        Store(env.data_dir, backup_on_open=False).backup("export", sections=[section.id])
    except CreditCheckError as e:
        click.echo(f"注意：导出前备份未完成：{e}", err=True)
    store = Store(env.data_dir, read_only=True)
    sm = store.load_month(section.id, month, env.catalog.version)
    rows: dict[str, list[dict]] = {}
    for kind in LEDGER_KINDS_LISTED:
        got = store.load_ledger(section.id, month, kind)
        if got:
            rows[kind] = got
    if not sm.entries:
        click.echo(f"注意：{section.name}{month.label}还没有自查记录，材料中各项均为“未开始”。", err=True)
    year = [m for m in store.months(section.id) if m.month.year == month.year and m.month < month]
    catalog = env.catalog_for(month, sm.catalog_version)
    path = export_submission(catalog, env.calendar, sm, env.settings, out, now=env.now,
                             template=template, ledger_rows=rows, year_months=year)
    n = len(catalog.assigned(section.id))
    click.echo(f"已生成报送材料：{path}（{section.name}{month.label}，{n}项指标）")


def register(main: click.Group) -> None:
    export = main.commands["export"]
    assert isinstance(export, click.Group)
    export.add_command(submission)
