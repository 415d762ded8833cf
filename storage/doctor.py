"""数据体检（creditcheck doctor）：检查本程序读的每一个文件。

检查：本机设置、用户目录（catalog.toml 与存档的各版本）、节假日文件（calendar/*.csv）、
各科室的月份记录与台账（结构校验与程序读取时相同）、审计日志、体系科的审核文件、数据包导入记录、
备份及其清单、占用锁、每一份佐证材料，以及中断留下的临时文件（.tmp、.partial……）。

默认只读，不改动任何文件；``fix=True`` 时只清理能证明已无人使用的临时文件（所在科室没有活着的占用者）。
数据文件损坏算“损坏”（命令退出码 1）；需要用户处理的事（佐证材料缺失或变更、损坏后移开的文件、
备份清单损坏、临时文件、数据文件夹不存在或是空的……）算“提醒”（退出码 3）；只有“正常”“说明”时退出码 0。
来自数据包的记录，只核对随包解出的佐证原件：包里写的其他路径（如 /etc/shadow 或网络共享上的文件）
从不打开；网络路径、设备和命名管道也从不打开。
"""

from __future__ import annotations

import re
from dataclasses import field
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from creditcheck.catalog import Catalog
from creditcheck.evidence import MISSING, OK, evidence_state, state_label
from creditcheck.models import SectionMonth
from creditcheck.oserrors import os_reason
from creditcheck.records import dataclass

from . import audit as audit_log
from .atomic import CorruptFileError, StorageError, read_json
from .backups import Backups, id_label, is_data_file, reason_label
from .locking import DEFAULT_STALE_AFTER, HOLDER_NAME, LOCK_NAME, Holder
from .migrations import CURRENT, file_schema
from .schema import LEDGER, MONTHS, check_data_file, check_registry, check_settings

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
    fixed: list[Path] = field(default_factory=list)
    """``fix=True`` 时清理掉的临时文件与文件夹。"""
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

    @property
    def needs_user(self) -> bool:
        """有损坏，或有需要用户处理的提醒。"""
        return bool(self.errors or self.warnings)

    @property
    def exit_code(self) -> int:
        """命令的退出码：0 一切正常，1 有数据文件损坏，3 有需要处理的提醒。"""
        return 1 if self.errors else 3 if self.warnings else 0

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
        summary = (
            f"共检查数据文件 {self.files_checked} 个、月份记录 {self.months_checked} 条、"
            f"佐证材料 {self.evidence_checked} 份。"
        )
        out.append(summary)
        for p in self.fixed:
            out.append(f"已清理：{p}")
        if self.errors:
            out.append(
                f"结论：有 {len(self.errors)} 个文件损坏，需要从备份恢复或按说明修好（见上，每条都写明了怎么办）。"
            )
        elif self.warnings:
            out.append(
                f"结论：没有发现损坏的数据文件；有 {len(self.warnings)} 条提醒需要处理，请按说明处理。"
            )
        else:
            out.append("结论：一切正常。")
        return out


def _section_name(catalog: Catalog | None, sid: str) -> str:
    if catalog is not None:
        for s in catalog.sections:
            if s.id == sid:
                return s.short  # 用户读的是科室名，不是内部编号
    return f"未知科室（文件夹 {sid}）"


