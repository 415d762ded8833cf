"""一个科室一个月的自查记录：各指标的状态、佐证材料、事件、计数，以及报送与审核状态。

这些是纯数据类，带 ``to_dict``/``from_dict``（JSON 友好：日期用 ISO 字符串），存储层原样保存。
"""

from __future__ import annotations

import enum
from dataclasses import field
from datetime import date, datetime
from typing import Any

from .month import Month
from .records import dataclass

SCHEMA_VERSION = 1


class Status(str, enum.Enum):
    """指标的完成状态。"""

    NOT_STARTED = "未开始"
    IN_PROGRESS = "进行中"
    DONE = "已完成"
    NOT_APPLICABLE = "不适用"


class ReviewState(str, enum.Enum):
    """月度报送的审核状态。"""

    DRAFT = "未提交"
    SUBMITTED = "已提交"
    APPROVED = "审核通过"
    RETURNED = "退回修改"


def new_id() -> str:
    return _uuid_hex()[:12]


def _uuid_hex() -> str:
    """随机的 uuid4 十六进制。uuid 模块用到时才导入（它连带导入 platform，启动时要 3 毫秒）。"""
    import uuid

    return uuid.uuid4().hex


def _dt(v: str | None) -> datetime | None:
    return datetime.fromisoformat(v) if v else None


def _d(v: str | None) -> date | None:
    return date.fromisoformat(v) if v else None


def _iso(v: date | datetime | None) -> str | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        return (
            v.isoformat(timespec="minutes")
            if v.second == 0 and v.microsecond == 0
            else v.isoformat(timespec="seconds")
        )
    return v.isoformat()


@dataclass
class Evidence:
    """一份佐证材料：用户给的路径、解析后的绝对路径、材料所属日期，以及附上时的文件指纹。"""

    path: str
    abs_path: str
    kind: str = "其他"
    effective_date: date | None = None
    note: str = ""
    size: int | None = None
    mtime: float | None = None
    sha256: str | None = None
    attached_at: datetime | None = None
    id: str = field(default_factory=new_id)

    @property
    def file_name(self) -> str:
        import ntpath
        import posixpath

        return ntpath.basename(posixpath.basename(self.abs_path or self.path)) or self.path

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "abs_path": self.abs_path,
            "kind": self.kind,
            "effective_date": _iso(self.effective_date),
            "note": self.note,
            "size": self.size,
            "mtime": self.mtime,
            "sha256": self.sha256,
            "attached_at": _iso(self.attached_at),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        return cls(
            id=d.get("id") or new_id(),
            path=d["path"],
            abs_path=d.get("abs_path") or d["path"],
            kind=d.get("kind", "其他"),
            effective_date=_d(d.get("effective_date")),
            note=d.get("note", ""),
            size=d.get("size"),
            mtime=d.get("mtime"),
            sha256=d.get("sha256"),
            attached_at=_dt(d.get("attached_at")),
        )


