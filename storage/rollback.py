"""全有或全无的多文件写入：出任何错都把数据文件夹恢复到开始前逐字节相同的样子。

用法（导入数据包等一次要改好几个文件的操作）::

    with FolderGuard(data_dir, [data_dir / "sections" / sid, data_dir / "packages"]):
        ...  # 用 Store 照常写入
    # 正常结束：提交（撤销用的硬链接删掉）；抛出异常：撤销全部改动后再抛出

开始时给受保护文件夹里的每个文件建一个硬链接（不占空间；本程序的写入都是“临时文件 + 替换”，
原来的内容留在硬链接上），只追加的审计日志（.jsonl）记下长度。撤销时：删掉新出现的文件和文件夹，
改动过的文件换回硬链接上的原内容，审计日志截回原长度。连硬链接都建不了（磁盘已满、
文件系统不支持）时改为复制；复制也失败就在改动任何东西之前报错。

撤销用的文件放在数据文件夹下的 ``.import-<编号>`` 里，连同一份清单（``journal.json``）和一把锁，
结束时删除。程序在写入中途被强行结束（kill -9、断电）时留下的撤销点，锁已随进程释放：
下一次导入之前（``recover``）或 ``creditcheck doctor --fix`` 会按清单撤销那次没做完的写入。
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

from creditcheck.oserrors import os_reason

from .atomic import StorageError

_APPEND_ONLY = (".jsonl",)
JOURNAL = "journal.json"
LOCK = "lock"


class FolderGuard:
    """受保护文件夹的撤销点。"""

    def __init__(self, data_dir: Path, roots: Iterable[Path]) -> None:
        self.data_dir = Path(data_dir)
        self.roots = [Path(r) for r in roots]
        self._dir: Path | None = None
        self._files: dict[Path, tuple[Path | None, int]] = {}
        """文件 → （撤销副本，长度）。只追加的文件没有副本，只记长度。"""
        self._dirs: set[Path] = set()
        self._missing_roots: list[Path] = []
        self._created_data_dir = False
        self._lock: object | None = None

    # ── 开始 ──
    def __enter__(self) -> FolderGuard:
        try:
            if not self.data_dir.exists():
                self.data_dir.mkdir(parents=True)
                self._created_data_dir = True
            else:
                self.recover(self.data_dir)  # 上次被强行中断、没做完的导入：先撤销
            self._dir = Path(tempfile.mkdtemp(prefix=".import-", dir=self.data_dir))
            from filelock import FileLock

            lock = FileLock(self._dir / LOCK, timeout=0, thread_local=False)
            lock.acquire(timeout=0)
            self._lock = lock
        except OSError as e:
            raise StorageError(
                f"数据文件夹不可写：{self.data_dir}（{os_reason(e)}），没有做任何改动"
            ) from None
        try:
            n = 0
            for root in self.roots:
                if not root.exists():
                    self._missing_roots.append(root)
                    continue
                for folder, dirs, files in os.walk(root):
                    base = Path(folder)
                    self._dirs.add(base)
                    dirs[:] = [d for d in dirs if not (base / d).is_symlink()]
                    for name in files:
                        p = base / name
                        if p.is_symlink() or not p.is_file():
                            continue
                        size = p.stat().st_size
                        if name.endswith(_APPEND_ONLY):
                            self._files[p] = (None, size)
                            continue
                        n += 1
                        copy = self._dir / str(n)
                        try:
                            os.link(p, copy)
                        except OSError:
                            shutil.copy2(p, copy)
                        self._files[p] = (copy, size)
            self._write_journal()
        except OSError as e:
            self._cleanup()
            raise StorageError(
                f"准备写入时出错（{os_reason(e)}：{getattr(e, 'filename', '') or ''}），"
                "没有做任何改动"
            ) from None
        return self

    # ── 结束 ──
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.rollback()
        self._cleanup()

    def _write_journal(self) -> None:
        assert self._dir is not None
        journal = {
            "data_dir": str(self.data_dir),
            "roots": [str(r) for r in self.roots],
            "missing_roots": [str(r) for r in self._missing_roots],
            "dirs": sorted(str(d) for d in self._dirs),
            "files": {
                str(p): [c.name if c is not None else None, size]
                for p, (c, size) in self._files.items()
            },
            "created_data_dir": self._created_data_dir,
        }
        tmp = self._dir / (JOURNAL + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(journal, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self._dir / JOURNAL)

    @classmethod
    def recover(cls, data_dir: Path) -> list[Path]:
        """撤销被强行中断、没做完的写入（撤销点的锁已无人持有）。返回处理掉的撤销点。"""
        from filelock import FileLock, Timeout

        done: list[Path] = []
        data_dir = Path(data_dir)
        if not data_dir.is_dir():
            return done
        for d in sorted(data_dir.glob(".import-*")):
            if not d.is_dir():
                continue
            lock = FileLock(d / LOCK, timeout=0, thread_local=False)
            try:
                lock.acquire(timeout=0)
            except (Timeout, OSError):
                continue  # 还有进程在用它
            try:
                try:
                    with open(d / JOURNAL, encoding="utf-8") as f:
                        j = json.load(f)
                except (OSError, ValueError):
                    j = None  # 清单还没写好就中断了：那时还没有改动任何数据
                if isinstance(j, dict):
                    g = cls(data_dir, [Path(r) for r in j.get("roots", [])])
                    g._dir = d
                    g._missing_roots = [Path(r) for r in j.get("missing_roots", [])]
                    g._dirs = {Path(x) for x in j.get("dirs", [])}
                    g._files = {
                        Path(p): ((d / c) if c else None, int(size))
                        for p, (c, size) in j.get("files", {}).items()
                    }
                    g._created_data_dir = bool(j.get("created_data_dir"))
                    g.rollback()
            finally:
                lock.release()
            shutil.rmtree(d, ignore_errors=True)
            done.append(d)
        return done

    def _cleanup(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(Exception):
                self._lock.release()  # type: ignore[attr-defined]
            self._lock = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def _walk(self) -> Iterator[tuple[Path, bool]]:
        for root in self.roots:
            if not root.exists():
                continue
            for folder, dirs, files in os.walk(root, topdown=False):
                base = Path(folder)
                for name in files:
                    yield base / name, False
                for name in dirs:
                    yield base / name, True
                yield base, True

    def rollback(self) -> None:
        """撤销开始以来的全部改动（尽力而为：单个文件失败不妨碍其他文件）。"""
        # 1. 新出现的文件与文件夹：删除（由深到浅）
        for p, is_dir in list(self._walk()):
            try:
                if is_dir:
                    if p not in self._dirs and (p.is_symlink() or p.is_dir()):
                        if p.is_symlink():
                            p.unlink()
                        else:
                            shutil.rmtree(p, ignore_errors=True)
                elif p not in self._files:
                    p.unlink()
            except OSError:
                pass
        # 2. 被删掉的文件夹：重建
        for d in sorted(self._dirs, key=lambda x: len(x.parts)):
            with contextlib.suppress(OSError):
                d.mkdir(parents=True, exist_ok=True)
        # 3. 改动过或被删掉的文件：换回原内容；只追加的截回原长度
        for p, (copy, size) in self._files.items():
            try:
                if copy is None:
                    if p.exists() and p.stat().st_size != size:
                        with open(p, "r+b") as f:
                            f.truncate(size)
                    continue
                if p.exists() and os.path.samefile(p, copy):
                    continue
                os.replace(copy, p)
            except OSError:
                pass
        for root in self._missing_roots:
            if root.exists():
                shutil.rmtree(root, ignore_errors=True)
        if self._created_data_dir:
            self._cleanup()
            shutil.rmtree(self.data_dir, ignore_errors=True)
