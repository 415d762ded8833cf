"""基础命令：catalog（指标目录）、due（到期日计算）、calendar（节假日安排）。"""

from __future__ import annotations

from pathlib import Path

import click

from ..dates import check_year
from ..errors import InputError
from ..rules import DeadlineRule, compute_due, parse_from
from ..workcal import (
    FALLBACK,
    calendar_dir,
    calendar_file_text,
    is_replace_file,
    load_calendar,
    merge_rules,
    notice_year,
    parse_csv,
    parse_notice,
    read_calendar_text,
    schedule_warnings,
)
from .common import data_option, echo_json, friendly_errors, load_env, resolve_data_dir


@click.command()
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（供其他脚本使用）。")
@data_option
@friendly_errors
def catalog(as_json: bool, data: Path | None) -> None:
    """列出监测指标：序号、一级指标、二级指标、责任科室、期限规则、权重。"""
    env = load_env(data)
    cat = env.catalog
    if as_json:
        echo_json(cat.to_json())
        return
    click.echo(
        f"指标目录 {cat.version}（{cat.effective.label}起施行，依据 {cat.source}；{cat.path}）"
    )
    group = None
    for ind in cat.indicators:
        if ind.group != group:
            group = ind.group
            click.echo(f"\n【{group}】")
        names = "、".join(cat.section_by_id(s).short for s in ind.sections)
        rules = "，".join(
            f"{r.rule.label}（{r.rule}）" + ("［本软件提醒，非实施方案期限］" if r.reminder else "")
            for r in ind.rules
        )
        click.echo(f"{ind.id:>2}. {ind.title}")
        click.echo(f"    责任科室：{names}")
        click.echo(f"    期限：{rules}")
        click.echo(f"    权重：{ind.weight:g}")


@click.command()
@click.argument("start", metavar="FROM")
@click.option(
    "--rule", "rule_text", required=True, help="期限规则，如 working-days:3、monthly:26、hours:48。"
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@data_option
@friendly_errors
def due(start: str, rule_text: str, as_json: bool, data: Path | None) -> None:
    """计算到期日。FROM 为日期（2026-09-30）、日期时间（2026-09-30T15:00）或月份（2026-12）。"""
    rule = DeadlineRule.parse(rule_text)
    frm = parse_from(start)
    cal = load_calendar(resolve_data_dir(data))
    result = compute_due(frm, rule, cal)
    if as_json:
        echo_json(result.to_json())
        return
    j = result.to_json()
    click.echo(f"起算：{j['from']}  规则：{rule.label}（{rule}）")
    click.echo(f"到期：{j['due']}")
    if j["effective_due"] != j["due"]:
        click.echo(
            f"实际截止：{j['effective_due']}（{j['due'][8:10].lstrip('0')}日不是工作日，提前到此前最后一个工作日）"
        )
    if result.calendar == FALLBACK:
        years = sorted({int(j["from"][:4]), int(j["due"][:4])})
        missing = [y for y in years if not cal.covers(y)]
        for y in missing or years:
            click.echo(f"注意：{cal.fallback_warning(y)}")


@click.group(name="calendar")
def calendar_group() -> None:
    """节假日安排：导入（CSV 或国务院通知原文）、查看、导出提醒（.ics）。"""


@calendar_group.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=int, default=None, help="年份（通知标题中没有年份时必填）。")
@click.option(
    "--replace", is_flag=True, help="整年替换：该年不再看内置安排和以前导入的安排（默认逐日合并）。"
)
@data_option
@friendly_errors
def calendar_import(file: Path, year: int | None, replace: bool, data: Path | None) -> None:
    """导入一年的节假日安排。

    FILE 可以是 CSV（每行“日期,类型”，类型为 放假 或 上班），也可以是国务院办公厅
    《关于××××年部分节假日安排的通知》的原文（.txt）。默认逐日合并：文件里列出的日子
    优先于内置安排，其余日子照旧；加 --replace 时该年整年以文件为准。
    """
    from exports.input_safety import MAX_HOLIDAY_FILE, read_limited

    raw = read_limited(
        file, MAX_HOLIDAY_FILE, "节假日文件"
    )  # 只读普通文件，有大小上限（FIFO、/dev/zero 当场拒绝）
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError(f"文件 {file} 既不是 UTF-8 也不是 GBK 编码的文本") from None
    is_csv = file.suffix.lower() == ".csv" or (
        "," in text.splitlines()[0] if text.strip() else False
    )
    if is_csv:
        rules = parse_csv(text, source=f"用户导入（{file.name}）")
    else:
        rules = parse_notice(text, year=year)
    years = sorted({r.day.year for r in rules})
    if year is not None and is_csv:
        rules = [r for r in rules if r.day.year == year] or rules
    target_year = check_year(year or (notice_year(text) if not is_csv else None) or years[0])
    folder = calendar_dir(resolve_data_dir(data))
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{target_year}.csv"
    from storage.atomic import write_text_atomic

    for warning in schedule_warnings(rules, load_calendar(None), replace=replace):
        click.echo(f"注意：{warning}", err=True)
    if not replace and out.is_file():
        old_text = read_calendar_text(out)
        if not is_replace_file(old_text):
            rules = merge_rules(parse_csv(old_text, source=f"用户导入（{out.name}）"), rules)
        else:
            replace = True  # 该年原先就是整年替换：新导入的日子并入，仍整年替换
            rules = merge_rules(parse_csv(old_text, source=f"用户导入（{out.name}）"), rules)
    write_text_atomic(out, calendar_file_text(rules, replace=replace))
    off = sum(not r.workday for r in rules)
    on = sum(r.workday for r in rules)
    how = "整年替换内置安排" if replace else "逐日合并到内置安排上，未列出的日子照旧"
    click.echo(
        f"已导入{target_year}年节假日安排（{how}）：放假 {off} 天，调休上班 {on} 天，保存在 {out}"
    )


@calendar_group.command(name="show")
@click.argument("year", type=int)
@data_option
@friendly_errors
def calendar_show(year: int, data: Path | None) -> None:
    """列出某年的放假日与调休上班日，以及每一天的来源。"""
    check_year(year)
    cal = load_calendar(resolve_data_dir(data))
    if not cal.covers(year):
        click.echo(f"注意：{cal.fallback_warning(year)}。可用 creditcheck calendar import 导入。")
        return
    click.echo(f"{year}年节假日安排")
    week = "一二三四五六日"
    for info in cal.year_schedule(year):
        kind = "上班" if info.workday else "放假"
        click.echo(
            f"{info.day.isoformat()}  周{week[info.day.weekday()]}  {kind}  {info.name or '':<6}  来源：{info.source}"
        )


def register(main: click.Group) -> None:
    main.add_command(catalog)
    main.add_command(due)
    main.add_command(calendar_group)
