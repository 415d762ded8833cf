"""性能基准：``python -m benchmarks`` 运行全部，``python -m benchmarks NAME`` 只运行一个。

每个基准是本文件夹里的 ``bench_<名称>.py``，提供 ``main() -> None``，打印自己的数字与目标。
只用标准库计时（time.perf_counter、子进程、resource），任何人都能复现。
"""
