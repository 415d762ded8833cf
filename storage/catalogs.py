"""用户目录按版本存档：catalogs/<版本>.toml（旧月份仍按当时的版本显示和导出）。

领域层（``creditcheck.catalog.archive_copy``）算出要写的文件与内容，这里只负责经唯一的原子写入写盘。
"""

from __future__ import annotations

from pathlib import Path

from creditcheck.catalog import Catalog, archive_copy

from .atomic import write_bytes_atomic


def archive_user_catalog(data_dir: Path, loaded: Catalog | None = None) -> Path | None:
    """把数据文件夹里的用户目录按版本存档（已存档则不动）。返回存档路径；没有用户目录时为 None。"""
    plan = archive_copy(data_dir, loaded)
    if plan is None:
        return None
    dst, data = plan
    if data is not None:
        write_bytes_atomic(dst, data)
    return dst