@dataclass
class Event:
    """触发期限的一件事：许可决定、来函、活动、重错码、信用动态、严重失信事件……

    ``occurred_at`` 为发生时间（来函收到、活动结束、发现问题……），``done_at`` 为完成时间
    （上报、处理、清理……）。``due_at`` 是记录时按目录规则算出的期限，便于审计与导出。
    ``fields`` 存放各类型自己的字段（如重错码的代码、主体名称）。
    """

    kind: str
    title: str
    occurred_at: datetime
    done_at: datetime | None = None
    note: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    due_at: datetime | date | None = None
    id: str = field(default_factory=new_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "occurred_at": _iso(self.occurred_at),
            "done_at": _iso(self.done_at),
            "due_at": _iso(self.due_at),
            "note": self.note,
            "fields": dict(self.fields),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        due_raw = d.get("due_at")
        due: datetime | date | None = None
        if due_raw:
            due = datetime.fromisoformat(due_raw) if "T" in due_raw else date.fromisoformat(due_raw)
        occurred = _dt(d["occurred_at"])
        assert occurred is not None
        return cls(
            id=d.get("id") or new_id(),
            kind=d["kind"],
            title=d.get("title", ""),
            occurred_at=occurred,
            done_at=_dt(d.get("done_at")),
            due_at=due,
            note=d.get("note", ""),
            fields=dict(d.get("fields", {})),
        )


@dataclass
class IndicatorEntry:
    """某科室某月某指标的自查记录。"""

    indicator_id: int
    status: Status = Status.NOT_STARTED
    reason: str = ""  # 不适用的理由
    note: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    completed_at: datetime | None = None
    updated_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator_id": self.indicator_id,
            "status": self.status.value,
            "reason": self.reason,
            "note": self.note,
            "counts": dict(self.counts),
            "evidence": [e.to_dict() for e in self.evidence],
            "events": [e.to_dict() for e in self.events],
            "completed_at": _iso(self.completed_at),
            "updated_at": _iso(self.updated_at),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> IndicatorEntry:
        return cls(
            indicator_id=int(d["indicator_id"]),
            status=Status(d.get("status", Status.NOT_STARTED.value)),
            reason=d.get("reason", ""),
            note=d.get("note", ""),
            counts={k: int(v) for k, v in d.get("counts", {}).items()},
            evidence=[Evidence.from_dict(e) for e in d.get("evidence", [])],
            events=[Event.from_dict(e) for e in d.get("events", [])],
            completed_at=_dt(d.get("completed_at")),
            updated_at=_dt(d.get("updated_at")),
        )


@dataclass
class ReviewRecord:
    """报送与审核的一步：submit 提交、withdraw 撤回（科室）；approve 审核通过、return 退回修改、
    reopen 重新打开（体系科）。

    ``seen``：记下这一步时已知的“对方”记录条数（科室的一步记已知的体系科决定数，体系科的决定记
    已知的科室记录数）。两边的记录分存两处、来自不同电脑（时钟可能不准），合并时据此排出先后，
    见 ``creditcheck.review.merge_histories``。旧数据没有这一项（None），按时间排。

    ``id``：每一步唯一的编号（uuid4 十六进制）。合并、去重只看编号，从不按“操作 + 人 + 时间”
    认作同一条：同一个人在同一分钟里撤回、提交、再撤回是三步，一步也不能丢。旧数据没有编号，
    读取时按内容和它在记录里的先后推出一个固定的编号（``history_from_dicts``），每次读出都相同。
    """

    action: str
    at: datetime
    by: str = ""
    comment: str = ""
    seen: int | None = None
    id: str = field(default_factory=_uuid_hex)
    fingerprint: str = ""
    """提交和审核通过时所见内容的指纹（``creditcheck.freeze.content_fingerprint``）；旧数据为空。"""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "action": self.action,
            "at": _iso(self.at),
            "by": self.by,
            "comment": self.comment,
        }
        if self.seen is not None:
            d["seen"] = self.seen
        if self.fingerprint:
            d["fingerprint"] = self.fingerprint
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any], occurrence: int = 0) -> ReviewRecord:
        """``occurrence``：没有编号的旧记录是同样内容的第几条（从 0 起），用来推出固定的编号。"""
        at = _dt(d["at"])
        assert at is not None
        seen = d.get("seen")
        rid = d.get("id")
        if not isinstance(rid, str) or not rid:
            rid = legacy_record_id(d, occurrence)
        return cls(
            d["action"],
            at,
            d.get("by", ""),
            d.get("comment", ""),
            int(seen) if seen is not None else None,
            rid,
            str(d.get("fingerprint", "") or ""),
        )


def _legacy_content(d: dict[str, Any]) -> str:
    at = _dt(d.get("at"))
    return "\x1f".join(
        [
            str(d.get("action", "")),
            at.isoformat(timespec="seconds") if at else "",
            str(d.get("by", "")),
            str(d.get("comment", "")),
        ]
    )


