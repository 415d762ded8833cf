"""读取台账文件的统一入口：按文件内容认出格式、选读法，逐行给出（行号, 单元格值）。

接受的格式（看文件内容，不只看扩展名）：

- .xlsx / .xlsm（Excel 2007 起）；
- .xls（Excel 97-2003，许多单位 WPS 的默认格式）；
- .ods（OpenDocument 表格，LibreOffice、WPS 可存）；
- .csv（平台导出的文本表格；UTF-8 带或不带 BOM、GBK/GB18030 自动识别，逗号或制表符分隔）；
- WPS 的 .et：内容其实是 .xls 或 .xlsx 的，照样读。

其他文件（.xlsb、网页伪装的 .xls、PDF、Word……）拒绝，并说明怎样另存为 .xlsx。

读法（engine）：

- ``"calamine"``：python-calamine（Rust 写的读取库），读 .xlsx/.xls/.ods，比 openpyxl 快得多；默认。
- ``"openpyxl"``：openpyxl 只读模式（``exports.xlsx_read``），只读 .xlsx；在装不上 python-calamine
  的电脑（如龙芯 LoongArch、申威）上自动使用，慢一些。此时 .xls/.ods 给出另存为 .xlsx 的说明。

环境变量 ``CREDITCHECK_LEDGER_READER=openpyxl`` 强制用后者（测试两条路径、排查问题用）。CSV 两种读法相同。
无论哪种格式、哪种读法，交给检查的都是同样的东西：行号与单元格值（文字、数字、日期、布尔），
所以检查结果与说明完全一样。python_calamine 只在真正读台账时才导入，不拖慢启动。
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from collections.abc import Iterator, Sequence
from html import unescape
from pathlib import Path
from typing import Any, Protocol

from creditcheck.ledger import LedgerReadError

from . import xlsx_read
from .xlsx_read import SAVE_AS_XLSX, inspect_file, open_error, pick_sheet, scan_sheet, sheet_rows

__all__ = [
    "FORMATS",
    "READER_ENV",
    "LedgerBook",
    "calamine_available",
    "detect_format",
    "open_ledger",
    "reader_engine",
]

READER_ENV = "CREDITCHECK_LEDGER_READER"
"""设为 ``openpyxl`` 时不用 python-calamine（即使装了）。"""

FORMATS = ("xlsx", "xls", "ods", "csv")
FORMAT_LABELS = {
    "xlsx": "Excel 工作簿（.xlsx）",
    "xls": "Excel 97-2003 工作簿（.xls）",
    "ods": "OpenDocument 表格（.ods）",
    "csv": "CSV 文本表格",
}


class LedgerBook(Protocol):
    """一个打开的台账（只读）：``rows()`` 逐行给出（行号, 单元格值），空行不给；用完 ``close()``。"""

    file_name: str
    sheet: str
    notes: list[str]

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]: ...

    def close(self) -> None: ...

    def __enter__(self) -> LedgerBook: ...

    def __exit__(self, *exc: object) -> None: ...


def calamine_available() -> bool:
    """这台电脑上能否用 python-calamine（只在读台账时调用：会导入它）。"""
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


def reader_engine(engine: str | None = None) -> str:
    """实际使用的读法：指定的，或环境变量指定的，否则有 calamine 用 calamine。"""
    wanted = (engine or os.environ.get(READER_ENV, "")).strip().lower()
    if wanted == "openpyxl":
        return "openpyxl"
    return "calamine" if calamine_available() else "openpyxl"


def detect_format(path: Path | str, engine: str | None = None) -> str:
    """按内容认出台账文件的格式（"xlsx"、"xls"、"ods"、"csv"）；读不了的抛出 LedgerReadError。"""
    accept = FORMATS if reader_engine(engine) == "calamine" else ("xlsx", "csv")
    return inspect_file(Path(path), accept)


def open_ledger(
    path: Path | str, sheet: str | None = None, *, engine: str | None = None
) -> LedgerBook:
    """打开一份台账（任何接受的格式）。读不了时抛出 LedgerReadError（一行中文，说明怎样另存为 .xlsx）。"""
    path = Path(path)
    used = reader_engine(engine)
    fmt = detect_format(path, used)
    if fmt == "csv":
        return CsvBook(path, sheet)
    if used == "calamine":
        return CalamineBook(path, fmt, sheet)
    return xlsx_read.LedgerWorkbook(path, sheet)


# ───────────────────────── python-calamine ─────────────────────────

_NATIVE_SUFFIXES = {"xlsx": (".xlsx", ".xlsm", ".xlam"), "xls": (".xls", ".xla"), "ods": (".ods",)}
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")


def sheet_member(zf: zipfile.ZipFile, sheet: str, file_name: str = "") -> str | None:
    """.xlsx 里名为 ``sheet`` 的工作表部件（如 ``xl/worksheets/sheet1.xml``）；找不到时为 None。

    工作簿部件含 DOCTYPE/实体声明时拒绝（calamine 不展开实体，但正常的 Excel 文件不会有它）。"""
    try:
        book = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    for part in (book, rels):
        if b"<!DOCTYPE" in part or b"<!ENTITY" in part:
            raise LedgerReadError(
                f"“{file_name}”的工作簿部件含有 DOCTYPE/实体声明（正常的 Excel 文件不会有），可能是恶意构造的文件，已拒绝读取"
            )
    rid = None
    for m in _SHEET_TAG.finditer(book):
        attrs = {k.split(b":")[-1]: v for k, v in _ATTR.findall(m.group(1))}
        if unescape(attrs.get(b"name", b"").decode("utf-8", "replace")) == sheet:
            rid = attrs.get(b"id")
            break
    if rid is None:
        return None
    for m in _REL.finditer(rels):
        attrs = dict(_ATTR.findall(m.group(1)))
        if attrs.get(b"Id") == rid:
            target = unescape(attrs.get(b"Target", b"").decode("utf-8", "replace"))
            member = target.lstrip("/") if target.startswith("/") else "xl/" + target
            return member if member in zf.NameToInfo else None
    return None


class CalamineBook:
    """用 python-calamine 读 .xlsx/.xls/.ods。整张工作表由 Rust 读入内存，再逐行转成 Python 值。

    .xlsx 另扫一遍工作表 XML（只解压、不解析），找出合并区域与没有缓存结果的公式（calamine 把它们当空格），
    与 openpyxl 读法报出同样的问题；.xls 的合并区域由 calamine 给出；.ods 不报合并单元格。
    """

    def __init__(self, path: Path, fmt: str, sheet: str | None = None) -> None:
        import python_calamine as pc

        self.path = path
        self.format = fmt
        self.file_name = path.name or str(path)
        self.notes: list[str] = []
        self._fh: Any = None
        self.wb: Any = None
        try:
            if path.suffix.lower() in _NATIVE_SUFFIXES[fmt]:
                self.wb = pc.CalamineWorkbook.from_path(str(path))
            else:  # .et 等：calamine 按扩展名选读法，所以交给它文件对象，由它按内容认
                self._fh = path.open("rb")
                self.wb = pc.CalamineWorkbook.from_filelike(self._fh)
            meta = [m for m in self.wb.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
            sheets = [(m.name, m.visible == pc.SheetVisibleEnum.Visible) for m in meta]
            self.sheet = pick_sheet(self.file_name, sheets, sheet, self.notes)
        except BaseException as e:
            self.close()
            if isinstance(e, pc.PasswordError):
                raise LedgerReadError(
                    f"“{self.file_name}”设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中打开，取消密码后另存为 .xlsx 再导入"
                ) from None
            if isinstance(e, OSError):
                raise open_error(e, self.file_name) from None
            if isinstance(e, Exception):
                raise xlsx_read._wrap(e, self.file_name) from None
            raise

    def __enter__(self) -> CalamineBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        wb, self.wb = self.wb, None
        if wb is not None:
            try:
                wb.close()
            except Exception:  # noqa: BLE001
                pass
        fh, self._fh = self._fh, None
        if fh is not None:
            fh.close()

    def _specials(self, ws: Any) -> tuple[list[tuple[int, int, int, int]], set[tuple[int, int]]]:
        """合并区域（行1, 列1, 行2, 列2，1 起）与没有缓存结果的公式格。"""
        if self.format == "xlsx":
            with zipfile.ZipFile(self.path) as zf:
                member = sheet_member(zf, self.sheet, self.file_name)
                if member is not None:
                    return scan_sheet(zf, member)
        ranges = getattr(ws, "merged_cell_ranges", None) or []  # 较旧的 python-calamine 没有
        merges = sorted(
            {
                (r1 + 1, c1 + 1, r2 + 1, c2 + 1)
                for (r1, c1), (r2, c2) in ranges
                if (r1, c1) != (r2, c2)
            }
        )
        return merges, set()

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        """逐行给出（行号, 值的列表）；空格为空字符串。空行不给，连续空行过多时停止。"""
        if self.wb is None:
            raise LedgerReadError(f"“{self.file_name}”已关闭")
        try:
            ws = self.wb.get_sheet_by_name(self.sheet)
            start = ws.start
            merges, uncached = self._specials(ws)
            it = iter(ws.iter_rows())
        except LedgerReadError:
            raise
        except Exception as e:  # noqa: BLE001 - 不可信文件：任何解析错误都变成中文说明
            raise xlsx_read._wrap(e, self.file_name) from None
        if start is None:
            return
        # calamine 的行从第1行起，列却从数据区的首列起：每行前补上数据区之前的列
        yield from sheet_rows(it, self.file_name, self.notes, merges, uncached, pad=start[1])


# ───────────────────────── CSV ─────────────────────────

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


def decode_text(data: bytes, file_name: str) -> tuple[str, str]:
    """文本表格的编码：BOM，否则先试 UTF-8，再试 GBK（按 GB18030，GBK 的超集）。返回（文字, 编码名）。"""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), label
            except UnicodeDecodeError:
                break
    else:
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            pass
        try:
            return data.decode("gb18030"), "GBK"
        except UnicodeDecodeError:
            pass
    raise LedgerReadError(
        f"“{file_name}”的文字编码无法识别（既不是 UTF-8 也不是 GBK）。{SAVE_AS_XLSX}"
    )


def _delimiter(text: str) -> str:
    """第一个非空行里逗号、制表符、分号哪个多就按哪个分列（平台导出的多是逗号，有的是制表符）。"""
    for line in text[:65536].splitlines():
        if line.strip():
            counts = {d: line.count(d) for d in (",", "\t", ";")}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.S)


class CsvBook:
    """CSV 文本表格：所有单元格都是文字（日期按文字识别，与在 Excel 里填成文字的日期一样）。

    行号是第几条记录（与在 Excel 里打开时的行号一致，即使某格里有换行）。平台为保留前导 0 写成
    ``="0123"`` 的格按其中的文字理解。"""

    def __init__(self, path: Path, sheet: str | None = None) -> None:
        self.path = path
        self.format = "csv"
        self.file_name = path.name or str(path)
        self.sheet = path.stem or self.file_name
        self.notes: list[str] = []
        try:
            size = path.stat().st_size
            limit = xlsx_read.MAX_UNCOMPRESSED
            if size > limit:
                raise LedgerReadError(
                    f"“{self.file_name}”有 {size // (1024 * 1024)} MiB，超过 {limit // (1024 * 1024)} MiB 的上限，"
                    "已拒绝读取（台账不应这么大；请拆分后再导入）"
                )
            data = path.read_bytes()
        except OSError as e:
            raise open_error(e, self.file_name) from None
        self.text, self.encoding = decode_text(data, self.file_name)
        del data
        self.notes.append(f"按 CSV 文本表格读取（{self.encoding} 编码）")
        if sheet is not None and sheet.strip() != self.sheet.strip():
            self.notes.append(f"CSV 文件只有一张表，已忽略指定的工作表“{sheet}”")

    def __enter__(self) -> CsvBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.text = ""

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        yield from sheet_rows(self._records(), self.file_name, self.notes)

    def _records(self) -> Iterator[list[Any]]:
        """逐条记录给出单元格文字；平台写成 ``="0123"`` 的格取其中的文字。"""
        text = self.text
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        unwrap = '="' in text
        row_no = 0
        while True:
            try:
                row: list[Any] = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                raise LedgerReadError(
                    f"“{self.file_name}”第{row_no + 1}行附近格式有误（{e}）。{SAVE_AS_XLSX}"
                ) from None
            row_no += 1
            if unwrap:
                row = [
                    m.group(1) if (c[:2] == '="' and (m := _EXCEL_TEXT.match(c))) else c
                    for c in row
                ]
            yield row
