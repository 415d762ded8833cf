"""读写数据文件的底层：唯一的原子写入（``write_bytes_atomic``）、UTF-8 读取，以及 TinyDB 的存储类。

TinyDB 自带的 JSONStorage 原地改写文件（进程中途被杀就损坏）、用本机默认编码（中文 Windows
上是 cp936），所以这里不用它。
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any

from creditcheck.errors import CreditCheckError
from creditcheck.oserrors import os_reason


class StorageError(CreditCheckError):
    """数据文件读写失败；消息为中文，写明文件。"""


class CorruptFileError(StorageError):
    """数据文件无法解析（截断、全是零、不是 UTF-8……）。"""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"数据文件已损坏，无法读取：{path}（{detail}）")
        self.path = path
        self.detail = detail


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_UMASK: int | None = None


def file_mode(path: Path) -> int:
    """新写入文件的权限：沿用原文件的；新文件按 umask（mkstemp 默认 0600，共享文件夹上别人会读不了）。"""
    global _UMASK
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        pass
    if _UMASK is None:
        _UMASK = os.umask(0o022)
        os.umask(_UMASK)
    return 0o666 & ~_UMASK


MAX_DATA_FILE = 512 * 1024 * 1024
"""一个数据文件的大小上限（20 万行的台账约 200 MB）。"""


def read_json(path: Path) -> Any | None:
    """读出 JSON；文件不存在时为 None；无法解析时抛 CorruptFileError。"""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # FIFO、设备、文件夹：不去读（读 FIFO 会一直等）
            raise CorruptFileError(path, "不是普通文件")
        if st.st_size > MAX_DATA_FILE:  # 读进来要占好几倍的内存
            raise CorruptFileError(
                path,
                f"文件有 {st.st_size // (1024 * 1024)} MB，超过数据文件 "
                f"{MAX_DATA_FILE // (1024 * 1024)} MB 的上限",
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise StorageError(f"数据文件无法读取：{path}（{os_reason(e)}）") from None
    if not raw.strip():
        if raw == b"":
            return None
        raise CorruptFileError(path, "文件内容为空白")
    if raw.strip(b"\x00") == b"":
        raise CorruptFileError(path, "文件内容全是零字节")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CorruptFileError(path, "不是有效的 UTF-8 文本") from None
    from .schema import ShapeError, loads  # 嵌套层数、数字位数有上限（见 schema.py）

    try:
        return loads(text)
    except ShapeError as e:
        raise CorruptFileError(path, str(e)) from None


REPLACE_RETRIES = 10
"""Windows 上目标文件被短暂占用时 os.replace 的尝试次数。"""
REPLACE_DELAY = 0.05
"""两次尝试之间等待的秒数（共约半秒）。"""


def write_bytes_atomic(
    path: Path, data: bytes, *, retries: int = REPLACE_RETRIES, delay: float = REPLACE_DELAY
) -> None:
    """数据文件夹里唯一的整文件写入方式（JSON、文本、备份恢复的副本、目录存档都经过这里）：

    同一文件夹下名字唯一的临时文件（mkstemp）→ 写入 → flush → fsync → os.replace 到目标
    （Windows 上目标被杀毒软件、备份工具、资源管理器预览短暂占用时稍等重试）→ fsync 文件夹。
    任何一步失败都删掉临时文件、原文件保持原样，抛出写明文件的中文 ``StorageError``。
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StorageError(f"无法创建数据文件夹：{folder}（{os_reason(e)}）") from None
    import tempfile  # 用到时才导入（连带 shutil、random 等，启动时要 5 毫秒；首页画好之前不写文件）

    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise StorageError(f"数据文件夹不可写：{folder}（{os_reason(e)}）") from None
    tmp = Path(tmp_name)
    try:
        try:
            if os.name == "posix":
                os.fchmod(fd, file_mode(path))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        except OSError as e:
            raise StorageError(f"写入失败：{path}（{os_reason(e)}）") from None
        _replace(tmp, path, retries, delay)
    except BaseException:
        # 失败（包括被中断）时不留下临时文件；原文件没有动过
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    fsync_dir(folder)


def _replace(tmp: Path, path: Path, retries: int, delay: float) -> None:
    for attempt in range(max(1, retries)):
        try:
            os.replace(tmp, path)
            return
        except PermissionError:
            # Windows：目标文件被其他程序（杀毒软件、备份工具、资源管理器预览）短暂占用
            if attempt >= retries - 1 or sys.platform != "win32":
                raise StorageError(
                    f"无法替换数据文件 {path}：文件被其他程序占用，原文件保持不变；请关闭占用它的程序后重试"
                ) from None
            time.sleep(delay)
        except OSError as e:
            raise StorageError(
                f"无法替换数据文件 {path}（{os_reason(e)}），原文件保持不变"
            ) from None


def write_json_atomic(
    path: Path, data: Any, *, retries: int = REPLACE_RETRIES, delay: float = REPLACE_DELAY
) -> None:
    """原子写入一个 JSON 文件（UTF-8、紧凑），见 ``write_bytes_atomic``。"""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    write_bytes_atomic(path, payload, retries=retries, delay=delay)


class AtomicJSONStorage:
    """TinyDB 存储：每次读取都重新打开文件（UTF-8），每次写入都原子替换。

    实现 TinyDB 的存储接口（read / write / close；TinyDB 只按这几个方法调用，不查基类），不继承
    ``tinydb.storages.Storage``：读写数据文件不必导入 TinyDB，首页出来得更快（只有 ``Store.tinydb`` 才导入它）。
    """

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only

    def read(self) -> dict[str, dict[str, Any]] | None:
        data = read_json(self.path)
        if data is not None and not isinstance(data, dict):
            raise CorruptFileError(self.path, "顶层不是对象")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self.read_only:
            raise StorageError(f"当前为只读模式，不能写入 {self.path}")
        write_json_atomic(self.path, data)

    def close(self) -> None:
        pass


def write_text_atomic(path: Path, text: str) -> None:
    """原子写入一个 UTF-8 文本文件（节假日 CSV、目录存档等），见 ``write_bytes_atomic``。"""
    write_bytes_atomic(path, text.encode("utf-8"))


def append_line_durable(path: Path, line: str) -> None:
    """在只追加的文本文件（JSON Lines）末尾加一行并 fsync。

    上次追加若被中断、留下半行，先补一个换行，让新的一行完整独立（读取时跳过那半行）。
    """
    folder = path.parent
    new_file = not path.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(path, "a+b") as f:
            f.seek(0, os.SEEK_END)
            prefix = b""
            if f.tell() > 0:
                f.seek(-1, os.SEEK_END)
                if f.read(1) != b"\n":
                    prefix = b"\n"
                f.seek(0, os.SEEK_END)
            f.write(prefix + line.encode("utf-8") + b"\n")
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        raise StorageError(f"写入失败：{path}（{os_reason(e)}）") from None
    if new_file:
        fsync_dir(folder)
