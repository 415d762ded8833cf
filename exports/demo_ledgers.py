"""演示用的 Excel 台账：为业务科室本月生成一份“双公示”台账和一份信用承诺台账，带几处典型问题
（校验位错误、迟报、重复文书号），让新用户在演示数据里看到上报率、及时率、合规率是怎么算出来的。
各行取自 ``creditcheck.demo``：与演示的事件说的是同一些许可决定、同一些企业。
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from creditcheck.demo import (
    AUTHORITY,
    AUTHORITY_CODE,
    COMPANIES,
    dup_target,
    make_code,
    month_decisions,
)
from creditcheck.month import Month

__all__ = ["make_code", "write_demo_commitment_ledger", "write_demo_licence_ledger"]


def write_demo_licence_ledger(
    path: Path, month: Month, today: date, seed: int = 7, section_id: str = "commerce"
) -> Path:
    """写某科室本月的“双公示”（行政许可）台账：各行就是演示里该科室本月的许可决定（``creditcheck.demo``），
    其中一行校验位错、一行文书号与第一行重复、可能一行迟报；尚未上报的许可决定上报日期空着（与演示事件一致）。

    ``seed`` 不再使用（各行由科室与月份决定），保留参数以兼容旧调用。"""
    decisions = month_decisions(section_id, month, today)
    rows = []
    for i, d in enumerate(decisions):
        no = dup_target(decisions).no if d.flaw == "dup-no" else d.no
        rows.append(
            {
                "行政相对人名称": d.company.name,
                "行政相对人类别": "法人及非法人组织",
                "统一社会信用代码": d.code_in_ledger,
                "法定代表人": d.company.legal_rep,
                "行政许可决定文书名称": f"{d.permit}决定书",
                "行政许可决定文书号": no,
                "许可类别": d.category,
                "许可证书名称": d.permit,
                "许可编号": f"JY{month.year}{month.month:02d}{i:04d}",
                "许可内容": f"准予{d.permit}",
                "许可决定日期": d.decided,
                "有效期自": d.decided,
                "有效期至": "长期" if i % 3 == 0 else d.decided.replace(year=d.decided.year + 5),
                "许可机关": AUTHORITY,
                "许可机关统一社会信用代码": AUTHORITY_CODE,
                "当前状态": "有效",
                "数据来源单位": AUTHORITY,
                "数据来源单位统一社会信用代码": AUTHORITY_CODE,
                "上报日期": d.reported,
            }
        )
    return _fill_template("licence", path, rows)


def write_demo_commitment_ledger(path: Path, month: Month, today: date, seed: int = 11) -> Path:
    """写一份本月的信用承诺和履约践诺台账（几行，都合规；企业的代码与演示里其他地方相同）。"""
    rng = random.Random(seed)
    rows = []
    last = min(today, month.last_day)
    for r in range(2, 8):
        promised = month.first_day + timedelta(
            days=rng.randint(0, max(0, (last - month.first_day).days))
        )
        status = ["已履约", "履约中", "已履约"][r % 3]
        checked = min(promised + timedelta(days=3), last) if status == "已履约" else None
        company = COMPANIES[r % len(COMPANIES)]
        rows.append(
            [
                company.name,
                company.code,
                "告知承诺",
                "按承诺时限补齐审批材料",
                promised,
                status,
                checked,
                "",
            ]
        )
    return _fill_template("commitment", path, rows)


def _fill_template(kind: str, path: Path, rows: list[list[Any]] | list[dict[str, Any]]) -> Path:
    """写一份空白台账模板，再从第 2 行起逐行填入 ``rows``（按列顺序的列表，或按列名的字典）。"""
    from openpyxl import load_workbook

    from .xlsx_write import write_template

    write_template(kind, path)
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    header = [ws.cell(row=1, column=c).value for c in range(1, ws.max_column + 1)]
    for r, values in enumerate(rows, start=2):
        cells = [values.get(str(h), None) for h in header] if isinstance(values, dict) else values
        for c, v in enumerate(cells, start=1):
            ws.cell(row=r, column=c, value=v)
    wb.save(path)
    return path
