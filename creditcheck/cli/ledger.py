"""台账命令：``ledger check``（检查）、``ledger import``（导入本月台账）、``ledger template``（空白模板），
以及 ``export ledgers``（科室月度工作台账 .xlsx）。"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import CreditCheckError
from ..filenames import safe_file_name
from ..ledger import LedgerResult
from ..month import Month
from .common import (
    data_option,
    echo_json,
    fail,
    force_option,
    friendly_errors,
    load_env,
    month_option,
    output_option,
    resolve_data_dir,
)
from .outputs import check_output, writing_output

KIND_CHOICE = click.Choice(["licence", "commitment", "code-errors"])
KIND_HELP = "台账种类：licence 双公示（行政许可，默认）、commitment 信用承诺和履约践诺、code-errors 重错码清单。"


@click.group(name="ledger")
def ledger_group() -> None:
    """台账（Excel）：检查、导入本月台账、生成空白模板。

    \b
    例：
      creditcheck ledger check 双公示台账.xlsx
      creditcheck ledger check 双公示台账.xlsx --annotate 标注.xlsx
      creditcheck ledger import 双公示台账.xlsx --section 商事登记科 --month 2026-11
      creditcheck ledger template --kind commitment -o 信用承诺台账模板.xlsx
    """


def _kind_hint(func):  # type: ignore[no-untyped-def]
    """台账种类选错时，在说明后写出确切的选项：“请改用 --kind commitment”。"""
    import functools

    from ..ledger import LedgerReadError

    @functools.wraps(func)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return func(*args, **kwargs)
        except LedgerReadError as e:
            if e.suggested_kind and e.suggested_kind != kwargs.get("kind"):
                raise LedgerReadError(
                    f"{e}：请改用 --kind {e.suggested_kind}", e.suggested_kind
                ) from None
            raise

    return wrapper


def _print_result(result: LedgerResult, file_label: str) -> None:
    from ..ledger import COUNT_LABELS

    spec = result.spec
    click.echo(
        f"文件：{file_label}（工作表“{result.sheet}”，表头在第{result.header_row}行）  台账：{spec.title}"
    )
    if result.rule:
        from ..rules import DeadlineRule

        click.echo(
            f"期限规则：{DeadlineRule.parse(result.rule).label}（{result.rule}，取自指标目录第{spec.indicator_id}项）"
        )
    for note in result.notes:
        click.echo(f"注意：{note}")
    if result.problems:
        click.echo("")
        for p in result.problems:
            value = f"“{p.value}”" if p.value else "（空）"
            tag = "［迟报/逾期］" if p.kind == "late" else ""
            click.echo(f"第{p.row}行  {p.column}  {value}：{tag}{p.message}")
    click.echo("")
    n = len(result.problems)
    if n:
        click.echo(
            f"共 {result.row_count} 行数据，发现 {n} 个问题，涉及 {result.problem_rows} 行。"
        )
    else:
        click.echo(f"共 {result.row_count} 行数据，没有发现问题。")
    labels = COUNT_LABELS[result.kind]
    parts = [f"{labels[k]} {v}" for k, v in result.counts.items() if v is not None]
    click.echo("计数：" + "，".join(parts))
    if result.kind == "code-errors":
        click.echo(f"未清理：{result.open} 条")
    if result.status:
        click.echo("履约情况：" + "，".join(f"{k} {v}" for k, v in result.status.items()))
    for line in result.rate_lines():
        click.echo(line)


@ledger_group.command(name="check")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--kind", type=KIND_CHOICE, default="licence", show_default=True, help=KIND_HELP)
@click.option("--sheet", default=None, help="工作表名称（默认取第一个未隐藏的工作表）。")
@click.option(
    "--json", "as_json", is_flag=True, help="以 JSON 输出：rows、problems、counts、rates。"
)
@click.option(
    "--annotate",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="另存一份标注过的副本：问题单元格涂色并加批注，另加“问题汇总”页。",
)
@click.option("--force", is_flag=True, help="标注副本的文件已存在时覆盖它。")
@data_option
@friendly_errors
@_kind_hint
def check_cmd(
    file: Path,
    kind: str,
    sheet: str | None,
    as_json: bool,
    annotate: Path | None,
    force: bool,
    data: Path | None,
) -> None:
    """检查一份台账 FILE（.xlsx、.xls、.et、.ods 或 .csv）：逐行列出问题（行号、列、内容、说明），并计算上报率、及时率、合规率。

    文件读得了就以 0 退出（不论有无问题）；读不了时给出原因并以非 0 退出。
    """
    from ..services.ledgers import check_ledger

    env = load_env(data)
    if annotate is not None:
        annotate = check_output(
            annotate, force=force, data_dir=env.data_dir, inputs=[file], what="标注副本"
        )
    result = check_ledger(
        file, kind, env.catalog, env.calendar, env.today, sheet, data_dir=env.data_dir
    )
    if as_json:
        echo_json(result.to_json())
        for note in result.notes:
            click.echo(f"注意：{note}", err=True)
    else:
        _print_result(result, str(file))
    if annotate is not None:
        _annotate(file, result, annotate, quiet=as_json)


def _annotate(src: Path, result: LedgerResult, out: Path, quiet: bool) -> None:
    from ..services.ledgers import write_annotated_copy

    if out.resolve() == src.resolve():
        fail("标注副本不能覆盖原文件，请换一个文件名")
    try:
        with writing_output(out):
            path = write_annotated_copy(src, result, out)
    except (CreditCheckError, OSError):
        raise
    except Exception as e:  # noqa: BLE001 - 读得了值但完整打开失败的少见文件
        fail(f"无法写出标注副本：{type(e).__name__}（检查结果不受影响）", code=1)
    msg = f"已写出标注副本：{path}（{len(result.problems)} 个问题）"
    click.echo(msg, err=quiet)


@ledger_group.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--section",
    "section_text",
    required=True,
    help="科室（全称、简称或开头几个字，如 商事登记科、商事）。",
)
@month_option
@click.option("--kind", type=KIND_CHOICE, default="licence", show_default=True, help=KIND_HELP)
@click.option("--sheet", default=None, help="工作表名称（默认取第一个未隐藏的工作表）。")
@click.option("--force", is_flag=True, help="该月已导入过同种台账时，用这次的替换。")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="以 JSON 输出：rows_in_month、rows_other_months、counts、rates、problems。",
)
@data_option
@friendly_errors
@_kind_hint
def import_cmd(
    file: Path,
    section_text: str,
    month_text: str,
    kind: str,
    sheet: str | None,
    force: bool,
    as_json: bool,
    data: Path | None,
) -> None:
    """导入本科室某月的台账 FILE：只收该月的行（按许可决定日期、承诺日期或发现日期），其他月份的行
    放在一边并说明行数；检查后保存各行与计数、比率，自查清单和 Word 月报随之显示。"""
    from ..services.ledgers import import_ledger
    from ..services.stores import writing_store

    env = load_env(data)
    section = env.catalog.section(section_text)
    month = Month.parse(month_text)
    done = import_ledger(
        writing_store(env.data_dir),
        env.catalog,
        env.calendar,
        section.id,
        month,
        kind,
        file,
        env.now,
        sheet=sheet,
        force=force,
        actor=env.settings.person,
    )
    if not done.responsible:
        spec = done.result.spec
        click.echo(
            f"注意：按指标目录，第{spec.indicator_id}项指标不由{section.short}负责；仍照常导入。",
            err=True,
        )
    result = done.result
    if as_json:
        echo_json(result.to_json())
        for note in result.notes:
            click.echo(f"注意：{note}", err=True)
        return
    _print_result(result, str(file))
    verb = "替换" if done.replaced else "导入"
    click.echo(
        f"\n已{verb}：{section.short} {month.label} {result.spec.title}，{result.rows_text}。"
    )


@ledger_group.command(name="template")
@click.option("--kind", type=KIND_CHOICE, default="licence", show_default=True, help=KIND_HELP)
@output_option("输出文件（.xlsx）。", required=True)
@force_option
@data_option
@friendly_errors
def template_cmd(kind: str, out: Path, force: bool, data: Path | None) -> None:
    """生成空白台账模板：表头样式、列宽、首行冻结、日期格式、下拉选项，附“填写说明”页。

    数据文件夹里有 ledger_columns.toml 时，“双公示”模板按它的列生成。
    """
    from exports.xlsx_write import write_template

    from ..ledger import load_ledger_specs

    data_dir = resolve_data_dir(data)
    out = check_output(out, force=True, data_dir=data_dir)  # 给出的路径本身：设备、FIFO、数据文件夹
    if out.suffix == "":
        out = out.with_name(out.name + ".xlsx")
    out = check_output(out, force=force, data_dir=data_dir)
    with writing_output(out):
        path = write_template(kind, out, load_ledger_specs(data_dir)[kind])
    click.echo(f"已生成模板：{path}")


@click.command(name="ledgers")
@click.option(
    "--section", "section_text", required=True, help="科室（全称、简称或开头几个字，如 商事）。"
)
@month_option
@output_option("输出文件（.xlsx），默认在当前文件夹。")
@force_option
@data_option
@friendly_errors
def export_ledgers(
    section_text: str, month_text: str, out: Path | None, force: bool, data: Path | None
) -> None:
    """导出科室某月的工作台账（.xlsx）：首页“概况”为计数与比率，之后每种台账一页。"""
    from ..services.ledgers import export_ledgers as write_ledgers
    from ..services.stores import writing_store

    env = load_env(data)
    section = env.catalog.section(section_text)
    month = Month.parse(month_text)
    if out is None:
        out = Path(
            safe_file_name(f"工作台账-{section.short}-{month.label}", fallback="工作台账") + ".xlsx"
        )
    out = check_output(out, force=force, data_dir=env.data_dir)
    with writing_output(out):
        # 可写地打开（不长期占用）：损坏的数据文件随之改名保留，体检能指出它（与主线此前的做法相同）
        path, kinds, n = write_ledgers(
            writing_store(env.data_dir, backup_on_open=False), env.catalog, section.id, month, out
        )
    click.echo(f"已导出：{path}（{kinds} 种台账，共 {n} 行）")


def register(main: click.Group) -> None:
    main.add_command(ledger_group)
    export = main.commands["export"]
    assert isinstance(export, click.Group)
    export.add_command(export_ledgers)
