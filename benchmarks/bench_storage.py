"""存储基准：一次自查保存（save_month）的耗时中位数——空仓库 vs 十年历史。

十年历史：十个科室 2017–2026 年每月都有记录（每月一个文件）（每月带材料与事件），三个科室各有每年
20,000 行的台账，另有审计日志。历史数据直接写成 JSON 文件（不经过成千上万次保存）。
目标：十年历史 / 空仓库 ≤ 1.5，且保存中位数 ≤ 20 ms（双核机器）。
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from creditcheck.catalog import load_builtin
from creditcheck.models import Event, Evidence, SectionMonth, Status
from creditcheck.month import Month
from storage import Store
from storage.migrations import LEDGER, MONTHS, meta_record

SAVES = 100
TARGET_RATIO = 1.5
TARGET_MS = 20.0
LEDGER_ROWS_PER_YEAR = 20_000
LEDGER_SECTIONS = ("commerce", "social", "construction")
NOW = Month(2026, 11)


def _month_doc(sid: str, month: Month, indicators: list[int]) -> dict:
    sm = SectionMonth(sid, month, "2022.1", person="王芳", phone="0531-88001234")
    t = datetime(month.year, month.month, 20, 9, 0)
    for iid in indicators:
        e = sm.entry(iid)
        e.status = Status.DONE
        e.note = "已按要求完成本月工作，材料见附件。"
        e.completed_at = t
        for k in range(2):
            e.evidence.append(
                Evidence(
                    path=f"D:\\信用材料\\{month}\\第{iid}项 材料{k}.docx",
                    abs_path=f"D:\\信用材料\\{month}\\第{iid}项 材料{k}.docx",
                    kind="DOCX",
                    size=20480,
                    mtime=1.7e9,
                    sha256="ab" * 32,
                    attached_at=t,
                )
            )
        e.events.append(Event("article", "信用动态稿件", t, done_at=t, due_at=t))
    d = sm.to_dict()
    d.update(rev=3, saved_at=t.isoformat(), saved_by="王芳")
    return d


def _write_history(root: Path) -> None:
    cat = load_builtin()
    for s in cat.sections:
        sdir = root / "sections" / s.id
        sdir.mkdir(parents=True)
        assigned = [i.id for i in cat.assigned(s.id)]
        for year in range(2017, 2027):
            last = 12 if year < NOW.year else NOW.month - 1  # 本月留给基准去保存
            for m in range(1, last + 1):
                month = Month(year, m)
                data = {
                    "_meta": {"1": meta_record(MONTHS, s.id, year, str(month))},
                    "months": {"1": _month_doc(s.id, month, assigned)},
                }
                (sdir / f"{month}.json").write_text(
                    json.dumps(data, ensure_ascii=False), encoding="utf-8"
                )
            with open(sdir / f"audit-{year}.jsonl", "w", encoding="utf-8") as f:
                for m in range(1, last + 1):
                    for k in range(30):
                        f.write(
                            json.dumps(
                                {
                                    "at": f"{year}-{m:02d}-20T09:{k:02d}:00",
                                    "who": "王芳",
                                    "section": s.id,
                                    "month": f"{year}-{m:02d}",
                                    "changes": [{"path": "entries.1.note", "old": "", "new": "x"}],
                                },
                                ensure_ascii=False,
                            )
                            + "\n"
                        )
            if s.id in LEDGER_SECTIONS:
                per_month = LEDGER_ROWS_PER_YEAR // 12 + 1
                imports = {}
                for m in range(1, 13):
                    rows = [
                        {
                            "决定书文号": f"历城审批〔{year}〕第{m * 10000 + r}号",
                            "行政相对人名称": "济南某某有限公司",
                            "统一社会信用代码": "91370112MA3C00000X",
                            "许可决定日期": f"{year}-{m:02d}-05",
                            "上传日期": f"{year}-{m:02d}-12",
                        }
                        for r in range(per_month)
                    ]
                    imports[str(m)] = {
                        "month": f"{year}-{m:02d}",
                        "kind": "licence",
                        "rows": rows,
                        "meta": {},
                    }
                data = {"_meta": {"1": meta_record(LEDGER, s.id, year)}, "imports": imports}
                (sdir / f"ledger-licence-{year}.json").write_text(
                    json.dumps(data, ensure_ascii=False), encoding="utf-8"
                )


def _median_save_ms(roots: list[Path]) -> list[float]:
    """轮流在各仓库里保存（抵消机器负载的起伏），返回各自的中位数（毫秒）。"""
    cat = load_builtin()
    assigned = [i.id for i in cat.assigned("commerce")]
    stores = [Store(r, section_id="commerce", actor="基准") for r in roots]
    months = [SectionMonth.from_dict(_month_doc("commerce", NOW, assigned)) for _ in roots]
    times: list[list[float]] = [[] for _ in roots]
    for i in range(SAVES):
        for k, (store, sm) in enumerate(zip(stores, months, strict=True)):
            sm.entry(8).counts["credit_checks"] = i  # 每次都是真实的改动
            t0 = time.perf_counter()
            store.save_month(sm)
            times[k].append((time.perf_counter() - t0) * 1000)
    for store in stores:
        store.close()
    return [statistics.median(t[5:]) for t in times]  # 去掉最初几次（冷缓存）


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-storage-") as tmp:
        empty = Path(tmp) / "empty"
        history = Path(tmp) / "history"
        t0 = time.perf_counter()
        _write_history(history)
        size = sum(p.stat().st_size for p in history.rglob("*") if p.is_file()) / 1e6
        print(f"生成十年历史：{size:.0f} MB，用时 {time.perf_counter() - t0:.1f} 秒")
        # 先把生成的历史数据刷到磁盘，免得它的回写算进保存的 fsync 时间；打开科室时的备份也先做掉
        os.sync()
        Store(history, section_id="commerce").close()
        os.sync()
        e, h = _median_save_ms([empty, history])
    ratio = h / e if e else float("inf")
    print(f"一次保存中位数（空仓库）：{e:.2f} ms")
    print(
        f"一次保存中位数（十年历史，十个科室，三个科室每年 {LEDGER_ROWS_PER_YEAR} 行台账）：{h:.2f} ms"
    )
    print(
        f"比值 十年/空：{ratio:.2f}（目标 ≤ {TARGET_RATIO}）{'达标' if ratio <= TARGET_RATIO else '未达标'}"
    )
    print(f"保存中位数 ≤ {TARGET_MS:.0f} ms：{'达标' if max(e, h) <= TARGET_MS else '未达标'}")


if __name__ == "__main__":
    main()
