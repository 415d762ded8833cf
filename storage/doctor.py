"""数据体检（creditcheck doctor）：逐个读数据文件，核对格式版本、占用、备份与每一份佐证材料。

只读，不改动任何文件。数据文件损坏算“错误”（命令以非零状态退出）；佐证材料缺失或变更、
备份缺少等算“提醒”。
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from creditcheck.catalog import Catalog
from creditcheck.evidence import MISSING, OK, evidence_state, state_label
from creditcheck.models import SectionMonth
from creditcheck.oserrors import os_reason

from . import audit as audit_log
from .atomic import CorruptFileError, StorageError, read_json
from .backups import Backups, id_label, is_data_file, reason_label
from .locking import DEFAULT_STALE_AFTER, HOLDER_NAME, LOCK_NAME, Holder
from .migrations import CURRENT, file_schema

OK_LEVEL = "正常"
INFO = "说明"
WARN = "提醒"
ERROR = "损坏"

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_MONTHS_FILE = re.compile(r"^\d{4}(?:-\d{2})?\.json$")
_LEDGER_FILE = re.compile(r"^ledger-[A-Za-z0-9_-]{1,40}-\d{4}\.json$")


@dataclass
class Finding:
    level: str
    topic: str
    text: str

    def __str__(self) -> str:
        return f"[{self.level}] {self.text}"


@dataclass
class Report:
    data_dir: Path
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    months_checked: int = 0
    evidence_checked: int = 0
    evidence_states: dict[str, int] = field(default_factory=dict)

    def add(self, level: str, topic: str, text: str) -> None:
        self.findings.append(Finding(level, topic, text))

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == WARN]

    @property
    def sound(self) -> bool:
        """数据文件都完好（佐证材料的问题只算提醒）。"""
        return not self.errors

    def lines(self) -> list[str]:
        out = [f"数据体检：{self.data_dir}"]
        topics: list[str] = []
        for f in self.findings:
            if f.topic not in topics:
                topics.append(f.topic)
        for t in topics:
            out.append("")
            out.append(f"【{t}】")
            out.extend(f"  {f}" for f in self.findings if f.topic == t)
        out.append("")
        summary = (f"共检查数据文件 {self.files_checked} 个、月份记录 {self.months_checked} 条、"
                   f"佐证材料 {self.evidence_checked} 份。")
        out.append(summary)
        if self.errors:
            out.append(f"结论：有 {len(self.errors)} 个数据文件损坏，需要从备份恢复（见上）。")
        elif self.warnings:
            out.append(f"结论：数据文件完好；有 {len(self.warnings)} 条提醒，请按说明处理。")
        else:
            out.append("结论：一切正常。")
        return out


def _section_name(catalog: Catalog | None, sid: str) -> str:
    if catalog is not None:
        for s in catalog.sections:
            if s.id == sid:
                return f"{s.short}（{sid}）"
    return sid


def diagnose(data_dir: Path, catalog: Catalog | None = None, settings_file: Path | None = None,
             now: datetime | None = None) -> Report:
    data_dir = Path(data_dir)
    now = now or datetime.now()
    rep = Report(data_dir)
    if settings_file is not None:
        _check_settings(rep, settings_file)
    root = data_dir / "sections"
    if not data_dir.is_dir():
        rep.add(INFO, "数据文件夹", f"数据文件夹还不存在：{data_dir}（还没有保存过数据）")
        return rep
    if not root.is_dir():
        rep.add(INFO, "数据文件夹", "还没有任何科室的数据")
        return rep
    backups = Backups(data_dir)
    known = {s.id for s in catalog.sections} if catalog is not None else None
    for sdir in sorted(p for p in root.iterdir() if p.is_dir()):
        sid = sdir.name
        if not _SAFE_ID.match(sid):
            rep.add(WARN, "科室数据", f"数据文件夹里有不认识的文件夹：{sdir}（本程序不会读写它）")
            continue
        name = _section_name(catalog, sid)
        if known is not None and sid not in known:
            rep.add(WARN, "科室数据", f"{name}：目录中没有这个科室（可能是目录调整前的数据），照常检查")
        _check_section(rep, sdir, sid, name, backups, now)
    _check_reviews(rep, data_dir / "reviews", catalog, known, backups)
    return rep


def _check_reviews(rep: Report, folder: Path, catalog: Catalog | None, known: set[str] | None,
                   backups: Backups) -> None:
    """体系科的审核文件（reviews/）：能否读取、格式版本、每条记录是否完整；审计日志；备份。"""
    from .reviews import FILE_RE, SCHEMA, read_decisions

    if not folder.is_dir():
        return
    topic = "审核记录"
    count = 0
    damaged = False
    for p in sorted(folder.iterdir()):
        if not p.is_file():
            continue
        n = p.name
        m = FILE_RE.match(n)
        if m:
            rep.files_checked += 1
            sid = m.group(1)
            name = _section_name(catalog, sid)
            df = read_decisions(p)
            if df.damaged:
                damaged = True
                rep.add(ERROR, topic, _damaged_message(rep, backups, "reviews", n, f"{name}：审核文件 reviews/{n}",
                                                       df.detail, ""))
                continue
            if df.future:
                rep.add(WARN, topic, f"{name}：审核文件 reviews/{n} 由更新版本的程序写入（格式第{df.future}版，"
                        f"本程序认识到第{SCHEMA}版），本程序只读、不会覆盖；请升级本程序")
            if known is not None and sid not in known:
                rep.add(WARN, topic, f"reviews/{n}：目录中没有科室“{sid}”（可能是目录调整前的数据）")
            raw = df.raw or {}
            if raw.get("section_id") not in (None, sid) or raw.get("month") not in (None, f"{m.group(2)}-{m.group(3)}"):
                rep.add(WARN, topic, f"reviews/{n}：文件里写的科室或月份与文件名不符（可能被手工改名或拷错）")
            count += len(df.records)
        elif n.startswith("audit-") and n.endswith(".jsonl"):
            rep.files_checked += 1
            try:
                records, bad = audit_log.read(p)
            except StorageError as e:
                rep.add(WARN, topic, str(e))
                continue
            if bad:
                rep.add(WARN, topic, f"体系科审计日志 reviews/{n} 有 {bad} 行不完整（写入时被中断），已跳过，其余 {len(records)} 条完好")
        elif ".damaged-" in n:
            rep.add(WARN, topic, f"有一个曾经损坏、已改名保留的文件 reviews/{n}；确认数据已恢复后可以删除它")
        elif n.startswith(".") and n.endswith(".tmp"):
            rep.add(WARN, topic, f"有一个写入中断留下的临时文件 reviews/{n}（原文件未受影响）；可以删除")
    if not damaged:
        rep.add(OK_LEVEL, topic, f"体系科的审核文件完好，共 {count} 条审核决定")
    snaps = backups.snapshots("reviews")
    if snaps:
        bad = sum(1 for s in snaps for f in s.files if backups.read_copy(s, f) is None)
        if bad:
            rep.add(WARN, topic, f"审核文件的备份中有 {bad} 个副本已损坏或被改动，不能用于恢复")
        rep.add(OK_LEVEL if not bad else WARN, topic,
                f"审核文件共 {len(snaps)} 次备份，最近一次 {id_label(snaps[-1].id)}（{reason_label(snaps[-1].reason)}）")
    elif count:
        rep.add(WARN, topic, "审核文件还没有任何备份（体系科记录审核决定或运行 creditcheck backup 时会自动备份）")


def _damaged_message(rep: Report, backups: Backups, scope: str, file_name: str, what: str, detail: str,
                     restore_opts: str) -> str:
    """“某文件已损坏”：有完好备份时给出恢复命令（``restore_opts`` 是 restore 的附加选项，如 `` --section x``），
    没有时提醒不要删除。"""
    snap = backups.newest_good(scope, file_name)
    msg = f"{what} 已损坏，无法读取（{detail}）。"
    if snap is not None:
        msg += (f"最近的完好备份是 {snap.id}（{snap.label}，{reason_label(snap.reason)}）；"
                f"恢复命令：creditcheck restore {snap.id}{restore_opts} --data \"{rep.data_dir}\"")
    else:
        msg += "没有找到它的完好备份；请勿删除该文件，联系技术人员尝试修复。"
    return msg


def _check_settings(rep: Report, path: Path) -> None:
    try:
        data = read_json(path)
    except CorruptFileError as e:
        rep.add(WARN, "本机设置", f"设置文件已损坏：{path}（{e.detail}）。下次启动时会把它改名保留并改用默认设置，请重新填写。")
        return
    except StorageError as e:
        rep.add(WARN, "本机设置", str(e))
        return
    if data is None:
        rep.add(INFO, "本机设置", f"还没有设置文件（{path}），首次启动时会请您填写")
    elif not isinstance(data, dict):
        rep.add(WARN, "本机设置", f"设置文件内容不对：{path}")
    else:
        rep.add(OK_LEVEL, "本机设置", f"设置文件完好：{path}")


def _check_section(rep: Report, sdir: Path, sid: str, name: str, backups: Backups, now: datetime) -> None:
    months_total = 0
    damaged_here = False
    for p in sorted(sdir.iterdir()):
        if not p.is_file():
            continue
        n = p.name
        if _MONTHS_FILE.match(n) or _LEDGER_FILE.match(n):
            rep.files_checked += 1
            try:
                data = read_json(p)
                if not isinstance(data, dict):
                    raise CorruptFileError(p, "内容不是数据表")
            except CorruptFileError as e:
                damaged_here = True
                rep.add(ERROR, "科室数据", _damaged_message(rep, backups, sid, n, f"{name}：{n}", e.detail,
                                                          f" --section {sid}"))
                continue
            except StorageError as e:
                rep.add(ERROR, "科室数据", f"{name}：{e}")
                damaged_here = True
                continue
            version = file_schema(data)
            if version > CURRENT:
                rep.add(WARN, "科室数据", f"{name}：{n} 由更新版本的程序写入（格式第{version}版），本程序只读打开、不会覆盖；请升级本程序")
            elif version < CURRENT:
                rep.add(INFO, "科室数据", f"{name}：{n} 是旧版本格式（第{version}版），本科室下次打开时自动升级（升级前先备份）")
            if _MONTHS_FILE.match(n):
                months_total += _check_months(rep, data, p, name)
        elif n.startswith("audit-") and n.endswith(".jsonl"):
            rep.files_checked += 1
            try:
                records, bad = audit_log.read(p)
            except StorageError as e:
                rep.add(WARN, "科室数据", f"{name}：{e}")
                continue
            if bad:
                rep.add(WARN, "科室数据", f"{name}：审计日志 {n} 有 {bad} 行不完整（写入时被中断），已跳过，其余 {len(records)} 条完好")
        elif ".damaged-" in n:
            rep.add(WARN, "科室数据", f"{name}：有一个曾经损坏、已改名保留的文件 {n}；确认数据已恢复后可以删除它")
        elif n.startswith(".") and n.endswith(".tmp"):
            rep.add(WARN, "科室数据", f"{name}：有一个写入中断留下的临时文件 {n}（原数据文件未受影响）；可以删除")
    if not damaged_here:
        rep.add(OK_LEVEL, "科室数据", f"{name}：数据文件完好，共 {months_total} 个月的记录")
    _check_lock(rep, sdir, name, now)
    _check_backups(rep, sdir, sid, name, backups)


def _check_months(rep: Report, data: dict, path: Path, name: str) -> int:
    count = 0
    for doc in (data.get("months") or {}).values():
        if not isinstance(doc, dict):
            continue
        try:
            sm = SectionMonth.from_dict(dict(doc))
        except (KeyError, TypeError, ValueError, AssertionError) as e:
            rep.add(ERROR, "科室数据", f"{name}：{path.name} 中 {doc.get('month', '某月')} 的记录内容不完整（{e}）")
            continue
        count += 1
        rep.months_checked += 1
        for iid, entry in sorted(sm.entries.items()):
            for ev in entry.evidence:
                rep.evidence_checked += 1
                try:
                    state = evidence_state(ev)
                except OSError:
                    state = "unreadable"
                rep.evidence_states[state] = rep.evidence_states.get(state, 0) + 1
                if state != OK:
                    hint = "文件被移走、改名或删除了？" if state == MISSING else ""
                    rep.add(WARN, "佐证材料",
                            f"{name} {sm.month.label} 第{iid}项：{state_label(state)}——{ev.abs_path or ev.path}{('（' + hint + '）') if hint else ''}")
    return count


def _check_lock(rep: Report, sdir: Path, name: str, now: datetime) -> None:
    try:
        holder = Holder.from_dict(read_json(sdir / HOLDER_NAME))
    except StorageError:
        holder = None
    lock_name = holder.lock if holder else LOCK_NAME
    if not (sdir / lock_name).exists() and holder is None:
        return
    lk = FileLock(sdir / lock_name, timeout=0, thread_local=False, preserve_lock_file=True)
    try:
        lk.acquire(timeout=0)
    except Timeout:
        who = holder.describe() if holder and not holder.released else "由另一处使用"
        stale = holder.stale_reason(now, DEFAULT_STALE_AFTER) if holder else None
        if stale:
            rep.add(WARN, "占用", f"{name}：正{who}，但看来已失效（{stale}）；打开本科室时可以选择接管")
        else:
            rep.add(INFO, "占用", f"{name}：正{who}")
        return
    except OSError as e:
        rep.add(WARN, "占用", f"{name}：无法检查占用锁（{os_reason(e)}）")
        return
    lk.release()
    if holder is not None and not holder.released:
        rep.add(INFO, "占用", f"{name}：上次使用（{holder.describe()}）没有正常关闭；数据文件已检查，下次打开时自动处理")
    else:
        rep.add(OK_LEVEL, "占用", f"{name}：目前没有人在用")


def _check_backups(rep: Report, sdir: Path, sid: str, name: str, backups: Backups) -> None:
    snaps = backups.snapshots(sid)
    has_data = any(is_data_file(p.name) for p in sdir.iterdir() if p.is_file())
    if not snaps:
        if has_data:
            rep.add(WARN, "备份", f"{name}：还没有任何备份（打开本科室或运行 creditcheck backup 时会自动备份）")
        return
    bad = 0
    for s in snaps:
        for fname in s.files:
            if backups.read_copy(s, fname) is None:
                bad += 1
                rep.add(WARN, "备份", f"{name}：备份 {s.id} 中的 {fname} 已损坏或被改动，不能用于恢复")
    last = snaps[-1]
    rep.add(OK_LEVEL if not bad else WARN, "备份",
            f"{name}：共 {len(snaps)} 次备份，最近一次 {id_label(last.id)}（{reason_label(last.reason)}）")
