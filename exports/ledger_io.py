"""台账文件 → 检查结果：命令行与界面共用的纯 Python 入口（界面可在后台线程里调用）。

    result = import_ledger(path, "licence", catalog, cal, today)
    sm = store.load_month(section_id, month)
    if sm.ledgers.get("licence"):  # 已导入过：界面先请用户确认替换，命令行要 --force
        ...
    store_import(store, sm, result, path, now)
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from creditcheck.catalog import Catalog
from creditcheck.ledger import LedgerReadError, LedgerResult, check_rows, spec_for
from creditcheck.workcal import WorkCalendar

from .xlsx_read import LedgerWorkbook

__all__ = ["LedgerReadError", "LedgerResult", "check_file", "import_ledger", "store_import", "summary_for"]


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
) -> LedgerResult:
    """读取并检查一份台账。读不了时抛出 LedgerReadError（一行中文）；读得了就返回结果（问题在结果里）。"""
    spec_for(kind)
    with LedgerWorkbook(path, sheet) as book:
        try:
            result = check_rows(book.rows(), kind, today=_day(today), cal=cal, catalog=catalog, keep_rows=keep_rows)
        except LedgerReadError as e:
            if str(e).startswith("“"):  # 已写明文件名的读取错误
                raise
            raise LedgerReadError(f"工作表“{book.sheet}”：{e}", e.suggested_kind) from None
        result.sheet = book.sheet
        result.file = book.file_name
        result.notes = list(book.notes)
    if result.row_count == 0:
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
) -> LedgerResult:
    """检查并保留整理后的各行（``result.rows``），供存入数据文件夹。"""
    return check_file(path, kind, catalog, cal, today, sheet, keep_rows=True)


def summary_for(result: LedgerResult, path: Path | str, now: date | datetime) -> dict[str, object]:
    """``SectionMonth.ledgers[kind]`` 的内容。"""
    at = now.isoformat(timespec="seconds") if isinstance(now, datetime) else now.isoformat()
    return result.summary(Path(path).name, at)


class _LedgerStore(Protocol):
    def save_ledger(self, section_id: str, month: Any, kind: str, rows: list[dict[str, Any]], meta: dict[str, Any] | None = None) -> None: ...
    def save_month(self, sm: Any, actor: str = "") -> Any: ...


def store_import(store: _LedgerStore, sm: Any, result: LedgerResult, path: Path | str, now: datetime) -> dict[str, Any]:
    """把一次导入存进数据文件夹：各行（每行带自己的问题 ``_issues``）存台账文件，摘要存入 ``sm.ledgers[kind]`` 并保存该月。

    替换前的确认由调用方负责（界面弹窗确认，命令行要 --force）。``sm`` 为 ``SectionMonth``。
    """
    imported_at = now.isoformat(timespec="seconds")
    name = Path(path).name
    meta = {
        "file": name,
        "path": str(Path(path).resolve()),  # 界面“另存标注副本”在原文件旁边写（screens/ledger_problems.py）
        "sheet": result.sheet,
        "imported_at": imported_at,
        "header_row": result.header_row,
        "rule": result.rule,
        "problems": len(result.problems),
        "notes": list(result.notes),
    }
    store.save_ledger(sm.section_id, sm.month, result.kind, result.rows, meta)
    summary = result.summary(name, imported_at)
    sm.ledgers[result.kind] = summary
    store.save_month(sm)
    return summary