def legacy_record_id(d: dict[str, Any], occurrence: int = 0) -> str:
    """没有编号的旧审核记录的固定编号：由内容与“同样内容的第几条”推出，每次读取都相同。"""
    import hashlib

    digest = hashlib.sha256(f"{_legacy_content(d)}\x1f{occurrence}".encode()).hexdigest()
    return "v1" + digest[:30]


def history_from_dicts(items: Any) -> list[ReviewRecord]:
    """一串审核记录（JSON）→ ReviewRecord；没有编号的旧记录按内容与先后得到固定的编号。"""
    out: list[ReviewRecord] = []
    counts: dict[str, int] = {}
    for d in items or []:
        n = 0
        if not d.get("id"):
            key = _legacy_content(d)
            n = counts.get(key, 0)
            counts[key] = n + 1
        out.append(ReviewRecord.from_dict(d, n))
    return out


@dataclass
class SectionMonth:
    """一个科室一个月的全部自查记录。``ledgers`` 保存台账导入的摘要（行数、计数、比率）。

    ``rev`` / ``saved_at`` 由存储层填写（``to_dict`` 不含它们：那是盘上那一版的标记，不是内容）。"""

    section_id: str
    month: Month
    catalog_version: str
    entries: dict[int, IndicatorEntry] = field(default_factory=dict)
    review: ReviewState = ReviewState.DRAFT
    history: list[ReviewRecord] = field(default_factory=list)
    ledgers: dict[str, dict[str, Any]] = field(default_factory=dict)
    person: str = ""
    phone: str = ""
    rev: int = 0
    """读出（或上次保存）时盘上记录的修订号；0 表示还没有保存过。保存时核对（见 storage 的 save_month）。"""
    saved_at: datetime | None = None
    """读出（或上次保存）时盘上记录的保存时间；与 ``rev`` 一起认定“还是读出时的那一版”。"""
    plans: str = ""
    """存在问题和下步打算：专人在界面里写的几句话，写入报送材料正文第三部分。"""

    def entry(self, indicator_id: int) -> IndicatorEntry:
        """该指标的记录；还没有时新建一条（未开始）。"""
        e = self.entries.get(indicator_id)
        if e is None:
            e = self.entries[indicator_id] = IndicatorEntry(indicator_id)
        return e

    @property
    def submitted_at(self) -> datetime | None:
        for r in reversed(self.history):
            if r.action == "submit":
                return r.at
        return None

    @property
    def last_return_comment(self) -> str | None:
        """退回修改时体系科的意见（重新打开时为理由）。"""
        if self.review is ReviewState.RETURNED:
            for r in reversed(self.history):
                if r.action in ("return", "reopen"):
                    return r.comment
        return None

    @property
    def locked(self) -> bool:
        """审核通过后本月对科室锁定，重新打开需要理由。"""
        return self.review is ReviewState.APPROVED

    def all_events(self) -> list[tuple[int, Event]]:
        return [(iid, ev) for iid, e in sorted(self.entries.items()) for ev in e.events]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "section_id": self.section_id,
            "month": str(self.month),
            "catalog_version": self.catalog_version,
            "person": self.person,
            "phone": self.phone,
            "plans": self.plans,
            "review": self.review.value,
            "history": [r.to_dict() for r in self.history],
            "entries": {str(k): v.to_dict() for k, v in sorted(self.entries.items())},
            "ledgers": dict(self.ledgers),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SectionMonth:
        return cls(
            section_id=d["section_id"],
            month=Month.parse(d["month"]),
            catalog_version=str(d.get("catalog_version", "")),
            entries={int(k): IndicatorEntry.from_dict(v) for k, v in d.get("entries", {}).items()},
            review=ReviewState(d.get("review", ReviewState.DRAFT.value)),
            history=history_from_dicts(d.get("history", [])),
            ledgers=dict(d.get("ledgers", {})),
            person=d.get("person", ""),
            phone=d.get("phone", ""),
            rev=int(d.get("rev") or 0),
            saved_at=_dt(d.get("saved_at")),
            plans=str(d.get("plans") or ""),
        )
