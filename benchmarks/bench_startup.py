"""启动时间：从启动进程到首页第一次画好，对比只显示一个标签的空白 Textual 程序（同一次运行里测）。

两者都在新的子进程里以无终端（headless）方式运行，画好第一屏的那一刻把时间（``time.time()``）写进一个文件，
随即退出；计时从启动子进程起、到写下的那一刻止（不含退出：creditcheck 退出时要卸下 30 个部件、关闭数据，
比空白程序多十几毫秒，那不是启动）。整个进程的用时与 CPU 时间（含退出）另行打印。两者一次一个交替运行
``RUNS`` 次（环境变量 ``CREDITCHECK_BENCH_RUNS`` 可改），机器忙闲对两边一样。
判定用两边中位数之比：虚拟机上同一个空白程序这次 320 毫秒、下次 570 毫秒，最小值之比随某一次的运气
在 0.9 与 1.25 之间跳，中位数之比稳得多（最小值之比照样打印）。
装有 valgrind 时再各运行一次、数到画好第一屏为止执行的指令数（callgrind，不受机器忙闲影响，
两次之间相差不到千分之一），作为最稳的对照；没有 valgrind 时跳过这一项。
creditcheck 按用户的启动方式运行：控制台脚本 ``creditcheck``（``creditcheck.cli:run``，不带参数）。
两者都使用编译好的 .pyc（先各运行一次预热；环境里即使设了 PYTHONDONTWRITEBYTECODE 也照样写到
临时文件夹），与安装后的实际使用一样，不把每次从源码编译的时间算进去。
目标：比值 ≤ 1.15（python-docx、openpyxl 只在导出、导入时加载，python-calamine 只在读台账时加载）。
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 21
TARGET = 1.15

BARE = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("信用状况监测自查")

    def on_mount(self):
        self.call_after_refresh(self.painted)

    def painted(self):
        import os, time
        with open(os.environ["CREDITCHECK_PAINTED_AT"], "w", encoding="utf-8") as f:
            f.write(repr(time.time()))
        if os.environ.get("CREDITCHECK_BENCH_STOP_AT_PAINT") == "1":
            os._exit(0)
        self.exit()

Bare().run(headless=True)
"""

APP = """
import sys
sys.argv = ["creditcheck"]
from creditcheck.cli import run
run()
"""


def _seed(root: Path) -> dict[str, str]:
    """一台已设置好的电脑：本机科室为商事登记科，本月已有记录（带事件）。"""
    from datetime import datetime

    from creditcheck import checklist
    from creditcheck.catalog import load_builtin
    from creditcheck.models import SectionMonth
    from creditcheck.month import Month
    from creditcheck.settings import Settings
    from creditcheck.workcal import load_calendar
    from storage.settings_file import save_settings
    from storage.store import Store

    now = datetime(2026, 11, 28, 10, 0)
    cfg, data = root / "cfg", root / "data"
    save_settings(
        Settings(section_id="commerce", person="张三", phone="0531-88888888"), cfg / "settings.json"
    )
    cat, cal = load_builtin(), load_calendar(None)
    sm = SectionMonth("commerce", Month(2026, 11), cat.version)
    checklist.add_event(sm, cat, cal, 4, "article", "稿件", datetime(2026, 11, 26, 15, 0), now)
    checklist.add_event(sm, cat, cal, 10, "objection", "来函", datetime(2026, 11, 27, 9, 0), now)
    with Store(data) as store:
        store.save_month(sm)
    return {
        "CREDITCHECK_CONFIG": str(cfg),
        "CREDITCHECK_DATA": str(data),
        "CREDITCHECK_TODAY": now.isoformat(),
        "CREDITCHECK_EXIT_AFTER_PAINT": "1",
    }


def _cpu_children() -> float:
    """已结束的子进程累计用的 CPU 时间（用户态 + 内核态）；没有 resource 模块（Windows）时为 0。"""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 0.0
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


CPU: list[float] = []
"""最近一次 ``_time`` 的子进程 CPU 时间（秒，含退出）。"""

WHOLE: list[float] = []
"""最近一次 ``_time`` 的整个子进程用时（秒，含退出）。"""


