"""``creditcheck calendar ics``（期限写成日历文件）。

启动终端界面的代码在 launch.py（不依赖 click）；``run_app``、``open_store`` 仍可从这里导入。
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError
from ..month import Month
from .common import data_option, force_option, friendly_errors, load_env, output_option
from .launch import BENCH_EXIT_ENV, open_store, run_app
from .outputs import check_output, writing_output

__all__ = ["BENCH_EXIT_ENV", "open_store", "run_app", "calendar_ics", "register"]


@click.command(name="ics")
@click.option(
    "--section",
    "section_text",
    default=None,
    help="科室（全称、简称或开头几个字，如 商事）；默认为本机设置的科室。",
)
@click.option("--month", "month_text", default=None, help="统计月份，如 2026-11；默认为本月。")
@output_option("输出文件（.ics）。", required=True)
@force_option
@data_option
@friendly_errors
def calendar_ics(
    section_text: str | None, month_text: str | None, out: Path, force: bool, data: Path | None
) -> None:
    """把某科室某月尚未完成的期限写成日历文件（.ics），可导入 Outlook、WPS 日历和手机日历，每项提前一天提醒。

    例：creditcheck calendar ics -o 期限提醒.ics
        creditcheck calendar ics --section 商事登记科 --month 2026-11 -o 商事登记科11月.ics
    """
    from ..services import documents
    from ..services.stores import reading_store

    env = load_env(data)
    if section_text:
        section = env.catalog.section(section_text)
    elif env.settings.section_id:
        section = env.catalog.section_by_id(env.settings.section_id)
    else:
        raise InputError("本机还没有设置科室；请用 --section 指定，如 --section 商事登记科")
    month = Month.parse(month_text) if month_text else Month.of(env.today)
    out = check_output(
        out, force=True, data_dir=env.data_dir
    )  # 给出的路径本身：设备、FIFO、数据文件夹
    if out.suffix.lower() != ".ics":
        out = out.with_name(out.name + ".ics")
    out = check_output(out, force=force, data_dir=env.data_dir, parent_must_exist=True)
    items = documents.open_deadlines(
        reading_store(env.data_dir),
        env.catalog,
        env.calendar,
        section.id,
        month,
        env.now,
        env.settings.horizon_days,
    )
    with writing_output(out):
        path = documents.export_calendar(
            out.expanduser(), items, env.catalog, env.now, name=f"信用自查期限（{section.short}）"
        )
    if items:
        click.echo(f"已写出 {len(items)} 项未完成的期限：{path}")
        click.echo("用 Outlook、WPS 日历或手机日历“导入”这个文件即可，每项会在前一天提醒。")
    else:
        click.echo(f"{section.short}{month.label}没有未完成的期限；已写出空日历：{path}")


def register(main: click.Group) -> None:
    group = main.commands["calendar"]
    assert isinstance(group, click.Group)
    group.add_command(calendar_ics)
