"""打开数据仓库：本科室长期使用（取占用锁）、命令行的一次写入、只读查看。界面与命令行都从这里打开。"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.store import Store


def open_store(
    data_dir: Path, section_id: str = "", actor: str = "", *, defer_lock: bool = False
) -> Store:
    """本科室的仓库：有科室时取得占用锁（另一处正在用时只读）；首次设置前不加锁。

    ``defer_lock``：先只读地打开，占用锁与打开时的备份留到 ``store.open_session()``（或第一次写入）时再做。
    """
    from storage.store import Store

    if section_id:
        return Store(data_dir, section_id=section_id, actor=actor, defer_lock=defer_lock)
    return Store(data_dir)


def reading_store(data_dir: Path) -> Store:
    """只读地打开（查看、导出、总览）。"""
    from storage.store import Store

    return Store(data_dir, read_only=True)


def writing_store(data_dir: Path, actor: str = "", *, backup_on_open: bool = True) -> Store:
    """命令行的一次写入：不长期占用，每次写入时短暂取得该科室的锁。"""
    from storage.store import Store

    return Store(data_dir, actor=actor, backup_on_open=backup_on_open)
