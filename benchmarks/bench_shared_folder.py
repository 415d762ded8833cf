"""共享文件夹上的体系科总览：10 个科室 × 12 个月的数据，每读一个数据文件延迟 20 毫秒（模拟网络共享，
只在本基准里注入，产品代码不变）。在真实的界面（无终端运行）里打开总览，测：

- 界面事件循环的最大停顿：加载期间一个 10 毫秒定时器两次触发之间的最大间隔，目标 ≤ 50 毫秒；
- 第一次完整总览出现的用时（从按下“总览”到总览的数据就绪），目标 ≤ 1.5 秒；
- 什么都没变时刷新一次总览读了几个月份文件，目标 0 个。

目前的界面在界面线程里同步读取，预计停顿与首次用时都超标；应用层把读取移到后台线程、按文件戳只重读
改过的文件之后，本基准即为验收标准。
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

DELAY = 0.020
TIMER = 0.010
TARGET_GAP = 0.050
TARGET_FIRST = 1.5
DEADLINE = 120.0
_MONTH_FILE = re.compile(r"^\d{4}-\d{2}\.json$")


class _SlowShare:
    """把数据文件夹下每次 ``Path.read_bytes``/``read_text``/``open`` 读延迟 ``DELAY`` 秒，并记下读了哪些文件。"""

    def __init__(self, root: Path) -> None:
        self.root = str(root.resolve())
        self.reads: list[str] = []
        self.lock = threading.Lock()
        self._saved: dict[str, Any] = {}

    def _slow(self, path: Any) -> None:
        p = str(path)
        if p.startswith(self.root):
            with self.lock:
                self.reads.append(p)
            time.sleep(DELAY)

    def month_reads(self) -> int:
        with self.lock:
            return sum(1 for p in self.reads if _MONTH_FILE.match(Path(p).name))

    def __enter__(self) -> _SlowShare:
        share = self
        for name in ("read_bytes", "read_text"):
            orig = getattr(Path, name)
            self._saved[name] = orig

            def slow(path: Path, *a: Any, _orig: Any = orig, **kw: Any) -> Any:
                share._slow(path)
                return _orig(path, *a, **kw)

            setattr(Path, name, slow)
        return self

    def __exit__(self, *exc: object) -> None:
        for name, orig in self._saved.items():
            setattr(Path, name, orig)


def _context(root: Path) -> Any:
    from creditcheck.catalog import load_builtin
    from creditcheck.settings import Settings
    from creditcheck.workcal import load_calendar
    from screens.context import AppContext
    from storage.store import Store

    from .bench_coordination import NOW

    data = root / "data"
    settings = Settings(section_id="system", person="李四", phone="0531-88888888")
    docs = root / "docs"
    docs.mkdir(exist_ok=True)
    return AppContext(
        store=Store(data, section_id="system", actor="李四", backup_on_open=False),
        catalog=load_builtin(),
        calendar=load_calendar(data),
        settings=settings,
        save_settings=lambda s: None,
        now=lambda: NOW,
        data_dir=data,
        default_data_dir=data,
        export_dir=docs,
        opener=lambda p: None,
    )


async def _until(cond: Any, what: str) -> None:
    end = time.perf_counter() + DEADLINE
    while not cond():
        if time.perf_counter() > end:
            raise TimeoutError(f"{DEADLINE:.0f} 秒内没有等到：{what}")
        await asyncio.sleep(0.002)


async def _measure(root: Path) -> dict[str, float]:
    from screens.app import CreditCheckApp

    app = CreditCheckApp(_context(root))
    out: dict[str, float] = {}
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        ticks: list[float] = []
        app.set_interval(TIMER, lambda: ticks.append(time.perf_counter()))
        await _until(lambda: len(ticks) >= 3, "定时器开始触发")
        with _SlowShare(root / "data") as share:
            start_tick = len(ticks)
            t0 = time.perf_counter()
            app.action_coordinator("OverviewScreen")

            def ready() -> bool:
                screen = app.screen
                return (
                    type(screen).__name__ == "OverviewScreen"
                    and getattr(screen, "overview", None) is not None
                )

            await _until(ready, "总览就绪")
            out["first"] = time.perf_counter() - t0
            await _until(lambda: len(ticks) >= start_tick + 3, "总览之后定时器恢复")
            stamps = [t0, *ticks[start_tick:]]
            out["gap"] = max(b - a for a, b in zip(stamps, stamps[1:], strict=False))
            out["first_reads"] = share.month_reads()
            before = share.month_reads()
            screen: Any = app.screen
            screen.refresh_view()  # 什么都没变时刷新一次
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            out["refresh_reads"] = share.month_reads() - before
        await pilot.press("escape")
    return out


def main() -> None:
    from .bench_coordination import _populate

    with tempfile.TemporaryDirectory(prefix="creditcheck-share-") as tmp:
        root = Path(tmp)
        _populate(root / "data")
        r = asyncio.run(_measure(root))
    ok = lambda good: "达标" if good else "未达标"  # noqa: E731
    print(f"每读一个数据文件延迟 {DELAY * 1000:.0f} 毫秒（模拟网络共享）；10 个科室 × 12 个月")
    print(
        f"界面事件循环最大停顿（{TIMER * 1000:.0f} 毫秒定时器的最大间隔）：{r['gap'] * 1000:.0f} 毫秒"
        f"（目标 ≤ {TARGET_GAP * 1000:.0f} 毫秒）{ok(r['gap'] <= TARGET_GAP)}"
    )
    print(
        f"第一次完整总览：{r['first']:.2f} 秒，读了 {int(r['first_reads'])} 个月份文件"
        f"（目标 ≤ {TARGET_FIRST} 秒）{ok(r['first'] <= TARGET_FIRST)}"
    )
    print(
        f"什么都没变时刷新：读了 {int(r['refresh_reads'])} 个月份文件（目标 0 个）{ok(r['refresh_reads'] == 0)}"
    )


if __name__ == "__main__":
    main()
