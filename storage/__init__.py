"""存储层：TinyDB 之上的小仓库接口，界面与命令行只调用这里。不导入 Textual。

下列名字在第一次用到时才加载所在的模块（只读设置文件时不必加载仓库、备份与占用锁）。
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .atomic import CorruptFileError, StorageError
    from .catalogs import archive_user_catalog
    from .identity import Identity
    from .months import SaveResult
    from .notices import DamagedFileError, FutureSchemaError, Notice, ReadOnlyError
    from .store import Store

_WHERE = {
    "Store": "store",
    "SaveResult": "months",
    "Identity": "identity",
    "archive_user_catalog": "catalogs",
    "StorageError": "atomic",
    "CorruptFileError": "atomic",
    "DamagedFileError": "notices",
    "FutureSchemaError": "notices",
    "Notice": "notices",
    "ReadOnlyError": "notices",
}

__all__ = [
    "Store",
    "SaveResult",
    "StorageError",
    "CorruptFileError",
    "DamagedFileError",
    "FutureSchemaError",
    "ReadOnlyError",
    "Notice",
    "Identity",
    "archive_user_catalog",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
