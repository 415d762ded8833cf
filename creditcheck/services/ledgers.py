"""台账：检查一份 Excel 台账、导入到某科室某月（唯一的存储形状）、导出科室月度工作台账。

一次导入存两样东西，界面与命令行完全相同：
- 台账文件（``ledger-<种类>-<年>.json``）里该月的各行（每行带自己的问题 ``_issues``）和 ``meta``：
  ``file``、``sheet``、``imported_at``、``header_row``、``rule``（所用期限规则）、``problems``（问题个数）、
  ``notes``（读表时的注意事项）；
- 月度记录的 ``ledgers[种类]``：计数、比率与来源（``LedgerResult.summary``），报送材料与自查清单据此显示。
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditcheck.catalog import Catalog
from creditcheck.errors import InputError
from creditcheck.filenames import safe_file_name
from creditcheck.freeze import ensure_editable
from creditcheck.ledger import KINDS, LedgerResult, load_ledger_specs, spec_for
from creditcheck.models import SectionMonth
from creditcheck.month import Month
from creditcheck.workcal import WorkCalendar

from ..records import dataclass

if TYPE_CHECKING:
    from storage.store import Store


def check_ledger(
    path: Path | str,
    kind: str,
    catalog: Catalog | None,
    cal: WorkCalendar,
    today: date | datetime,
    sheet: str | None = None,
    *,
    data_dir: Path | None = None,
    month: Month | None = None,
) -> LedgerResult:
    """读取并检查一份台账（不存）。读不了时抛出 LedgerReadError（一行中文）。

    列定义取数据文件夹 ``data_dir`` 的 ``ledger_columns.toml``（没有时按内置）。"""
    from exports.ledger_io import check_file

    return check_file(
        path, kind, catalog, cal, today, sheet, month=month, spec=load_ledger_specs(data_dir)[kind]
    )


def read_ledger(
    path: Path | str,
    kind: str,
    catalog: Catalog | None,
    cal: WorkCalendar,
    today: date | datetime,
    sheet: str | None = None,
    *,
    data_dir: Path | None = None,
    month: Month | None = None,
) -> LedgerResult:
    """读取并检查一份台账，保留整理后的各行（``result.rows``）供存入数据文件夹。

    给了 ``month`` 时只收该月的行（按许可决定日期、承诺日期或发现日期），其他月份的行放在一边并计数
    （``result.rows_other_months``）。列定义取数据文件夹的（见 ``check_ledger``）。"""
    from exports.ledger_io import import_ledger

    return import_ledger(
        path, kind, catalog, cal, today, sheet, month=month, spec=load_ledger_specs(data_dir)[kind]
    )


def ledger_meta(result: LedgerResult, path: Path | str, now: datetime) -> dict[str, Any]:
    """台账文件里该月记录的 ``meta``（唯一的形状，见模块说明）。"""
    return {
        "file": Path(path).name,
        "path": str(
            Path(path).resolve()
        ),  # 界面“另存标注副本”在原文件旁边写（screens/ledger_problems.py）
        "sheet": result.sheet,
        "imported_at": now.isoformat(timespec="seconds"),
        "header_row": result.header_row,
        "rule": result.rule,
        "problems": len(result.problems),
        "notes": list(result.notes),
    }


def record_import(
    store: Store,
    sm: SectionMonth,
    result: LedgerResult,
    path: Path | str,
    now: datetime,
    actor: str = "",
    *,
    check_editable: bool = True,
) -> dict[str, Any]:
    """把一次导入的各行存进台账文件，并把摘要放进 ``sm.ledgers``（由调用方随后保存 ``sm``）。

    已提交或锁定的月份不存（抛出 LockedMonthError）。返回摘要。"""
    if check_editable:  # 演示数据按“提交前已导入”构造，不走这一步
        ensure_editable(sm)  # 已提交（待审核）或审核通过的月份不能再导入：先撤回提交
    meta = ledger_meta(result, path, now)
    store.save_ledger(sm.section_id, sm.month, result.kind, result.rows, meta, actor=actor)
    summary = result.summary(meta["file"], meta["imported_at"])
    # 尚未办结的行（没有上报日期的许可决定……）按起算日期记进摘要：首页、总览和文档据此算出各自的期限
    from creditcheck.obligations import pending_rows

    summary["pending"] = pending_rows(result.kind, result.rows)
    sm.ledgers[result.kind] = summary
    return summary


@dataclass
class LedgerImport:
    """一次导入的结果。"""

    result: LedgerResult
    summary: dict[str, Any]
    sm: SectionMonth
    """保存后的月度记录。"""
    replaced: dict[str, Any] | None
    """被替换的上一次导入的摘要；第一次导入时为 None。"""
    responsible: bool
    """按指标目录，这种台账的指标是否由该科室负责（不负责时仍照常导入，只提醒）。"""


def previous_import(
    sm: SectionMonth, kind: str, section_short: str, force: bool
) -> dict[str, Any] | None:
    """该月已导入过同种台账时：``force`` 为真返回它（将被替换），否则抛出说明如何替换的中文错误。"""
    old = sm.ledgers.get(kind)
    if old and not force:
        raise InputError(
            f"{section_short}{sm.month.label}已导入过{spec_for(kind).title}（{old.get('file', '')}，"
            f"{str(old.get('imported_at', '')).replace('T', ' ')[:16]} 导入，{old.get('rows', '?')} 行）；"
            "如要用这次的文件替换，请加 --force"
        )
    return dict(old) if old else None


def import_ledger(
    store: Store,
    catalog: Catalog,
    cal: WorkCalendar,
    section_id: str,
    month: Month,
    kind: str,
    path: Path | str,
    now: datetime,
    *,
    sheet: str | None = None,
    force: bool = False,
    actor: str = "",
) -> LedgerImport:
    """导入某科室某月的台账：检查、存各行、更新并保存该月的记录（命令行用；界面经由 ``MonthSession``）。"""
    spec = spec_for(kind)
    section = catalog.section_by_id(section_id)
    sm = store.load_month(section_id, month, catalog.version)
    ensure_editable(sm)  # 已提交（待审核）或审核通过的月份不能再导入：先撤回提交
    old = previous_import(sm, kind, section.short, force)
    result = read_ledger(
        path, kind, catalog, cal, now.date(), sheet, data_dir=store.data_dir, month=month
    )
    summary = record_import(store, sm, result, path, now, actor)
    store.save_month(sm, actor=actor)
    responsible = section_id in catalog.indicator(spec.indicator_id).sections
    return LedgerImport(result, summary, sm, old, responsible)


def load_ledgers(
    store: Store,
    section_id: str,
    month: Month,
    kinds: tuple[str, ...] = KINDS,
) -> dict[str, list[dict[str, Any]]]:
    """某科室某月已导入的台账各行（没有导入的种类不在结果里）。"""
    out: dict[str, list[dict[str, Any]]] = {}
    for kind in kinds:
        rows = store.load_ledger(section_id, month, kind)
        if rows:
            out[kind] = rows
    return out


def export_ledgers(
    store: Store, catalog: Catalog, section_id: str, month: Month, out: Path
) -> tuple[Path, int, int]:
    """导出科室某月的工作台账（.xlsx）。返回（路径, 台账种数, 总行数）；一种也没导入时抛出中文错误。"""
    from exports.xlsx_write import export_section_month_xlsx

    section = catalog.section_by_id(section_id)
    sm = store.load_month(section_id, month, catalog.version)
    ledgers = {}
    for kind in KINDS:
        rows = store.load_ledger(section_id, month, kind)
        if rows is not None:
            ledgers[kind] = rows
    if not ledgers and not sm.ledgers:
        raise InputError(
            f"{section.short}{month.label}还没有导入任何台账（先用 creditcheck ledger import 导入）"
        )
    path = export_section_month_xlsx(catalog, sm, ledgers, out)
    return Path(path), len(ledgers), sum(len(r) for r in ledgers.values())


def demo_ledger_importer(
    data_dir: Path,
    catalog: Catalog,
    cal: WorkCalendar,
    sections: tuple[str, ...] | None = None,
) -> Callable[[Store, SectionMonth, datetime], list[Path]]:
    """演示数据用：为业务科室本月写演示台账文件并导入（走与界面、命令行相同的导入路径）。

    返回的函数由 ``storage.demo.make_demo`` 在该月填好、提交之前调用（``(仓库, 月度记录, 导入时间)``），
    所以提交时记下的内容指纹已含台账，审核时不会提示“内容与提交时不同”。返回写出的文件。"""
    from creditcheck.demo import LEDGER_SECTIONS
    from exports.demo_ledgers import write_demo_commitment_ledger, write_demo_licence_ledger

    wanted = LEDGER_SECTIONS if sections is None else sections
    folder = data_dir / "台账（演示）"

    def run(store: Store, sm: SectionMonth, at: datetime) -> list[Path]:
        if sm.section_id not in wanted:
            return []
        folder.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        short = catalog.section_by_id(sm.section_id).short
        for kind in ("licence", "commitment"):
            # 用户看得见的文件名用中文：商事登记科-双公示（行政许可）台账-2026年12月.xlsx
            path = folder / (
                safe_file_name(f"{short}-{spec_for(kind).title}-{sm.month.label}") + ".xlsx"
            )
            if kind == "licence":
                write_demo_licence_ledger(path, sm.month, at.date(), section_id=sm.section_id)
            else:
                write_demo_commitment_ledger(
                    path, sm.month, at.date(), seed=11 + wanted.index(sm.section_id)
                )
            result = read_ledger(path, kind, catalog, cal, at, month=sm.month)
            record_import(store, sm, result, path, at)
            written.append(path)
        return written

    return run


def write_annotated_copy(src: Path, result: LedgerResult, out: Path) -> Path:
    """标注副本：有问题的格涂色加批注，另加“问题汇总”页（命令行 ``ledger check --annotate`` 与界面 W 共用）。"""
    from exports.xlsx_write import write_annotated

    if out.resolve() == Path(src).resolve():
        raise InputError("标注副本不能覆盖原文件，请换一个文件名")
    return Path(
        write_annotated(src, result.problems, out, sheet=result.sheet, header_row=result.header_row)
    )


def annotate_ledger(
    src: Path,
    kind: str,
    catalog: Catalog | None,
    cal: WorkCalendar,
    today: date | datetime,
    out: Path,
    *,
    data_dir: Path | None = None,
) -> Path:
    """重新检查 ``src`` 并在 ``out`` 写出标注副本（与 ``ledger check --annotate`` 相同的两步）。"""
    if out.resolve() == Path(src).resolve():
        raise InputError("标注副本不能覆盖原文件，请换一个文件名")
    result = check_ledger(src, kind, catalog, cal, today, data_dir=data_dir)
    return write_annotated_copy(src, result, out)
