"""台账测试共用的数据：一行正确的双公示记录，可按列覆盖。"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from creditcheck.creditcode import check_char
from creditcheck.ledger import LICENCE

TODAY = date(2026, 11, 28)
GOOD = "91350100M000100Y43"
AGENCY = "11350100MB0123456" + check_char("11350100MB0123456")
H = [c.name for c in LICENCE.columns]


def lic(**kw: Any) -> list[Any]:
    base: dict[str, Any] = {
        "行政相对人名称": "某某食品有限公司",
        "行政相对人类别": "法人及非法人组织",
        "统一社会信用代码": GOOD,
        "行政许可决定文书号": "审批许字〔2026〕1号",
        "许可类别": "普通",
        "许可决定日期": datetime(2026, 11, 2),
        "有效期自": datetime(2026, 11, 2),
        "有效期至": "长期",
        "许可机关": "某区行政审批服务局",
        "许可机关统一社会信用代码": AGENCY,
        "上报日期": datetime(2026, 11, 10),
    }
    base.update(kw)
    return [base.get(h) for h in H]
