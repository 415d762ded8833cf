"""测试用：让一份新建的月度记录“基于盘上最新的一版”保存。

保存是比较并交换（修订号）：新建的 SectionMonth 没有读过盘，盘上已有该月时保存会被拒绝
（StaleRecordError）。只关心锁、只读、备份的测试用它表明“这次保存是在最新一版之上改的”。
"""

from __future__ import annotations

from pathlib import Path

from creditcheck.models import SectionMonth
from storage import Store


def on_latest(sm: SectionMonth, data_dir: Path) -> SectionMonth:
    """把 ``sm`` 的版本标记换成盘上该月当前的（还没有时为 0）。原地修改并返回 ``sm``。"""
    with Store(data_dir, read_only=True) as s:
        latest = s.load_month(sm.section_id, sm.month)
    sm.rev, sm.saved_at = latest.rev, latest.saved_at
    return sm
