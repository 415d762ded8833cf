"""启动终端界面（``creditcheck`` 不带子命令，或只带 ``--data 文件夹``）。

这里把各层接在一起：读设置、定数据文件夹、加载目录与日历、打开本科室的仓库，再把这些注入界面。
本模块不导入 click 和各子命令模块：直接启动界面时只加载首页用得到的东西，尽快画出首页。
本科室的占用锁和“打开时备份”推迟到首页画好之后（见 ``Store(defer_lock=True)`` 与
``CreditCheckApp.home_painted``）；在那之前的任何写入都会先完成这一步，所以保证不变：
同一科室的第二个窗口只读并说明占用者，第一次保存之前已经备份。
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import CreditCheckError
from ..services.stores import open_store

__all__ = [
    "BENCH_EXIT_ENV",
    "BENCH_PAINTED_ENV",
    "BENCH_STOP_ENV",
    "DEMO_MARKER",
    "open_store",
    "run_app",
]

BENCH_EXIT_ENV = "CREDITCHECK_EXIT_AFTER_PAINT"
"""基准测试用：为 1 时首页第一次画好后立即退出。"""

BENCH_PAINTED_ENV = "CREDITCHECK_PAINTED_AT"
"""基准测试用：一个文件的路径；首页第一次画好的那一刻（``time.time()``）写进这个文件。"""

BENCH_STOP_ENV = "CREDITCHECK_BENCH_STOP_AT_PAINT"
"""基准测试用（数指令数）：为 1 且设了 ``BENCH_PAINTED_ENV`` 时，写下画好的时刻后立即结束进程。"""

DEMO_MARKER = "演示数据-请勿存放真实数据.txt"
"""``creditcheck demo`` 在演示数据文件夹里放的说明文件；有它的文件夹总以演示身份打开，不改本机设置。"""


def run_app(data: Path | None, *, demo: bool | None = None) -> None:
    """启动界面。``data`` 为 --data 指定的数据文件夹（否则取设置中的，再否则取默认）。

    ``demo``（或数据文件夹是 ``creditcheck demo`` 新建的临时文件夹）时以演示科室打开，
    不读也不改本机设置，用户的真实数据不受影响。
    """
    import gc

    # 启动期间新建的对象几乎都会一直用到（模块、类、界面部件），这时做循环垃圾回收是白费工夫：
    # 首页第一次画好后再打开，并把启动时的对象移出回收范围（gc.freeze），以后的回收也更快。
    # 所以本模块顶层只导入很少的东西，目录、日历、存储与界面都在关掉回收之后才导入。
    gc_was_enabled = gc.isenabled()
    gc.disable()

    def first_paint() -> None:
        if mark := os.environ.get(BENCH_PAINTED_ENV):
            import time

            Path(mark).write_text(repr(time.time()), encoding="utf-8")
            if os.environ.get(BENCH_STOP_ENV) == "1":
                os._exit(0)  # 只数到画好第一屏为止的指令（与空白程序在同一处停下）
        if gc_was_enabled:
            gc.freeze()
            gc.enable()

    try:
        _run_app(data, demo, first_paint)
    finally:
        if gc_was_enabled:
            gc.enable()


def _run_app(data: Path | None, demo: bool | None, first_paint: Callable[[], None]) -> None:
    from ..locations import config_dir, default_data_dir
    from ..settings import Settings
    from .env import load_env, now

    env = load_env(data)
    settings = env.settings
    persist = _persist
    notice = ""
    if demo is None:
        demo = data is not None and (
            data.name.startswith("creditcheck-demo-") or (data / DEMO_MARKER).is_file()
        )
    if demo:
        settings = Settings(
            section_id="commerce",
            person="演示用户",
            phone="0531-00000000",
            data_dir=str(env.data_dir),
        )
        persist = _discard
        notice = (
            f"演示数据（{env.data_dir}）：可以随意试用，不影响您的真实数据；本机设置也不会被修改。"
        )
    store = open_store(env.data_dir, settings.section_id, settings.person, defer_lock=True)

    from screens.app import CreditCheckApp
    from screens.context import AppContext

    ctx = AppContext(
        store=store,
        catalog=env.catalog,
        calendar=env.calendar,
        settings=settings,
        save_settings=persist,
        now=now,
        data_dir=env.data_dir,
        open_store=open_store,
        default_data_dir=default_data_dir(),
        notice=notice,
    )
    bench = os.environ.get(BENCH_EXIT_ENV) == "1"
    # 解析好的样式存在本机设置文件夹（见 screens/stylecache.py）；演示时不动本机的任何文件
    style_cache = None if demo else config_dir() / "cache" / "styles.pickle"
    app = CreditCheckApp(
        ctx, exit_after_paint=bench, on_first_paint=first_paint, style_cache=style_cache
    )
    try:
        app.run(headless=bench)
    finally:
        ctx.store.close()


def _persist(new) -> None:  # type: ignore[no-untyped-def]
    from storage.settings_file import save_settings

    from ..locations import settings_path

    save_settings(new, settings_path())


def _discard(new) -> None:  # type: ignore[no-untyped-def]
    """演示时设置只在内存里改。"""


# ── 不经 click 的启动 ──
def plain_launch_args(args: list[str]) -> tuple[bool, Path | None]:
    """命令行参数是否只是“启动界面”（没有参数，或只有 ``--data 文件夹``）；是则返回 (True, 文件夹)。

    其余一切（子命令、-h、-V、拼错的选项、有问题的文件夹……）都交给 click 处理，
    帮助与错误信息和以前完全一样。
    """
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--data":
        value = args[1]
    elif len(args) == 1 and args[0].startswith("--data="):
        value = args[0][len("--data=") :]
    else:
        return False, None
    if not value or value.startswith("-") or any(c in value for c in "*?["):
        return False, None
    try:
        st = os.stat(value)
    except OSError:
        return True, Path(value)  # 还不存在的文件夹：与 click 一样原样交给界面（它会说明或新建）
    import stat

    if stat.S_ISREG(st.st_mode) or not os.access(value, os.R_OK):
        return False, None  # 是文件、或读不了：让 click 给出它的中文错误
    return True, Path(value)


def launch(data: Path | None) -> None:
    """直接启动界面；可预期的错误与 click 入口一样写成一行中文、退出码 2。"""
    try:
        run_app(data)
        return
    except BrokenPipeError:
        raise
    except (CreditCheckError, OSError) as e:
        error: BaseException = e
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)  # 与 click 入口相同：空一行，再说“Aborted!”（已译成中文）
        print("已取消。", file=sys.stderr)
        sys.exit(1)
    from .common import friendly_errors  # 出错时才加载 click，消息与 click 入口逐字相同

    def again() -> None:
        raise error

    friendly_errors(again)()
