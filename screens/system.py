"""用系统默认程序打开文件或文件夹（Windows 的 os.startfile，其他系统的 xdg-open / open），不等待其退出。"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def open_path(path: Path) -> str | None:
    """打开成功返回 None，否则返回一句中文说明。"""
    if not path.exists():
        return f"文件不存在：{path}"
    try:
        if sys.platform == "win32":
            os.startfile(str(path))  # type: ignore[attr-defined]
            return None
        opener = "open" if sys.platform == "darwin" else shutil.which("xdg-open")
        if opener is None:
            return f"本机没有可用的打开程序（xdg-open），请手动打开：{path}"
        subprocess.Popen(
            [opener, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as e:
        return f"无法打开 {path}：{e.strerror or e}（可能没有关联的程序）"
    return None
