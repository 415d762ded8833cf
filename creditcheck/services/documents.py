"""文档：科室月度报送材料（Word）与期限提醒（.ics）。

同一个月无论从界面还是命令行导出，都得到同一份材料：月度记录从数据文件夹读，目录版本按该月记下的选，
逐条列出的台账只有 ``LEDGER_KINDS_LISTED``（“双公示”台账只列计数和比率），全年配额用当年此前各月。
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditcheck.catalog import Catalog
from creditcheck.errors import CreditCheckError
from creditcheck.models import SectionMonth
from creditcheck.month import Month
from creditcheck.obligations import Obligation
from creditcheck.settings import Settings
from creditcheck.workcal import WorkCalendar

from ..records import dataclass
from .workspace import catalog_of_month

if TYPE_CHECKING:
    from storage.store import Store

LEDGER_KINDS_LISTED = ("commitment", "code-errors")
"""报送材料里逐条列出的台账（“双公示”台账只列计数和比率）。"""


def submission_file_name(catalog: Catalog, section_id: str, month: Month) -> str:
    """报送材料的默认文件名。"""
    from exports.submission import default_filename

    return default_filename(catalog, section_id, month)


def backup_before_export(store: Store, section_id: str) -> str | None:
    """导出前备份本科室有改动的数据文件。失败不妨碍导出：返回原因（中文），成功或无需备份时为 None。"""
    if store.read_only:
        return None
    try:
        store.backup("export", sections=[section_id])
    except (CreditCheckError, OSError) as e:
        return str(e)
    return None


@dataclass
class SubmissionExport:
    """一次报送材料导出的结果。"""

    path: Path
    sm: SectionMonth
    """导出所依据的月度记录。"""
    catalog: Catalog
    """该月所用的目录版本。"""
    backup_error: str | None = None
    """导出前备份没有完成的原因（导出照常完成）。"""
    workbook: Path | None = None
    """一并导出的工作台账（.xlsx，与 ``creditcheck export ledgers`` 相同）；没有要求或本月没有台账时为 None。"""


def export_submission(
    store: Store,
    base_catalog: Catalog,
    data_dir: Path,
    cal: WorkCalendar,
    settings: Settings,
    section_id: str,
    month: Month,
    out: Path,
    now: datetime,
    *,
    template: Path | None = None,
    backup: bool = True,
    with_requirements: bool | None = None,
    ledger_workbook: Path | None = None,
) -> SubmissionExport:
    """生成某科室某月的 Word 报送材料（界面与命令行共用的唯一实现）。

    ``template`` 为空时取设置里的模板（没有时用内置公文版式）。``backup`` 时导出前先备份本科室有改动的文件。
    ``with_requirements`` 为 None 时按设置决定是否附实施方案的责任要求原文。给了 ``ledger_workbook`` 时先把
    本月的工作台账导出到那里（本月没有导入台账时不生成），附件说明写明该文件名。"""
    from exports.submission import export_submission as write_submission

    backup_error = backup_before_export(store, section_id) if backup else None
    sm = store.load_month(section_id, month, base_catalog.version)
    catalog = catalog_of_month(base_catalog, data_dir, month, sm.catalog_version)
    rows = submission_ledgers(store, section_id, month)
    year = year_months(store, section_id, month)
    if template is None and settings.template:
        template = Path(settings.template).expanduser()
    workbook: Path | None = None
    if ledger_workbook is not None:
        workbook = month_ledger_workbook(store, catalog, sm, ledger_workbook)
    path = write_submission(
        catalog,
        cal,
        sm,
        settings,
        out,
        now=now,
        template=template,
        ledger_rows=rows,
        year_months=year,
        with_requirements=with_requirements,
        ledger_file=workbook.name if workbook is not None else None,
    )
    return SubmissionExport(Path(path), sm, catalog, backup_error, workbook)


def month_ledger_workbook(
    store: Store, catalog: Catalog, sm: SectionMonth, path: Path
) -> Path | None:
    """与 ``creditcheck export ledgers`` 相同的工作台账；本月没有导入任何台账时不生成，返回 None。"""
    from creditcheck.ledger import KINDS
    from exports.xlsx_write import export_section_month_xlsx

    ledgers = {}
    for kind in KINDS:
        got = store.load_ledger(sm.section_id, sm.month, kind)
        if got is not None:
            ledgers[kind] = got
    if not ledgers and not sm.ledgers:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    return Path(export_section_month_xlsx(catalog, sm, ledgers, path))


def submission_ledgers(
    store: Store, section_id: str, month: Month
) -> dict[str, list[dict[str, Any]]]:
    """报送材料里逐条列出的台账各行。"""
    out: dict[str, list[dict[str, Any]]] = {}
    for kind in LEDGER_KINDS_LISTED:
        got = store.load_ledger(section_id, month, kind)
        if got:
            out[kind] = got
    return out


def year_months(store: Store, section_id: str, month: Month) -> list[SectionMonth]:
    """该科室当年在 ``month`` 之前的各月（年度配额的全年进度用）。"""
    return [m for m in store.months(section_id) if m.month.year == month.year and m.month < month]


def calendar_file_name(section_short: str, month: Month) -> str:
    from creditcheck.filenames import safe_file_name

    return safe_file_name(f"信用自查期限提醒-{section_short}-{month}") + ".ics"


def export_calendar(
    out: Path,
    obligations: Sequence[Obligation],
    catalog: Catalog,
    now: datetime,
    name: str | None = None,
) -> Path:
    """把期限写成日历文件（.ics）。"""
    from exports.ics import write_ics

    if name is None:
        return Path(write_ics(out, list(obligations), catalog, now=now))
    return Path(write_ics(out, list(obligations), catalog, now=now, name=name))


def open_deadlines(
    store: Store,
    catalog: Catalog,
    cal: WorkCalendar,
    section_id: str,
    month: Month,
    now: datetime,
    horizon_days: int,
) -> list[Obligation]:
    """某科室某月尚未完成的期限（命令行写日历文件用；界面用 ``MonthSession.obligations``）。"""
    from creditcheck.obligations import obligations_for, open_obligations

    sm = store.load_month(section_id, month, catalog.version)
    records = [m for m in store.months(section_id) if m.month != month] + [
        sm
    ]  # 年度配额按全年的记录算
    return open_obligations(obligations_for(catalog, cal, sm, now, horizon_days, records=records))
