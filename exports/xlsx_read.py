"""读取台账 Excel（.xlsx）：openpyxl 只读、只取值、逐行流式读取。

读之前先用 zipfile 检查文件本身：不是工作簿（.xls、.csv、网页表格、Word 文档……）、加了密码、
解压后过大或压缩比异常（压缩炸弹）、XML 里带 DOCTYPE/实体声明，都给出一句中文说明并拒绝读取。
openpyxl 在装有 defusedxml 时自动用它解析 XML（实体扩展攻击被拒绝），这里再核对一次。

公式按缓存的计算结果读取；没有缓存结果的公式格标为 ``UNCACHED_FORMULA``（报为问题，不会出错）。
合并单元格按左上角的值理解，被覆盖的格标为 ``Merged``（报为问题）。
末尾成百万的空行不逐一读取：连续空行超过 ``EMPTY_RUN_LIMIT`` 行即停止。
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from creditcheck.ledger import UNCACHED_FORMULA, LedgerReadError, Merged
from creditcheck.oserrors import os_reason

__all__ = [
    "LedgerReadError",
    "LedgerWorkbook",
    "inspect_file",
    "MAX_UNCOMPRESSED",
    "EMPTY_RUN_LIMIT",
    "SAVE_AS_XLSX",
    "pick_sheet",
    "scan_sheet",
    "sheet_rows",
]

SAVE_AS_XLSX = "请在 WPS 或 Excel 中打开，点“文件 → 另存为”，保存类型选“Excel 工作簿(*.xlsx)”，再导入另存的文件"
"""读不了的文件一律告诉用户怎样另存为 .xlsx。"""

MAX_UNCOMPRESSED = 200 * 1024 * 1024
"""解压后总大小上限（字节）：一个科室的台账远小于此。"""
MAX_RATIO = 200
"""单个部件的压缩比上限（只对解压后超过 ``RATIO_MIN_SIZE`` 的部件检查）。"""
RATIO_MIN_SIZE = 8 * 1024 * 1024
MAX_MEMBERS = 5000
EMPTY_RUN_LIMIT = 1000
"""连续这么多行空行之后不再往下读。"""

TEXT_SUFFIXES = ("", ".csv", ".txt", ".tsv", ".xls", ".et")
"""内容是文字时按 CSV 读的扩展名（有些系统把制表符分隔的文字存成 .xls）；.xlsx 等其他扩展名的文字文件拒绝。"""
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SCAN_CHUNK = 1 << 20
_SCAN_OVERLAP = 16384


def _shorten(path: Path) -> str:
    return path.name or str(path)


def inspect_file(path: Path, accept: tuple[str, ...] = ("xlsx",)) -> str:
    """读取之前按文件内容（不看扩展名）检查文件，返回格式："xlsx"（含 .xlsm）、"xls"、"ods" 或 "csv"。

    不在 ``accept`` 里的格式、读不了的文件抛出 LedgerReadError（中文说明）。WPS 的 .et 文件
    其实是 .xls 或 .xlsx，按内容认出。"""
    name = _shorten(path)
    try:
        if path.is_dir():
            raise LedgerReadError(f"“{name}”是一个文件夹，不是 Excel 文件")
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8192)
    except FileNotFoundError:
        raise LedgerReadError(f"找不到文件：{path}") from None
    except OSError as e:
        raise open_error(e, name) from None
    if size == 0:
        raise LedgerReadError(f"“{name}”是空文件（0 字节），不是 Excel 工作簿")
    if head.startswith(_OLE_MAGIC):
        _explain_ole(path, name, "xls" in accept)
        return "xls"
    if not head.startswith(b"PK"):
        _explain_not_zip(head, name, "csv" in accept and path.suffix.lower() in TEXT_SUFFIXES)
        return "csv"
    try:
        with zipfile.ZipFile(path) as zf:
            return _check_zip(zf, name, "ods" in accept)
    except LedgerReadError:
        raise
    except Exception:  # noqa: BLE001 - 不可信文件：zip 目录损坏、不支持的压缩版本……
        raise LedgerReadError(
            f"“{name}”已损坏，无法作为 Excel 工作簿打开（请在 Excel 或 WPS 中打开后另存为 .xlsx）"
        ) from None


def open_error(e: OSError, name: str) -> LedgerReadError:
    """打不开台账文件时的一句中文说明（没有权限或被 Excel 占用时说怎么办）。"""
    if isinstance(e, PermissionError):
        return LedgerReadError(
            f"无法打开“{name}”：没有权限，或文件正被其他程序（如 Excel）占用，请关闭后再试"
        )
    return LedgerReadError(f"无法打开“{name}”：{os_reason(e)}")


def _explain_ole(path: Path, name: str, xls_ok: bool = False) -> None:
    """旧式复合文档：加密的 .xlsx、Excel 97-2003 的 .xls（WPS 的 .et 也常是它）或 Word 的 .doc。
    是可读的 .xls 且 ``xls_ok`` 时返回，否则抛出说明。"""
    try:
        with path.open("rb") as f:
            data = f.read(64 * 1024 * 1024)
    except OSError:
        data = b""
    if (
        "EncryptedPackage".encode("utf-16-le") in data
        or "EncryptionInfo".encode("utf-16-le") in data
    ):
        raise LedgerReadError(
            f"“{name}”设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中打开，"
            "取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存为 .xlsx 再导入"
        )
    if "WordDocument".encode("utf-16-le") in data:
        raise LedgerReadError(f"“{name}”是 Word 文档，不是 Excel 台账")
    is_xls = "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data
    if not is_xls:
        raise LedgerReadError(
            f"“{name}”不是本程序能读的表格格式（可能是 WPS 专有格式）。{SAVE_AS_XLSX}"
        )
    if xls_ok:
        return
    raise LedgerReadError(
        f"“{name}”是旧版 Excel 97-2003 格式（.xls），这台电脑上没有读取它的组件（python-calamine）。{SAVE_AS_XLSX}"
    )


def _explain_not_zip(head: bytes, name: str, text_ok: bool = False) -> None:
    """不是 zip 的文件：文本（``text_ok`` 时按 CSV 读，返回）、网页、PDF……"""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    low = text[:512].lower()
    if (
        low.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml"))
        or b"<html" in low
        or b"<table" in low
    ):
        raise LedgerReadError(
            f"“{name}”其实是网页（HTML/XML）格式的表格（一些系统导出的“.xls”就是这样）。{SAVE_AS_XLSX}"
        )
    if head.startswith(b"%PDF"):
        raise LedgerReadError(f"“{name}”是 PDF 文件，不是 Excel 工作簿")
    if _looks_like_text(head):
        if text_ok:
            return
        raise LedgerReadError(
            f"“{name}”是文本文件（如 CSV），不是 Excel 工作簿。请在 Excel 或 WPS 中打开，"
            "另存为“Excel 工作簿（*.xlsx）”后再导入"
        )
    raise LedgerReadError(f"“{name}”不是 Excel 工作簿，无法读取。{SAVE_AS_XLSX}")


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    for enc in ("utf-8", "gb18030", "utf-16"):
        try:
            head[:4000].decode(enc)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _check_zip(zf: zipfile.ZipFile, name: str, ods_ok: bool = False) -> str:
    """zip 格式的文件：.xlsx/.xlsm 返回 "xlsx"，OpenDocument 表格（``ods_ok`` 时）返回 "ods"。"""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise LedgerReadError(f"“{name}”内部的部件多达{len(infos)}个，不像正常的台账，已拒绝读取")
    names = {i.filename for i in infos}
    fmt = "xlsx"
    if "xl/workbook.bin" in names:
        raise LedgerReadError(
            f"“{name}”是 Excel 二进制工作簿（.xlsb），本程序不读这种格式。{SAVE_AS_XLSX}"
        )
    if "content.xml" in names and "mimetype" in names and ods_ok:
        with zf.open("mimetype") as f:  # 只解压开头：不可信的部件可能是压缩炸弹
            mimetype = f.read(200)
        if b"opendocument.spreadsheet" not in mimetype:
            raise LedgerReadError(
                f"“{name}”是 OpenDocument 文档，但不是表格（.ods）。{SAVE_AS_XLSX}"
            )
        fmt = "ods"
    elif "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        if "word/document.xml" in names:
            raise LedgerReadError(f"“{name}”是 Word 文档（.docx），不是 Excel 台账")
        if any(n.startswith("ppt/") for n in names):
            raise LedgerReadError(f"“{name}”是 PowerPoint 演示文稿，不是 Excel 台账")
        if "content.xml" in names and "mimetype" in names:
            raise LedgerReadError(
                f"“{name}”是 OpenDocument 表格（.ods），这台电脑上没有读取它的组件（python-calamine）。"
                "请在 WPS 或 LibreOffice 中另存为 .xlsx 后再导入"
            )
        raise LedgerReadError(
            f"“{name}”是压缩包，但不是 Excel 工作簿（缺少工作簿部件）。{SAVE_AS_XLSX}"
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise LedgerReadError(
                f"“{name}”的部件 {info.filename} 压缩比异常（解压后 {info.file_size // (1024 * 1024)} MiB），"
                "可能是恶意构造的文件，已拒绝读取"
            )
    if total > MAX_UNCOMPRESSED:
        raise LedgerReadError(
            f"“{name}”解压后有 {total // (1024 * 1024)} MiB，超过 {MAX_UNCOMPRESSED // (1024 * 1024)} MiB 的上限，"
            "已拒绝读取（台账不应这么大；请检查是否插入了大图片，或拆分后再导入）"
        )
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            try:
                with zf.open(info) as f:
                    head = f.read(8192)
            except Exception:  # noqa: BLE001 - 损坏的部件：交给后面的读取报错
                continue
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise LedgerReadError(
                    f"“{name}”的部件 {info.filename} 含有 DOCTYPE/实体声明（正常的 Excel 文件不会有），"
                    "可能是恶意构造的文件，已拒绝读取"
                )
    return fmt


# ───────────────────────── 工作表 XML 预扫描 ─────────────────────────

_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_UNCACHED_RE = re.compile(
    rb'<c\s[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def scan_sheet(
    zf: zipfile.ZipFile, member: str
) -> tuple[list[tuple[int, int, int, int]], set[tuple[int, int]]]:
    """扫一遍工作表 XML（只解压、不解析）：合并区域（行1, 列1, 行2, 列2，1 起）与没有缓存结果的公式格。"""
    merges: set[tuple[int, int, int, int]] = set()
    uncached: set[tuple[int, int]] = set()
    tail = b""
    with zf.open(member) as f:
        while True:
            chunk = f.read(_SCAN_CHUNK)
            if not chunk:
                break
            buf = tail + chunk
            if b"<!" in buf and (b"<!DOCTYPE" in buf or b"<!ENTITY" in buf):
                raise LedgerReadError(
                    f"工作表部件 {member} 含有 DOCTYPE/实体声明（正常的 Excel 文件不会有），可能是恶意构造的文件，已拒绝读取"
                )
            if b"<f" in buf:
                for m in _UNCACHED_RE.finditer(buf):
                    if len(uncached) < 100000:
                        uncached.add((int(m.group(2)), _col_index(m.group(1))))
            if b"mergeCell" in buf:
                for m in _MERGE_RE.finditer(buf):
                    c1, r1 = _col_index(m.group(1)), int(m.group(2))
                    if m.group(3):
                        c2, r2 = _col_index(m.group(3)), int(m.group(4))
                    else:
                        c2, r2 = c1, r1
                    if (r2, c2) != (r1, c1):
                        merges.add((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
            tail = buf[-_SCAN_OVERLAP:]
    return sorted(merges), uncached


def _ref(r1: int, c1: int, r2: int, c2: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"


# ───────────────────────── 读取 ─────────────────────────


def _unsafe_xml(e: BaseException) -> bool:
    try:
        from defusedxml.common import DefusedXmlException
    except ImportError:  # pragma: no cover
        return False
    seen = 0
    cur: BaseException | None = e
    while cur is not None and seen < 10:  # openpyxl 把解析错误包成 ValueError，原因在 __cause__ 里
        if isinstance(cur, DefusedXmlException):
            return True
        cur = cur.__cause__ or cur.__context__
        seen += 1
    return False


def _wrap(e: BaseException, name: str, where: str = "") -> LedgerReadError:
    if isinstance(e, LedgerReadError):
        return e
    if _unsafe_xml(e):
        return LedgerReadError(
            f"“{name}”含有不安全的 XML 内容（DOCTYPE/实体声明），可能是恶意构造的文件，已拒绝读取"
        )
    if isinstance(e, MemoryError):
        return LedgerReadError(f"“{name}”太大，内存不足，无法读取")
    detail = f"{type(e).__name__}"
    return LedgerReadError(
        f"“{name}”{where}已损坏或格式不受支持，无法读取（{detail}）。请在 Excel 或 WPS 中打开后另存为 .xlsx 再试"
    )


_OPENPYXL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")


class LedgerWorkbook:
    """一个打开的台账工作簿（只读）。用 ``with`` 打开，``rows()`` 逐行给出（Excel 行号, 单元格值）。"""

    def __init__(self, path: Path | str, sheet: str | None = None) -> None:
        self.path = Path(path)
        self.file_name = _shorten(self.path)
        self.notes: list[str] = []
        inspect_file(self.path)
        self._fh: Any = None
        try:
            import openpyxl

            source: Any = self.path
            if self.path.suffix.lower() not in _OPENPYXL_SUFFIXES:
                # openpyxl 只认 .xlsx/.xlsm 扩展名；内容是 .xlsx 的 .et 等文件交给它文件对象
                source = self._fh = self.path.open("rb")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.wb = openpyxl.load_workbook(
                    source, read_only=True, data_only=True, keep_links=False
                )
        except LedgerReadError:
            raise
        except Exception as e:  # noqa: BLE001 - 不可信文件：任何解析错误都变成中文说明
            raise _wrap(e, self.file_name) from None
        try:
            self.ws = self._pick(sheet)
        except BaseException:
            self.close()
            raise
        self.sheet = self.ws.title

    def _pick(self, sheet: str | None) -> Any:
        by_name = {ws.title: ws for ws in self.wb.worksheets}
        sheets = [
            (ws.title, getattr(ws, "sheet_state", "visible") == "visible")
            for ws in self.wb.worksheets
        ]
        return by_name[pick_sheet(self.file_name, sheets, sheet, self.notes)]

    def __enter__(self) -> LedgerWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        wb = getattr(self, "wb", None)
        if wb is not None:
            try:
                wb.close()
            except Exception:  # noqa: BLE001
                pass
            self.wb = None
        fh = getattr(self, "_fh", None)
        if fh is not None:
            fh.close()
            self._fh = None

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        """逐行给出（Excel 行号, 值的元组）；空行不给，连续空行过多时停止（见 ``sheet_rows``）。"""
        ws = self.ws
        try:
            member = getattr(ws, "_worksheet_path", None)
            merges: list[tuple[int, int, int, int]] = []
            uncached: set[tuple[int, int]] = set()
            if member:
                archive = self.wb._archive
                merges, uncached = scan_sheet(archive, member)
            ws.reset_dimensions()  # 有些程序写的 <dimension> 不对；不信它，读到哪算哪
            it = ws.iter_rows(values_only=True)
        except LedgerReadError:
            raise
        except Exception as e:  # noqa: BLE001
            raise _wrap(e, self.file_name) from None
        yield from sheet_rows(it, self.file_name, self.notes, merges, uncached)


# ───────────────────────── 两种读法共用：选表、逐行整理单元格 ─────────────────────────


def pick_sheet(
    file_name: str, sheets: list[tuple[str, bool]], sheet: str | None, notes: list[str]
) -> str:
    """选工作表：指定了就按名字（忽略首尾空格，隐藏的也行），否则第一个未隐藏的。``sheets``：（名称, 可见）。"""
    if sheet is not None:
        for name, _visible in sheets:
            if name == sheet or name.strip() == sheet.strip():
                return name
        names = "、".join(f"“{n}”" for n, _v in sheets) or "（无）"
        raise LedgerReadError(f"“{file_name}”里没有名为“{sheet}”的工作表（现有：{names}）")
    visible = [n for n, v in sheets if v]
    if not visible:
        if sheets:
            raise LedgerReadError(
                f"“{file_name}”的工作表都被隐藏了，请取消隐藏，或用 --sheet 指定工作表"
                f"（现有：{'、'.join(n for n, _v in sheets)}）"
            )
        raise LedgerReadError(f"“{file_name}”里没有工作表（可能只有图表页）")
    if len(visible) < len(sheets):
        notes.append(f"已跳过隐藏的工作表：{'、'.join(n for n, v in sheets if not v)}")
    return visible[0]


def sheet_rows(
    rows: Iterator[Sequence[Any]],
    file_name: str,
    notes: list[str],
    merges: Sequence[tuple[int, int, int, int]] = (),
    uncached: Iterable[tuple[int, int]] = (),
    pad: int = 0,
) -> Iterator[tuple[int, Sequence[Any]]]:
    """逐行给出（行号, 单元格值），三种读法（openpyxl、calamine、CSV）共用这一份整理：

    行号从 1 起（``rows`` 从工作表第1行给起）；每行前补 ``pad`` 个空格（calamine 的行从数据区的首列起）；
    没有缓存结果的公式格标为 ``UNCACHED_FORMULA``，被合并覆盖的格标为 ``Merged``；空行（全是空格或
    空白文字）不给；连续 ``EMPTY_RUN_LIMIT`` 行空行后停止并在 ``notes`` 里说明；读取中途出错变成中文说明。"""
    if merges:
        notes.append(
            f"工作表含合并单元格 {len(merges)} 处（如 {_ref(*merges[0])}）；数据区的合并格已逐格报为问题"
        )
    cover = _cover_map(list(merges))
    uncached_rows: dict[int, list[int]] = {}
    for r, c in uncached:
        uncached_rows.setdefault(r, []).append(c)
    anchors: dict[tuple[int, int], Any] = {}
    anchor_cols: dict[int, list[int]] = {}
    for r1, c1, _r2, _c2 in merges:
        anchor_cols.setdefault(r1, []).append(c1)
    special = set(uncached_rows) | set(cover) | set(anchor_cols)
    blank_pad: list[Any] = [""] * pad
    row_no = 0
    empty_run = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as e:  # noqa: BLE001 - 文件中途损坏
            raise _wrap(e, file_name, f"第{row_no + 1}行附近") from None
        row_no += 1
        if blank_pad:
            row = blank_pad + list(row)
        if special and row_no in special:
            row = _patch(
                row,
                row_no,
                uncached_rows.get(row_no),
                cover.get(row_no),
                anchors,
                anchor_cols.get(row_no),
            )
        if not _all_blank(row):
            empty_run = 0
            yield row_no, row
            continue
        empty_run += 1
        if empty_run >= EMPTY_RUN_LIMIT:
            try:
                more = next(rows, None)
            except Exception:  # noqa: BLE001
                more = None
            if more is not None:
                notes.append(
                    f"第{row_no - empty_run + 1}行起连续{EMPTY_RUN_LIMIT}行都是空行，其后的行没有读取"
                    "（若后面还有数据，请删去中间的空行）"
                )
            return


def _all_blank(row: Sequence[Any]) -> bool:
    for v in row:
        if v is None:
            continue
        if isinstance(v, str) and not v.strip():
            continue
        return False
    return True


_MAX_COVER_ROWS = 200000


def _cover_map(
    merges: list[tuple[int, int, int, int]],
) -> dict[int, list[tuple[int, int, int, int, str]]]:
    """行号 -> 该行被合并覆盖的列段（列1, 列2, 左上角行, 左上角列, 区域）。"""
    cover: dict[int, list[tuple[int, int, int, int, str]]] = {}
    budget = _MAX_COVER_ROWS
    for r1, c1, r2, c2 in merges:
        ref = _ref(r1, c1, r2, c2)
        if c2 > c1:
            cover.setdefault(r1, []).append((c1 + 1, c2, r1, c1, ref))
        for r in range(r1 + 1, min(r2, r1 + budget) + 1):
            cover.setdefault(r, []).append((c1, c2, r1, c1, ref))
        budget -= r2 - r1
        if budget <= 0:
            break
    return cover


def _patch(
    row: Sequence[Any],
    row_no: int,
    uncached_cols: list[int] | None,
    covered: list[tuple[int, int, int, int, str]] | None,
    anchors: dict[tuple[int, int], Any],
    anchor_cols: list[int] | None,
) -> tuple[Any, ...]:
    cells = list(row)
    for c in anchor_cols or ():
        anchors[(row_no, c)] = cells[c - 1] if c - 1 < len(cells) else None
    if uncached_cols:
        for c in uncached_cols:
            while len(cells) < c:
                cells.append(None)
            if cells[c - 1] is None or cells[c - 1] == "":
                cells[c - 1] = UNCACHED_FORMULA
    if covered:
        for c1, c2, ar, ac, ref in covered:
            value = anchors.get((ar, ac))
            if (
                value is None
                or value is UNCACHED_FORMULA
                or (isinstance(value, str) and not value.strip())
            ):
                continue  # 空的合并区域：当作空格
            while len(cells) < c2:
                cells.append(None)
            for c in range(c1, c2 + 1):
                if cells[c - 1] is None or cells[c - 1] == "":
                    cells[c - 1] = Merged(value, ref)
    return tuple(cells)