def _time(code: str, env: dict[str, str]) -> float:
    """启动子进程到它画好第一屏的用时（秒）。"""
    mark = Path(env["CREDITCHECK_PAINTED_AT"])
    mark.unlink(missing_ok=True)
    c0 = _cpu_children()
    start = time.time()
    t0 = time.perf_counter()
    res = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    WHOLE[:] = [time.perf_counter() - t0]
    CPU[:] = [_cpu_children() - c0]
    if res.returncode != 0:
        raise RuntimeError(f"子进程失败：{res.stderr[-2000:]}")
    try:
        painted = float(mark.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise RuntimeError("子进程没有写下画好第一屏的时间") from None
    return painted - start


def _instructions(env: dict[str, str]) -> tuple[int, int] | None:
    """两者从启动到画好第一屏执行的指令数（valgrind callgrind；画好即 os._exit，不含退出）。没有 valgrind 时 None。"""
    import re
    import shutil

    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    counts = []
    for code in (BARE, APP):
        res = subprocess.run(
            [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null"]
            + [sys.executable, "-c", code],
            env=dict(env, CREDITCHECK_BENCH_STOP_AT_PAINT="1"),
            capture_output=True,
            text=True,
            timeout=600,
        )
        found = re.search(r"Collected : (\d+)", res.stderr)
        if found is None:
            return None
        counts.append(int(found.group(1)))
    return counts[0], counts[1]


def main() -> None:
    runs = int(os.environ.get("CREDITCHECK_BENCH_RUNS", RUNS))
    with tempfile.TemporaryDirectory(prefix="creditcheck-bench-") as tmp:
        env = dict(os.environ, **_seed(Path(tmp)))
        # .pyc 写到临时文件夹：预热那一次编译，之后各次都直接加载（与安装后的使用一样）
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        env["CREDITCHECK_PAINTED_AT"] = str(Path(tmp) / "painted.txt")
        _time(BARE, env)  # 预热（.pyc、文件缓存）
        _time(APP, env)
        bare, app, bare_cpu, app_cpu, bare_whole, app_whole = [], [], [], [], [], []
        for n in range(runs):  # 交替运行（每一轮换一下先后），机器的忙闲对两边一样
            pair = [(BARE, bare, bare_cpu, bare_whole), (APP, app, app_cpu, app_whole)]
            for code, out, cpu, whole in pair if n % 2 == 0 else reversed(pair):
                out.append(_time(code, env))
                cpu.append(CPU[0])
                whole.append(WHOLE[0])
        instructions = _instructions(env)
    ratio = statistics.median(app) / statistics.median(bare)
    ratio_min = min(app) / min(bare)
    for name, xs in (
        ("空白 Textual 程序画好（一个标签）", bare),
        ("creditcheck 首页画好            ", app),
    ):
        print(
            f"{name}：最小 {min(xs) * 1000:.0f} 毫秒，中位数 {statistics.median(xs) * 1000:.0f} 毫秒，"
            f"最大 {max(xs) * 1000:.0f} 毫秒（{runs} 次）"
        )
    print(
        f"比值（中位数之比）{ratio:.2f}（目标 ≤ {TARGET}）{'，达标' if ratio <= TARGET else '，未达标'}；"
        f"最小值之比 {ratio_min:.2f}"
    )
    if instructions is not None:
        bare_ir, app_ir = instructions
        print(
            f"执行的指令数（到画好第一屏，valgrind callgrind）：空白 {bare_ir / 1e6:.0f} 百万条，"
            f"creditcheck {app_ir / 1e6:.0f} 百万条，比值 {app_ir / bare_ir:.3f}"
        )
    else:
        print("执行的指令数：没有 valgrind，跳过")
    print(
        f"整个进程（含退出）：空白 最小 {min(bare_whole) * 1000:.0f} 毫秒，creditcheck 最小 "
        f"{min(app_whole) * 1000:.0f} 毫秒，比值 {min(app_whole) / min(bare_whole):.2f}；"
        f"中位数之比 {statistics.median(app_whole) / statistics.median(bare_whole):.2f}"
    )
    if min(bare_cpu) > 0:  # 子进程用的 CPU 时间：不受别的进程抢占影响，忙的机器上更能说明程序本身
        print(
            f"子进程 CPU 时间（含退出）：空白 最小 {min(bare_cpu) * 1000:.0f} 毫秒，creditcheck 最小 "
            f"{min(app_cpu) * 1000:.0f} 毫秒，比值 {min(app_cpu) / min(bare_cpu):.2f}；"
            f"中位数之比 {statistics.median(app_cpu) / statistics.median(bare_cpu):.2f}"
        )


if __name__ == "__main__":
    main()