def diagnose(
    data_dir: Path,
    catalog: Catalog | None = None,
    settings_file: Path | None = None,
    now: datetime | None = None,
    *,
    fix: bool = False,
) -> Report:
    data_dir = Path(data_dir)
    now = now or datetime.now()
    rep = Report(data_dir)
    if settings_file is not None:
        _check_settings(rep, settings_file)
    root = data_dir / "sections"
    if not data_dir.exists():
        rep.add(
            WARN,
            "数据文件夹",
            f"数据文件夹不存在：{data_dir}。请检查 --data 或设置中的文件夹是否写错"
            "（如是共享文件夹，检查网络盘是否已连接）；新装的电脑先运行 creditcheck 完成首次设置。",
        )
        return rep
    if not data_dir.is_dir():
        rep.add(WARN, "数据文件夹", f"“{data_dir}”不是文件夹；请检查 --data 或设置中的数据文件夹")
        return rep
    try:
        empty = not any(data_dir.iterdir())
    except OSError as e:
        rep.add(
            ERROR,
            "数据文件夹",
            f"数据文件夹无法读取：{data_dir}（{os_reason(e)}）；请检查权限或网络盘",
        )
        return rep
    if empty:
        rep.add(
            WARN,
            "数据文件夹",
            f"数据文件夹是空的：{data_dir}。如果数据应该在这里，请检查 --data 或设置中的文件夹"
            "是否写错；新装的电脑先运行 creditcheck 完成首次设置。",
        )
        return rep
    _check_catalogs(rep, data_dir)
    _check_calendars(rep, data_dir, fix, now)
    imported = _check_packages(rep, data_dir, fix, now)
    _check_root_leftovers(rep, data_dir, fix, now)
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
            rep.add(
                WARN, "科室数据", f"{name}：目录中没有这个科室（可能是目录调整前的数据），照常检查"
            )
        _check_section(rep, sdir, sid, name, backups, now, imported, fix)
    _check_reviews(rep, data_dir / "reviews", catalog, known, backups, fix, now)
    return rep


def _check_reviews(
    rep: Report,
    folder: Path,
    catalog: Catalog | None,
    known: set[str] | None,
    backups: Backups,
    fix: bool = False,
    now: datetime | None = None,
) -> None:
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
                rep.add(
                    ERROR,
                    topic,
                    _damaged_message(
                        rep, backups, "reviews", n, f"{name}：审核文件 reviews/{n}", df.detail, ""
                    ),
                )
                continue
            if df.future:
                rep.add(
                    WARN,
                    topic,
                    f"{name}：审核文件 reviews/{n} 由更新版本的程序写入（格式第{df.future}版，"
                    f"本程序认识到第{SCHEMA}版），本程序只读、不会覆盖；请升级本程序",
                )
            if known is not None and sid not in known:
                rep.add(
                    WARN, topic, f"reviews/{n}：目录中没有科室“{sid}”（可能是目录调整前的数据）"
                )
            raw = df.raw or {}
            if raw.get("section_id") not in (None, sid) or raw.get("month") not in (
                None,
                f"{m.group(2)}-{m.group(3)}",
            ):
                rep.add(
                    WARN,
                    topic,
                    f"reviews/{n}：文件里写的科室或月份与文件名不符（可能被手工改名或拷错）",
                )
            count += len(df.records)
        elif n.startswith("audit-") and n.endswith(".jsonl"):
            rep.files_checked += 1
            try:
                records, bad = audit_log.read(p)
            except StorageError as e:
                rep.add(WARN, topic, str(e))
                continue
            if bad:
                rep.add(
                    WARN,
                    topic,
                    f"体系科审计日志 reviews/{n} 有 {bad} 行不完整（写入时被中断），已跳过，其余 {len(records)} 条完好",
                )
        elif ".damaged-" in n:
            rep.add(
                WARN,
                topic,
                f"有一个曾经损坏、已改名保留的文件 reviews/{n}；确认数据已恢复后可以删除它",
            )
        elif n.startswith(".") and n.endswith(".tmp"):
            _leftover(
                rep, topic, p, folder / LOCK_NAME, fix, now or datetime.now(), "体系科审核文件"
            )
    _check_partials(rep, topic, backups, "reviews", folder / LOCK_NAME, fix, now or datetime.now())
    _check_manifests(rep, topic, backups, "reviews", "体系科审核文件")
    if not damaged:
        rep.add(OK_LEVEL, topic, f"体系科的审核文件完好，共 {count} 条审核决定")
    snaps = backups.snapshots("reviews")
    if snaps:
        bad = sum(1 for s in snaps for f in s.files if backups.read_copy(s, f) is None)
        if bad:
            rep.add(WARN, topic, f"审核文件的备份中有 {bad} 个副本已损坏或被改动，不能用于恢复")
        rep.add(
            OK_LEVEL if not bad else WARN,
            topic,
            f"审核文件共 {len(snaps)} 次备份，最近一次 {id_label(snaps[-1].id)}（{reason_label(snaps[-1].reason)}）",
        )
    elif count:
        rep.add(
            WARN,
            topic,
            "审核文件还没有任何备份（体系科记录审核决定或运行 creditcheck backup 时会自动备份）",
        )


