"""台账文件（.xlsx/.xls/.ods/.csv，见 ``exports.workbook_read``）→ 检查结果：纯 Python 入口（可在后台线程里调用），不碰数据文件夹。

    result = import_ledger(path, "licence", catalog, cal, today)

存入数据文件夹的唯一路径在应用层：``creditcheck.services.ledgers``（``record_import`` / ``import_ledger``）。
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from creditcheck.catalog import Catalog
from creditcheck.ledger import LedgerReadError, LedgerResult, LedgerSpec, check_rows, spec_for
from creditcheck.month import Month
from creditcheck.workcal import WorkCalendar

from .input_safety import MAX_LEDGER_ROWS, inspect_workbook
from .workbook_read import open_ledger

__all__ = ["LedgerReadError", "LedgerResult", "check_file", "import_ledger", "summary_for"]


def _bounded(
    rows: Iterable[tuple[int, Sequence[Any]]], name: str
) -> Iterator[tuple[int, Sequence[Any]]]:
    """任何格式（.csv、.xls、.ods 没有 zip 清单可先看）都不超过台账的行数上限：数到上限就停下并说明。"""
    n = 0
    for item in rows:
        if any(v not in (None, "") for v in item[1]):
            n += 1
            if n > MAX_LEDGER_ROWS:
                raise LedgerReadError(
                    f"“{name}”有数据的行超过 {MAX_LEDGER_ROWS:,} 行的上限，已停止读取；"
                    "请按月份拆开后再导入"
                )
        yield item


def _day(today: date | datetime) -> date:
    return today.date() if isinstance(today, datetime) else today


def check_file(
    path: Path | str,
    kind: str,
    catalog: Catalog | None,
    cal: WorkCalendar,
    today: date | datetime,
    sheet: str | None = None,
    *,
    keep_rows: bool = False,
    month: Month | None = None,
    spec: LedgerSpec | None = None,
) -> LedgerResult:
    """读取并检查一份台账。读不了时抛出 LedgerReadError（一行中文）；读得了就返回结果（问题在结果里）。

    ``month`` 给出时只收该月的行（见 ``creditcheck.ledger.check_rows``）；``spec`` 为数据文件夹里的列定义。
    """
    spec_for(kind)
    inspect_workbook(path, sheet, error=LedgerReadError)  # 普通文件、大小、行数：读之前先看清单
    with open_ledger(path, sheet) as book:
        try:
            result = check_rows(
                _bounded(book.rows(), book.file_name),
                kind,
                today=_day(today),
                cal=cal,
                catalog=catalog,
                keep_rows=keep_rows,
                month=month,
                spec=spec,
            )
        except LedgerReadError as e:
            if str(e).startswith("“"):  # 已写明文件名的读取错误
                raise
            raise LedgerReadError(f"工作表“{book.sheet}”：{e}", e.suggested_kind) from None
        result.sheet = book.sheet
        result.file = book.file_name
        result.notes = list(book.notes)
    if result.rows_other_months:
        result.notes.append(
            f"有 {result.rows_other_months} 行的{(spec or spec_for(kind)).date_column}不在{month.label if month else ''}，"
            "属于其他月份，已放在一边（不检查、不计数、不导入）"
        )
    if result.row_count == 0 and result.rows_other_months:
        result.notes.append(f"表格里没有{month.label if month else '该月'}的行")
    elif result.row_count == 0:
        result.notes.append(f"表头（第{result.header_row}行）下面没有数据行")
    if result.missing_columns:
        result.notes.append(f"表格没有这些选填列：{'、'.join(result.missing_columns)}")
    if result.extra_columns:
        result.notes.append(f"多出来的列照样保留、不检查：{'、'.join(result.extra_columns)}")
    return result


def import_ledger(
    path: Path | str,
    kind: str,
    catalog: Catalog | None,
    cal: WorkCalendar,
    today: date | datetime,
    sheet: str | None = None,
    month: Month | None = None,
    spec: LedgerSpec | None = None,
) -> LedgerResult:
    """检查并保留整理后的各行（``result.rows``），供存入数据文件夹。``month`` 给出时只收该月的行。"""
    return check_file(
        path, kind, catalog, cal, today, sheet, keep_rows=True, month=month, spec=spec
    )


def summary_for(result: LedgerResult, path: Path | str, now: date | datetime) -> dict[str, object]:
    """``SectionMonth.ledgers[kind]`` 的内容。"""
    at = now.isoformat(timespec="seconds") if isinstance(now, datetime) else now.isoformat()
    return result.summary(Path(path).name, at)
