"""拒绝恶意或超大的输入要快、要省内存：在读之前就看清楚。

- 1,048,575 行的工作表（``<dimension>`` 写明行数，且真有 20 万多行数据）：拒绝用时 ≤ 5 秒；
- 解压后 190 MB 的共享字符串表（文件本身不到 1 MB）：拒绝用时 ≤ 1 秒；
- 正常的 5 万行台账：预检用时 ≤ 1 秒（不拖慢正常导入）；
- 嵌套 10 万层的 ``[`` 与 5000 位的数字作为数据文件：判为损坏用时 ≤ 0.5 秒；
- 上面每一项的峰值常驻内存 ≤ 100 MiB（各在一个新的子进程里量）。
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

TARGETS = {"huge-sheet": 5.0, "shared-strings-bomb": 1.0, "normal-50k": 1.0, "hostile-json": 0.5}
TARGET_MIB = 100

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
case, path = sys.argv[1], Path(sys.argv[2])
t0 = time.perf_counter()
refused = ""
try:
    if case == "hostile-json":
        from storage.atomic import read_json, CorruptFileError
        for p in sorted(path.glob("*.json")):
            try:
                read_json(p)
            except CorruptFileError as e:
                refused += e.detail + "；"
    else:
        from exports.input_safety import inspect_workbook
        inspect_workbook(path)
except Exception as e:
    refused = str(e)
dt = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": dt, "mib": rss / 1024 if sys.platform != "darwin" else rss / 1048576,
                  "refused": refused[:120]}))
"""


def _book(path: Path, rows: int, dimension: str | None, shared: int = 0) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(
            "xl/workbook.xml",
            '<workbook xmlns:r="r"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships><Relationship Id="rId1" Type="x/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(
                b"<worksheet>"
                + (f'<dimension ref="A1:{dimension}"/>'.encode() if dimension else b"")
                + b"<sheetData>"
            )
            batch = []
            for i in range(1, rows + 1):
                batch.append(
                    b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d"><v>20261103</v></c></row>'
                    % (i, i, i % 1000, i)
                )
                if len(batch) == 10_000:
                    f.write(b"".join(batch))
                    batch = []
            f.write(b"".join(batch) + b"</sheetData></worksheet>")
        if shared:
            with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
                block = b"<si><t>" + b"x" * 1000 + b"</t></si>"
                for _ in range(shared // len(block)):
                    f.write(block)
    return path


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-input-"))
    cases = {
        "huge-sheet": _book(root / "huge.xlsx", 200_100, "T1048575"),
        "shared-strings-bomb": _book(root / "bomb.xlsx", 20, "B20", shared=190 * 1024 * 1024),
        "normal-50k": _book(root / "normal.xlsx", 50_000, "B50000"),
    }
    hostile = root / "json"
    hostile.mkdir()
    (hostile / "nested.json").write_bytes(b"[" * 100_000)
    (hostile / "digits.json").write_bytes(b'{"a": ' + b"9" * 5000 + b"}")
    (hostile / "types.json").write_text(json.dumps({"months": 5}), encoding="utf-8")
    cases["hostile-json"] = hostile
    ok = True
    for case, path in cases.items():
        size = path.stat().st_size if path.is_file() else 0
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, case, str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout)
        good = r["seconds"] <= TARGETS[case] and r["mib"] <= TARGET_MIB
        ok &= good
        print(
            f"{case:<20} 文件 {size / 1048576:6.1f} MiB  用时 {r['seconds']:6.2f} 秒（目标 ≤ {TARGETS[case]}）"
            f"  峰值内存 {r['mib']:5.0f} MiB（目标 ≤ {TARGET_MIB}）  {'达标' if good else '未达标'}"
        )
        print(f"    结果：{r['refused'] or '通过预检'}")
    print("全部达标" if ok else "有未达标的项目")
