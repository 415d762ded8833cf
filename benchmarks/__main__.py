"""运行 benchmarks/bench_*.py 中的全部（或指定的）基准。"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import benchmarks


def main(argv: list[str]) -> int:
    names = sorted(
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
    )
    wanted = [a if a.startswith("bench_") else f"bench_{a}" for a in argv]
    if wanted:
        unknown = [w for w in wanted if w not in names]
        if unknown:
            print(f"没有这个基准：{', '.join(unknown)}（可选：{', '.join(n[6:] for n in names)}）")
            return 2
        names = wanted
    for name in names:
        print(f"\n=== {name[6:]} ===", flush=True)
        t0 = time.perf_counter()
        importlib.import_module(f"benchmarks.{name}").main()
        print(f"（用时 {time.perf_counter() - t0:.1f} 秒）", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
