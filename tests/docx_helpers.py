"""Word 报送材料测试的公共部分：用领域模型搭一个月的记录，读回 .docx 的字体、字号、表格。

不依赖演示数据生成器；佐证材料是 tmp_path 下真实的文件。
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn

from creditcheck.models import Event, Evidence, SectionMonth, Status
from creditcheck.month import Month

MONTH = Month(2026, 11)
NOW = datetime(2026, 11, 28, 10, 0)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def make_evidence(
    folder: Path,
    name: str,
    content: bytes = b"evidence",
    *,
    when: date = date(2026, 11, 10),
    note: str = "",
    state: str = "ok",
) -> Evidence:
    """真实文件的佐证材料；``state`` 为 changed 时附上后改写文件，missing 时删掉文件。"""
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_bytes(content)
    st = p.stat()
    ev = Evidence(
        path=str(p),
        abs_path=str(p),
        effective_date=when,
        note=note,
        size=st.st_size,
        mtime=st.st_mtime,
        sha256=hashlib.sha256(content).hexdigest(),
        attached_at=datetime(2026, 11, 10, 9, 0),
    )
    if state == "changed":
        p.write_bytes(content + b" (edited)")
    elif state == "missing":
        p.unlink()
    return ev


LICENCE_SUMMARY = {
    "file": "双公示台账-11月.xlsx",
    "kind": "licence",
    "imported_at": "2026-11-20T09:30:00",
    "rows": 50,
    "counts": {"decided": 50, "uploaded": 48, "on_time": 45, "compliant": 47},
    "rates": {"reported": 0.96, "timely": 0.9375, "compliant": 0.9792},
    "problems": 3,
}


def rich_month(catalog: Any, section_id: str, folder: Path) -> SectionMonth:
    """每个负责的指标都有佐证材料与事件的一个月（商事登记科或体系科）。"""
    sm = SectionMonth(section_id, MONTH, catalog.version, person="李四", phone="0531-88123456")
    for ind in catalog.assigned(section_id):
        e = sm.entry(ind.id)
        e.status = Status.DONE
        e.completed_at = datetime(2026, 11, 20, 15, 0)
        e.note = f"指标{ind.id}已按要求完成。"
        e.evidence = [
            make_evidence(
                folder, f"{ind.id}-材料.pdf", f"material {ind.id}".encode(), note="会议记录"
            )
        ]
    sm.entry(2).events = [
        Event(
            "licence",
            "食品经营许可（济历审〔2026〕101号）",
            datetime(2026, 11, 3, 9, 0),
            datetime(2026, 11, 10, 10, 0),
            fields={"code": "91370112MA3C8XYZ1A"},
        ),
        Event("licence", "某某餐饮店", datetime(2026, 10, 20, 9, 0), datetime(2026, 11, 10, 10, 0)),
    ]
    sm.ledgers["licence"] = dict(LICENCE_SUMMARY)
    sm.entry(4).events = [
        Event(
            "article", "开展信用承诺宣传", datetime(2026, 11, 5, 10, 0), datetime(2026, 11, 6, 9, 0)
        )
    ]
    sm.entry(5).events = [
        Event(
            "code-error",
            "重码清理",
            datetime(2026, 11, 4, 9, 0),
            datetime(2026, 11, 15, 9, 0),
            fields={"code": "91370112MA3C8XYZ1A", "entity": "某某公司"},
        )
    ]
    sm.entry(8).counts = {"credit_checks": 120, "joint_sanctions": 3, "market_entities": 450}
    sm.entry(10).events = [
        Event(
            "objection",
            "异议协同处理函（济信函〔2026〕15号）",
            datetime(2026, 11, 13, 16, 0),
            datetime(2026, 11, 16, 11, 0),
        )
    ]
    return sm


# ───────────────────────── 读回 ─────────────────────────


def open_docx(path: Path) -> Any:
    return Document(str(path))


def _style_chain(doc: Any, style_id: str | None) -> list[Any]:
    out = []
    styles = {s.get(qn("w:styleId")): s for s in doc.styles.element.findall(qn("w:style"))}
    seen = set()
    while style_id and style_id in styles and style_id not in seen:
        seen.add(style_id)
        st = styles[style_id]
        out.append(st)
        based = st.find(qn("w:basedOn"))
        style_id = based.get(qn("w:val")) if based is not None else None
    return out


def _rpr_chain(doc: Any, p_el: Any) -> list[Any]:
    """一个段落第一个文字块起作用的 rPr，由近及远：文字块、段落样式链、文档默认。"""
    chain = []
    r = p_el.find(qn("w:r"))
    if r is not None and r.find(qn("w:rPr")) is not None:
        chain.append(r.find(qn("w:rPr")))
    ppr = p_el.find(qn("w:pPr"))
    sid = None
    if ppr is not None and ppr.find(qn("w:pStyle")) is not None:
        sid = ppr.find(qn("w:pStyle")).get(qn("w:val"))
    for st in _style_chain(doc, sid or "Normal"):
        if st.find(qn("w:rPr")) is not None:
            chain.append(st.find(qn("w:rPr")))
    dd = doc.styles.element.find(qn("w:docDefaults"))
    if dd is not None:
        rpr = dd.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            chain.append(rpr)
    return chain


def east_asia_font(doc: Any, p_el: Any) -> str | None:
    for rpr in _rpr_chain(doc, p_el):
        rf = rpr.find(qn("w:rFonts"))
        if rf is not None and rf.get(qn("w:eastAsia")):
            assert rf.get(qn("w:eastAsiaTheme")) is None, "主题字体属性应已删去"
            return rf.get(qn("w:eastAsia"))
    return None


def font_size(doc: Any, p_el: Any) -> float | None:
    for rpr in _rpr_chain(doc, p_el):
        sz = rpr.find(qn("w:sz"))
        if sz is not None:
            return int(sz.get(qn("w:val"))) / 2
    return None


def is_bold(doc: Any, p_el: Any) -> bool:
    for rpr in _rpr_chain(doc, p_el):
        b = rpr.find(qn("w:b"))
        if b is not None:
            return b.get(qn("w:val")) not in ("0", "false")
    return False


def style_id(p: Any) -> str | None:
    ppr = p._p.find(qn("w:pPr"))
    if ppr is None or ppr.find(qn("w:pStyle")) is None:
        return None
    return ppr.find(qn("w:pStyle")).get(qn("w:val"))


def paragraphs_with_style(doc: Any, sid: str) -> list[str]:
    return [p.text for p in doc.paragraphs if style_id(p) == sid]


def table_rows(table: Any) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def body_text(doc: Any) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def find_table(doc: Any, header0: str, header1: str | None = None) -> list[Any]:
    """表头前两格为给定文字的所有表格。"""
    out = []
    for t in doc.tables:
        cells = t.rows[0].cells
        if cells[0].text == header0 and (header1 is None or cells[1].text == header1):
            out.append(t)
    return out


def section_after_heading(doc: Any, heading_text: str) -> Any:
    """标题之后、下一个一级标题之前的正文元素（段落与表格），用于按指标检查内容。"""
    body = doc.element.body
    out = []
    started = False
    for el in body:
        if el.tag == qn("w:p"):
            ppr = el.find(qn("w:pPr"))
            sid = (
                ppr.find(qn("w:pStyle")).get(qn("w:val"))
                if ppr is not None and ppr.find(qn("w:pStyle")) is not None
                else None
            )
            text = "".join(t.text or "" for t in el.iter(qn("w:t")))
            if sid == "GwHeading1":
                if started:
                    break
                if heading_text in text:
                    started = True
                    continue
        if started:
            out.append(el)
    return out


def text_of(elements: list[Any]) -> str:
    parts = []
    for el in elements:
        if el.tag == qn("w:tbl"):
            for tr in el.iter(qn("w:tr")):
                parts.append(
                    " | ".join(
                        "".join(t.text or "" for t in tc.iter(qn("w:t")))
                        for tc in tr.iter(qn("w:tc"))
                    )
                )
        else:
            parts.append("".join(t.text or "" for t in el.iter(qn("w:t"))))
    return "\n".join(parts)


# ───────────────────────── 报告的各部分 ─────────────────────────


def _el_text(el: Any) -> str:
    """段落的文字；段内换行（w:br）记为“\\n”。"""
    parts = []
    for node in el.iter(qn("w:t"), qn("w:br")):
        parts.append("\n" if node.tag == qn("w:br") else (node.text or ""))
    return "".join(parts)


def _has_page_break_before(el: Any) -> bool:
    ppr = el.find(qn("w:pPr"))
    return ppr is not None and ppr.find(qn("w:pageBreakBefore")) is not None


def body_elements(doc: Any) -> list[Any]:
    """正文（标题到附注）：第一个另起一页的“附件N”之前的段落与表格。"""
    out = []
    for el in doc.element.body:
        if el.tag == qn("w:p") and _has_page_break_before(el):
            break
        if el.tag in (qn("w:p"), qn("w:tbl")):
            out.append(el)
    return out


def attachment_elements(doc: Any, n: int) -> list[Any]:
    """附件N：从另起一页的“附件N”段落到下一个附件之前。"""
    out: list[Any] = []
    inside = False
    for el in doc.element.body:
        if el.tag == qn("w:p") and _has_page_break_before(el):
            if inside:
                break
            inside = _el_text(el) == f"附件{n}"
            if inside:
                out.append(el)
            continue
        if inside and el.tag in (qn("w:p"), qn("w:tbl")):
            out.append(el)
    return out


def attachment_labels(doc: Any) -> list[str]:
    """各附件首行的文字（另起一页的段落）。"""
    return [
        _el_text(el)
        for el in doc.element.body
        if el.tag == qn("w:p") and _has_page_break_before(el)
    ]


def paragraph_texts(elements: list[Any]) -> list[str]:
    return [_el_text(el) for el in elements if el.tag == qn("w:p")]


def all_text(doc: Any) -> str:
    """整份文件的文字，含表格。"""
    return text_of([el for el in doc.element.body if el.tag in (qn("w:p"), qn("w:tbl"))])


def tables_in(elements: list[Any]) -> list[list[list[str]]]:
    out = []
    for el in elements:
        if el.tag == qn("w:tbl"):
            rows = []
            for tr in el.iter(qn("w:tr")):
                rows.append(
                    [
                        "\n".join(_el_text(p) for p in tc.iter(qn("w:p")))
                        for tc in tr.iter(qn("w:tc"))
                    ]
                )
            out.append(rows)
    return out


def indicator_paragraph(doc: Any, short: str) -> str:
    """“二、各项指标完成情况”里某个指标的那一段（以“（一）{简称}。”开头）。"""
    for text in paragraph_texts(body_elements(doc)):
        if text.startswith("（") and f"）{short}。" in text[:40]:
            return text
    raise AssertionError(f"找不到指标“{short}”的段落")


def busy_month(catalog: Any, folder: Path) -> SectionMonth:
    """忙碌的一个月（商事登记科）：30 个事件（有按时、逾期完成、逾期未完成、未到期的）、50 份佐证材料、
    两种台账都已导入，专人没写“存在问题和下步打算”。报送材料的版面要经得起这样的月份。"""
    from creditcheck.models import Event

    sm = SectionMonth("commerce", MONTH, catalog.version, person="李四", phone="0531-88123456")
    assigned = catalog.assigned("commerce")
    for n in range(50):
        ind = assigned[n % len(assigned)]
        sm.entry(ind.id).evidence.append(
            make_evidence(
                folder,
                f"材料{n:02d}（第{n}份，{ind.short}的会议记录与台账）.pdf",
                f"{n}".encode(),
                when=date(2026, 11, 1 + n % 25),
            )
        )
    kinds = (
        [(2, "licence")] * 10
        + [(2, "data-problem")] * 4
        + [(4, "article")] * 3
        + [(5, "code-error")] * 3
        + [(6, "case")]
        + [(10, "objection")] * 9
    )
    for n, (iid, kind) in enumerate(kinds):
        day = 1 + (n * 7) % 27
        occurred = datetime(2026, 11, day, 9, 0)
        done = None if n % 4 == 3 else datetime(2026, 11, min(28, day + 1 + n % 3), 10, 0)
        if done is not None and done > NOW:
            done = None
        sm.entry(iid).events.append(
            Event(
                kind,
                f"某某有限公司第{n + 1}件事项（历城审批〔2026〕第{100 + n}号）",
                occurred,
                done,
                fields={"code": "91370112MA3C8XYZ1A"} if kind in ("licence", "code-error") else {},
            )
        )
    for ind in assigned:
        e = sm.entry(ind.id)
        e.status = Status.DONE if ind.id in (3, 9) else Status.IN_PROGRESS
        e.completed_at = datetime(2026, 11, 20, 15, 0) if e.status is Status.DONE else None
        e.note = "已按月整理材料。" if ind.id % 2 else ""
    sm.entry(8).counts = {"credit_checks": 1283, "joint_sanctions": 123, "market_entities": 4497}
    sm.ledgers["licence"] = dict(LICENCE_SUMMARY)
    sm.ledgers["commitment"] = {
        "file": "承诺台账.xlsx",
        "rows": 35,
        "counts": {"decided": 35, "due": 35, "uploaded": 35, "on_time": None, "compliant": 34},
        "rates": {"reported": 1.0, "timely": None, "compliant": 0.9714},
    }
    return sm


def busy_ledger_rows() -> dict[str, list[dict]]:
    """与 :func:`busy_month` 配套的信用承诺台账 35 行（报送材料列出前 30 行）。"""
    return {
        "commitment": [
            {
                "承诺主体名称": f"济南某某商贸有限公司第{i + 1}分公司",
                "承诺类型": "告知承诺",
                "承诺事项": "按承诺时限补齐审批材料",
                "承诺日期": f"2026-11-{1 + i % 27:02d}",
                "履约情况": "已履约" if i % 3 else "履约中",
            }
            for i in range(35)
        ]
    }
