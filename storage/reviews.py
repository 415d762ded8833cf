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
     "decisions": [{"id": "3f2a…（uuid4）", "action": "return", "at": "2026-11-26T09:00", "by": "李玲", "comment": "请补充……",
                    "seen": 1, "recorded_at": "...", "user": "...", "host": "..."}]}
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditcheck.models import ReviewRecord, ReviewState, SectionMonth
from creditcheck.month import Month
from creditcheck.oserrors import os_reason
from creditcheck.patterns import lazy
from creditcheck.records import dataclass

from .atomic import CorruptFileError, StorageError, read_json, write_json_atomic
from .identity import Clock, Identity
from .layout import REVIEWS_KEY, Layout, safe_id
from .migrations import review_records
from .notices import DAMAGED, FUTURE_SCHEMA, REVIEW, Notice, ReadOnlyError
from .schema import check_decisions
from .session import Session

if TYPE_CHECKING:
    from .backups import Backups
    from .store import Store

FOLDER = "reviews"
"""数据文件夹下审核文件所在的文件夹；也是它在备份区的名字（backups/reviews/）。"""
SCHEMA = 1
KIND = "reviews"
LOCK_NAME = ".lock"
FILE_RE = lazy(r"^([A-Za-z0-9_-]{1,40})-(\d{4})-(\d{2})\.json$")


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
        records = review_records(raw.get("decisions", []))
    except (KeyError, TypeError, ValueError, AttributeError, AssertionError) as e:
        if version > SCHEMA:
            return DecisionsFile(path, raw=raw, future=version)
        return DecisionsFile(path, damaged=True, detail=f"记录不完整（{e}）")
    return DecisionsFile(path, records, raw, future=version if version > SCHEMA else 0)


def new_file(section_id: str, month: Month) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "kind": KIND,
        "section_id": section_id,
        "month": str(month),
        "rev": 0,
        "decisions": [],
    }


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
        store.record_decision(
            sm.section_id, sm.month, d.action, d.by, d.at, d.comment, sm.catalog_version
        )
    if decisions:
        merged = store.load_month(sm.section_id, sm.month, sm.catalog_version)
        sm.history, sm.review = merged.history, merged.review


