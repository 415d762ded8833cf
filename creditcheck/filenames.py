"""由科室简称、局名等文字拼成的默认文件名：在 Windows 上也一定能用。

Windows 文件名不能含 ``\\ / : * ? " < > |`` 和控制字符，末尾的点和空格会被系统悄悄去掉，
CON、PRN、AUX、NUL、COM1…、LPT1… 是设备名（连同扩展名也不行）。这些文字来自可以修改的
指标目录（catalog.toml）和本机设置，所以生成默认文件名时统一在这里清理。
"""

from __future__ import annotations

import re

from .patterns import lazy

_BAD = lazy(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = lazy(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
MAX_STEM = 100
"""文件名主体的最多字符数（NTFS 单个文件名上限 255，留出余量给文件夹路径）。"""


def safe_file_name(text: str, fallback: str = "未命名", max_len: int = MAX_STEM) -> str:
    """把一段文字变成可作 Windows 文件名（或其一部分）的文字：非法字符换成“_”，去掉首尾空格和末尾的点。"""
    name = _BAD.sub("_", text or "").strip().rstrip(". ")
    if len(name) > max_len:
        name = name[:max_len].rstrip(". ")
    if not name:
        name = fallback
    if _RESERVED.match(name):
        name = "_" + name
    return name


def clean_path_text(text: str) -> str:
    """用户输入或粘贴的路径：去掉首尾空白和引号。资源管理器“复制为路径”带双引号；
    Linux 终端里拖入文件带单引号；cmd 里写 ``"Z:\\信用自查\\"`` 时程序收到的末尾多一个引号。"""
    return (text or "").strip().strip('"').strip("'").strip()
