"""推迟编译的正则表达式：``PATTERN = lazy(r"...")`` 用法与 ``re.compile`` 的结果相同，第一次用到时才编译。

为什么：模块里写在顶层的 ``re.compile`` 在导入时就编译，复杂的（如解析国务院通知的几条）每条要
0.2–1.3 毫秒；打开程序、画出首页之前要导入的模块里有十几条，大多数这时根本用不到。
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any

__all__ = ["lazy"]

_LOCK = threading.Lock()


class _Lazy:
    __slots__ = ("_flags", "_pattern", "_compiled")

    def __init__(self, pattern: str, flags: int) -> None:
        self._pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        p = self._compiled
        if p is None:
            with _LOCK:
                p = self._compiled
                if p is None:
                    p = self._compiled = re.compile(self._pattern, self._flags)
        return p

    def __getattr__(self, name: str) -> Any:
        # 只在找不到的属性上调用：match、search、sub、pattern……都转给编译好的正则
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"lazy({self._pattern!r})"


if TYPE_CHECKING:

    def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]: ...

else:

    def lazy(pattern, flags=0):
        """与 ``re.compile(pattern, flags)`` 相同，只是第一次用到时才编译。"""
        return _Lazy(pattern, flags)
