"""每个 ``-o`` 输出文件在写之前的检查（所有导出命令共用）。

- ``-o ''``：一句中文说明，而不是报错堆栈；
- 已存在的普通文件：要加 ``--force`` 才覆盖；
- 已存在但不是普通文件（文件夹、命名管道、设备）：加 ``--force`` 也拒绝（以 root 运行时曾把设备文件换掉）；
- 数据文件夹里已有的文件、数据文件夹的各个子文件夹（sections、reviews、backups、packages、calendar）：
  一律拒绝，不会把导出写到自查记录上（数据文件夹顶层的新文件可以写）；
- 输出就是输入文件本身：拒绝；
- 所在位置不是文件夹：说明；``parent_must_exist`` 时文件夹不存在也说明（否则由写出的函数新建）。
"""

from __future__ import annotations

import contextlib
import gc
import os
import stat
import sys
import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import CreditCheckError, InputError
from ..oserrors import os_reason

MANAGED = ("sections", "reviews", "backups", "packages", "calendar")
"""数据文件夹里由本程序管理的子文件夹：导出绝不写进去。"""


def _resolved(p: Path) -> Path:
    try:
        return p.expanduser().resolve()
    except (OSError, RuntimeError, ValueError):
        return p.expanduser().absolute()


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.relative_to(parent)
        return True
    except ValueError:
        return False


def is_empty_path(path: Path | str | None) -> bool:
    """``-o ''``：click 把空字符串变成 Path('.')。"""
    return path is None or str(path).strip() in ("", ".")


def check_output(
    path: Path | str | None,
    *,
    force: bool = False,
    data_dir: Path | None = None,
    inputs: Iterable[Path | str | None] = (),
    what: str = "输出文件",
    parent_must_exist: bool = False,
) -> Path:
    """检查输出路径，返回展开 ``~`` 之后的路径；不能写时抛出 InputError（一句中文，说明怎么办）。"""
    if is_empty_path(path):
        raise InputError(f"没有给出{what}的文件名：请在 -o 后写文件名，如 -o 报送材料.docx")
    assert path is not None
    out = Path(str(path).strip()).expanduser()
    if "\x00" in str(out):
        raise InputError(f"{what}的文件名中有不允许的字符：{out!r}")
    try:
        st: os.stat_result | None = os.stat(out)
    except FileNotFoundError:
        st = None
    except OSError as e:
        from ..oserrors import os_reason

        raise InputError(f"无法检查{what}：{out}（{os_reason(e)}）") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise InputError(f"“{out}”是一个文件夹；请在 -o 后写文件名，如 {out / '报送材料.docx'}")
        if not stat.S_ISREG(st.st_mode):
            kind = (
                "命名管道（FIFO）"
                if stat.S_ISFIFO(st.st_mode)
                else "设备"
                if (stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode))
                else "特殊文件"
            )
            raise InputError(
                f"“{out}”是一个{kind}，不是普通文件，不能作为{what}（加 --force 也不行）"
            )
    target = _resolved(out)
    for src in inputs:
        if src is None or is_empty_path(src):
            continue
        src_path = Path(src).expanduser()
        same = False
        try:
            same = st is not None and os.path.samefile(src_path, out)
        except OSError:
            same = False
        if same or _resolved(src_path) == target:
            raise InputError(f"{what}不能覆盖原文件（输入文件本身：{src_path}），请换一个文件名")
    if data_dir is not None and str(data_dir).strip():
        root = _resolved(Path(data_dir))
        if _inside(target, root) and target != root:
            rel = target.relative_to(root)
            if rel.parts and rel.parts[0] in MANAGED and len(rel.parts) > 1:
                raise InputError(
                    f"{what}不能放在数据文件夹的 {rel.parts[0]} 里（{out}）：那里是自查记录，"
                    "请换一个文件夹"
                )
            if st is not None:
                raise InputError(
                    f"“{out}”是数据文件夹里已有的文件，不能覆盖（加 --force 也不行），请换一个文件名"
                )
    if st is not None and not force:
        raise InputError(f"文件已存在：{out}。如需覆盖，请加 --force；或用 -o 指定另一个文件名")
    parent = out.parent if str(out.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise InputError(f"“{parent}”不是文件夹，不能在它下面写{what}")
    if parent_must_exist and not parent.is_dir():
        raise InputError(f"文件夹不存在：{parent}（请先建好文件夹，或换一个位置）")
    return out


@contextlib.contextmanager
def writing_output(out: Path) -> Iterator[None]:
    """写一个输出文件：磁盘已满、没有权限等系统错误变成一句写明文件名的中文；
    写到一半留下的临时文件删掉；zip 写入器被回收时的“Exception ignored in ZipFile.__del__”不再出现。"""
    folder = out.parent if str(out.parent) else Path(".")
    before = _temp_files(folder)
    try:
        yield
    except OSError as e:
        reason = os_reason(e)
        _quiet_release(e)
        _remove_new(folder, before)
        raise OutputError(f"无法写出 {out}：{reason}（已写的部分已清理，原有文件未改动）") from None
    except CreditCheckError as e:
        _quiet_release(e)
        _remove_new(folder, before)
        raise e.with_traceback(None) from None


class OutputError(CreditCheckError):
    """输出文件写不出来；消息写明文件与原因。"""


def _temp_files(folder: Path) -> set[str]:
    try:
        return {
            p.name for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")
        }
    except OSError:
        return set()


def _remove_new(folder: Path, before: set[str]) -> None:
    for name in _temp_files(folder) - before:
        with contextlib.suppress(OSError):
            (folder / name).unlink()


def _quiet_release(e: BaseException) -> None:
    """释放异常现场里的对象（没关好的 ZipFile 等），它们关闭时再出的错不打印到屏幕上。"""
    old = sys.unraisablehook

    def hook(u: Any) -> None:
        if isinstance(u.exc_value, (OSError, ValueError)):
            return
        old(u)

    sys.unraisablehook = hook
    try:
        seen: set[int] = set()
        cur: BaseException | None = e
        while cur is not None and id(cur) not in seen:  # 连同被包装的原始异常
            seen.add(id(cur))
            if cur.__traceback__ is not None:
                traceback.clear_frames(cur.__traceback__)
            cur.__traceback__ = None
            cur = cur.__cause__ or cur.__context__
        gc.collect()
    finally:
        sys.unraisablehook = old
