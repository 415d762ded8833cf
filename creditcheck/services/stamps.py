"""文件戳：（文件名, 修改时间纳秒, 大小）。比较两次的文件戳，没变就不重读文件。

共享文件夹在网络上时，读一个科室十二个月的文件要几百毫秒；先列一下文件夹、比一比戳，
没有改动时一个文件也不读（``OverviewService.reads``、``MonthSession.reads`` 数着真正读了几次）。
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.store import Store

Stamp = tuple[tuple[str, int, int], ...]
"""一组文件的戳，按文件名排序；文件夹不存在时为空。"""

_MONTH_FILES = re.compile(r"^\d{4}(-\d{2})?\.json$")
"""科室文件夹里的月度文件（每月一个；第1版为每年一个）。台账、审计与占用文件不影响月度记录。"""


def folder_stamp(folder: Path, wanted: re.Pattern[str] | None = None, prefix: str = "") -> Stamp:
    """文件夹里（名字符合 ``wanted`` 且以 ``prefix`` 开头的）文件的戳。"""
    out: list[tuple[str, int, int]] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return ()
    for e in entries:
        name = e.name
        if prefix and not name.startswith(prefix):
            continue
        if wanted is not None and not wanted.match(name):
            continue
        try:
            st = e.stat()
        except OSError:
            continue
        out.append((name, st.st_mtime_ns, st.st_size))
    return tuple(sorted(out))


def section_stamp(store: Store, section_id: str) -> Stamp:
    """一个科室的月度记录所在文件（科室文件夹里的月度文件 + 体系科对它的审核决定）的戳。"""
    months = folder_stamp(store.section_dir(section_id), _MONTH_FILES)
    decisions = folder_stamp(store.reviews_dir, prefix=f"{section_id}-")
    return months + tuple(("reviews/" + n, t, s) for n, t, s in decisions)