def _damaged_message(
    rep: Report,
    backups: Backups,
    scope: str,
    file_name: str,
    what: str,
    detail: str,
    restore_opts: str,
) -> str:
    """“某文件已损坏”：有完好备份时给出恢复命令（``restore_opts`` 是 restore 的附加选项，如 `` --section x``），
    没有时提醒不要删除。"""
    snap = backups.newest_good(scope, file_name)
    msg = f"{what} 已损坏，无法读取（{detail}）。"
    if snap is not None:
        msg += (
            f"最近的完好备份是 {snap.id}（{snap.label}，{reason_label(snap.reason)}）；"
            f'恢复命令：creditcheck restore {snap.id}{restore_opts} --data "{rep.data_dir}"'
        )
    else:
        msg += "没有找到它的完好备份；请勿删除该文件，联系技术人员尝试修复。"
    return msg


def _check_settings(rep: Report, path: Path) -> None:
    try:
        data = read_json(path)
    except CorruptFileError as e:
        rep.add(
            WARN,
            "本机设置",
            f"设置文件已损坏：{path}（{e.detail}）。下次启动时会把它改名保留并改用默认设置，请重新填写。",
        )
        return
    except StorageError as e:
        rep.add(WARN, "本机设置", str(e))
        return
    if data is None:
        rep.add(INFO, "本机设置", f"还没有设置文件（{path}），首次启动时会请您填写")
        return
    try:
        check_settings(path, data)
    except CorruptFileError as e:
        rep.add(
            WARN,
            "本机设置",
            f"设置文件内容不对：{path}（{e.detail}）。下次启动时会把它改名保留并改用默认设置，请重新填写。",
        )
        return
    else:
        rep.add(OK_LEVEL, "本机设置", f"设置文件完好：{path}")


