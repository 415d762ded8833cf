"""数据文件夹的布局：每种数据文件在哪里、叫什么。路径只在这里拼。

    DATA/
      sections/<科室id>/<年>-<月>.json            一个月的自查记录（TinyDB 表 months，一条）
      sections/<科室id>/<年>.json                 第1版：一个科室一年一个文件（打开时拆成每月一个）
      sections/<科室id>/ledger-<种类>-<年>.json    台账（表 imports，每月一条）
      sections/<科室id>/audit-<年>.jsonl           审计日志（只追加，见 audit.py）
      sections/<科室id>/.lock, lock-holder.json    占用锁与占用者信息（见 locking.py）
      reviews/<科室id>-<年>-<月>.json              体系科的审核决定（见 reviews.py）
      reviews/audit-<年>.jsonl, reviews/.lock      体系科的审计日志；写审核文件时短暂持有的锁
      backups/<科室id>/<备份编号>/                  备份（见 backups.py）
      catalogs/<版本>.toml                         用过的用户目录（见 catalogs.py）

科室名永不直接成为文件名：只用目录中的科室 id（英文字母、数字、-、_）。
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from creditcheck.month import Month
from creditcheck.patterns import lazy

from .atomic import StorageError

SAFE_ID = lazy(r"^[A-Za-z0-9_-]{1,40}$")
YEAR_FILE = lazy(r"^(\d{4})\.json$")
"""第1版：一个科室一年一个文件（打开时拆成每月一个文件）。"""
MONTH_FILE = lazy(r"^(\d{4})-(\d{2})\.json$")
LEDGER_FILE = lazy(r"^ledger-([A-Za-z0-9_-]{1,40})-(\d{4})\.json$")
REVIEW_FILE = lazy(r"^[A-Za-z0-9_-]{1,40}-\d{4}-\d{2}\.json$")
REVIEWS_KEY = "reviews"
"""体系科审核文件所在的文件夹名（DATA/reviews），也是它在备份区的名字。"""


def safe_id(section_id: str) -> str:
    """科室 id（或台账种类）能否用作文件名的一部分；不能时抛中文 ``StorageError``。"""
    if not SAFE_ID.match(section_id or ""):
        raise StorageError(f"科室编号不合法：“{section_id}”")
    return section_id


class Layout:
    """一个数据文件夹里各种文件的路径。"""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def section_dir(self, section_id: str) -> Path:
        return self.data_dir / "sections" / safe_id(section_id)

    def year_path(self, section_id: str, year: int) -> Path:
        return self.section_dir(section_id) / f"{year}.json"

    def month_path(self, section_id: str, month: Month) -> Path:
        """某科室某月记录的文件。"""
        return self.section_dir(section_id) / f"{month}.json"

    def ledger_path(self, section_id: str, kind: str, year: int) -> Path:
        return self.section_dir(section_id) / f"ledger-{safe_id(kind)}-{year}.json"

    @property
    def reviews_dir(self) -> Path:
        """体系科的审核文件夹（见 storage/reviews.py）。"""
        return self.data_dir / REVIEWS_KEY

    def decisions_path(self, section_id: str, month: Month) -> Path:
        """某科室某月体系科决定（审核通过、退回修改、重新打开）的文件。"""
        return self.reviews_dir / f"{safe_id(section_id)}-{month}.json"

    def folder(self, key: str) -> Path:
        """备份区的名字 → 数据文件夹：科室 id 或 reviews（审核文件）。"""
        return self.reviews_dir if key == REVIEWS_KEY else self.section_dir(key)

    def section_ids(self) -> list[str]:
        """数据文件夹里已有的科室（文件夹名合法的）。"""
        root = self.data_dir / "sections"
        if not root.is_dir():
            return []
        return sorted(p.name for p in root.iterdir() if p.is_dir() and SAFE_ID.match(p.name))


def is_record_file(name: str) -> bool:
    """月度记录、台账或审核文件（恢复时“备份之后才新建的文件”只数这几种）。"""
    return bool(MONTH_FILE.match(name) or LEDGER_FILE.match(name) or REVIEW_FILE.match(name))


def file_year(name: str) -> int | None:
    m = re.search(r"(\d{4})(?:-\d{2})?\.jsonl?$", name)
    return int(m.group(1)) if m else None


def aside(path: Path, now: Callable[[], datetime] = datetime.now) -> Path:
    """把损坏的文件改名保留：2026.json → 2026.json.damaged-20261128-093000。"""
    stamp = now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 2
    while target.exists():
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
        n += 1
    path.replace(target)
    return target
