"""给用户看的存储提示：文件损坏已移开、文件来自更新版本、数据正被别处使用……

界面把 ``Notice.message`` 原样显示给用户；需要用户决定的（如从备份恢复）附带所需的信息。
"""

from __future__ import annotations

from pathlib import Path

from creditcheck.records import dataclass

from .atomic import StorageError

DAMAGED = "damaged"
"""数据文件无法解析，已移到一边（或只读时原地保留）。"""
FUTURE_SCHEMA = "future-schema"
"""文件由更新版本的程序写入，本程序只读打开、不覆盖。"""
LOCKED = "locked"
"""本科室数据正被另一处（另一台电脑或另一个窗口）使用，本窗口只读。"""
STALE_LOCK = "stale-lock"
"""占用者看来已不在运行（进程已结束或长时间没有心跳），可以接管。"""
PREVIOUS_CRASH = "previous-crash"
"""上次使用没有正常关闭（程序被强行结束或电脑断电）；数据已检查可用。"""
MIGRATED = "migrated"
"""旧版本的数据文件已升级到当前格式（升级前已备份）。"""
SETTINGS_DAMAGED = "settings-damaged"
"""本机设置文件损坏，已移到一边，改用默认设置。"""
TAKEN_OVER = "taken-over"
"""本窗口的占用已被别处接管，本窗口改为只读。"""
REVIEW = "review"
"""体系科刚作了新的审核决定（退回修改、审核通过、重新打开），保存时一并告知科室。"""


@dataclass
class Notice:
    """一条提示。``backup_id`` 不为空时，界面可提供“从备份恢复”（``Store.restore_file``）。"""

    kind: str
    message: str
    path: Path | None = None
    moved_to: Path | None = None
    backup_id: str | None = None
    backup_time: str | None = None

    def __str__(self) -> str:
        return self.message


class DamagedFileError(StorageError):
    """数据文件无法解析；``notice`` 说明已做的处理（移开的位置、可用的备份）。"""

    def __init__(self, notice: Notice) -> None:
        super().__init__(notice.message)
        self.notice = notice


class FutureSchemaError(StorageError):
    """文件来自更新版本的程序，内容无法按本版本理解。"""

    def __init__(self, notice: Notice) -> None:
        super().__init__(notice.message)
        self.notice = notice


class ReadOnlyError(StorageError):
    """本窗口为只读（数据正被别处使用、文件来自更新版本、或以只读方式打开），不能保存。"""