def _check_section(
    rep: Report,
    sdir: Path,
    sid: str,
    name: str,
    backups: Backups,
    now: datetime,
    imported: dict[str, Path] | None = None,
    fix: bool = False,
) -> None:
    months_total = 0
    damaged_here = False
    imported = imported or {}
    for p in sorted(sdir.iterdir()):
        if p.is_dir():
            continue
        n = p.name
        if _MONTHS_FILE.match(n) or _LEDGER_FILE.match(n):
            rep.files_checked += 1
            try:
                data = read_json(p)
                if not isinstance(data, dict):
                    raise CorruptFileError(p, "内容不是数据表")
                check_data_file(
                    p, data, LEDGER if _LEDGER_FILE.match(n) else MONTHS
                )  # 与读取时相同的结构校验
            except CorruptFileError as e:
                damaged_here = True
                rep.add(
                    ERROR,
                    "科室数据",
                    _damaged_message(
                        rep, backups, sid, n, f"{name}：{n}", e.detail, f" --section {sid}"
                    ),
                )
                continue
            except StorageError as e:
                rep.add(ERROR, "科室数据", f"{name}：{e}")
                damaged_here = True
                continue
            version = file_schema(data)
            if version > CURRENT:
                rep.add(
                    WARN,
                    "科室数据",
                    f"{name}：{n} 由更新版本的程序写入（格式第{version}版），本程序只读打开、不会覆盖；请升级本程序",
                )
            elif version < CURRENT:
                rep.add(
                    INFO,
                    "科室数据",
                    f"{name}：{n} 是旧版本格式（第{version}版），本科室下次打开时自动升级（升级前先备份）",
                )
            if _MONTHS_FILE.match(n):
                months_total += _check_months(rep, data, p, name, sid, imported)
        elif n.startswith("audit-") and n.endswith(".jsonl"):
            rep.files_checked += 1
            try:
                records, bad = audit_log.read(p)
            except StorageError as e:
                rep.add(WARN, "科室数据", f"{name}：{e}")
                continue
            if bad:
                rep.add(
                    WARN,
                    "科室数据",
                    f"{name}：审计日志 {n} 有 {bad} 行不完整（写入时被中断），已跳过，其余 {len(records)} 条完好",
                )
        elif ".damaged-" in n:
            original = n.split(".damaged-")[0]
            snap = backups.newest_good(sid, original)
            how = (
                f"可用 creditcheck restore {snap.id} --section {sid} 恢复"
                if snap is not None
                else "没有找到它的完好备份，请联系技术人员"
            )
            if (sdir / original).exists():
                how = "原文件已重新建立；确认数据无误后可以删除这个改名保留的文件"
            rep.add(
                WARN,
                "科室数据",
                f"{name}：{original} 曾经损坏，已改名为 {n} 保留；"
                f"在恢复之前，这个月份的记录会显示为空。{how}",
            )
        elif n.startswith(".") and n.endswith(".tmp"):
            _leftover(rep, "科室数据", p, sdir / LOCK_NAME, fix, now, name)
    if not damaged_here:
        rep.add(OK_LEVEL, "科室数据", f"{name}：数据文件完好，共 {months_total} 个月的记录")
    _check_lock(rep, sdir, name, now)
    _check_backups(rep, sdir, sid, name, backups)
    _check_partials(rep, "备份", backups, sid, sdir / LOCK_NAME, fix, now)
    _check_manifests(rep, "备份", backups, sid, name)


def _check_months(
    rep: Report,
    data: dict,
    path: Path,
    name: str,
    sid: str = "",
    imported: dict[str, Path] | None = None,
) -> int:
    count = 0
    for doc in (data.get("months") or {}).values():
        if not isinstance(doc, dict):
            continue
        try:
            sm = SectionMonth.from_dict(dict(doc))
        except (KeyError, TypeError, ValueError, AssertionError) as e:
            rep.add(
                ERROR,
                "科室数据",
                f"{name}：{path.name} 中 {doc.get('month', '某月')} 的记录内容不完整（{e}）",
            )
            continue
        count += 1
        rep.months_checked += 1
        package_dir = (imported or {}).get(f"{sid}/{sm.month}")
        for iid, entry in sorted(sm.entries.items()):
            for ev in entry.evidence:
                rep.evidence_checked += 1
                refused = _unsafe_evidence(ev.abs_path or ev.path, package_dir)
                if refused:
                    rep.evidence_states["not-checked"] = (
                        rep.evidence_states.get("not-checked", 0) + 1
                    )
                    rep.add(
                        INFO,
                        "佐证材料",
                        f"{name} {sm.month.label} 第{iid}项：{ev.file_name} {refused}，未打开核对",
                    )
                    continue
                try:
                    state = evidence_state(ev)
                except OSError:
                    state = "unreadable"
                rep.evidence_states[state] = rep.evidence_states.get(state, 0) + 1
                if state != OK:
                    hint = "文件被移走、改名或删除了？" if state == MISSING else ""
                    rep.add(
                        WARN,
                        "佐证材料",
                        f"{name} {sm.month.label} 第{iid}项：{state_label(state)}——{ev.abs_path or ev.path}{('（' + hint + '）') if hint else ''}",
                    )
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
            rep.add(
                WARN, "占用", f"{name}：正{who}，但看来已失效（{stale}）；打开本科室时可以选择接管"
            )
        else:
            rep.add(INFO, "占用", f"{name}：正{who}")
        return
    except OSError as e:
        rep.add(WARN, "占用", f"{name}：无法检查占用锁（{os_reason(e)}）")
        return
    lk.release()
    if holder is not None and not holder.released:
        rep.add(
            INFO,
            "占用",
            f"{name}：上次使用（{holder.describe()}）没有正常关闭；数据文件已检查，下次打开时自动处理",
        )
    else:
        rep.add(OK_LEVEL, "占用", f"{name}：目前没有人在用")


