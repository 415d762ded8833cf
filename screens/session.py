"""当前打开的那个月：实现在应用层（creditcheck/services/months.py），这里原样转出，屏幕照旧从本模块导入。"""

from __future__ import annotations

from creditcheck.services.months import MonthSession, SaveError

__all__ = ["MonthSession", "SaveError"]
