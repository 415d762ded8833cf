"""台账检查的速度与内存：5万行双公示台账。

同一次运行里、各在一个新的子进程中测：
- 单纯用 openpyxl 只读模式逐行读取同一文件（对照）；
- ``ledger check``（默认读法 python-calamine）：吞吐量至少为对照的 5 倍，峰值内存 ≤ 150 MiB；
- 标注副本（``ledger check --annotate`` 的写出部分）：用时不超过检查的 2 倍。
子进程报告自己的用时（墙钟与 CPU 时间）与峰值常驻内存（resource.getrusage，含 Rust 分配的内存）。
两核机器上多人同时工作时墙钟时间主要量的是邻居，所以“倍数”按 CPU 时间判定，墙钟倍数一并列出。
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

ROWS = 50_000
TARGET_RATIO = 5.0
TARGET_MIB = 150
TARGET_ANNOTATE = 2.0

_BASELINE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
ws = wb.worksheets[0]
ws.reset_dimensions()
n = 0
for row in ws.iter_rows(values_only=True):
    n += 1
wb.close()
dt = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": dt, "cpu": ru.ru_utime + ru.ru_stime, "rows": n, "maxrss": ru.ru_maxrss}))
"""

_CHECK = r"""
import json, resource, sys, time
from datetime import date
t0 = time.perf_counter()
from creditcheck.catalog import load_builtin
from creditcheck.workcal import load_calendar
from exports.ledger_io import check_file
r = check_file(sys.argv[1], "licence", load_builtin(), load_calendar(None), date(2026, 11, 28))
dt = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_SELF)
cpu = ru.ru_utime + ru.ru_stime
out = {"seconds": dt, "cpu": cpu, "rows": r.row_count, "problems": len(r.problems), "maxrss": ru.ru_maxrss}
if len(sys.argv) > 2:
    from exports.xlsx_write import write_annotated
    t1 = time.perf_counter()
    write_annotated(sys.argv[1], r.problems, sys.argv[2], sheet=r.sheet, header_row=r.header_row)
    out["annotate"] = time.perf_counter() - t1
    ru = resource.getrusage(resource.RUSAGE_SELF)
    out["annotate_cpu"] = ru.ru_utime + ru.ru_stime - cpu
print(json.dumps(out))
"""


def make_ledger(path: Path, rows: int = ROWS) -> None:
    """生成一份像样的台账：大部分正确，少量小写代码、迟报、重复文书号；日期一半是 Excel 日期、一半是文字。"""
    from openpyxl import Workbook

    from creditcheck.creditcode import ALPHABET, check_char
    from creditcheck.ledger import LICENCE

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append([c.name for c in LICENCE.columns])
    agency = "11350100" + "MB0123456"
    agency += check_char(agency)
    base = date(2026, 1, 5)
    for i in range(rows):
        body = f"91350100{i:09d}"[:17]
        body = "".join(ALPHABET[int(ch)] for ch in body)
        code = body + check_char(body)
        if i % 997 == 0:
            code = code.lower()
        decided = base + timedelta(days=i % 300)
        reported = decided + timedelta(days=3 + (i % 14))
        ws.append(
            [
                f"某某市场主体{i}有限公司",
                "法人及非法人组织" if i % 10 else "个体工商户",
                code,
                f"张{i % 100}",
                "准予行政许可决定书",
                f"某审批许字〔2026〕{i if i % 1500 else 7}号",
                "普通",
                "食品经营许可证",
                f"JY{i:012d}",
                "食品销售经营者（含网络经营）",
                datetime.combine(decided, datetime.min.time()) if i % 2 else decided.isoformat(),
                decided.isoformat(),
                "长期" if i % 3 == 0 else (decided + timedelta(days=1825)).isoformat(),
                "某区行政审批服务局",
                agency,
                "某区行政审批服务局",
                agency,
                datetime.combine(reported, datetime.min.time())
                if i % 2
                else reported.strftime("%Y/%m/%d"),
                "",
            ]
        )
    wb.save(path)


def _run(script: str, *args: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _mib(maxrss: float) -> float:
    # Linux 上 ru_maxrss 以 KiB 计，macOS 以字节计
    return maxrss / 1024 / (1024 if sys.platform == "darwin" else 1)


def _ok(good: bool) -> str:
    return "达标" if good else "未达标"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.xlsx"
        make_ledger(path)
        size = path.stat().st_size / 1024 / 1024
        base = _run(_BASELINE, path)
        mine = _run(_CHECK, path)
        annotated = _run(_CHECK, path, Path(tmp) / "annotated.xlsx")
    ratio = base["cpu"] / mine["cpu"]
    wall_ratio = base["seconds"] / mine["seconds"]
    mib = _mib(mine["maxrss"])
    ann = annotated["annotate_cpu"] / annotated["cpu"]
    print(f"台账：{ROWS} 行，文件 {size:.1f} MiB")
    print(
        f"openpyxl 只读逐行读取：CPU {base['cpu']:.2f} 秒（{ROWS / base['cpu']:,.0f} 行/秒），"
        f"墙钟 {base['seconds']:.2f} 秒，峰值内存 {_mib(base['maxrss']):.0f} MiB"
    )
    print(
        f"ledger check：CPU {mine['cpu']:.2f} 秒（{ROWS / mine['cpu']:,.0f} 行/秒），"
        f"墙钟 {mine['seconds']:.2f} 秒，发现 {int(mine['problems'])} 个问题"
    )
    print(
        f"吞吐量之比 {ratio:.1f} 倍（墙钟 {wall_ratio:.1f} 倍；目标 ≥ {TARGET_RATIO:g} 倍）{_ok(ratio >= TARGET_RATIO)}"
    )
    print(f"检查的峰值内存 {mib:.0f} MiB（目标 ≤ {TARGET_MIB} MiB）{_ok(mib <= TARGET_MIB)}")
    print(
        f"标注副本：CPU {annotated['annotate_cpu']:.2f} 秒（墙钟 {annotated['annotate']:.2f} 秒），"
        f"为同一进程里检查（CPU {annotated['cpu']:.2f} 秒）的 {ann:.2f} 倍"
        f"（目标 ≤ {TARGET_ANNOTATE:g} 倍）{_ok(ann <= TARGET_ANNOTATE)}"
    )


if __name__ == "__main__":
    main()