def _check_backups(rep: Report, sdir: Path, sid: str, name: str, backups: Backups) -> None:
    snaps = backups.snapshots(sid)
    has_data = any(is_data_file(p.name) for p in sdir.iterdir() if p.is_file())
    if not snaps:
        if has_data:
            rep.add(
                WARN,
                "备份",
                f"{name}：还没有任何备份（打开本科室或运行 creditcheck backup 时会自动备份）",
            )
        return
    bad = 0
    for s in snaps:
        for fname in s.files:
            if backups.read_copy(s, fname) is None:
                bad += 1
                rep.add(
                    WARN, "备份", f"{name}：备份 {s.id} 中的 {fname} 已损坏或被改动，不能用于恢复"
                )
    last = snaps[-1]
    rep.add(
        OK_LEVEL if not bad else WARN,
        "备份",
        f"{name}：共 {len(snaps)} 次备份，最近一次 {id_label(last.id)}（{reason_label(last.reason)}）",
    )


# ───────────────────────── 佐证路径、目录、日历、数据包、临时文件 ─────────────────────────


def damaged_aside(data_dir: Path, section_id: str, month: str) -> list[Path]:
    """某科室某月的数据文件曾损坏、已改名保留（``<年-月>.json.damaged-…``）而原文件还没有恢复时，
    这些改名保留的文件；导出该月材料之前用它提醒用户（否则材料会悄悄显示为全部“未开始”）。"""
    folder = Path(data_dir) / "sections" / section_id
    if not _SAFE_ID.match(section_id) or not folder.is_dir() or (folder / f"{month}.json").exists():
        return []
    return sorted(folder.glob(f"{month}.json.damaged-*")) + sorted(
        folder.glob(f"{month[:4]}.json.damaged-*")
    )


def _unsafe_evidence(text: str, package_dir: Path | None) -> str:
    """不应打开的佐证路径：返回原因（空字符串表示可以核对）。

    - 来自数据包的月份：只核对随包解出、位于 ``packages/<科室>/<月>/evidence/`` 下的文件；
    - 网络路径（\\\\host\\share、//host/share）：打开会向对方发送本机的登录凭据；
    - 存在但不是普通文件（设备、命名管道、文件夹）：读它会卡住或读不完。
    """
    import os
    import stat

    if not text:
        return "没有路径"
    if text.startswith(("\\\\", "//")):
        return "是网络路径"
    p = Path(text)
    if package_dir is not None:
        try:
            inside = p.resolve().is_relative_to(package_dir.resolve())
        except (OSError, RuntimeError, ValueError):
            inside = False
        if not inside:
            return "来自数据包、不在随包解出的原件中"
    try:
        st = os.stat(p)
    except (OSError, ValueError):
        return ""  # 不存在：照常报“缺失”（不会打开）
    if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
        return "不是普通文件"
    return ""


def _check_catalogs(rep: Report, data_dir: Path) -> None:
    """用户目录 catalog.toml 与存档的各版本 catalogs/*.toml：读不了时每个命令都会失败。"""
    from creditcheck.catalog import CatalogError, load_file, user_catalog_path, versions_dir

    files = []
    user = user_catalog_path(data_dir)
    if user.exists():
        files.append(user)
    folder = versions_dir(data_dir)
    if folder.is_dir():
        files.extend(sorted(folder.glob("*.toml")))
    for p in files:
        rep.files_checked += 1
        try:
            if not p.is_file() or p.stat().st_size > 4 * 1024 * 1024:
                raise CatalogError(f"目录文件 {p} 不是普通文件或大得不正常")
            load_file(p)
        except CatalogError as e:
            fix = (
                "请改正这个文件；或把它改名（如 catalog.toml.bak）改用内置目录"
                if p == user
                else "请删除这个存档（当前目录会在下次启动时重新存档）"
            )
            rep.add(ERROR, "指标目录", f"{e}。在修好之前每个命令都会失败；{fix}")
        except Exception as e:  # noqa: BLE001 - 任何读不了的目录都要报告，不让体检本身崩溃
            rep.add(
                ERROR,
                "指标目录",
                f"目录文件 {p} 无法读取（{type(e).__name__}）；请改正或改名该文件",
            )
        else:
            rep.add(OK_LEVEL, "指标目录", f"目录文件完好：{p}")


