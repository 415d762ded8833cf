"""一次运行的环境：仓库、目录、日历、设置、时钟、数据文件夹。

界面的 ``AppContext`` 在此之上加界面专用的东西（导出文件夹、打开文件的方法、首页横幅）。
这里只放不依赖界面的派生值，以及“某月用哪个目录版本”这一条全局规则。
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from creditcheck.catalog import Catalog, Section, catalog_for_month
from creditcheck.month import Month
from creditcheck.settings import Settings
from creditcheck.workcal import WorkCalendar

from ..records import dataclass

if TYPE_CHECKING:
    from storage.store import Store


def catalog_of_month(
    base: Catalog, data_dir: Path, month: Month, stored_version: str = ""
) -> Catalog:
    """某月应使用的目录版本：该月记下的版本；没有记下时为当时施行的版本。

    界面、命令行、总览和报送材料都按这一条选目录（权重、分工调整后，旧月份不受影响）。"""
    if stored_version == base.version or (not stored_version and base.effective <= month):
        return base
    return catalog_for_month(data_dir, month, stored_version)


def reviewer_name(settings: Settings, catalog: Catalog) -> str:
    """界面里体系科审核记录的“由谁”：专人姓名；没有时为体系科简称。"""
    if settings.person:
        return settings.person
    coord = catalog.coordinator
    return coord.short if coord else "体系科"


@dataclass
class Workspace:
    """一次运行的环境。字段都由调用方（命令行入口或界面入口）给出。"""

    store: Store
    """数据仓库（一个数据文件夹上）；只读时 ``store.read_only`` 为真。"""
    catalog: Catalog
    """当前施行的指标目录（启动或换数据文件夹时加载）；翻到旧月份时不变。

    某个月按它填报时所用的版本显示、计算和导出：那个版本是 ``MonthSession.catalog``
    （或 ``catalog_for(月份, 记下的版本)``），从不换到这里来。"""
    calendar: WorkCalendar
    """工作日历（国务院安排 + 用户导入 + 周一至周五兜底）。"""
    settings: Settings
    """本机设置；修改后通过 ``save_settings`` 保存。"""
    save_settings: Callable[[Settings], None]
    """保存设置（写 settings.json）。"""
    now: Callable[[], datetime]
    """此刻。测试中固定。"""
    data_dir: Path
    """当前数据文件夹。"""
    open_store: Callable[[Path, str, str], Store] | None = None
    """打开仓库（数据文件夹, 科室 id, 专人）：首次设置后取得本科室的占用锁、换文件夹或科室时用。"""
    default_data_dir: Path | None = None
    """本机默认数据文件夹，首次设置时作为建议值。"""

    @property
    def today(self) -> date:
        return self.now().date()

    @property
    def section(self) -> Section | None:
        sid = self.settings.section_id
        if not sid:
            return None
        try:
            return self.catalog.section_by_id(sid)
        except Exception:
            return None

    @property
    def is_coordinator(self) -> bool:
        """本机以体系科身份使用：设置里打开，或本机科室就是目录中的牵头科室。"""
        sec = self.section
        return bool(self.settings.coordinator or (sec is not None and sec.coordinator))

    @property
    def read_only(self) -> bool:
        return bool(self.store.read_only)

    @property
    def read_only_reason(self) -> str:
        """只读的原因（谁占用着本科室的数据），给横幅用。"""
        if self.store.read_only_reason:
            return str(self.store.read_only_reason)
        holder = self.store.lock_holder
        if holder:
            return f"本科室的数据正{holder}，本窗口只能查看，不能修改"
        return "本科室的数据正由另一个窗口或另一台电脑使用，本窗口只能查看，不能修改"

    @property
    def lock_stale(self) -> bool:
        """占用看来已失效（对方程序已不在），可以接管。"""
        return bool(self.store.lock_stale)

    def catalog_for(self, month: Month, stored_version: str = "") -> Catalog:
        """某月应使用的目录版本（见 ``catalog_of_month``）。"""
        return catalog_of_month(self.catalog, self.data_dir, month, stored_version)

    def reviewer(self) -> str:
        """审核记录里的“由谁”。"""
        return reviewer_name(self.settings, self.catalog)
