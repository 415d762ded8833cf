"""存储层：TinyDB 之上的小仓库接口，界面与命令行只调用这里。不导入 Textual。"""

from .atomic import CorruptFileError, StorageError
from .notices import DamagedFileError, FutureSchemaError, Notice, ReadOnlyError
from .store import SaveResult, Store

__all__ = [
    "Store", "SaveResult", "StorageError", "CorruptFileError", "DamagedFileError", "FutureSchemaError",
    "ReadOnlyError", "Notice",
]
