"""全应用的消息。屏幕之间不互相调用方法，而是发消息给 App，由 App 决定刷新谁。"""

from __future__ import annotations

from textual.message import Message

from creditcheck.month import Month
from creditcheck.records import dataclass


class ShowsMonth:
    """显示本月记录的屏幕（首页、逐项自查、体系科各页）：本月的记录变了时，前台的这种屏幕由 App 叫它重画。"""

    def redraw_month(self) -> None:
        """按现在的记录重画整页。"""
        raise NotImplementedError


@dataclass
class MonthSaved(Message):
    """某个月的记录已保存到磁盘（或换了月份、重读了）；App 据此让前台屏幕重算进度与期限。"""

    month: Month
    redraw: bool = False
    """前台屏幕要不要重画：保存它的屏幕自己已经画过时为 False。"""


@dataclass
class SettingsSaved(Message):
    """本机设置已保存（科室、专人、数据文件夹、字体方案）；App 据此重新打开数据。"""

    data_dir_changed: bool


@dataclass
class MonthLoading(Message):
    """正在后台读取另一个月份（[ ] 换月、T 回到本月）；App 发给前台屏幕，首页在月份处写“正在读取……”。"""

    month: Month
