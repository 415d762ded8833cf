"""体系科汇总测试共用的多科室数据：用领域模型构造，经真实 Store 存到 tmp_path 下。

“此刻”为 2026-11-28 10:00（与 conftest 一致）；统计月 2026-11，每月 26 日（周四，工作日）为报送期限。
内置目录里每个指标权重都是 10，所以加权得分 = 已完成 / 应完成 × 100。期望值在各测试里手算写出。

    标为完成的指标都带一份当天的材料（按月报送的材料以此办结）；第4项另带一篇当天上报的信用动态。

    办公室      1,4,7,9 全部完成（11-20）                         审核通过
    组织人事科  1 完成（11-10），9 不适用，4、7 未开始               退回修改（意见：请补充学习记录）
    商事登记科  2,3,4,6,8,9,10 完成，5 不适用；6 在 11-27 才完成（迟了一天）；
                4 有一篇信用动态 11-10 09:00 发生、11-11 08:00 上报    已提交（11-25 09:30）
    社会事务科  2,3,4,5,6,8,9 完成（11-20），10 不适用                审核通过
    建设项目科  2,3,8,9 完成（11-20），6 进行中，4、5 未开始，
                10 有一份异议函 11-24 09:00 收到、未处理              未提交
    体系建设科  1,2,4,5,6,8,9,10 完成（11-20），7 进行中，
                有一次宣传活动 11-27 09:00 结束、资料未报              已提交（11-26 16:00）
    综合受理窗口、勘察服务科、监督考核科、公共资源交易中心：没有记录
    另有商事登记科 2025-12（完成 2,3 两项）与 2026-10（全部完成）两个月，用于趋势；
    2025-11 在 12 个月之外。
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from creditcheck import review
from creditcheck.catalog import Catalog
from creditcheck.models import Event, IndicatorEntry, SectionMonth, Status
from creditcheck.month import Month
from storage import Store

MONTH = Month(2026, 11)
NOW = datetime(2026, 11, 28, 10, 0)
D20 = datetime(2026, 11, 20, 10, 0)


def _sm(catalog: Catalog, sid: str, month: Month = MONTH) -> SectionMonth:
    return SectionMonth(sid, month, catalog.version, person="张三", phone="88880000")


def _set(
    sm: SectionMonth,
    iid: int,
    status: Status,
    at: datetime | None = D20,
    reason: str = "",
    article: bool = True,
) -> IndicatorEntry:
    e = sm.entry(iid)
    e.status = status
    e.reason = reason
    e.completed_at = at if status in (Status.DONE, Status.NOT_APPLICABLE) else None
    e.updated_at = at
    e.note = f"第{iid}项说明"
    if status is Status.DONE and at is not None:
        # “完成”要有记录撑着：本月日期的材料（按月报送的材料以此办结）；信用动态还要一篇已上报的稿件
        from creditcheck.models import Evidence

        e.evidence.append(
            Evidence(
                path=f"第{iid}项材料.docx",
                abs_path=f"/nonexistent/第{iid}项材料.docx",
                effective_date=at.date(),
                attached_at=at,
                id=f"m{iid}",
            )
        )
        if iid == 4 and article and not e.events:
            e.events.append(
                Event(
                    "article",
                    "信用动态稿件",
                    at.replace(hour=8),
                    done_at=at,
                    id=f"a{sm.section_id}",
                )
            )
    return e


def build_records(catalog: Catalog) -> list[SectionMonth]:
    out: list[SectionMonth] = []

    office = _sm(catalog, "office")
    for i in (1, 4, 7, 9):
        _set(office, i, Status.DONE)
    review.submit(office, "王五", datetime(2026, 11, 21, 9, 0))
    review.approve(office, "体系科李玲", datetime(2026, 11, 22, 9, 0))
    out.append(office)

    personnel = _sm(catalog, "personnel")
    _set(personnel, 1, Status.DONE, datetime(2026, 11, 10, 9, 0))
    _set(
        personnel, 9, Status.NOT_APPLICABLE, datetime(2026, 11, 10, 9, 0), reason="本科室无此类事项"
    )
    review.submit(personnel, "朱春燕", datetime(2026, 11, 24, 9, 0))
    review.return_for_changes(
        personnel, "体系科李玲", datetime(2026, 11, 25, 9, 0), "请补充学习记录"
    )
    out.append(personnel)

    commerce = _sm(catalog, "commerce")
    for i in (2, 3, 8, 9, 10):
        _set(commerce, i, Status.DONE)
    _set(commerce, 5, Status.NOT_APPLICABLE, reason="本月无重错码")
    _set(commerce, 6, Status.DONE, datetime(2026, 11, 27, 15, 0))
    e4 = _set(commerce, 4, Status.DONE, datetime(2026, 11, 25, 9, 0), article=False)
    e4.events.append(
        Event(
            "article",
            "商事登记信用动态",
            datetime(2026, 11, 10, 9, 0),
            done_at=datetime(2026, 11, 11, 8, 0),
            id="art1",
        )
    )
    e4.evidence.append(_evidence())
    review.submit(commerce, "刘琛", datetime(2026, 11, 25, 9, 30))
    out.append(commerce)

    social = _sm(catalog, "social")
    for i in (2, 3, 4, 5, 6, 8, 9):
        _set(social, i, Status.DONE)
    _set(social, 10, Status.NOT_APPLICABLE, reason="本月未收到异议函")
    review.submit(social, "段荣娟", datetime(2026, 11, 20, 11, 0))
    review.approve(social, "体系科李玲", datetime(2026, 11, 21, 11, 0))
    out.append(social)

    construction = _sm(catalog, "construction")
    for i in (2, 3, 8, 9):
        _set(construction, i, Status.DONE)
    _set(construction, 6, Status.IN_PROGRESS)
    e10 = _set(construction, 10, Status.IN_PROGRESS)
    e10.events.append(
        Event("objection", "某公司异议协同处理函", datetime(2026, 11, 24, 9, 0), id="obj1")
    )
    out.append(construction)

    system = _sm(catalog, "system")
    for i in (1, 2, 4, 5, 6, 8, 9, 10):
        _set(system, i, Status.DONE)
    e7 = _set(system, 7, Status.IN_PROGRESS)
    e7.events.append(Event("activity", "诚信宣传进社区", datetime(2026, 11, 27, 9, 0), id="act1"))
    review.submit(system, "李玲", datetime(2026, 11, 26, 16, 0))
    out.append(system)

    old = _sm(catalog, "commerce", Month(2025, 12))
    for i in (2, 3):
        _set(old, i, Status.DONE, datetime(2025, 12, 10, 9, 0))
    out.append(old)
    october = _sm(catalog, "commerce", Month(2026, 10))
    for ind in catalog.assigned("commerce"):
        _set(october, ind.id, Status.DONE, datetime(2026, 10, 20, 9, 0))
    out.append(october)
    too_old = _sm(catalog, "commerce", Month(2025, 11))
    _set(too_old, 2, Status.DONE, datetime(2025, 11, 10, 9, 0))
    out.append(too_old)
    return out


def _evidence():
    from creditcheck.models import Evidence

    return Evidence(
        path="台账.xlsx",
        abs_path="/nonexistent/台账.xlsx",
        kind="台账",
        sha256="ab" * 32,
        size=1234,
        id="evi1",
    )


def save_records(catalog: Catalog, data_dir: Path) -> Store:
    from storage.reviews import save_with_decisions

    store = Store(data_dir)
    for sm in build_records(catalog):
        save_with_decisions(store, sm)  # 体系科的决定进审核文件，科室的记录进月度文件
    return store


SECTION_ORDER = [
    "office",
    "personnel",
    "commerce",
    "social",
    "construction",
    "system",
    "window",
    "survey",
    "supervision",
    "trading",
]
