"""Word 报送材料导出：一个科室一个内容充实的月份，导出的中位用时，以及与“用 python-docx 写一份
段落数和表格单元格数相同的普通文档”的用时之比（同一次运行中测）。目标：比值 ≤ 2。
"""

from __future__ import annotations

import hashlib
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

RUNS = 7
TARGET_RATIO = 2.0


def _rich_month(folder: Path):
    from creditcheck.catalog import load_builtin
    from creditcheck.models import Event, Evidence, SectionMonth, Status
    from creditcheck.month import Month

    catalog = load_builtin()
    sm = SectionMonth(
        "system", Month(2026, 11), catalog.version, person="张三", phone="0531-88886666"
    )
    kinds_titles = {
        "licence": "食品经营许可",
        "data-problem": "问题数据",
        "article": "信用动态稿件",
        "code-error": "重码",
        "activity": "诚信宣传活动",
        "objection": "异议协同处理函",
        "case": "信易批案例",
        "incident": "事件",
    }
    for ind in catalog.assigned("system"):
        e = sm.entry(ind.id)
        e.status = Status.DONE
        e.completed_at = datetime(2026, 11, 20, 15, 0)
        e.note = "已按实施方案要求完成本月工作，材料齐全。" * 2
        for k in range(6):
            content = f"{ind.id}-{k} evidence ".encode() * 200
            p = folder / f"{ind.id}-{k}-佐证材料.pdf"
            p.write_bytes(content)
            st = p.stat()
            e.evidence.append(
                Evidence(
                    str(p),
                    str(p),
                    effective_date=date(2026, 11, 1 + k),
                    note="会议记录及照片",
                    size=st.st_size,
                    mtime=st.st_mtime,
                    sha256=hashlib.sha256(content).hexdigest(),
                )
            )
        for kind in ind.event_kinds:
            if kind == "incident":
                continue
            n = 12 if kind == "licence" else 3
            for j in range(n):
                start = datetime(2026, 11, 2, 9, 0) + timedelta(days=j * 2, hours=j)
                e.events.append(
                    Event(
                        kind,
                        f"{kinds_titles.get(kind, kind)}{j + 1}",
                        start,
                        start + timedelta(hours=20),
                        fields={"code": "91370112MA3C8XYZ1A", "entity": "某某有限公司"},
                    )
                )
    sm.entry(8).counts = {"credit_checks": 120, "joint_sanctions": 3, "market_entities": 450}
    sm.ledgers["licence"] = {
        "file": "台账.xlsx",
        "imported_at": "2026-11-20T09:30:00",
        "rows": 50,
        "counts": {"decided": 50, "uploaded": 48, "on_time": 45, "compliant": 47},
        "rates": {"reported": 0.96, "timely": 0.9375, "compliant": 0.9792},
        "problems": 3,
    }
    return catalog, sm


def _shape(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    """读回导出的文档：正文段落的文字，各表格各行各格的文字。"""
    from docx import Document

    doc = Document(str(path))
    paras = [p.text for p in doc.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return paras, tables


def _plain(paras: list[str], tables: list[list[list[str]]], out: Path) -> None:
    """对照组：python-docx 的普通写法，段落与单元格数量相同。"""
    from docx import Document

    doc = Document()
    for text in paras:
        doc.add_paragraph(text)
    for rows in tables:
        t = doc.add_table(rows=len(rows), cols=len(rows[0]))
        for row, values in zip(t.rows, rows, strict=True):
            for cell, v in zip(row.cells, values, strict=True):
                cell.text = v
    doc.save(str(out))


def main() -> None:
    from creditcheck.settings import Settings
    from creditcheck.workcal import load_calendar
    from exports.submission import export_submission

    cal = load_calendar(None)
    now = datetime(2026, 11, 28, 10, 0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        catalog, sm = _rich_month(folder)
        out = folder / "报送材料.docx"
        export_submission(catalog, cal, sm, Settings(), out, now=now)  # 预热（导入 python-docx 等）
        paras, tables = _shape(out)
        _plain(paras, tables, folder / "plain.docx")
        n_cells = sum(len(r) for t in tables for r in t)

        ours, plain = [], []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            export_submission(catalog, cal, sm, Settings(), out, now=now)
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            _plain(paras, tables, folder / "plain.docx")
            plain.append(time.perf_counter() - t0)
        m_ours, m_plain = statistics.median(ours), statistics.median(plain)
        ratio = m_ours / m_plain
        n_ev = sum(len(e.evidence) for e in sm.entries.values())
        n_events = sum(len(e.events) for e in sm.entries.values())
        print(
            f"内容：{len(sm.entries)}项指标、{n_ev}份佐证材料（逐一核对文件）、{n_events}个事件；"
            f"文档 {len(paras)} 个段落、{len(tables)} 张表、{n_cells} 个单元格"
        )
        print(f"导出报送材料：中位 {m_ours * 1000:.1f} 毫秒（{RUNS} 次）")
        print(f"python-docx 普通文档（同样的段落数和单元格数）：中位 {m_plain * 1000:.1f} 毫秒")
        verdict = "达标" if ratio <= TARGET_RATIO else "未达标"
        print(f"比值 {ratio:.2f}（目标 ≤ {TARGET_RATIO:g}）：{verdict}")


if __name__ == "__main__":
    main()
