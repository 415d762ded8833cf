"""界面按月份使用当月的目录版本：权重、分工调整后，旧月份仍按当时的目录显示与计算。"""

from __future__ import annotations

from pathlib import Path

from app_support import configured, make_ctx

from creditcheck.catalog import builtin_text, load_catalog
from creditcheck.models import SectionMonth, Status
from creditcheck.month import Month
from screens.session import MonthSession


def _user_catalog(data: Path) -> None:
    """2026年7月起：办公室不再负责第7项（诚信宣传活动），第1项权重改为30。"""
    text = (
        builtin_text()
        .replace('version = "2022.1"', 'version = "2026.2"')
        .replace('effective = "2022-01"', 'effective = "2026-07"')
    )
    text = text.replace(
        'sections = ["组织人事科", "办公室", "政务服务体系建设指导科"]\nmaterials = ["活动信息"',
        'sections = ["组织人事科", "政务服务体系建设指导科"]\nmaterials = ["活动信息"',
    )
    text = text.replace("weight = 10\nrecurring = true", "weight = 30\nrecurring = true", 1)
    data.mkdir(parents=True, exist_ok=True)
    (data / "catalog.toml").write_text(text, encoding="utf-8")


def test_each_month_uses_its_catalogue_version(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ctx = make_ctx(tmp_path, configured("office"))
    # 五月份是按内置目录（2022.1）填的
    may = SectionMonth("office", Month(2026, 5), "2022.1")
    may.entry(7).status = Status.DONE
    ctx.store.save_month(may)
    _user_catalog(data)
    ctx.catalog = load_catalog(data)  # 程序启动时加载的是新目录
    assert ctx.catalog.version == "2026.2"

    nov = MonthSession(ctx, Month(2026, 11))
    assert ctx.catalog.version == "2026.2" and nov.sm.catalog_version == "2026.2"
    assert [i.id for i in ctx.catalog.assigned("office")] == [1, 4, 9]

    old = MonthSession(ctx, Month(2026, 5))  # 翻到五月：按当月记下的版本
    assert old.sm.catalog_version == "2022.1" and ctx.catalog.version == "2022.1"
    assert [i.id for i in ctx.catalog.assigned("office")] == [1, 4, 7, 9]

    june = MonthSession(ctx, Month(2026, 6))  # 没有记录、早于新目录施行的月份：用当时施行的版本
    assert ctx.catalog.version == "2022.1" and june.sm.catalog_version == "2022.1"

    MonthSession(ctx, Month(2026, 11))  # 回到本月
    assert ctx.catalog.version == "2026.2" and ctx.catalog.indicator(1).weight == 30
