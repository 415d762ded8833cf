"""体系科汇总：10 个科室、每科室 12 个月、每月每个指标若干事件与佐证材料，从真实数据文件夹读出后

- 算出本月总览（矩阵、得分、及时率、排名、趋势）的中位用时，目标 ≤ 1 秒（打开总览屏幕时的等待）；
- 导出 Word 汇总材料的中位用时，目标 ≤ 3 秒；
- 导出并导入一个带 20 份佐证原件（每份 1 MB）的数据包的用时，目标 ≤ 5 秒。
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

RUNS = 5
NOW = datetime(2026, 11, 28, 10, 0)


def _populate(data_dir: Path):
    from creditcheck import review
    from creditcheck.catalog import load_builtin
    from creditcheck.models import Event, Evidence, SectionMonth, Status
    from creditcheck.month import Month
    from storage import Store

    catalog = load_builtin()
    store = Store(data_dir)
    month = Month(2026, 11)
    for n, section in enumerate(catalog.sections):
        for back in range(12):
            m = month.shift(-back)
            sm = SectionMonth(section.id, m, catalog.version, person="张三")
            for k, ind in enumerate(catalog.assigned(section.id)):
                e = sm.entry(ind.id)
                e.status = Status.DONE if (k + n + back) % 3 else Status.IN_PROGRESS
                e.completed_at = (
                    datetime(m.year, m.month, 20, 9, 0) if e.status is Status.DONE else None
                )
                e.note = "本月按要求完成。" * 3
                for j in range(3):
                    e.evidence.append(
                        Evidence(f"材料{j}.pdf", f"/共享/材料{j}.pdf", sha256="ab" * 32, size=1000)
                    )
                for kind in ind.event_kinds:
                    for j in range(4):
                        start = datetime(m.year, m.month, 2, 9, 0) + timedelta(days=j * 5)
                        e.events.append(
                            Event(
                                kind,
                                f"事件{j}",
                                start,
                                start + timedelta(hours=10) if j % 2 else None,
                            )
                        )
            if back:
                review.submit(sm, "张三", datetime(m.year, m.month, 25, 9, 0))
            store.save_month(sm)
    return catalog


def _median(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    from creditcheck.coordination import build_overview
    from creditcheck.evidence import attach
    from creditcheck.month import Month
    from creditcheck.services.packages import import_package
    from creditcheck.workcal import load_calendar
    from exports.package import write_package
    from exports.summary import summary_content, write_summary_docx
    from storage import Store

    month = Month(2026, 11)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        catalog = _populate(root / "data")
        cal = load_calendar(None)

        def overview():
            store = Store(root / "data", read_only=True)
            records = [
                m
                for s in catalog.sections
                for m in store.months(s.id)
                if m.month >= month.shift(-11)
            ]
            return build_overview(catalog, cal, month, records, NOW)

        ov = overview()
        n_events = sum(len(e.events) for r in ov.rows for e in r.record.entries.values())
        t = _median(overview)
        print(
            f"总览（10 个科室 × 12 个月，本月 {n_events} 个事件）：中位 {t * 1000:.0f} 毫秒，目标 ≤ 1000 毫秒"
        )

        t = _median(
            lambda: write_summary_docx(
                summary_content(ov, "济南市历城区行政审批服务局", NOW.date()), root / "汇总.docx"
            )
        )
        print(f"Word 汇总材料：中位 {t * 1000:.0f} 毫秒，目标 ≤ 3000 毫秒")

        sm = Store(root / "data", read_only=True).load_month("commerce", month)
        ev_dir = root / "evidence"
        ev_dir.mkdir()
        import os

        for j in range(20):
            p = ev_dir / f"佐证{j}.pdf"
            p.write_bytes(os.urandom(1 << 20))
            sm.entry(2).evidence.append(attach(str(p), now=NOW))
        t0 = time.perf_counter()
        res = write_package(root / "p.ccpkg", sm, catalog, {}, NOW, with_evidence=True)
        t_export = time.perf_counter() - t0
        t0 = time.perf_counter()
        import_package(res.path, Store(root / "coordinator"), catalog, NOW)
        t_import = time.perf_counter() - t0
        size = res.path.stat().st_size / (1 << 20)
        print(
            f"数据包（20 份佐证原件，共 {size:.0f} MB）：导出 {t_export * 1000:.0f} 毫秒，导入（校验并解出）"
            f"{t_import * 1000:.0f} 毫秒，目标合计 ≤ 5000 毫秒"
        )
