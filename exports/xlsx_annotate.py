"""标注副本的快速写法：直接改 .xlsx 里的几个部件，不把整个工作簿读进 openpyxl 再写出。

5万行的台账用 openpyxl 完整读入再保存要几十秒；这里只做必要的改动，其余部件原样复制：

- 样式部件：加两种底色（问题、迟报），为每个有问题的格原来的样式各复制一份带底色的；
- 工作表部件：有问题的格换成带底色的样式（没有这个格就补上一个空格）；
- 批注部件与显示批注用的 VML 图形（由 openpyxl 的批注写法生成），挂到该工作表上；
- 另加一页“问题汇总”（行号、列、可点击跳转的单元格、内容、问题、类别）。

原文件的格式、列宽、公式、其他工作表都保留。遇到不常见的结构（工作表已有批注、已有“问题汇总”页、
部件带命名空间前缀、单元格没有写位置……）时返回 None，由调用方改用 openpyxl 的完整读写。
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Sequence
from html import unescape
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from creditcheck.ledger import Problem

from .workbook_read import sheet_member

__all__ = ["annotate_xlsx"]

_SHEET_TAG = re.compile(rb"<sheet\b([^>]*?)/?>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*?(/?)>')
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>.*?</c>)", re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_S_ATTR = re.compile(rb'\bs="(\d+)"')
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_REL_TAG = re.compile(rb"<Relationship\b([^>]*?)/?>")
_XF = re.compile(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", re.S)
_AFTER_LEGACY = {
    b"legacyDrawingHF",
    b"drawingHF",
    b"picture",
    b"oleObjects",
    b"controls",
    b"webPublishItems",
    b"tableParts",
    b"extLst",
}
"""工作表里排在 legacyDrawing 之后的顶层元素（按 OOXML 规定的顺序）。"""
_TAG = re.compile(rb"<(/?)([\w:]+)[^>]*?(/?)>")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_COMMENTS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
_VML_CT = "application/vnd.openxmlformats-officedocument.vmlDrawing"


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {k.split(b":")[-1] if k.startswith(b"r:") else k: v for k, v in _ATTR.findall(raw)}


def _legacy_position(xml: bytes) -> int:
    """<legacyDrawing> 应插入的位置：sheetData 之后、第一个应排在它后面的顶层元素（或 </worksheet>）之前。"""
    start = xml.rfind(b"</sheetData>")
    if start < 0:
        raise _Unsupported("sheetData")
    depth = 0
    for m in _TAG.finditer(xml, start + len(b"</sheetData>")):
        closing, name, selfclose = m.groups()
        if closing:
            if depth == 0:
                return m.start()
            depth -= 1
        else:
            if depth == 0 and name.split(b":")[-1] in _AFTER_LEGACY:
                return m.start()
            if not selfclose:
                depth += 1
    raise _Unsupported("</worksheet>")


class _Unsupported(Exception):
    """不常见的结构：改用 openpyxl 完整读写。"""


def annotate_xlsx(
    src: Path,
    problems: Sequence[Problem],
    out: Path,
    *,
    sheet: str | None,
    summary_title: str,
    error_fill: str,
    late_fill: str,
) -> Path | None:
    """写出标注副本到 ``out``（调用方负责原子改名）；结构不常见时返回 None。"""
    try:
        with zipfile.ZipFile(src) as zin:
            parts = _Parts(zin, sheet, summary_title)
            parts.annotate(problems, error_fill, late_fill)
            parts.add_summary(problems)
            parts.write(zin, out)
    except _Unsupported:
        return None
    return out


class _Parts:
    def __init__(self, zin: zipfile.ZipFile, sheet: str | None, summary_title: str) -> None:
        names = set(zin.namelist())
        for need in (
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "[Content_Types].xml",
        ):
            if need not in names:
                raise _Unsupported(need)
        self.names = names
        self.summary_title = summary_title
        self.changed: dict[str, bytes] = {}
        self.workbook = zin.read("xl/workbook.xml")
        sheets = []
        for m in _SHEET_TAG.finditer(self.workbook):
            a = _attrs(m.group(1))
            sheets.append(
                (
                    unescape(a.get(b"name", b"").decode("utf-8")),
                    a.get(b"state", b"visible"),
                    int(a.get(b"sheetId", b"0") or 0),
                )
            )
        if not sheets or any(name == summary_title for name, _s, _i in sheets):
            raise _Unsupported("summary exists")
        if sheet is not None and any(n == sheet for n, _s, _i in sheets):
            self.sheet = sheet
        else:
            visible = [n for n, state, _i in sheets if state == b"visible"]
            self.sheet = visible[0] if visible else sheets[0][0]
        self.max_sheet_id = max(i for _n, _s, i in sheets)
        member = sheet_member(zin, self.sheet, self.sheet)
        if member is None:
            raise _Unsupported("sheet member")
        self.member = member
        self.rels_path = posixpath.join(
            posixpath.dirname(member), "_rels", posixpath.basename(member) + ".rels"
        )
        self.sheet_rels = zin.read(self.rels_path) if self.rels_path in names else None
        self.xml = zin.read(member)
        if b"<sheetData" not in self.xml:
            raise _Unsupported("sheet xml")
        self.old_comments: dict[str, tuple[str, str, int, int]] = {}
        self.old_parts: tuple[str, str, bytes] | None = None
        if b"legacyDrawing" in self.xml or (self.sheet_rels and b"/comments" in self.sheet_rels):
            self._read_old_comments(zin)
        self.styles = zin.read("xl/styles.xml")
        if (
            b"<cellXfs" not in self.styles
            or b"<fills" not in self.styles
            or b"<fonts" not in self.styles
        ):
            raise _Unsupported("styles")
        self.content_types = zin.read("[Content_Types].xml")
        self.wb_rels = zin.read("xl/_rels/workbook.xml.rels")

    def _read_old_comments(self, zin: zipfile.ZipFile) -> None:
        """工作表已有批注（如模板表头的填写说明）：读出来，与新批注合在一起重写批注部件和 VML。"""
        from openpyxl.comments.comment_sheet import CommentSheet
        from openpyxl.xml.functions import fromstring

        targets: dict[str, str] = {}
        for m in _REL_TAG.finditer(self.sheet_rels or b""):
            a = dict(_ATTR.findall(m.group(1)))
            kind = a.get(b"Type", b"").rsplit(b"/", 1)[-1].decode()
            if kind not in ("comments", "vmlDrawing"):
                continue
            target = unescape(a.get(b"Target", b"").decode("utf-8", "replace"))
            if kind in targets or a.get(b"TargetMode") == b"External":
                raise _Unsupported("several " + kind)
            base = posixpath.dirname(self.member)
            targets[kind] = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(base, target))
            )
        comments, vml = targets.get("comments"), targets.get("vmlDrawing")
        if comments is None or vml is None or comments not in self.names or vml not in self.names:
            raise _Unsupported("legacy drawing without comments")
        try:
            sheet = CommentSheet.from_tree(fromstring(zin.read(comments)))
            for ref, c in sheet.comments:
                self.old_comments[ref] = (c.text or "", c.author or "", int(c.width), int(c.height))
            vml_data = zin.read(vml)
            fromstring(vml_data)  # Excel 写的 VML 有时不是合格的 XML：那就改用 openpyxl 完整读写
        except _Unsupported:
            raise
        except Exception as e:  # noqa: BLE001
            raise _Unsupported("comments unreadable") from e
        self.old_parts = (comments, vml, vml_data)

    # ── 样式 ──
    def _append(self, tag: bytes, items: list[bytes]) -> int:
        """在 <tag count="n">…</tag> 末尾加上若干项，返回第一项的序号。"""
        m = re.search(rb"<" + tag + rb"\b([^>]*?)(/?)>", self.styles)
        if m is None:
            raise _Unsupported(tag)
        if m.group(2):  # <fills count="0"/>：空的集合
            start = 0
            body = b"".join(items)
            self.styles = (
                self.styles[: m.start()]
                + b"<"
                + tag
                + b' count="'
                + str(len(items)).encode()
                + b'">'
                + body
                + b"</"
                + tag
                + b">"
                + self.styles[m.end() :]
            )
            return start
        end = self.styles.index(b"</" + tag + b">", m.end())
        inner = self.styles[m.end() : end]
        child = tag[:-1] if tag != b"cellXfs" else b"xf"
        start = (
            len(re.findall(rb"<" + child + rb"\b", inner))
            if tag != b"cellXfs"
            else len(_XF.findall(inner))
        )
        head = (
            re.sub(rb'\bcount="\d+"', b"", m.group(0)[:-1]).rstrip()
            + b' count="'
            + str(start + len(items)).encode()
            + b'">'
        )
        self.styles = self.styles[: m.start()] + head + inner + b"".join(items) + self.styles[end:]
        return start

    def _xfs(self) -> list[bytes]:
        m = re.search(rb"<cellXfs\b[^>]*?>(.*?)</cellXfs>", self.styles, re.S)
        if m is None:
            raise _Unsupported("cellXfs")
        return _XF.findall(m.group(1))

    @staticmethod
    def _with(xf: bytes, **attrs: int) -> bytes:
        head_end = xf.index(b">")
        head = xf[:head_end].rstrip(b"/")
        rest = xf[head_end:]
        if xf[head_end - 1 : head_end] == b"/":
            rest = b"/>"
        for key, val in attrs.items():
            k = key.encode()
            apply = b"apply" + k[0:1].upper() + k[1:-2]  # fillId -> applyFill, fontId -> applyFont
            for name, value in ((k, str(val).encode()), (apply, b"1")):
                if re.search(rb"\b" + name + rb'="', head):
                    head = re.sub(rb"\b" + name + rb'="[^"]*"', name + b'="' + value + b'"', head)
                else:
                    head += b" " + name + b'="' + value + b'"'
        return head + rest

    # ── 标注 ──
    def annotate(self, problems: Sequence[Problem], error_fill: str, late_fill: str) -> None:
        merges = []
        for m in _MERGE.finditer(self.xml):
            c1, r1 = _col_index(m.group(1)), int(m.group(2))
            c2, r2 = (_col_index(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
            merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
        by_cell: dict[tuple[int, int], list[Problem]] = {}
        for p in problems:
            r, c = p.row, (p.col + 1 if p.col is not None else 1)
            for r1, c1, r2, c2 in merges:  # 合并区域里被覆盖的格：标在左上角
                if r1 <= r <= r2 and c1 <= c <= c2:
                    r, c = r1, c1
                    break
            by_cell.setdefault((r, c), []).append(p)
        self.by_cell = by_cell
        if not by_cell:
            return
        fill_id = self._append(
            b"fills",
            [
                f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/><bgColor indexed="64"/></patternFill></fill>'.encode()
                for rgb in (error_fill, late_fill)
            ],
        )
        xfs = self._xfs()
        kinds = {
            cell: ("error" if any(p.kind == "error" for p in ps) else "late")
            for cell, ps in by_cell.items()
        }
        rows: dict[int, dict[int, str]] = {}
        for (r, c), kind in kinds.items():
            rows.setdefault(r, {})[c] = kind
        new_xfs: list[bytes] = []
        style_of: dict[tuple[int, str], int] = {}

        def style(old: int, kind: str) -> int:
            key = (old, kind)
            if key not in style_of:
                base = xfs[old] if old < len(xfs) else xfs[0]
                style_of[key] = len(xfs) + len(new_xfs)
                new_xfs.append(self._with(base, fillId=fill_id + (0 if kind == "error" else 1)))
            return style_of[key]

        pieces: list[bytes] = []
        pos = 0
        xml = self.xml
        found: set[int] = set()
        for m in _ROW.finditer(xml):
            r = int(m.group(1))
            if r not in rows:
                continue
            if m.group(2):  # <row r="5"/>：空行却有问题（合并区域的左上角）：补上格
                body_start = body_end = m.end()
                tag = m.group(0)[:-2].rstrip() + b">"
                close = b"</row>"
                end = m.end()
            else:
                body_start = m.end()
                body_end = xml.index(b"</row>", body_start)
                tag = m.group(0)
                close = b""
                end = body_end
            found.add(r)
            tag = re.sub(rb'\sspans="[^"]*"', b"", tag)
            body = self._cells(xml[body_start:body_end], r, rows[r], style)
            pieces += [xml[pos : m.start()], tag, body, close]
            pos = end
        if set(rows) - found:
            raise _Unsupported("rows missing")
        pieces.append(xml[pos:])
        self.xml = b"".join(pieces)
        if new_xfs:
            self._append(b"cellXfs", new_xfs)

    @staticmethod
    def _cells(body: bytes, r: int, targets: dict[int, str], style: object) -> bytes:
        assert callable(style)
        out: list[bytes] = []
        pos = 0
        todo = dict(targets)
        for m in _CELL.finditer(body):
            ref = _CELL_REF.search(m.group(1))
            if ref is None:
                raise _Unsupported("cell without r")
            c = _col_index(ref.group(1))
            for col in sorted(k for k in todo if k < c):  # 不存在的格按列序插在前面
                out += [
                    body[pos : m.start()],
                    f'<c r="{_letters(col)}{r}" s="{style(0, todo.pop(col))}"/>'.encode(),
                ]
                pos = m.start()
            if c in todo:
                kind = todo.pop(c)
                attrs = m.group(1)
                sm = _S_ATTR.search(attrs)
                new = style(int(sm.group(1)) if sm else 0, kind)
                if sm:
                    attrs2 = attrs[: sm.start()] + f's="{new}"'.encode() + attrs[sm.end() :]
                else:
                    attrs2 = attrs + f' s="{new}"'.encode()
                start = m.start(1)
                out += [body[pos:start], attrs2]
                pos = m.end(1)
        for col in sorted(todo):
            out += [body[pos:], f'<c r="{_letters(col)}{r}" s="{style(0, todo[col])}"/>'.encode()]
            pos = len(body)
        out.append(body[pos:])
        return b"".join(out)

    # ── 批注 ──
    def _comments(self) -> tuple[bytes, bytes]:
        """批注部件与 VML（原有的批注保留；同一格原来有批注时，新说明接在后面）。"""
        from openpyxl.comments.comment_sheet import CommentRecord, CommentSheet
        from openpyxl.xml.functions import fromstring, tostring

        notes = dict(self.old_comments)
        for (r, c), ps in self.by_cell.items():
            ref = f"{_letters(c)}{r}"
            text = "\n".join(f"{p.column}：{p.message}" for p in ps)
            old = notes.get(ref)
            notes[ref] = (
                (old[0] + "\n" if old else "") + text,
                "creditcheck",
                300,
                min(60 + 40 * len(ps), 400),
            )
        records = []
        for ref, (text, author, width, height) in notes.items():
            rec = CommentRecord(ref=ref, author=author, height=height, width=width)
            rec.text.t = text
            records.append(rec)
        cs = CommentSheet.from_comments(records)
        vml_root = fromstring(self.old_parts[2]) if self.old_parts else None
        return tostring(cs.to_tree()), cs.write_shapes(vml_root)

    def _free(self, pattern: str) -> str:
        n = 1
        while pattern.format(n) in self.names:
            n += 1
        return pattern.format(n)

    # ── 问题汇总页 ──
    def add_summary(self, problems: Sequence[Problem]) -> None:
        bold = self._append(
            b"fonts",
            [
                b'<font><b/><sz val="11"/></font>',
                b'<font><u/><sz val="11"/><color rgb="FF0563C1"/></font>',
            ],
        )
        xfs = self._xfs()
        base = xfs[0] if xfs else b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        head_xf = self._append(
            b"cellXfs", [self._with(base, fontId=bold), self._with(base, fontId=bold + 1)]
        )
        link_xf = head_xf + 1
        quoted = self.sheet.replace("'", "''")

        def text(ref: str, value: str, s: int | None = None) -> str:
            st = f' s="{s}"' if s is not None else ""
            return f'<c r="{ref}" t="inlineStr"{st}><is><t xml:space="preserve">{escape(value)}</t></is></c>'

        rows = [
            '<row r="1">'
            + "".join(
                text(f"{_letters(i)}1", h, head_xf)
                for i, h in enumerate(["行号", "列", "单元格", "内容", "问题", "类别"], 1)
            )
            + "</row>"
        ]
        links = []
        n = 1
        for p in problems:
            n += 1
            c = p.col + 1 if p.col is not None else 1
            ref = f"{_letters(c)}{p.row}"
            rows.append(
                f'<row r="{n}"><c r="A{n}"><v>{p.row}</v></c>'
                + text(f"B{n}", p.column)
                + text(f"C{n}", ref, link_xf)
                + text(f"D{n}", p.value)
                + text(f"E{n}", p.message)
                + text(f"F{n}", "迟报/逾期" if p.kind == "late" else "问题")
                + "</row>"
            )
            target = f"'{quoted}'!{ref}"
            links.append(f'<hyperlink ref="C{n}" location={quoteattr(target)} display="{ref}"/>')
        if not problems:
            rows.append('<row r="2">' + text("E2", "没有发现问题") + "</row>")
        widths = [8, 22, 10, 24, 70, 8]
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, 1)
        )
        xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="{_REL_NS}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f"<cols>{cols}</cols><sheetData>{''.join(rows)}</sheetData>"
            + (f"<hyperlinks>{''.join(links)}</hyperlinks>" if links else "")
            + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
        )
        self.summary_member = self._free("xl/worksheets/creditcheck_summary{}.xml")
        self.summary_xml = xml.encode("utf-8")

    def _rel_id(self, rels: bytes) -> str:
        n = 1
        while f'Id="rIdCc{n}"'.encode() in rels:
            n += 1
        return f"rIdCc{n}"

    # ── 写出 ──
    def write(self, zin: zipfile.ZipFile, out: Path) -> None:
        sheet_dir = posixpath.dirname(self.member)
        ct = self.content_types
        extra: dict[str, bytes] = {}
        if self.by_cell and self.old_parts is not None:  # 已有批注部件：原地重写
            comments_xml, vml = self._comments()
            extra[self.old_parts[0]] = comments_xml
            extra[self.old_parts[1]] = vml
        elif self.by_cell:
            comments_xml, vml = self._comments()
            comments_path = self._free("xl/comments{}.xml")
            vml_path = self._free("xl/drawings/commentsDrawing{}.vml")
            extra[comments_path] = comments_xml
            extra[vml_path] = vml
            rels = (
                self.sheet_rels
                or (
                    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}"></Relationships>'
                ).encode()
            )
            rid_c = self._rel_id(rels)
            rid_v = rid_c + "v"
            new_rels = (
                f'<Relationship Id="{rid_c}" Type="{_REL_NS}/comments" Target="{posixpath.relpath(comments_path, sheet_dir)}"/>'
                f'<Relationship Id="{rid_v}" Type="{_REL_NS}/vmlDrawing" Target="{posixpath.relpath(vml_path, sheet_dir)}"/>'
            ).encode()
            i = rels.rindex(b"</Relationships>")
            extra[self.rels_path] = rels[:i] + new_rels + rels[i:]
            legacy = f'<legacyDrawing xmlns:r="{_REL_NS}" r:id="{rid_v}"/>'.encode()
            at = _legacy_position(self.xml)
            self.xml = self.xml[:at] + legacy + self.xml[at:]
            if b'Extension="vml"' not in ct:
                ct = ct.replace(
                    b"</Types>",
                    f'<Default Extension="vml" ContentType="{_VML_CT}"/></Types>'.encode(),
                )
            ct = ct.replace(
                b"</Types>",
                f'<Override PartName="/{comments_path}" ContentType="{_COMMENTS_CT}"/></Types>'.encode(),
            )
        # 问题汇总页
        ct = ct.replace(
            b"</Types>",
            f'<Override PartName="/{self.summary_member}" ContentType="{_SHEET_CT}"/></Types>'.encode(),
        )
        rid_s = self._rel_id(self.wb_rels) + "s"
        wb_rels = self.wb_rels
        i = wb_rels.rindex(b"</Relationships>")
        wb_rels = (
            wb_rels[:i]
            + (
                f'<Relationship Id="{rid_s}" Type="{_REL_NS}/worksheet" Target="{posixpath.relpath(self.summary_member, "xl")}"/>'
            ).encode()
            + wb_rels[i:]
        )
        wb = self.workbook
        i = wb.find(b"</sheets>")
        if i < 0:
            raise _Unsupported("sheets")
        wb = (
            wb[:i]
            + (
                f'<sheet xmlns:r="{_REL_NS}" name={quoteattr(self.summary_title)} sheetId="{self.max_sheet_id + 1}" r:id="{rid_s}"/>'
            ).encode()
            + wb[i:]
        )
        extra[self.summary_member] = self.summary_xml
        changed = {
            self.member: self.xml,
            "xl/styles.xml": self.styles,
            "[Content_Types].xml": ct,
            "xl/_rels/workbook.xml.rels": wb_rels,
            "xl/workbook.xml": wb,
            **extra,
        }
        # 部件顺序不变（[Content_Types].xml 仍在最前），新部件加在最后；压缩取快档
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
            for info in zin.infolist():
                name = info.filename
                zout.writestr(name, changed.pop(name) if name in changed else zin.read(name))
            for name, data in changed.items():
                zout.writestr(name, data)
