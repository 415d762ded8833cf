"""体系科的命令：``overview``（总览与排名）、``review``（提交与审核）、``export summary``（汇总材料）、
``export package`` / ``import package``（没有共享文件夹时在电脑之间传递科室数据）。"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import InputError
from ..month import Month
from .common import (
    Env,
    data_option,
    echo_json,
    force_option,
    friendly_errors,
    load_env,
    month_option,
    output_option,
)
from .outputs import check_output, writing_output

if TYPE_CHECKING:
    from ..coordination import Overview


# ───────────────────────── 公共 ─────────────────────────


def _month(text: str) -> Month:
    return Month.parse(text)


def build(env: Env, month: Month) -> Overview:
    """本月总览（与界面的体系科屏幕同一个读取器：services.overview）。"""
    from ..services.overview import OverviewService
    from ..services.stores import reading_store

    store = reading_store(env.data_dir)
    service = OverviewService(store, env.catalog, env.calendar, env.data_dir)
    ov = service.overview(month, env.now)
    for notice in store.take_notices():  # 损坏的月份被跳过：说出来，不让汇总悄悄少一块
        click.echo(f"注意：{notice}", err=True)
    return ov


def _is_coordinator(env: Env) -> bool:
    if env.settings.coordinator:
        return True
    coord = env.catalog.coordinator
    return coord is not None and env.settings.section_id == coord.id


def _actor(env: Env) -> str:
    if env.settings.person:
        return env.settings.person
    sid = env.settings.section_id
    if sid:
        try:
            return env.catalog.section_by_id(sid).short
        except Exception:  # noqa: BLE001 - 设置里的科室不在目录中时只是不写名字
            return sid
    return ""


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("F", "W") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


# ───────────────────────── overview ─────────────────────────


@click.command(name="overview")
@month_option
@click.option(
    "--json", "as_json", is_flag=True, help="以 JSON 输出（矩阵、得分、及时率、排名、趋势、通报）。"
)
@data_option
@friendly_errors
def overview_cmd(month_text: str, as_json: bool, data: Path | None) -> None:
    """各科室 × 各指标的完成情况矩阵、得分与排名（体系科汇总用）。

    \b
    例：
      creditcheck overview --month 2026-11
      creditcheck overview --month 2026-11 --json > 总览.json
    """
    from ..coordination import LEGEND

    env = load_env(data)
    ov = build(env, _month(month_text))
    if as_json:
        echo_json(ov.to_json())
        return
    name_w = max(_width(r.name) for r in ov.rows) + 2
    ids = [i.id for i in env.catalog.indicators]
    click.echo(
        f"{ov.month.label} 各科室完成情况（统计截至 {env.now:%Y-%m-%d %H:%M}，目录 {env.catalog.version}）"
    )
    click.echo("")
    head = (
        _pad("科室", name_w) + " ".join(f"{i:>2}" for i in ids) + "   完成   得分  排名  审核状态"
    )
    click.echo(head)
    for r in ov.rows:
        cells = " ".join(_pad(r.cells[i].state.symbol, 2) for i in ids)
        click.echo(
            _pad(r.name, name_w)
            + cells
            + f"  {r.completion_label:>5}  {r.score.weighted:5.1f}  {r.rank:>4}  {r.review.value}"
        )
    click.echo("")
    click.echo("图例：" + LEGEND)
    click.echo("指标：" + "  ".join(f"{i.id}.{i.short}" for i in env.catalog.indicators))
    click.echo("")
    click.echo("排名（得分高者在前，得分相同看按时完成率，两者都相同的并列）：")
    for r in ov.ranking:
        click.echo(
            f"  {r.rank:>2}  {_pad(r.name, name_w)}{r.score.weighted:5.1f}分  按时完成 {r.timeliness_label}"
        )
    click.echo("")
    click.echo("通报：" + ov.bulletin)


# ───────────────────────── review ─────────────────────────


@click.group(name="review")
def review_group() -> None:
    """月度报送的提交与审核：科室提交，体系科审核通过或退回修改；审核通过后锁定，重新打开须写理由。

    审核通过、退回、重新打开记在体系科自己的审核文件里（数据文件夹下的 reviews），不写科室的文件，
    科室开着程序时也能审核；科室那边换月、保存或两分钟内就会看到。

    \b
    例：
      creditcheck review submit --section 商事登记科 --month 2026-11
      creditcheck review approve --section 商事登记科 --month 2026-11
      creditcheck review return --section 商事登记科 --month 2026-11 --comment "请补充第6项材料"
      creditcheck review reopen --section 商事登记科 --month 2026-11 --comment "台账有误需更正"
      creditcheck review show --section 商事登记科 --month 2026-11
    """


_section_opt = click.option(
    "--section",
    "section_text",
    required=True,
    help="科室（全称、简称或开头几个字，如 商事登记科、商事）。",
)
_month_opt = month_option


def _review_action(
    action: str, section_text: str, month_text: str, comment: str, data: Path | None
) -> None:
    """submit / withdraw 写科室的月度文件（写入时短暂取得该科室的锁）；approve / return / reopen 是体系科的
    决定，只写体系科的审核文件（reviews/），不需要科室的锁：科室正开着程序时也能审核。"""
    from .. import review
    from ..services.reviews import DONE_TEXT, review_action
    from ..services.stores import writing_store

    env = load_env(data)
    section = env.catalog.section(section_text)
    month = _month(month_text)
    if action in review.DECISION_ACTIONS and not _is_coordinator(env):
        raise InputError(
            "只有体系科（汇总审核）可以审核、退回或重新打开；本机未设为体系科"
            "（在界面按 S 打开设置，把本机科室选为体系建设科）"
        )
    actor = _actor(env)
    sm = review_action(
        writing_store(env.data_dir, actor),
        env.catalog,
        section.id,
        month,
        action,
        actor,
        env.now,
        comment,
    )
    click.echo(f"{section.short}{month.label}：{DONE_TEXT[action]}。当前状态：{sm.review.value}")


def _review_command(
    name: str, comment_help: str | None = None
) -> Callable[[Callable[..., None]], click.Command]:
    """review 子命令共同的选项：--section、--month、（可选的）--comment、--data，出错时一行中文。"""

    def deco(func: Callable[..., None]) -> click.Command:
        f = data_option(friendly_errors(func))
        if comment_help is not None:
            f = click.option("--comment", default="", help=comment_help)(f)
        return review_group.command(name=name)(_section_opt(_month_opt(f)))

    return deco


@_review_command("submit", "附言（可选）。")
def submit_cmd(section_text: str, month_text: str, comment: str, data: Path | None) -> None:
    """科室提交本月材料（未提交或被退回时可提交）。"""
    _review_action("submit", section_text, month_text, comment, data)


@_review_command("withdraw")
def withdraw_cmd(section_text: str, month_text: str, data: Path | None) -> None:
    """科室撤回尚未审核的提交。"""
    _review_action("withdraw", section_text, month_text, "", data)


@_review_command("approve", "审核意见（可选）。")
def approve_cmd(section_text: str, month_text: str, comment: str, data: Path | None) -> None:
    """体系科审核通过；此后本月对科室锁定。"""
    _review_action("approve", section_text, month_text, comment, data)


@_review_command("return", "退回意见（必填），显示在该科室的首页。")
def return_cmd(section_text: str, month_text: str, comment: str, data: Path | None) -> None:
    """体系科退回修改，必须用 --comment 写明意见。"""
    if not comment.strip():
        raise InputError("退回修改时必须用 --comment 填写意见")
    _review_action("return", section_text, month_text, comment, data)


@_review_command("reopen", "重新打开的理由（必填），记入审核记录与审计日志。")
def reopen_cmd(section_text: str, month_text: str, comment: str, data: Path | None) -> None:
    """重新打开已审核通过的月份，必须用 --comment 写明理由。"""
    if not comment.strip():
        raise InputError("重新打开已审核通过的月份必须用 --comment 填写理由")
    _review_action("reopen", section_text, month_text, comment, data)


@_review_command("show")
def show_cmd(section_text: str, month_text: str, data: Path | None) -> None:
    """显示某科室某月的审核状态与全部审核记录（提交、退回意见、重新打开的理由……）。"""
    from ..review import ACTION_LABELS
    from ..services.reviews import month_history
    from ..services.stores import reading_store

    env = load_env(data)
    section = env.catalog.section(section_text)
    month = _month(month_text)
    sm, notices = month_history(reading_store(env.data_dir), section.id, month)
    for n in notices:
        click.echo(f"注意：{n}", err=True)
    click.echo(f"{section.short}{month.label}：{sm.review.value}")
    if not sm.history:
        click.echo("（还没有审核记录）")
    for h in sm.history:
        line = f"  {h.at:%Y-%m-%d %H:%M}  {ACTION_LABELS.get(h.action, h.action)}"
        if h.by:
            line += f"  {h.by}"
        if h.comment:
            line += f"  {'理由' if h.action == 'reopen' else '意见'}：{h.comment}"
        click.echo(line)


# ───────────────────────── export summary ─────────────────────────


@click.command(name="summary")
@month_option
@data_option
@output_option(
    "输出文件；默认为当前文件夹下的“{局名}{年月}信用状况监测工作情况汇总.docx”（或 .xlsx）。"
)
@click.option("--xlsx", is_flag=True, help="导出为 Excel 工作簿（同样的表格），而不是 Word。")
@click.option(
    "--to",
    "to",
    type=click.Choice(["区信用办", "各科室"]),
    default="区信用办",
    show_default=True,
    help="区信用办：以局的名义报区信用办的报告；各科室：体系科发各科室的通报。",
)
@force_option
@friendly_errors
def export_summary_cmd(
    month_text: str, data: Path | None, out: Path | None, xlsx: bool, to: str, force: bool
) -> None:
    """导出月度汇总材料（公文版式 Word，或 --xlsx 的 Excel）。

    --to 区信用办（默认）：“{局名}关于{年月}信用状况监测工作情况的报告”，以局的名义落款；
    --to 各科室：“政务服务体系建设指导科关于{年月}信用状况监测工作情况的通报”，由体系科落款。
    内容：总体情况、各科室完成情况及局内排名、各指标完成情况、“双公示”数据质量、逾期事项、未报送科室。

    \b
    例：
      creditcheck export summary --month 2026-11
      creditcheck export summary --month 2026-11 --to 各科室
      creditcheck export summary --month 2026-11 --xlsx -o 汇总.xlsx
    """
    from exports.summary import default_file_name, export_summary

    env = load_env(data)
    ov = build(env, _month(month_text))
    bureau = env.settings.bureau or env.catalog.bureau
    suffix = ".xlsx" if xlsx else ".docx"
    path = out if out is not None else Path(default_file_name(bureau, ov, suffix, to=to))
    template = Path(env.settings.template) if (env.settings.template and not xlsx) else None
    path = check_output(path, force=force, data_dir=env.data_dir, inputs=[template])
    with writing_output(path):
        written = export_summary(
            ov,
            path,
            bureau=bureau,
            day=env.now,
            xlsx=xlsx,
            font_profile=env.settings.font_profile,
            template=template,
            to=to,
        )
    click.echo(f"已导出：{written}")
    click.echo(
        f"{len(ov.submitted)}/{len(ov.rows)} 个科室已报送，平均得分 {ov.average_score:.1f}，"
        f"逾期事项 {sum(len(r.overdue) for r in ov.rows)} 项。"
    )


# ───────────────────────── packages ─────────────────────────


@click.command(name="package")
@month_option
@click.option("--section", "section_text", default=None, help="科室（默认为本机设置的科室）。")
@data_option
@output_option("输出文件；默认为当前文件夹下的 creditcheck-<科室编号>-<年-月>.ccpkg。")
@click.option(
    "--with-evidence", is_flag=True, help="把佐证材料原件一并放入数据包（文件可能较大）。"
)
@force_option
@friendly_errors
def export_package_cmd(
    month_text: str,
    section_text: str | None,
    data: Path | None,
    out: Path | None,
    with_evidence: bool,
    force: bool,
) -> None:
    """把本科室一个月的自查记录打成一个数据包，交给体系科导入（没有共享文件夹时用）。

    数据包含本月记录、台账、佐证材料清单（含 SHA-256 指纹），以及整个内容的 SHA-256；
    加 --with-evidence 时连同佐证材料原件。

    \b
    例：
      creditcheck export package --month 2026-11
      creditcheck export package --month 2026-11 --section 商事登记科 --with-evidence -o U盘/商事登记科11月.ccpkg
    """
    from exports.package import default_file_name, ledger_kinds, write_package
    from storage.store import Store

    env = load_env(data)
    if section_text is None:
        if not env.settings.section_id:
            raise InputError("本机还没有设置科室，请用 --section 指明科室")
        section_text = env.settings.section_id
    section = env.catalog.section(section_text)
    month = _month(month_text)
    store = Store(env.data_dir, read_only=True)
    stored = [m for m in store.months(section.id) if m.month == month]
    if not stored:
        raise InputError(
            f"没有{section.short}{month.label}的自查记录，无法导出数据包（数据文件夹：{env.data_dir}）"
        )
    sm = stored[0]
    ledgers = {}
    for kind in ledger_kinds(env.catalog, sm):
        rows = store.load_ledger(section.id, month, kind)
        if rows is not None:
            ledgers[kind] = rows
    path = out if out is not None else Path(default_file_name(section.id, month))
    path = check_output(path, force=force, data_dir=env.data_dir)
    with writing_output(path):
        res = write_package(
            path,
            sm,
            env.catalog,
            ledgers,
            env.now,
            with_evidence=with_evidence,
            created_by=env.settings.person,
        )
    for w in res.warnings:
        click.echo(f"注意：{w}", err=True)
    click.echo(f"已导出数据包：{res.path}")
    click.echo(
        f"科室：{section.name}  月份：{month.label}  审核状态：{sm.review.value}  "
        f"台账：{len(ledgers)} 种  佐证原件：{res.evidence_included} 份"
    )
    click.echo(f"SHA-256：{res.payload_sha256}")
    if sm.review.value == "未提交":
        click.echo(
            "提示：本月尚未提交。如已完成自查，请先 creditcheck review submit 再导出，"
            "体系科导入后才会显示“已提交”。",
            err=True,
        )


@click.command(name="package")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@data_option
@click.option(
    "--force",
    is_flag=True,
    help="即使不比已导入的新、本机记录更新、已审核通过或目录版本不同，也导入并替换。",
)
@click.option(
    "--yes",
    "-y",
    is_flag=True,
    help="数据包来源与上次不同（换了电脑、科室名称不符）时不再询问，照常导入。",
)
@friendly_errors
def import_package_cmd(file: Path, data: Path | None, force: bool, yes: bool) -> None:
    """导入科室交来的数据包 FILE：校验完整性（SHA-256）、科室、月份、目录版本后保存。

    同一科室同一月份只接受比上次导入更新的数据包；被改动、损坏或不完整的数据包整包拒收并说明原因。

    \b
    例：
      creditcheck import package creditcheck-commerce-2026-11.ccpkg
    """
    import sys

    from exports.input_safety import regular_file
    from storage.store import Store

    from ..services.packages import Provenance, import_package

    regular_file(file, "数据包")  # FIFO、设备、文件夹当场拒绝
    env = load_env(data)
    actor = _actor(env)
    store = Store(env.data_dir, actor=actor)

    def confirm(prov: Provenance) -> bool:
        click.echo(f"数据包：{prov.describe()}")
        for q in prov.questions:
            click.echo(f"请注意：{q}")
        if yes:
            return True
        if not sys.stdin.isatty():
            return False
        return click.confirm("确认这个数据包来源无误、要导入吗", default=False)

    res = import_package(
        file,
        store,
        env.catalog,
        env.now,
        force=force,
        confirm=confirm,
        actor=f"{actor} 导入数据包 {file.name}".strip(),
    )
    section = env.catalog.section_by_id(res.section_id)
    verb = "已替换" if res.replaced else "已导入"
    click.echo(
        f"{verb}：{section.name} {res.month.label}（数据包生成于 {res.created_at:%Y-%m-%d %H:%M}）"
    )
    click.echo(
        f"  来源：由 {res.created_by or '（未注明姓名）'} 在电脑 {res.machine or '（未注明）'} 上生成"
    )
    if res.previous_created_at is not None:
        click.echo(f"  替换了 {res.previous_created_at:%Y-%m-%d %H:%M} 生成的数据包")
    click.echo(
        f"  审核状态：{res.review.value}  台账：{len(res.ledgers)} 种  佐证原件：{res.evidence_files} 份"
    )
    for note in res.notes:
        click.echo(f"注意：{note}")


def register(main: click.Group) -> None:
    main.add_command(overview_cmd)
    main.add_command(review_group)
    export = main.commands["export"]
    imp = main.commands["import"]
    assert isinstance(export, click.Group) and isinstance(imp, click.Group)
    export.add_command(export_summary_cmd)
    export.add_command(export_package_cmd)
    imp.add_command(import_package_cmd)
