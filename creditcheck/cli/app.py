"""启动终端界面（``creditcheck`` 不带子命令），以及 ``creditcheck calendar ics``（期限写成日历文件）。

这里把各层接在一起：读设置、定数据文件夹、加载目录与日历、打开本科室的仓库（取得占用锁，
拿不到时只读），再把这些注入界面。Textual 只在真正启动界面时才导入。
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..errors import InputError
from ..locations import default_data_dir, settings_path
from ..month import Month
from .common import data_option, friendly_errors, load_env, now

BENCH_EXIT_ENV = "CREDITCHECK_EXIT_AFTER_PAINT"
"""基准测试用：为 1 时首页第一次画好后立即退出。"""


def open_store(data_dir: Path, section_id: str = "", actor: str = ""):  # type: ignore[no-untyped-def]
    """本科室的仓库：有科室时取得占用锁（另一处正在用时只读）；首次设置前不加锁。"""
    from storage.store import Store

    if section_id:
        return Store(data_dir, section_id=section_id, actor=actor)
    return Store(data_dir)


def run_app(data: Path | None, *, demo: bool | None = None) -> None:
    """启动界面。``data`` 为 --data 指定的数据文件夹（否则取设置中的，再否则取默认）。

    ``demo``（或数据文件夹是 ``creditcheck demo`` 新建的临时文件夹）时以演示科室打开，
    不读也不改本机设置，用户的真实数据不受影响。
    """
    from ..settings import Settings

    env = load_env(data)
    settings = env.settings
    persist = _persist
    notice = ""
    if demo is None:
        demo = data is not None and data.name.startswith("creditcheck-demo-")
    if demo:
        settings = Settings(section_id="commerce", person="演示用户", phone="0531-00000000", data_dir=str(env.data_dir))
        persist = _discard
        notice = f"演示数据（{env.data_dir}）：可以随意试用，不影响您的真实数据；本机设置也不会被修改。"
    store = open_store(env.data_dir, settings.section_id, settings.person)

    from screens.app import CreditCheckApp
    from screens.context import AppContext

    ctx = AppContext(
        store=store,
        catalog=env.catalog,
        calendar=env.calendar,
        settings=settings,
        save_settings=persist,
        now=now,
        data_dir=env.data_dir,
        open_store=open_store,
        default_data_dir=default_data_dir(),
        notice=notice,
    )
    bench = os.environ.get(BENCH_EXIT_ENV) == "1"
    app = CreditCheckApp(ctx, exit_after_paint=bench)
    try:
        app.run(headless=bench)
    finally:
        close = getattr(ctx.store, "close", None)
        if close is not None:
            close()


def _persist(new) -> None:  # type: ignore[no-untyped-def]
    from storage.settings_file import save_settings

    save_settings(new, settings_path())


def _discard(new) -> None:  # type: ignore[no-untyped-def]
    """演示时设置只在内存里改。"""


@click.command(name="ics")
@click.option("--section", "section_text", default=None, help="科室（编号、全称或简称）；默认为本机设置的科室。")
@click.option("--month", "month_text", default=None, help="统计月份，如 2026-11；默认为本月。")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="输出文件（.ics）。")
@data_option
@friendly_errors
def calendar_ics(section_text: str | None, month_text: str | None, out: Path, data: Path | None) -> None:
    """把某科室某月尚未完成的期限写成日历文件（.ics），可导入 Outlook、WPS 日历和手机日历，每项提前一天提醒。

    例：creditcheck calendar ics -o 期限提醒.ics
        creditcheck calendar ics --section 商事登记科 --month 2026-11 -o 商事登记科11月.ics
    """
    from storage.store import Store

    from ..obligations import obligations_for, open_obligations

    env = load_env(data)
    if section_text:
        section = env.catalog.section(section_text)
    elif env.settings.section_id:
        section = env.catalog.section_by_id(env.settings.section_id)
    else:
        raise InputError("本机还没有设置科室；请用 --section 指定，如 --section 商事登记科")
    month = Month.parse(month_text) if month_text else Month.of(env.today)
    if out.suffix.lower() != ".ics":
        out = out.with_name(out.name + ".ics")
    if not out.parent.expanduser().is_dir():
        raise InputError(f"文件夹不存在：{out.parent}")
    store = Store(env.data_dir, read_only=True)
    sm = store.load_month(section.id, month, env.catalog.version)
    items = open_obligations(obligations_for(env.catalog, env.calendar, sm, env.now, env.settings.horizon_days))
    from exports.ics import write_ics

    path = write_ics(out.expanduser(), items, env.catalog, now=env.now,
                     name=f"信用自查期限（{section.short}）")
    if items:
        click.echo(f"已写出 {len(items)} 项未完成的期限：{path}")
        click.echo("用 Outlook、WPS 日历或手机日历“导入”这个文件即可，每项会在前一天提醒。")
    else:
        click.echo(f"{section.short}{month.label}没有未完成的期限；已写出空日历：{path}")


def register(main: click.Group) -> None:
    group = main.commands["calendar"]
    assert isinstance(group, click.Group)
    group.add_command(calendar_ics)
