"""演示用的 Excel 台账：为业务科室本月生成一份“双公示”台账和一份信用承诺台账，带几处典型问题
（校验位错误、迟报、重复文书号），让新用户在演示数据里看到上报率、及时率、合规率是怎么算出来的。
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from creditcheck.creditcode import ALPHABET, check_char
from creditcheck.month import Month

AUTHORITY = "济南市历城区行政审批服务局"
AUTHORITY_CODE = "11370112MB2850843E"  # 演示值（校验位正确）

_NAMES = [
    "济南某某餐饮管理有限公司",
    "山东某某建设工程有限公司",
    "济南某某商贸有限公司",
    "历城区某某幼儿园",
    "济南某某医药连锁有限公司",
    "山东某某物流有限公司",
    "济南某某科技有限公司",
    "历城区某某便利店",
    "济南某某装饰工程有限公司",
    "山东某某农业发展有限公司",
]
_PERMITS = [
    ("食品经营许可", "普通"),
    ("建筑工程施工许可", "普通"),
    ("药品经营许可", "特许"),
    ("民办学校办学许可", "普通"),
    ("公共场所卫生许可", "普通"),
    ("道路运输经营许可", "普通"),
]


def make_code(rng: random.Random, prefix: str = "91370112") -> str:
    """结构合法的演示代码（GB 32100-2015）：默认为工商登记的企业（91）、历城区（370112），主体标识码随机。"""
    body = prefix + "".join(rng.choice(ALPHABET) for _ in range(17 - len(prefix)))
    return body + check_char(body)


def _fix_authority_code() -> str:
    body = AUTHORITY_CODE[:17]
    return body + check_char(body)


def write_demo_licence_ledger(path: Path, month: Month, today: date, seed: int = 7) -> Path:
    """写一份本月的“双公示”（行政许可）台账：十几行，其中一行校验位错、一行迟报、一行重复文书号、一行未上报。"""
    rng = random.Random(seed)
    auth_code = _fix_authority_code()
    last = min(today, month.last_day)
    rows = []
    n = 14
    for i in range(n):
        decided = month.first_day + timedelta(
            days=rng.randint(0, max(0, (last - month.first_day).days))
        )
        reported: date | None = min(decided + timedelta(days=rng.randint(1, 10)), today)
        permit, cat = _PERMITS[i % len(_PERMITS)]
        name = _NAMES[i % len(_NAMES)]
        code = make_code(rng)
        doc_no = f"历城审批许〔{month.year}〕{100 + i}号"
        if i == 3:
            code = code[:17] + ("0" if code[17] != "0" else "1")  # 校验位错误
        if i == 5:
            reported = min(decided + timedelta(days=20), today)  # 迟报（超过15个自然日）
            if reported <= decided + timedelta(days=15):
                decided = month.first_day
                reported = min(decided + timedelta(days=20), today)
        if i == 8:
            doc_no = f"历城审批许〔{month.year}〕{100}号"  # 与第一行重复
        if i == n - 1:
            reported = None  # 尚未上报
        rows.append(
            {
                "行政相对人名称": name,
                "行政相对人类别": "法人及非法人组织",
                "统一社会信用代码": code,
                "法定代表人": "张某某",
                "行政许可决定文书名称": f"{permit}决定书",
                "行政许可决定文书号": doc_no,
                "许可类别": cat,
                "许可证书名称": permit,
                "许可编号": f"JY{month.year}{month.month:02d}{i:04d}",
                "许可内容": f"准予{permit}",
                "许可决定日期": decided,
                "有效期自": decided,
                "有效期至": "长期" if i % 3 == 0 else decided.replace(year=decided.year + 5),
                "许可机关": AUTHORITY,
                "许可机关统一社会信用代码": auth_code,
                "当前状态": "有效",
                "数据来源单位": AUTHORITY,
                "数据来源单位统一社会信用代码": auth_code,
                "上报日期": reported,
            }
        )
    return _fill_template("licence", path, rows)


def write_demo_commitment_ledger(path: Path, month: Month, today: date, seed: int = 11) -> Path:
    """写一份本月的信用承诺和履约践诺台账（几行，都合规）。"""
    rng = random.Random(seed)
    rows = []
    for r in range(2, 8):
        promised = month.first_day + timedelta(
            days=rng.randint(0, max(0, (min(today, month.last_day) - month.first_day).days))
        )
        status = ["已履约", "履约中", "已履约"][r % 3]
        checked = min(promised + timedelta(days=3), today) if status == "已履约" else None
        rows.append(
            [
                _NAMES[r % len(_NAMES)],
                make_code(rng),
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
