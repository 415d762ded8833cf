"""界面所需的一切，由入口（creditcheck/cli/app.py）注入：仓库、目录、日历、设置、时钟、数据文件夹。

界面从不自己读系统时钟、找数据文件夹或打开文件，所以测试可以把这些都换成 tmp_path 下的东西。
体系科的总览、审核、排名屏幕（screens/coordinator*.py）也以 ``Screen(ctx: AppContext)`` 构造。
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from creditcheck.catalog import Catalog, Section
from creditcheck.settings import Settings
from creditcheck.workcal import WorkCalendar

if TYPE_CHECKING:
    from storage.store import Store


def _home_documents() -> Path:
    """本机的“文档”文件夹：Windows 上可能已移到 D 盘，统信 UOS、麒麟的中文桌面上是 ~/文档；没有时为用户主目录。"""
    try:
        from platformdirs import user_documents_dir

        docs = Path(user_documents_dir())
        if docs.is_dir():
            return docs
    except Exception:  # 取不到时退回下面的猜测，绝不因此打不开程序
        pass
    docs = Path.home() / "Documents"
    return docs if docs.is_dir() else Path.home()


@dataclass
class AppContext:
    """一次运行的环境。字段都由调用方给出；属性只是便于读取的派生值。"""

    store: Store
    """数据仓库（一个数据文件夹上）；只读时 ``store.read_only`` 为真。"""
    catalog: Catalog
    """指标目录（内置或数据文件夹里的 catalog.toml）。"""
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
    export_dir: Path = field(default_factory=_home_documents)
    """导出文件的默认文件夹（“文档”，没有时为用户主目录）。"""
    notice: str = ""
    """一直显示在首页的说明（如“演示数据……”）。"""
    opener: Callable[[Path], str | None] | None = None
    """用系统默认程序打开文件或文件夹；返回错误说明或 None。为 None 时用 screens.system.open_path。"""

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
        return bool(getattr(self.store, "read_only", False))

    @property
    def read_only_reason(self) -> str:
        """只读的原因（谁占用着本科室的数据），给横幅用。"""
        reason = getattr(self.store, "read_only_reason", "")
        if reason:
            return str(reason)
        holder = getattr(self.store, "lock_holder", None)
        if holder:
            return f"本科室的数据正{holder}，本窗口只能查看，不能修改"
        return "本科室的数据正由另一个窗口或另一台电脑使用，本窗口只能查看，不能修改"

    @property
    def lock_stale(self) -> bool:
        """占用看来已失效（对方程序已不在），可以接管。"""
        return bool(getattr(self.store, "lock_stale", False))

    def open(self, path: Path) -> str | None:
        if self.opener is not None:
            return self.opener(path)
        from .system import open_path

        return open_path(path)
