"""界面按月份使用当月的目录版本：权重、分工调整后，旧月份仍按当时的目录显示与计算。"""

from __future__ import annotations

from pathlib import Path

from app_support import configured, make_ctx, press, settle
from textual.widgets import Static

from creditcheck.catalog import builtin_text, load_catalog
from creditcheck.models import SectionMonth, Status
from creditcheck.month import Month
from screens.app import CreditCheckApp
from screens.checklist import ChecklistScreen
from screens.home import HomeScreen, MonthRow
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


def _office_with_two_versions(tmp_path: Path):  # type: ignore[no-untyped-def]
    """办公室：五月份按内置目录（2022.1）填过；程序启动时加载的是数据文件夹里的新目录（2026.2）。"""
    data = tmp_path / "data"
    ctx = make_ctx(tmp_path, configured("office"))
    may = SectionMonth("office", Month(2026, 5), "2022.1")
    may.entry(7).status = Status.DONE
    ctx.store.save_month(may)
    _user_catalog(data)
    ctx.catalog = load_catalog(data)
    assert ctx.catalog.version == "2026.2"
    return ctx


def test_each_month_session_carries_its_catalogue_version(tmp_path: Path) -> None:
    ctx = _office_with_two_versions(tmp_path)

    nov = MonthSession(ctx, Month(2026, 11))
    assert nov.catalog.version == "2026.2" and nov.sm.catalog_version == "2026.2"
    assert [i.id for i in nov.catalog.assigned("office")] == [1, 4, 9]

    old = MonthSession(ctx, Month(2026, 5))  # 翻到五月：按当月记下的版本
    assert old.sm.catalog_version == "2022.1" and old.catalog.version == "2022.1"
    assert [i.id for i in old.catalog.assigned("office")] == [1, 4, 7, 9]
    assert old.standing().indicator(7) is not None  # 五月的第7项按五月的目录计算

    june = MonthSession(ctx, Month(2026, 6))  # 没有记录、早于新目录施行的月份：用当时施行的版本
    assert june.catalog.version == "2022.1" and june.sm.catalog_version == "2022.1"

    # 共用的环境从不换目录：读了旧月份之后，本月仍按新目录
    assert ctx.catalog.version == "2026.2"
    assert nov.catalog.version == "2026.2" and nov.catalog.indicator(1).weight == 30
    assert [o.indicator_id for o in nov.obligations() if o.indicator_id == 7] == []


async def test_screens_show_each_months_own_catalogue_when_switching(tmp_path: Path) -> None:
    """首页换月、逐项自查、命令面板的“打开第几项”都按所显示月份的目录版本；来回换月不串版本。"""
    ctx = _office_with_two_versions(tmp_path)
    app = CreditCheckApp(ctx)

    def checklist_state() -> tuple[list[int], str]:
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)
        title = str(screen.query_one("#ind-title", Static).render())
        return [i.id for i in screen.indicators], title

    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for month, version, ids, weight in (
            (Month(2026, 11), "2026.2", [1, 4, 9], "权重 30"),
            (Month(2026, 5), "2022.1", [1, 4, 7, 9], "权重 10"),
            (Month(2026, 11), "2026.2", [1, 4, 9], "权重 30"),
            (Month(2026, 5), "2022.1", [1, 4, 7, 9], "权重 10"),
        ):
            if app.current.month != month:
                steps = (
                    (month.year - app.current.month.year) * 12
                    + month.month
                    - app.current.month.month
                )
                key = "right_square_bracket" if steps > 0 else "left_square_bracket"
                await press(pilot, *[key] * abs(steps))
            assert app.current.month == month and isinstance(app.screen, HomeScreen)
            assert app.current.catalog.version == version
            assert ctx.catalog.version == "2026.2"  # 共用的环境不换
            label = app.screen.query_one(MonthRow).text("label")
            assert month.label in label
            await press(pilot, "c")
            shown, title = checklist_state()
            assert shown == ids
            assert title.startswith("1. ") and weight in title
            await press(pilot, "escape")
        # 五月按五月的版本列出第7项；回到十一月后不再出现
        assert [i.id for i in app.current.catalog.assigned("office")] == [1, 4, 7, 9]
        await press(pilot, "t")
        assert app.current.month == Month(2026, 11)
        assert 7 not in [i.id for i in app.current.catalog.assigned("office")]
        await press(pilot, "c")
        assert checklist_state()[0] == [1, 4, 9]
