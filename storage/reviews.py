"""体系科的审核文件：审核通过、退回修改、重新打开（谁、何时、意见或理由）记在体系科自己的文件里。

    reviews/<科室id>-<年>-<月>.json   某科室某月的全部决定（按记录的先后），原子写入
    reviews/audit-<年>.jsonl           体系科的审计日志（只追加）
    reviews/.lock                      写审核文件时短暂持有的锁（两个体系科窗口不会同时写）

为什么不写进科室的月度文件：科室的程序在整个使用期间占用本科室的文件夹，体系科写科室的文件
就会被拒绝（“正在使用”）；而且科室窗口里的旧副本之后保存时会把体系科的决定冲掉。分开保存后，
体系科记录决定从不需要科室的锁；科室保存前重新读一遍审核文件，已审核通过（锁定）时拒绝保存。

文件格式::

    {"schema": 1, "kind": "reviews", "section_id": "commerce", "month": "2026-11", "rev": 2,
     "saved_at": "...", "saved_by": "李玲",
     "decisions": [{"action": "return", "at": "2026-11-26T09:00", "by": "李玲", "comment": "请补充……",
                    "seen": 1, "recorded_at": "...", "user": "...", "host": "..."}]}
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditcheck.models import ReviewRecord, ReviewState, SectionMonth
from creditcheck.month import Month
from creditcheck.oserrors import os_reason

from .atomic import CorruptFileError, StorageError, read_json
from .schema import check_decisions

if TYPE_CHECKING:
    from .store import Store

FOLDER = "reviews"
"""数据文件夹下审核文件所在的文件夹；也是它在备份区的名字（backups/reviews/）。"""
SCHEMA = 1
KIND = "reviews"
LOCK_NAME = ".lock"
FILE_RE = re.compile(r"^([A-Za-z0-9_-]{1,40})-(\d{4})-(\d{2})\.json$")


def reviews_dir(data_dir: Path) -> Path:
    return Path(data_dir) / FOLDER


def file_name(section_id: str, month: Month) -> str:
    return f"{section_id}-{month}.json"


def file_year(name: str) -> int | None:
    m = FILE_RE.match(name)
    return int(m.group(2)) if m else None


@dataclass
class DecisionsFile:
    """读出的审核文件。``damaged`` 时 ``detail`` 说明原因、``records`` 为空；``future`` 为更新版本写的。"""

    path: Path
    records: list[ReviewRecord] = field(default_factory=list)
    raw: dict[str, Any] | None = None
    damaged: bool = False
    detail: str = ""
    future: int = 0

    @property
    def exists(self) -> bool:
        return self.raw is not None or self.damaged


def read_decisions(path: Path) -> DecisionsFile:
    """读一个审核文件（不存在时为空）。无法解析或记录不完整时 ``damaged``，不抛异常、不改文件。"""
    try:
        raw = read_json(path)
    except CorruptFileError as e:
        return DecisionsFile(path, damaged=True, detail=e.detail)
    except StorageError as e:
        return DecisionsFile(path, damaged=True, detail=str(e))
    if raw is None:
        return DecisionsFile(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("decisions", []), list):
        return DecisionsFile(path, damaged=True, detail="内容不是审核记录")
    try:
        check_decisions(path, raw)
    except CorruptFileError as e:
        return DecisionsFile(path, damaged=True, detail=e.detail)
    try:
        version = int(raw.get("schema", SCHEMA))
    except (TypeError, ValueError):
        return DecisionsFile(path, damaged=True, detail="格式版本无法识别")
    try:
        records = [ReviewRecord.from_dict(d) for d in raw.get("decisions", [])]
    except (KeyError, TypeError, ValueError, AttributeError, AssertionError) as e:
        if version > SCHEMA:
            return DecisionsFile(path, raw=raw, future=version)
        return DecisionsFile(path, damaged=True, detail=f"记录不完整（{e}）")
    return DecisionsFile(path, records, raw, future=version if version > SCHEMA else 0)


def new_file(section_id: str, month: Month) -> dict[str, Any]:
    return {"schema": SCHEMA, "kind": KIND, "section_id": section_id, "month": str(month), "rev": 0, "decisions": []}


@contextlib.contextmanager
def writing_lock(folder: Path, wait: float) -> Iterator[None]:
    """写审核文件期间持有 reviews/.lock（只在写入的一瞬间）。"""
    from filelock import FileLock, Timeout

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StorageError(f"无法创建审核记录文件夹：{folder}（{os_reason(e)}）") from None
    lk = FileLock(folder / LOCK_NAME, timeout=wait, thread_local=False, preserve_lock_file=True)
    try:
        lk.acquire(timeout=wait, poll_interval=0.02)
    except Timeout:
        raise StorageError("另一个体系科窗口正在记录审核决定，请稍后再试") from None
    except OSError as e:
        raise StorageError(f"审核记录文件夹不可写：{folder}（{os_reason(e)}）") from None
    try:
        yield
    finally:
        lk.release()


def save_with_decisions(store: Store, sm: SectionMonth, actor: str = "") -> None:
    """把内存里一并做好的记录分别存好：科室的内容与提交、撤回进月度文件（``save_month``），
    体系科的决定逐条进审核文件（``record_decision``，保留原来的时间和人）。用于生成演示数据和测试数据。"""
    from creditcheck.review import effective_state, is_decision

    decisions = [r for r in sm.history if is_decision(r)]
    sm.history = [r for r in sm.history if not is_decision(r)]
    sm.review = effective_state(sm.history, sm.review if not decisions else ReviewState.DRAFT)
    store.save_month(sm, actor=actor)
    for d in decisions:
        store.record_decision(sm.section_id, sm.month, d.action, d.by, d.at, d.comment, sm.catalog_version)
    if decisions:
        merged = store.load_month(sm.section_id, sm.month, sm.catalog_version)
        sm.history, sm.review = merged.history, merged.review
