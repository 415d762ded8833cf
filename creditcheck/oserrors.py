"""系统错误的中文说明。

Linux 上 ``OSError.strerror`` 是英文（“Permission denied”），用户看到的每条消息都应是中文，
所以常见的错误号在这里换成中文；其余照录系统的说法（中文版 Windows 的说法本来就是中文）。
"""

from __future__ import annotations

import errno

_REASONS = {
    errno.ENOENT: "路径不存在（上一级文件夹找不到）",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许的操作（没有权限）",
    errno.EROFS: "这是只读的位置",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "磁盘配额已满",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EEXIST: "同名的文件已存在",
    errno.EISDIR: "这是一个文件夹",
    errno.ENAMETOOLONG: "路径太长",
    errno.EINVAL: "路径中有不允许的字符",
    errno.EBUSY: "文件正被其他程序占用",
    errno.EIO: "读写出错（磁盘或网络故障）",
    errno.ETIMEDOUT: "网络超时（共享文件夹连不上）",
    errno.EHOSTUNREACH: "网络不通（共享文件夹连不上）",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.EMFILE: "打开的文件太多",
    errno.EFBIG: "文件太大",
}


def os_reason(e: OSError) -> str:
    """一个系统错误的中文原因。"""
    if e.errno in _REASONS:
        return _REASONS[e.errno]
    return str(e.strerror or e)
