"""用系统默认程序打开文件或文件夹（Windows 的 os.startfile，其他系统的 xdg-open / gio / open），不等待其退出。"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from creditcheck.oserrors import os_reason


def _linux_opener() -> list[str] | None:
    """Linux（含统信 UOS、麒麟）上可用的打开命令：xdg-open，没有时用 gio open。"""
    xdg = shutil.which("xdg-open")
    if xdg:
        return [xdg]
    gio = shutil.which("gio")
    if gio:
        return [gio, "open"]
    return None


def open_path(path: Path) -> str | None:
    """打开成功返回 None，否则返回一句中文说明（从不抛出异常，也不等待打开的程序）。"""
    try:
        if not path.exists():
            return f"文件不存在：{path}"
    except OSError as e:  # 共享文件夹断开等
        return f"无法访问 {path}：{os_reason(e)}"
    try:
        if sys.platform == "win32":
            os.startfile(str(path))  # type: ignore[attr-defined]
            return None
        if sys.platform == "darwin":
            command = ["open"]
        else:
            if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
                return f"当前没有图形桌面（例如通过远程终端登录），无法用默认程序打开，请在桌面上手动打开：{path}"
            found = _linux_opener()
            if found is None:
                return f"本机没有可用的打开程序（xdg-open 或 gio），请手动打开：{path}"
            command = found
        subprocess.Popen(
            [*command, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as e:
        return f"无法打开 {path}：{os_reason(e)}（可能没有关联的程序）"
    return None