def _check_calendars(rep: Report, data_dir: Path, fix: bool, now: datetime) -> None:
    """用户导入的节假日安排 calendar/*.csv：读不了时每个按工作日计算的命令都会失败。"""
    from creditcheck.errors import CreditCheckError
    from creditcheck.workcal import calendar_dir, parse_csv

    folder = calendar_dir(data_dir)
    if not folder.is_dir():
        return
    for p in sorted(folder.iterdir()):
        if p.name.startswith(".") and p.name.endswith(".tmp"):
            _leftover(rep, "节假日安排", p, None, fix, now, "节假日安排")
            continue
        if p.suffix.lower() != ".csv":
            continue
        rep.files_checked += 1
        try:
            import os
            import stat

            st = os.stat(p)
            if not stat.S_ISREG(st.st_mode):
                raise CreditCheckError("不是普通文件")
            if st.st_size > 1024 * 1024:
                raise CreditCheckError("文件大得不正常")
            raw = p.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("gb18030")
            rules = parse_csv(text, source=p.name)
        except (CreditCheckError, UnicodeDecodeError, OSError, ValueError) as e:
            detail = os_reason(e) if isinstance(e, OSError) else str(e)[:200]
            rep.add(
                ERROR,
                "节假日安排",
                f"节假日文件 {p} 有误（{detail}）。在修好之前按工作日计算的命令都会失败；"
                f"请用 creditcheck calendar import 重新导入该年的安排，或删除这个文件（改按内置数据）",
            )
        else:
            rep.add(OK_LEVEL, "节假日安排", f"{p.name}：完好，{len(rules)} 天")


def _check_packages(rep: Report, data_dir: Path, fix: bool, now: datetime) -> dict[str, Path]:
    """数据包导入记录与随包解出的原件；返回 {"科室/年-月": 该月原件所在文件夹}。"""
    folder = data_dir / "packages"
    out: dict[str, Path] = {}
    if not folder.is_dir():
        return out
    reg = folder / "imports.json"
    if reg.exists():
        rep.files_checked += 1
        try:
            data = read_json(reg)
            check_registry(reg, data)
        except CorruptFileError as e:
            rep.add(
                ERROR,
                "数据包",
                f"数据包导入记录 {reg} 已损坏（{e.detail}）。请把它改名保留；"
                "之后导入数据包时不再比较新旧，需要时加 --force",
            )
            data = None
        except StorageError as e:
            rep.add(ERROR, "数据包", str(e))
            data = None
        for key in data or {}:
            sid, _, month = str(key).partition("/")
            if _SAFE_ID.match(sid) and re.match(r"^\d{4}-\d{2}$", month):
                out[key] = folder / sid / month / "evidence"
    for p in sorted(folder.rglob(".*")):
        n = p.name
        if n.endswith(".tmp") or n.startswith((".evidence-", ".old-", ".staging-")):
            rel = p.relative_to(folder)
            lock = data_dir / "sections" / rel.parts[0] / LOCK_NAME if len(rel.parts) > 1 else None
            _leftover(rep, "数据包", p, lock, fix, now, "数据包")
    return out


