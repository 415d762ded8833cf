"""一个科室一个月的自查记录：读出、列出、保存（比较并交换修订号）与审计日志。

审核规则不在这里：保存前调用领域层的 ``creditcheck.review.admit_section_save`` 核对，这里只负责
在锁内读出盘上最新的一版、核对修订号、写文件与审计日志。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import field
from datetime import datetime
from pathlib import Path
from typing import Any

from creditcheck.errors import StaleRecordError
from creditcheck.models import ReviewRecord, ReviewState, SectionMonth
from creditcheck.month import Month
from creditcheck.records import dataclass

from .atomic import AtomicJSONStorage, StorageError
from .files import DataFiles
from .identity import Clock, Identity
from .layout import MONTH_FILE, YEAR_FILE, Layout
from .migrations import MONTHS, meta_record, review_records
from .notices import DAMAGED, DamagedFileError, Notice
from .reviews import Decisions
from .session import Session


@dataclass
class SaveResult:
    """一次保存的结果：修订号、改动（写入审计日志的内容）、以及需要告诉用户的提示。"""

    rev: int
    changes: list[dict[str, Any]] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


class MonthRecords:
    """各科室各月的自查记录。"""

    def __init__(
        self,
        layout: Layout,
        session: Session,
        identity: Identity,
        clock: Clock,
        files: DataFiles,
        decisions: Decisions,
    ) -> None:
        self.layout = layout
        self.session = session
        self.identity = identity
        self.clock = clock
        self.files = files
        self.decisions = decisions

    def load(self, section_id: str, month: Month, catalog_version: str = "") -> SectionMonth:
        """某科室某月的记录；还没有时返回一个空记录（不写盘）。文件损坏时抛 DamagedFileError。"""
        path = self.layout.month_path(section_id, month)
        data = self.files.load(path, MONTHS, section_id, month.year)
        doc = find_month(data, month)
        if doc is None and data is None:
            doc = self.files.legacy_months(section_id, month.year).get(str(month))
        if doc is not None:
            return self.decisions.merge_into(month_from_doc(doc, path))
        return self.decisions.merge_into(SectionMonth(section_id, month, catalog_version))

    def save(self, sm: SectionMonth, actor: str = "", *, force: bool = False) -> SaveResult:
        """见 ``Store.save_month``。"""
        from creditcheck.review import (
            admit_section_save,
            effective_state,
            is_decision,
            merge_histories,
        )

        from . import audit as audit_log

        sid = sm.section_id
        path = self.layout.month_path(sid, sm.month)
        with self.session.writing(sid):
            self.files.check_not_frozen(path)
            notices: list[Notice] = []
            if self.layout.year_path(sid, sm.month.year).exists():
                try:
                    self.files.legacy_months(sid, sm.month.year)
                except DamagedFileError as e:
                    notices.append(e.notice)
            data = self.files.load_for_write(path, MONTHS, sid, sm.month.year, notices)
            table: dict[str, Any] = data.setdefault("months", {})
            key = next(
                (
                    k
                    for k, d in table.items()
                    if isinstance(d, dict) and d.get("month") == str(sm.month)
                ),
                None,
            )
            old = table.get(key) if key is not None else None
            old_history = history_of(old)
            # 新建的月份与空记录比较，审计日志只记有内容的部分；旧记录没有编号时按推出的编号比较
            base = (
                dict(old)
                if old is not None
                else SectionMonth(sid, sm.month, sm.catalog_version).to_dict()
            )
            base["history"] = [r.to_dict() for r in old_history]
            df = self.decisions.read(sid, sm.month)
            decisions = [r for r in sm.history if is_decision(r)] if df.damaged else df.records
            known = {r.id for r in (*old_history, *decisions)}
            mine_new = [r for r in sm.history if not is_decision(r) and r.id not in known]
            current = merge_histories(old_history, decisions)
            new = sm.to_dict()
            if not force:
                admit_section_save(
                    sm.month.label,
                    current,
                    mine_new,
                    touched=bool(audit_log.diff(content_of(base), content_of(new))),
                    initial=review_of(old),
                    unknown_decisions=any(is_decision(r) and r.id not in known for r in sm.history),
                )
                # 比较并交换：读出之后别处已保存过（另一个进程、恢复备份……）时，整条记录写回会冲掉
                # 那次保存。审核上的拒绝（已锁定等）说明更具体，所以先核对审核、再核对版本。
                if old is not None and revision_of(old) != (sm.rev, sm.saved_at):
                    raise StaleRecordError()
            written = [*old_history, *mine_new]
            new["history"] = [r.to_dict() for r in written]
            new["review"] = effective_state(
                written, sm.review if not sm.history else ReviewState.DRAFT
            ).value
            merged = merge_histories(written, decisions)
            news = self.decisions.news_for(sm.history, decisions)
            if news is not None:
                notices.append(news)
            changes = audit_log.diff(base, new)
            if old is not None and not changes:
                sm.history, sm.review = merged, effective_state(merged, ReviewState(new["review"]))
                sm.rev, sm.saved_at = revision_of(old)
                return SaveResult(sm.rev, [], notices)
            rev = max(revision_of(old)[0], sm.rev) + 1
            now = self.clock().replace(microsecond=0)
            who = self.identity.who(actor)
            new.update(rev=rev, saved_at=now.isoformat(timespec="seconds"), saved_by=who)
            if key is None:
                key = str(max((int(k) for k in table if str(k).isdigit()), default=0) + 1)
            table[key] = new
            data["_meta"] = {"1": meta_record(MONTHS, sid, sm.month.year, str(sm.month))}
            AtomicJSONStorage(path).write(data)
            audit_log.append(
                audit_log.audit_path(self.layout.section_dir(sid), sm.month.year),
                self.identity.audit_header(
                    now,
                    who,
                    sid,
                    month=str(sm.month),
                    rev=rev,
                    created=old is None,
                    changes=changes,
                ),
            )
            sm.history, sm.review = merged, effective_state(merged, ReviewState(new["review"]))
            sm.rev, sm.saved_at = rev, now
            return SaveResult(rev, changes, notices)

    def of_section(self, section_id: str) -> list[SectionMonth]:
        """该科室已有的全部月份，按月份排序。损坏的文件跳过，提示记在 ``notices``。"""
        folder = self.layout.section_dir(section_id)
        if not folder.is_dir():
            return []
        names = sorted(p.name for p in folder.iterdir())
        docs: dict[str, tuple[dict[str, Any], Path]] = {}
        for name in names:
            m = YEAR_FILE.match(name)
            if m:
                try:
                    for k, doc in self.files.legacy_months(section_id, int(m.group(1))).items():
                        docs[k] = (doc, folder / name)
                except DamagedFileError:
                    continue
        for name in names:
            m = MONTH_FILE.match(name)
            if not m:
                continue
            path = folder / name
            try:
                data = self.files.load(path, MONTHS, section_id, int(m.group(1)))
            except DamagedFileError:
                continue
            for doc in ((data or {}).get("months") or {}).values():
                if isinstance(doc, dict):
                    docs[str(doc.get("month"))] = (doc, path)
        out: list[SectionMonth] = []
        for doc, path in docs.values():
            try:
                out.append(self.decisions.merge_into(month_from_doc(doc, path)))
            except StorageError as e:
                self.session.notices.append(Notice(DAMAGED, str(e), path=path))
        return sorted(out, key=lambda m: m.month)

    def iter_all(self) -> Iterator[SectionMonth]:
        for sid in self.layout.section_ids():
            yield from self.of_section(sid)

    def audit(self, section_id: str, year: int) -> list[dict[str, Any]]:
        """该科室该年的审计记录（从旧到新）。"""
        from . import audit as audit_log

        records, _ = audit_log.read(audit_log.audit_path(self.layout.section_dir(section_id), year))
        return records


def find_month(data: dict[str, Any] | None, month: Month) -> dict[str, Any] | None:
    for d in ((data or {}).get("months") or {}).values():
        if isinstance(d, dict) and d.get("month") == str(month):
            return d
    return None


def month_from_doc(doc: dict[str, Any], path: Path) -> SectionMonth:
    try:
        return SectionMonth.from_dict(dict(doc))
    except (KeyError, TypeError, ValueError, AttributeError, AssertionError) as e:
        raise StorageError(
            f"数据文件 {path} 中 {doc.get('month', '某月')} 的记录内容不完整（{e}）"
        ) from None


def revision_of(doc: dict[str, Any] | None) -> tuple[int, datetime | None]:
    """盘上一条月度记录的版本标记：（修订号，保存时间）。没有记录时为 (0, None)。

    只比修订号不够：从备份恢复会让修订号回到从前，之后再保存又会得到同一个修订号；
    保存时间（精确到秒）把这两版区分开。
    """
    if not doc:
        return (0, None)
    try:
        rev = int(doc.get("rev") or 0)
    except (TypeError, ValueError):
        rev = 0
    try:
        at = datetime.fromisoformat(doc["saved_at"]) if doc.get("saved_at") else None
    except (TypeError, ValueError):
        at = None
    return (rev, at)


def history_of(doc: dict[str, Any] | None) -> list[ReviewRecord]:
    try:
        return review_records((doc or {}).get("history") or [])
    except (KeyError, TypeError, ValueError, AttributeError, AssertionError):
        return []


def review_of(doc: dict[str, Any] | None) -> ReviewState:
    try:
        return ReviewState((doc or {}).get("review") or ReviewState.DRAFT.value)
    except ValueError:
        return ReviewState.DRAFT


def content_of(doc: dict[str, Any]) -> dict[str, Any]:
    """月度记录中科室填写的内容（不含审核状态与记录）：判断“有没有改动”用。"""
    return {k: v for k, v in doc.items() if k not in ("review", "history")}
