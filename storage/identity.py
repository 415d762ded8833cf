"""谁在写、什么时候写：用户身份与时钟由外面传进来（测试里固定），存储层深处不自己去读。"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from datetime import datetime
from typing import Any

from creditcheck.records import dataclass

Clock = Callable[[], datetime]
"""返回“现在”的函数；默认 ``datetime.now``。"""


@dataclass
class Identity:
    """写入数据的人：``actor`` 为填报人（界面或设置里的名字，可为空），``user`` / ``host`` 为操作系统
    账户与电脑名（不给时第一次用到才去查）。"""

    actor: str = ""
    user: str = field(default="")
    host: str = field(default="")

    def __post_init__(self) -> None:
        self._user = self.user
        self._host = self.host

    @property
    def os_user(self) -> str:
        if not self._user:
            from .locking import os_user

            self._user = os_user()
        return self._user

    @property
    def host_name(self) -> str:
        if not self._host:
            from .locking import host_name

            self._host = host_name()
        return self._host

    def who(self, actor: str = "") -> str:
        """记在文件与审计日志里的“谁”：这次给的名字，否则填报人，否则操作系统账户。"""
        return actor or self.actor or self.os_user

    def audit_header(self, at: datetime, who: str, section: str, **extra: Any) -> dict[str, Any]:
        """一条审计记录的开头（时间、谁、账户、电脑、科室），后面接 ``extra``。审计记录只在这里起头。"""
        return {
            "at": at.isoformat(timespec="seconds"),
            "who": who,
            "user": self.os_user,
            "host": self.host_name,
            "section": section,
            **extra,
        }
