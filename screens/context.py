"""界面所需的一切，由入口（creditcheck/cli/launch.py）注入：仓库、目录、日历、设置、时钟、数据文件夹。

界面从不自己读系统时钟、找数据文件夹或打开文件，所以测试可以把这些都换成 tmp_path 下的东西。
不依赖界面的部分是应用层的 ``Workspace``（creditcheck/services/workspace.py）；界面经由应用层读写数据。
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from pathlib import Path

from creditcheck.records import dataclass
from creditcheck.services.workspace import Workspace


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
class AppContext(Workspace):
    """一次运行的环境（见 ``Workspace``：仓库、目录、日历、设置、时钟、数据文件夹），加上界面专用的几样。"""

    export_dir: Path = field(default_factory=_home_documents)
    """导出文件的默认文件夹（“文档”，没有时为用户主目录）。"""
    notice: str = ""
    """一直显示在首页的说明（如“演示数据……”）。"""
    opener: Callable[[Path], str | None] | None = None
    """用系统默认程序打开文件或文件夹；返回错误说明或 None。为 None 时用 screens.system.open_path。"""

    def open(self, path: Path) -> str | None:
        if self.opener is not None:
            return self.opener(path)
        from .system import open_path

        return open_path(path)