def review_news(record: ReviewRecord) -> str:
    """体系科的一个新决定，告诉科室的一句话。"""
    from creditcheck.review import describe

    tail = {
        "approve": "本月已锁定，只能查看。",
        "return": "请按意见修改后重新提交。",
        "reopen": "本月已重新打开，可以修改后重新提交。",
    }.get(record.action, "")
    return f"{describe(record)}。{tail}"


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class Decisions:
    """体系科的决定：读（损坏、新版本时提示）、并入科室的记录、记录新的决定、察觉新的决定。"""

    def __init__(
        self,
        layout: Layout,
        session: Session,
        identity: Identity,
        clock: Clock,
        backups: Callable[[], Backups],
        frozen: dict[Path, int],
        load_month: Callable[[str, Month, str], SectionMonth],
    ) -> None:
        self.layout = layout
        self.session = session
        self.identity = identity
        self.clock = clock
        self.backups = backups
        self.frozen = frozen
        self.load_month = load_month
        self._sigs: dict[tuple[str, str], tuple[int, int] | None] = {}
        """``refresh`` 上次看时审核文件的（修改时间，大小）：没变就不重读。"""
        self._notified: set[Path] = set()
        self._backed_up = False

    def read(self, section_id: str, month: Month) -> DecisionsFile:
        """读体系科对该科室该月的决定；损坏时记一条提示（每个文件一次）、按没有决定处理，不改文件。"""
        path = self.layout.decisions_path(section_id, month)
        df = read_decisions(path)
        if df.damaged and path not in self._notified:
            self._notified.add(path)
            from .backups import reason_label

            snap = self.backups().newest_good(REVIEWS_KEY, path.name)
            msg = (
                f"体系科的审核记录文件已损坏，无法读取：{path}（{df.detail}）。文件保持原样，没有做任何改动；"
                "在恢复之前，本月的审核状态按科室自己的记录显示。"
            )
            if snap is not None:
                msg += (
                    f"最近的完好备份是 {snap.label}（{reason_label(snap.reason)}），"
                    f"可用 creditcheck restore {snap.id} 恢复。"
                )
            self.session.notices.append(
                Notice(
                    DAMAGED,
                    msg,
                    path=path,
                    backup_id=snap.id if snap else None,
                    backup_time=snap.label if snap else None,
                )
            )
        if df.future and path not in self.frozen:
            self.frozen[path] = df.future
            self.session.notices.append(
                Notice(
                    FUTURE_SCHEMA,
                    f"审核记录文件 {path} 由更新版本的程序写入（格式第{df.future}版），本程序只读、不会覆盖；"
                    "请把本程序升级到最新版本。",
                    path=path,
                )
            )
        return df

    def merge_into(self, sm: SectionMonth) -> SectionMonth:
        """把体系科的决定并入该月的审核记录，按状态机重放得出当前状态（原地修改并返回 ``sm``）。

        旧数据里写在月度文件中的审核通过、退回修改等记录照样算数（与审核文件中的合并、去重）。
        """
        from creditcheck.review import effective_state, merge_histories

        df = self.read(sm.section_id, sm.month)
        if df.records or sm.history:
            stored = sm.review
            sm.history = merge_histories(sm.history, df.records)
            sm.review = effective_state(sm.history, stored)
        return sm

    def record(
        self,
        section_id: str,
        month: Month,
        action: str,
        by: str = "",
        now: datetime | None = None,
        comment: str = "",
        catalog_version: str = "",
    ) -> SectionMonth:
        """体系科记录一个决定（见 ``Store.record_decision``）。"""
        from creditcheck.review import ACTION_LABELS, DECIDE

        from . import audit as audit_log

        safe_id(section_id)
        decide = DECIDE.get(action)
        if decide is None:
            raise StorageError(f"不认识的审核操作“{action}”（可用：approve、return、reopen）")
        if self.session.read_only and not self.session.mine:
            raise ReadOnlyError(self.session.read_only_reason or "当前为只读模式，不能记录审核决定")
        path = self.layout.decisions_path(section_id, month)
        who = by or self.identity.who()
        stamp = now or self.clock()
        with writing_lock(self.layout.reviews_dir, self.session.lock_wait):
            df = self.read(section_id, month)
            if df.damaged:
                raise StorageError(
                    f"体系科的审核记录文件已损坏：{path}（{df.detail}），为免覆盖，现在不能记录审核决定；"
                    "请先用 creditcheck restore 从备份恢复（creditcheck doctor 会列出可用的备份）"
                )
            if path in self.frozen:
                raise ReadOnlyError(
                    f"数据文件 {path} 由更新版本的程序写入，本程序不会覆盖它；请升级本程序后再修改"
                )
            if not self._backed_up:
                self.backups().backup(
                    {REVIEWS_KEY: self.layout.reviews_dir}, "review", who, now=self.clock()
                )
                self._backed_up = True
            sm = self.load_month(section_id, month, catalog_version)
            before = sm.review
            decide(sm, who, stamp, comment)
            rec = sm.history[-1]
            real = self.clock()
            data = dict(df.raw) if df.raw is not None else new_file(section_id, month)
            old = [d for d in (data.get("decisions") or []) if isinstance(d, dict)]
            # 旧记录没有编号的，把读取时推出的编号一并写下（编号从此固定在文件里）
            old = [
                dict(d, id=r.id) if not d.get("id") else d
                for d, r in zip(old, df.records, strict=False)
            ]
            data["decisions"] = [
                *old,
                {
                    **rec.to_dict(),
                    "recorded_at": real.isoformat(timespec="seconds"),
                    "user": self.identity.os_user,
                    "host": self.identity.host_name,
                },
            ]
            data.update(
                rev=int(data.get("rev") or 0) + 1,
                saved_at=real.isoformat(timespec="seconds"),
                saved_by=who,
            )
            write_json_atomic(path, data)
            audit_log.append(
                audit_log.audit_path(self.layout.reviews_dir, month.year),
                self.identity.audit_header(
                    real,
                    who,
                    section_id,
                    month=str(month),
                    action=action,
                    label=ACTION_LABELS[action],
                    decided_at=rec.to_dict()["at"],
                    comment=rec.comment,
                    changes=[{"path": "review", "old": before.value, "new": sm.review.value}],
                ),
            )
        return sm

    def refresh(self, sm: SectionMonth) -> str | None:
        """审核文件自上次读取后有变化时，重读并把最新的审核状态与记录换进 ``sm``（见 ``Store.refresh_review``）。"""
        from creditcheck.review import is_decision

        key = (sm.section_id, str(sm.month))
        sig = _signature(self.layout.decisions_path(sm.section_id, sm.month))
        if key in self._sigs and self._sigs[key] == sig:
            return None
        fresh = self.load_month(sm.section_id, sm.month, sm.catalog_version)
        self._sigs[key] = sig
        before = {r.id for r in sm.history}
        if [r.id for r in fresh.history] == [
            r.id for r in sm.history
        ] and fresh.review is sm.review:
            return None
        new = [r for r in fresh.history if is_decision(r) and r.id not in before]
        sm.history, sm.review = fresh.history, fresh.review
        if not new:
            return f"{sm.month.label}的审核状态已更新为“{sm.review.value}”"
        return review_news(new[-1])

    def news_for(self, caller: list[ReviewRecord], decisions: list[ReviewRecord]) -> Notice | None:
        """保存时：调用方还不知道的体系科决定，告诉用户最新的一条。"""
        known = {r.id for r in caller}
        news = [r for r in decisions if r.id not in known]
        return Notice(REVIEW, review_news(news[-1])) if news else None

    def audit(self, year: int) -> list[dict[str, Any]]:
        """体系科该年的审核审计记录（从旧到新）。"""
        from . import audit as audit_log

        records, _ = audit_log.read(audit_log.audit_path(self.layout.reviews_dir, year))
        return records
