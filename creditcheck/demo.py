"""演示数据的“一个世界”：演示里出现的企业（名称与统一社会信用代码一一对应）和各业务科室每月作出的
行政许可决定（文书号、行政相对人、决定日期、上报日期）。

演示的月度记录（``storage.demo``）和演示的 Excel 台账（``exports.demo_ledgers``）都从这里取，所以同一个
许可决定在事件里和在台账里说的是同一件事：同一文书号、同一企业、同一代码、同一日期、同样“已上报/未上报”。
纯领域代码：不读时钟、不碰文件；给定“此刻”，生成的日期都不晚于此刻。
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from .creditcode import ALPHABET, check_char
from .month import Month
from .records import dataclass


def make_code(rng: random.Random, prefix: str = "91370112") -> str:
    """结构合法的演示代码（GB 32100-2015）：默认为工商登记的企业（91）、历城区（370112），主体标识码随机。"""
    body = prefix + "".join(rng.choice(ALPHABET) for _ in range(17 - len(prefix)))
    return body + check_char(body)


def wrong_check(code: str) -> str:
    """把代码的校验位换成错的（演示“错码”和台账里的校验位错误）。"""
    right = check_char(code[:17])
    return code[:17] + ("0" if right != "0" else "1")


@dataclass(frozen=True)
class Company:
    """演示企业：名称与代码在演示的任何地方都一一对应。"""

    name: str
    code: str
    legal_rep: str


_NAMES = (
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
)
_REPS = (
    "张某某",
    "李某某",
    "王某某",
    "赵某某",
    "刘某某",
    "陈某某",
    "杨某某",
    "周某某",
    "吴某某",
    "孙某某",
)


def _companies() -> tuple[Company, ...]:
    rng = random.Random(370112)
    return tuple(Company(n, make_code(rng), r) for n, r in zip(_NAMES, _REPS, strict=True))


COMPANIES = _companies()
"""演示企业（名称 → 代码固定）。"""

COMPANY_BY_NAME = {c.name: c for c in COMPANIES}

AUTHORITY = "济南市历城区行政审批服务局"
AUTHORITY_CODE = "11370112MB2850843" + check_char("11370112MB2850843")
"""演示许可机关代码（校验位正确）。"""

PERMITS = (
    ("食品经营许可", "普通"),
    ("建筑工程施工许可", "普通"),
    ("药品经营许可", "特许"),
    ("民办学校办学许可", "普通"),
    ("公共场所卫生许可", "普通"),
    ("道路运输经营许可", "普通"),
)

LICENCE_SECTIONS = ("commerce", "social", "construction", "system")
"""演示里作出行政许可决定的科室（第2项指标的责任科室）；文书号按科室分段，全局不重复。"""

LEDGER_SECTIONS = ("commerce", "social", "construction")
"""本月导入演示“双公示”台账的科室。"""

REGULAR_ROWS = 12
"""每个有台账的科室本月台账里已上报（或有典型问题）的行数；另加本月尚未上报的几件许可决定。"""


@dataclass(frozen=True)
class Decision:
    """一件行政许可决定。``reported`` 为上报（上传市信用平台）日期，尚未上报时为 None。

    ``flaw``：台账里故意留下的典型问题（``bad-code`` 校验位错、``dup-no`` 文书号与另一行重复），
    让新用户看到合规率怎么算；事件从不取有问题的行。``pending``：本月尚未上报、作为事件记下的
    （``overdue`` 已超过15个自然日、``soon`` 还在期限内）。"""

    no: str
    company: Company
    permit: str
    category: str
    decided: date
    reported: date | None
    flaw: str = ""
    pending: str = ""

    @property
    def code_in_ledger(self) -> str:
        return wrong_check(self.company.code) if self.flaw == "bad-code" else self.company.code


def decision_no(year: int, seq: int) -> str:
    return f"历城审批许〔{year}〕{seq}号"


def _seq(section_id: str, month: Month, i: int) -> int:
    k = LICENCE_SECTIONS.index(section_id) if section_id in LICENCE_SECTIONS else 4
    return month.month * 100 + k * 20 + i + 1


def past_decision(section_id: str, month: Month) -> Decision:
    """往月（已办结）演示的那件许可决定：8日作出，次日上报。"""
    k = LICENCE_SECTIONS.index(section_id) if section_id in LICENCE_SECTIONS else 0
    company = COMPANIES[(month.month * 3 + k) % len(COMPANIES)]
    permit, cat = PERMITS[(month.month + k) % len(PERMITS)]
    decided = month.day(8)
    return Decision(
        decision_no(month.year, _seq(section_id, month, 0)),
        company,
        permit,
        cat,
        decided,
        decided + timedelta(days=1),
    )


def pending_dates(section_id: str, month: Month, today: date) -> dict[str, date]:
    """本月尚未上报、作为事件记下的许可决定的决定日期：``overdue``（商事登记科，20天前，在本月内时）、
    ``soon``（12天前，不早于月初）。"""
    out: dict[str, date] = {}
    if section_id == "commerce" and today - timedelta(days=20) >= month.first_day:
        out["overdue"] = today - timedelta(days=20)
    out["soon"] = max(today - timedelta(days=12), month.first_day)
    return out


def month_decisions(
    section_id: str, month: Month, today: date, *, with_ledger_rows: bool = True
) -> list[Decision]:
    """某科室本月的许可决定（台账各行的顺序）：``REGULAR_ROWS`` 件已上报的（其中几件带典型问题），
    再加尚未上报的（``pending_dates``）。日期都在本月、都不晚于 ``today``；上报不早于决定。

    ``with_ledger_rows`` 为假时只给尚未上报的那几件（没有台账的科室只记事件）。"""
    k = LICENCE_SECTIONS.index(section_id) if section_id in LICENCE_SECTIONS else 4
    rng = random.Random(month.year * 100 + month.month + 7 * k)
    last = min(today, month.last_day)
    span = max(0, (last - month.first_day).days)
    out: list[Decision] = []
    if with_ledger_rows:
        for i in range(REGULAR_ROWS):
            decided = month.first_day + timedelta(days=rng.randint(0, span))
            reported = min(decided + timedelta(days=rng.randint(1, 10)), last)
            company = COMPANIES[(i + 3 * k) % len(COMPANIES)]
            permit, cat = PERMITS[(i + k) % len(PERMITS)]
            flaw = ""
            if i == 3:
                flaw = "bad-code"
            if i == 5 and span >= 16:
                decided = month.first_day  # 迟报：超过15个自然日才上报
                reported = min(decided + timedelta(days=20), last)
            if i == 8:
                flaw = "dup-no"
            no = decision_no(month.year, _seq(section_id, month, i))
            out.append(Decision(no, company, permit, cat, decided, reported, flaw))
    for n, (which, decided) in enumerate(pending_dates(section_id, month, today).items()):
        i = REGULAR_ROWS + n
        company = COMPANIES[(5 + n + 3 * k) % len(COMPANIES)]
        permit, cat = PERMITS[(5 + n + k) % len(PERMITS)]
        no = decision_no(month.year, _seq(section_id, month, i))
        out.append(Decision(no, company, permit, cat, decided, None, pending=which))
    return out


def dup_target(decisions: list[Decision]) -> Decision:
    """台账里“文书号重复”那一行误填的是哪一行的文书号（第一行）。"""
    return decisions[0]
