"""Word 模板先清理再用：宏、附加模板链接、外部关系与链接的图片都不进报送材料；过大与 zip 炸弹用中文拒绝。"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document

from exports.docx_layout import ExportError, OfficialDocument
from exports.template_safety import MAX_TEMPLATE_FILE, TemplateError, sanitize_template

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _hostile_template(path: Path) -> Path:
    """用 python-docx 建一个正常模板（页眉有文字），再往里塞宏、附加模板、外部图片与超链接。"""
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "红头：某某局"
    doc.add_paragraph("{{正文}}")
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 macro"
    rels = parts["word/_rels/document.xml.rels"].decode()
    extra = (
        f'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
        f'Target="vbaProject.bin"/>'
        f'<Relationship Id="rIdImg" Type="{_REL}/image" Target="file://///host/share/logo.png" '
        f'TargetMode="External"/>'
        f'<Relationship Id="rIdLink" Type="{_REL}/hyperlink" Target="http://evil.example/x" TargetMode="External"/>'
    )
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>", extra + "</Relationships>"
    ).encode()
    body = parts["word/document.xml"].decode()
    linked = (
        '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
        'wordprocessingDrawing"><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:blipFill><a:blip xmlns:r="{_REL}" r:link="rIdImg"/></pic:blipFill></pic:pic></a:graphicData>'
        "</a:graphic></wp:inline></w:drawing></w:r>"
        f'<w:hyperlink xmlns:r="{_REL}" r:id="rIdLink"><w:r><w:t>链接文字</w:t></w:r></w:hyperlink></w:p>'
    )
    parts["word/document.xml"] = body.replace("<w:sectPr", linked + "<w:sectPr", 1).encode()
    parts["word/settings.xml"] = parts["word/settings.xml"].replace(
        b"<w:zoom", f'<w:attachedTemplate xmlns:r="{_REL}" r:id="rIdTpl"/><w:zoom'.encode(), 1
    )
    parts["word/_rels/settings.xml.rels"] = (
        f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rIdTpl" Type="{_REL}/attachedTemplate" Target="file:///\\\\host\\share\\normal.dotm" '
        f'TargetMode="External"/></Relationships>'
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for n, data in parts.items():
            zout.writestr(n, data)
    return path


def test_sanitised_template_keeps_layout_drops_the_rest(tmp_path: Path) -> None:
    src = _hostile_template(tmp_path / "模板.docx")
    clean = sanitize_template(src)
    with zipfile.ZipFile(io.BytesIO(clean)) as zf:
        names = set(zf.namelist())
        everything = b"".join(zf.read(n) for n in names)
    assert "word/vbaProject.bin" not in names
    assert b"vbaProject" not in everything and b"attachedTemplate" not in everything
    assert (
        b"External" not in everything
        and b"host" not in everything
        and b"evil.example" not in everything
    )
    assert b"r:link" not in everything
    assert {"word/document.xml", "word/styles.xml", "word/settings.xml"} <= names
    doc = Document(io.BytesIO(clean))
    assert doc.sections[0].header.paragraphs[0].text == "红头：某某局"
    assert "链接文字" in "".join(p.text for p in doc.paragraphs)


def test_report_from_hostile_template_carries_nothing_of_it(tmp_path: Path) -> None:
    src = _hostile_template(tmp_path / "模板.docx")
    doc = OfficialDocument("standard", template=src)
    out = tmp_path / "报送.docx"
    doc.save(out)
    with zipfile.ZipFile(out) as zf:
        everything = b"".join(zf.read(n) for n in zf.namelist())
        names = zf.namelist()
    assert not any("vbaProject" in n for n in names)
    assert b"attachedTemplate" not in everything and b'TargetMode="External"' not in everything


def test_oversized_template_refused_in_chinese(tmp_path: Path) -> None:
    big = tmp_path / "大模板.docx"
    with open(big, "wb") as f:
        f.truncate(MAX_TEMPLATE_FILE + 1)
    with pytest.raises(TemplateError, match="超过 .* 的上限"):
        sanitize_template(big)
    with pytest.raises(ExportError, match="上限"):
        OfficialDocument("standard", template=big)


def test_zip_bomb_template_refused_before_expanding(tmp_path: Path) -> None:
    bomb = tmp_path / "炸弹.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as f:
            block = b"\x00" * (1 << 20)
            for _ in range(300):
                f.write(block)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(TemplateError, match="zip 炸弹"):
        sanitize_template(bomb)


def test_not_a_template(tmp_path: Path) -> None:
    p = tmp_path / "x.docx"
    p.write_bytes(b"not a zip")
    with pytest.raises(TemplateError, match="损坏"):
        sanitize_template(p)
    with pytest.raises(TemplateError, match="文件夹"):
        sanitize_template(tmp_path)
