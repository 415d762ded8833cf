"""读入文件之前的安全检查：只读普通文件、大小有上限、工作簿先看清单再读。

- ``regular_file``：不打开文件就判断它是不是普通文件。命名管道（FIFO）、设备（/dev/zero）、
  文件夹一律当场拒绝，读 FIFO 会一直等、读 /dev/zero 永远读不完。
- ``read_limited``：普通文件且不超过上限才读入（以非阻塞方式打开，打开后再核对一次）。
- ``inspect_workbook``：台账 .xlsx 在交给读取器之前，只看 zip 目录和工作表开头：
  部件个数、每个部件与全部解压后的大小、共享字符串表的大小（与行数相称）、工作表的行数。
  超过 ``MAX_LEDGER_ROWS`` 行的台账拒绝读取，并写明行数与上限。

所有拒绝都是一句中文（``InputError`` 或调用方指定的错误类），不会先把文件读进内存。
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from creditcheck.errors import CreditCheckError, InputError

MAX_LEDGER_ROWS = 200_000
"""一份台账最多的数据行数（一个科室一个月的台账远少于此；Excel 的上限是 1,048,576 行）。"""
MAX_WORKBOOK_FILE = 100 * 1024 * 1024
"""台账工作簿文件本身的大小上限。"""
MAX_WORKBOOK_PART = 256 * 1024 * 1024
"""工作簿中一个部件（一张工作表的 XML）解压后的大小上限。"""
MAX_WORKBOOK_TOTAL = 512 * 1024 * 1024
"""工作簿全部部件解压后的大小上限。"""
SHARED_STRINGS_BASE = 8 * 1024 * 1024
SHARED_STRINGS_PER_ROW = 1024
MAX_SHARED_STRINGS = 150 * 1024 * 1024
"""共享字符串表的上限：8 MiB 加每行 1 KiB，最多 150 MiB（一张几百行的表配 190 MB 的字符串表就是炸弹）。"""
MAX_PARTS = 5000
MAX_HOLIDAY_FILE = 1024 * 1024
"""节假日文件（CSV 或通知原文）的大小上限：一年的安排只有几 KB。"""

_MIB = 1024 * 1024


def _size(n: int) -> str:
    if n >= _MIB:
        return f"{n / _MIB:.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.0f} KiB"
    return f"{n} 字节"


def regular_file(
    path: Path | str, what: str = "文件", error: type[CreditCheckError] = InputError
) -> os.stat_result:
    """``path`` 必须是已存在的普通文件（不打开它）；否则抛出 ``error``（一句中文）。"""
    text = str(path)
    if not text.strip():
        raise error(f"没有给出{what}的路径")
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise error(f"找不到文件：{p}（{what}）") from None
    except PermissionError:
        raise error(f"没有权限读取{what}：{p}") from None
    except (OSError, ValueError) as e:
        from creditcheck.oserrors import os_reason

        reason = os_reason(e) if isinstance(e, OSError) else "路径中有不允许的字符"
        raise error(f"无法读取{what}：{p}（{reason}）") from None
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise error(f"“{p}”是一个文件夹，不是{what}")
    if stat.S_ISFIFO(mode):
        raise error(f"“{p}”是一个命名管道（FIFO），不是普通文件，已拒绝读取")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise error(f"“{p}”是一个设备，不是普通文件，已拒绝读取")
    if not stat.S_ISREG(mode):
        raise error(f"“{p}”不是普通文件，已拒绝读取")
    return st


def read_limited(
    path: Path | str, limit: int, what: str = "文件", error: type[CreditCheckError] = InputError
) -> bytes:
    """读入一个不超过 ``limit`` 字节的普通文件。"""
    st = regular_file(path, what, error)
    p = Path(path)
    if st.st_size > limit:
        raise error(f"{what}“{p.name}”有 {_size(st.st_size)}，超过上限 {_size(limit)}，已拒绝读取")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as e:
        from creditcheck.oserrors import os_reason

        raise error(f"无法读取{what}：{p}（{os_reason(e)}）") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # 检查与打开之间被换掉了
            raise error(f"“{p}”不是普通文件，已拒绝读取")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise error(f"{what}“{p.name}”超过上限 {_size(limit)}，已拒绝读取")
    return data


# ───────────────────────── 工作簿 ─────────────────────────

_SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR_RE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_REL_RE = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")
_DIMENSION_RE = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]{1,3}\d+(?::[A-Z]{1,3}(\d+))?"')
_ROW_RE = re.compile(rb"<(?:\w+:)?row\b[^>]*?(/?)>")
_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_VALUE_RE = re.compile(rb"<(?:\w+:)?(?:v|is|t)\b")
_CHUNK = 1 << 20


def _attrs(raw: bytes) -> dict[str, str]:
    out = {}
    for k, v in _ATTR_RE.findall(raw):
        out[k.decode("utf-8", "replace").split(":")[-1]] = v.decode("utf-8", "replace")
    return out


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int = 4 * _MIB) -> bytes:
    with zf.open(info) as f:
        return f.read(limit)


def _sheets(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> list[tuple[str, bool, str]]:
    """工作表：[(名称, 是否隐藏, 部件名)]，按工作簿中的顺序。读不出时为空。"""
    wb = names.get("xl/workbook.xml")
    rels = names.get("xl/_rels/workbook.xml.rels")
    if wb is None or rels is None or wb.file_size > 4 * _MIB or rels.file_size > 4 * _MIB:
        return []
    targets: dict[str, str] = {}
    for raw in _REL_RE.findall(_read_small(zf, rels)):
        a = _attrs(raw)
        if "Id" in a and "Target" in a:
            t = a["Target"]
            t = t.lstrip("/") if t.startswith("/") else str(PurePosixPath("xl") / t)
            targets[a["Id"]] = t
    out = []
    for raw in _SHEET_RE.findall(_read_small(zf, wb)):
        a = _attrs(raw)
        part = targets.get(a.get("id", ""), "")
        out.append((a.get("name", ""), a.get("state", "visible") != "visible", part))
    return out


def _count_rows(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> int:
    """数有值的行（``<row>`` 里有 ``<v>``/``<is>``），超过 ``limit`` 即停。"""
    count = 0
    buf = b""
    with zf.open(info) as f:
        while True:
            block = f.read(_CHUNK)
            if not block:
                break
            buf += block
            pos = 0
            while True:
                m = _ROW_RE.search(buf, pos)
                if m is None:
                    buf = buf[max(pos, len(buf) - 4096) :] if pos < len(buf) else b""
                    break
                if m.group(1):  # <row .../> 空行
                    pos = m.end()
                    continue
                end = _ROW_END.search(buf, m.end())
                if end is None:
                    buf = buf[m.start() :]
                    if len(buf) > 64 * _MIB:  # 一行 64 MiB：不是正常的表格
                        return limit + 1
                    break
                if _VALUE_RE.search(buf, m.end(), end.start()):
                    count += 1
                    if count > limit:
                        return count
                pos = end.end()
    return count


def inspect_workbook(
    path: Path | str,
    sheet: str | None = None,
    *,
    max_rows: int | None = None,
    error: type[CreditCheckError] = InputError,
) -> None:
    """读取台账之前检查：普通文件、文件大小、zip 清单（部件数、解压后大小）、共享字符串表、行数。

    不是 zip 的文件（.xls、.csv……）不在这里判断，交给读取器给出具体说明。
    """
    st = regular_file(path, "台账文件", error)
    max_rows = MAX_LEDGER_ROWS if max_rows is None else max_rows
    p = Path(path)
    name = p.name or str(p)
    if st.st_size > MAX_WORKBOOK_FILE:
        raise error(
            f"“{name}”有 {_size(st.st_size)}，超过台账文件 {_size(MAX_WORKBOOK_FILE)} 的上限，已拒绝读取"
        )
    try:
        with open(p, "rb") as fh:
            if fh.read(2) != b"PK":
                return
        zf = zipfile.ZipFile(p)
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return  # 交给读取器说明“已损坏”
    try:
        with zf:
            _inspect_zip(zf, name, sheet, max_rows, error)
    except CreditCheckError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ):
        return  # 部件损坏：交给读取器说明


def _inspect_zip(
    zf: zipfile.ZipFile, name: str, sheet: str | None, max_rows: int, error: type[CreditCheckError]
) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_PARTS:
        raise error(f"“{name}”内部的部件多达 {len(infos)} 个，不像正常的台账，已拒绝读取")
    total = 0
    for info in infos:
        total += info.file_size
        if info.flag_bits & 0x1:
            raise error(f"“{name}”已加密（设置了打开密码），请在 Excel 或 WPS 中取消密码后再导入")
        if info.file_size > MAX_WORKBOOK_PART:
            raise error(
                f"“{name}”的部件 {info.filename} 解压后有 {_size(info.file_size)}，"
                f"超过 {_size(MAX_WORKBOOK_PART)} 的上限，已拒绝读取"
            )
    if total > MAX_WORKBOOK_TOTAL:
        raise error(
            f"“{name}”解压后共有 {_size(total)}，超过 {_size(MAX_WORKBOOK_TOTAL)} 的上限，已拒绝读取"
        )
    names = {i.filename: i for i in infos}
    sheets = _sheets(zf, names)
    chosen: tuple[str, bool, str] | None = None
    if sheet is not None:
        chosen = next((s for s in sheets if s[0] == sheet), None)
    else:
        chosen = next((s for s in sheets if not s[1]), sheets[0] if sheets else None)
    rows = 0
    if chosen is not None and chosen[2] in names:
        info = names[chosen[2]]
        head = _read_small(zf, info, 64 * 1024)
        dim = _DIMENSION_RE.search(head)
        declared = int(dim.group(1)) if dim and dim.group(1) and len(dim.group(1)) <= 9 else None
        if declared is not None and declared <= max_rows and info.file_size < 64 * _MIB:
            rows = declared
        elif info.file_size < max_rows * 8:  # 一行至少 8 个字节：不可能超过上限
            rows = min(declared or info.file_size // 8, max_rows)
        else:
            rows = _count_rows(zf, info, max_rows)
            if rows > max_rows:
                shown = (
                    f"{declared:,} 行"
                    if declared and declared > max_rows
                    else f"超过 {max_rows:,} 行"
                )
                raise error(
                    f"“{name}”的工作表“{chosen[0]}”有 {shown}数据，超过台账 {max_rows:,} 行的上限，"
                    "已拒绝读取；请按月份或科室拆分后再导入"
                )
    ss = names.get("xl/sharedStrings.xml")
    if ss is not None:
        allowed = min(
            MAX_SHARED_STRINGS, SHARED_STRINGS_BASE + SHARED_STRINGS_PER_ROW * max(rows, 0)
        )
        if ss.file_size > allowed:
            raise error(
                f"“{name}”的共享字符串表解压后有 {_size(ss.file_size)}，与表格的行数（{rows:,} 行）不相称"
                f"（上限 {_size(allowed)}），可能是恶意构造的文件，已拒绝读取"
            )