def _check_root_leftovers(rep: Report, data_dir: Path, fix: bool, now: datetime) -> None:
    interrupted = [
        p for p in sorted(data_dir.iterdir()) if p.is_dir() and p.name.startswith(".import-")
    ]
    if interrupted:
        if fix:
            from .rollback import FolderGuard

            undone = FolderGuard.recover(data_dir)
            for p in undone:
                rep.fixed.append(p)
                rep.add(
                    INFO,
                    "数据包",
                    f"上次导入数据包时程序被中断；已按撤销点 {p.name} 把数据恢复到那次导入之前",
                )
            for p in interrupted:
                if p not in undone:
                    rep.add(
                        WARN, "数据包", f"撤销点 {p} 正在使用（有人正在导入数据包），这次没有处理"
                    )
        else:
            for p in interrupted:
                rep.add(
                    WARN,
                    "数据包",
                    f"上次导入数据包时程序被中断（留下撤销点 {p.name}），那次导入可能只写了一部分；"
                    f'运行 creditcheck doctor --fix --data "{data_dir}" 撤销它（下次导入数据包时也会自动撤销）',
                )
    for p in sorted(data_dir.iterdir()):
        if p.name.startswith(".") and p.name.endswith(".tmp"):
            _leftover(rep, "数据文件夹", p, None, fix, now, "数据文件夹")


_LEFTOVER_AGE = 3600
"""没有占用锁可查的地方，临时文件要放了这么多秒以上才算“已无人使用”。"""


def _lock_free(lock: Path | None) -> bool | None:
    """占用锁现在没有人持有：True；有人持有：False；无锁可查：None。"""
    if lock is None:
        return None
    if not lock.parent.is_dir():
        return True
    lk = FileLock(lock, timeout=0, thread_local=False, preserve_lock_file=True)
    try:
        lk.acquire(timeout=0)
    except (Timeout, OSError):
        return False
    lk.release()
    return True


def _leftover(
    rep: Report, topic: str, p: Path, lock: Path | None, fix: bool, now: datetime, where: str
) -> None:
    """写入或备份中断留下的临时文件（文件夹）：报告；``fix`` 时能证明无人使用就删除。"""
    import shutil

    kind = "文件夹" if p.is_dir() else "文件"
    if fix:
        free = _lock_free(lock)
        if free is None:
            try:
                age = now.timestamp() - p.stat().st_mtime
            except OSError:
                age = 0
            free = age > _LEFTOVER_AGE
        if free:
            try:
                if p.is_dir():
                    shutil.rmtree(p)
                else:
                    p.unlink()
            except OSError as e:
                rep.add(
                    WARN, topic, f"{where}：临时{kind} {p} 删除失败（{os_reason(e)}）；请手动删除"
                )
                return
            rep.fixed.append(p)
            rep.add(INFO, topic, f"{where}：已清理中断留下的临时{kind} {p}")
            return
        rep.add(
            WARN,
            topic,
            f"{where}：临时{kind} {p} 可能正在使用（有人正在写入），这次没有清理；稍后再运行 creditcheck doctor --fix",
        )
        return
    rep.add(
        WARN,
        topic,
        f"{where}：有写入中断留下的临时{kind} {p}（原数据未受影响）；"
        f'运行 creditcheck doctor --fix --data "{rep.data_dir}" 清理',
    )


def _check_partials(
    rep: Report, topic: str, backups: Backups, scope: str, lock: Path, fix: bool, now: datetime
) -> None:
    root = backups.section_root(scope)
    if not root.is_dir():
        return
    for p in sorted(root.iterdir()):
        if p.name.startswith(".") and (p.name.endswith(".partial") or p.name.endswith(".tmp")):
            _leftover(rep, topic, p, lock, fix, now, "备份")


def _check_manifests(rep: Report, topic: str, backups: Backups, scope: str, name: str) -> None:
    for folder, detail in backups.damaged_snapshots(scope):
        rep.add(
            WARN,
            topic,
            f"{name}：备份 {folder.name} 的清单已损坏（{detail}），这次备份不能用于恢复；"
            f"其余备份不受影响。可以删除这个备份文件夹：{folder}",
        )
