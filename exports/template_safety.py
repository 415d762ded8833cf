"""用户的 Word 模板（.docx）在使用之前先清理：只取样式、页面设置、页眉页脚（和正文里的红头文字）。

模板来自用户，可能是从别处拷来的。直接拿来当底稿，会把里面的东西原样带进每一份报送材料：
宏（``vbaProject.bin``）、指向网络共享的附加模板（``attachedTemplate``，Word 打开时会去连接）、
外部关系（链接的图片、超链接、外部数据源）、嵌入的 OLE 对象。这里按白名单重建一个干净的 .docx：

- 只保留这些部件：正文 ``word/document.xml``、样式、设置、主题、字体表、编号、页眉、页脚，
  以及它们以“嵌入”方式引用的图片（红头的徽标）；其余部件（宏、自定义 XML、嵌入对象、
  嵌入字体、文档属性……）一律丢弃；
- 关系只保留指向上述部件的内部关系；``TargetMode="External"`` 的关系全部丢弃，
  引用它们的超链接只留文字，链接的图片、OLE 对象、INCLUDEPICTURE 等域整段删除；
- 设置里删除 ``attachedTemplate``、邮件合并数据源、``docVars``；
- ``[Content_Types].xml`` 按保留的部件重写（宏文档 .docm 的类型换成普通 .docx）。

读之前先看 zip 目录：文件大小、部件个数、每个部件与全部解压后的大小、压缩比都有上限；
读部件时也按上限截断（目录里写的大小可以作假），所以“zip 炸弹”在展开之前就被拒绝，一句中文。
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from creditcheck.errors import CreditCheckError

MAX_TEMPLATE_FILE = 20 * 1024 * 1024
"""模板文件本身的大小上限（带红头徽标的公文模板通常不到 1 MB）。"""
MAX_TEMPLATE_PARTS = 500
MAX_TEMPLATE_PART = 30 * 1024 * 1024
MAX_TEMPLATE_TOTAL = 60 * 1024 * 1024
MAX_TEMPLATE_RATIO = 100
_MIB = 1024 * 1024

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"

_DOC_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_PART_TYPES = {
    "styles": "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
    "stylesWithEffects": "application/vnd.ms-word.stylesWithEffects+xml",
    "settings": "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml",
    "theme": "application/vnd.openxmlformats-officedocument.theme+xml",
    "fontTable": "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml",
    "numbering": "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml",
    "header": "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
    "footer": "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
}
_IMAGE_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "emf": "image/x-emf",
    "wmf": "image/x-wmf",
    "tif": "image/tiff",
    "tiff": "image/tiff",
}
_KEEP_RELS = {*_PART_TYPES, "image"}
"""保留的关系种类（关系类型 URI 的最后一段）。"""


class TemplateError(CreditCheckError):
    """Word 模板不能使用；消息为一句中文原因。"""


def _size(n: int) -> str:
    return f"{n / _MIB:.1f} MiB" if n >= _MIB else f"{max(n // 1024, 1)} KiB"


def sanitize_template(path: Path | str) -> bytes:
    """检查并清理一个 .docx 模板，返回干净的 .docx 内容（交给 python-docx 打开）。"""
    from .input_safety import regular_file

    p = Path(path)
    st = regular_file(p, "Word 模板", TemplateError)
    if p.suffix.lower() not in (".docx", ".docm", ".dotx", ".dotm"):
        raise TemplateError(f"Word 模板应为 .docx 文件（可在 Word 中“另存为” .docx）：{p}")
    if st.st_size > MAX_TEMPLATE_FILE:
        raise TemplateError(
            f"Word 模板“{p.name}”有 {_size(st.st_size)}，超过 {_size(MAX_TEMPLATE_FILE)} 的上限，"
            "已拒绝使用（模板只需要页面设置、样式和页眉页脚，请去掉大图片后另存）"
        )
    try:
        with zipfile.ZipFile(p) as zf:
            parts = _read_parts(zf, p.name)
    except TemplateError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as e:
        raise TemplateError(f"Word 模板无法打开，可能已损坏：{p}（{type(e).__name__}）") from None
    except OSError as e:
        from creditcheck.oserrors import os_reason

        raise TemplateError(f"Word 模板无法读取：{p}（{os_reason(e)}）") from None
    try:
        return _rebuild(parts, p.name)
    except TemplateError:
        raise
    except Exception as e:  # noqa: BLE001 - 不可信的 XML：任何解析失败都只是“模板损坏”
        raise TemplateError(f"Word 模板无法使用，可能已损坏：{p}（{type(e).__name__}）") from None


def _read_parts(zf: zipfile.ZipFile, name: str) -> dict[str, bytes]:
    infos = zf.infolist()
    if len(infos) > MAX_TEMPLATE_PARTS:
        raise TemplateError(
            f"Word 模板“{name}”内部有 {len(infos)} 个部件，不像正常的模板，已拒绝使用"
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise TemplateError(f"Word 模板“{name}”已加密，请去掉密码后另存")
        total += info.file_size
        if info.file_size > MAX_TEMPLATE_PART or (
            info.file_size > _MIB
            and info.file_size > MAX_TEMPLATE_RATIO * max(info.compress_size, 1)
        ):
            raise TemplateError(
                f"Word 模板“{name}”的部件 {info.filename} 解压后有 {_size(info.file_size)}"
                "（压缩比异常或过大），疑似“zip 炸弹”，已拒绝使用"
            )
    if total > MAX_TEMPLATE_TOTAL:
        raise TemplateError(
            f"Word 模板“{name}”解压后共有 {_size(total)}，超过 {_size(MAX_TEMPLATE_TOTAL)} 的上限，"
            "疑似“zip 炸弹”，已拒绝使用"
        )
    parts: dict[str, bytes] = {}
    budget = MAX_TEMPLATE_TOTAL
    for info in infos:
        if info.is_dir():
            continue
        limit = min(MAX_TEMPLATE_PART, budget)
        with zf.open(info) as f:
            data = f.read(limit + 1)
        if len(data) > limit:  # 目录里写的大小是假的
            raise TemplateError(
                f"Word 模板“{name}”的部件 {info.filename} 实际解压后超过上限，疑似“zip 炸弹”，已拒绝使用"
            )
        budget -= len(data)
        parts[info.filename.lstrip("/")] = data
    return parts


def _parse(data: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
        raise TemplateError(
            "Word 模板的 XML 含有 DOCTYPE/实体声明（正常的 Word 文件不会有），已拒绝使用"
        )
    return etree.fromstring(data, parser)


def _dump(root: Any) -> bytes:
    from lxml import etree

    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _rels_path(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _kind(rel_type: str) -> str:
    return rel_type.rsplit("/", 1)[-1]


def _find_main(parts: dict[str, bytes]) -> str:
    rels = parts.get("_rels/.rels")
    if rels is not None:
        for rel in _parse(rels).findall(f"{{{_PKG_REL}}}Relationship"):
            if (
                _kind(rel.get("Type", "")) == "officeDocument"
                and rel.get("TargetMode") != "External"
            ):
                target = rel.get("Target", "").lstrip("/")
                if target in parts:
                    return target
    if "word/document.xml" in parts:
        return "word/document.xml"
    raise TemplateError("这不是 Word 文档（找不到正文部件），请在 Word 中另存为 .docx 后再用")


def _clean_rels(
    parts: dict[str, bytes], part: str, keep: set[str]
) -> tuple[bytes | None, dict[str, tuple[str, str]], set[str]]:
    """一个部件的关系：保留内部的、允许种类的关系；返回（新的 .rels，保留的 {id: (目标部件, 种类)}，丢弃的 id）。"""
    rp = _rels_path(part)
    if rp not in parts:
        return None, {}, set()
    root = _parse(parts[rp])
    kept: dict[str, tuple[str, str]] = {}
    dropped: set[str] = set()
    folder = posixpath.dirname(part)
    for rel in list(root):
        rid = rel.get("Id", "")
        kind = _kind(rel.get("Type", ""))
        target = rel.get("Target", "")
        resolved = (
            posixpath.normpath(posixpath.join(folder, target))
            if not target.startswith("/")
            else target.lstrip("/")
        )
        ok = (
            rel.get("TargetMode") != "External"
            and kind in keep
            and resolved in parts
            and not resolved.startswith("..")
        )
        if kind == "image" and ok:
            ext = resolved.rsplit(".", 1)[-1].lower()
            ok = ext in _IMAGE_TYPES
        if ok:
            kept[rid] = (resolved, kind)
        else:
            dropped.add(rid)
            root.remove(rel)
    return _dump(root), kept, dropped


_FIELD_BAD = re.compile(
    r"\b(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT|HYPERLINK|DATABASE)\b", re.I
)


def _clean_xml(data: bytes, dropped: set[str]) -> bytes:
    """删掉引用已丢弃关系的元素、嵌入对象与外部域；超链接只留文字。"""
    root = _parse(data)
    r_attrs = [f"{{{_R}}}id", f"{{{_R}}}link", f"{{{_R}}}embed", f"{{{_R}}}pict", f"{{{_R}}}href"]
    # 超链接：去掉外壳，保留其中的文字
    for h in list(root.iter(f"{{{_W}}}hyperlink")):
        parent = h.getparent()
        if parent is None:
            continue
        idx = parent.index(h)
        for child in list(h):
            parent.insert(idx, child)
            idx += 1
        parent.remove(h)
    doomed = []
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        local = tag.rsplit("}", 1)[-1]
        if local in (
            "object",
            "OLEObject",
            "control",
            "altChunk",
            "subDoc",
            "attachedTemplate",
            "mailMerge",
            "docVars",
            "attachedSchema",
        ):
            doomed.append(el)
            continue
        if local == "instrText" and el.text and _FIELD_BAD.search(el.text):
            doomed.append(el)
            continue
        if local == "fldSimple" and _FIELD_BAD.search(el.get(f"{{{_W}}}instr", "")):
            doomed.append(el)
            continue
        for a in r_attrs:
            v = el.get(a)
            if v is not None and (a == f"{{{_R}}}link" or v in dropped):
                # 引用了丢弃的关系（或以链接方式引用图片）：整幅图（w:drawing / w:pict）或该元素删除
                anc = el
                for cand in el.iterancestors():
                    cl = cand.tag.rsplit("}", 1)[-1] if isinstance(cand.tag, str) else ""
                    if cl in ("drawing", "pict"):
                        anc = cand
                        break
                doomed.append(anc)
                break
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
    return _dump(root)


def _rebuild(parts: dict[str, bytes], name: str) -> bytes:
    main = _find_main(parts)
    out: dict[str, bytes] = {}
    overrides: dict[str, str] = {"/word/document.xml": _DOC_TYPE}
    # 正文的关系决定要带哪些部件；页眉页脚再各带自己的图片
    rels_xml, kept, dropped = _clean_rels(parts, main, _KEEP_RELS)
    out["word/document.xml"] = _clean_xml(parts[main], dropped)
    if rels_xml is not None:
        out[_rels_path("word/document.xml")] = _retarget(rels_xml, main, "word/document.xml")
    for target, kind in kept.values():
        if target in out or target == main:
            continue
        if kind == "image":
            out[target] = parts[target]
            continue
        sub_rels, sub_kept, sub_dropped = _clean_rels(parts, target, {"image"})
        out[target] = _clean_xml(parts[target], sub_dropped)
        overrides["/" + target] = _PART_TYPES.get(kind, "application/xml")
        if sub_rels is not None:
            out[_rels_path(target)] = sub_rels
            for img, _kind_name in sub_kept.values():
                out[img] = parts[img]
    out["_rels/.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'officeDocument" Target="word/document.xml"/></Relationships>'
    )
    ct = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f'<Types xmlns="{_CT}">',
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
        '<Default Extension="xml" ContentType="application/xml"/>',
    ]
    for ext, typ in _IMAGE_TYPES.items():
        ct.append(f'<Default Extension="{ext}" ContentType="{typ}"/>')
    for part, typ in sorted(overrides.items()):
        ct.append(f'<Override PartName="{part}" ContentType="{typ}"/>')
    ct.append("</Types>")
    out["[Content_Types].xml"] = "".join(ct).encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", out.pop("[Content_Types].xml"))
        for part, data in out.items():
            zf.writestr(part, data)
    return buf.getvalue()


def _retarget(rels_xml: bytes, old: str, new: str) -> bytes:
    """正文部件不叫 word/document.xml 时（少见），把相对目标改成相对新位置。"""
    if posixpath.dirname(old) == posixpath.dirname(new):
        return rels_xml
    root = _parse(rels_xml)
    for rel in root:
        t = rel.get("Target", "")
        if not t.startswith("/"):
            rel.set("Target", "/" + posixpath.normpath(posixpath.join(posixpath.dirname(old), t)))
    return _dump(root)
