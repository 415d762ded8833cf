"""备份与恢复。

    backups/<科室id>/<备份编号>/manifest.json   这次备份的说明：时间、原因、谁、每个文件的大小与 SHA-256
    backups/<科室id>/<备份编号>/<文件名>         自上次备份以来有改动的文件的副本
    backups/<科室id>/state.json                 上次备份时各文件的指纹（用来判断“有改动”）

备份编号就是备份时间（20261128-093000，同一秒内再备份加 -2、-3）；一次备份覆盖的各科室共用
同一个编号。只复制有改动的文件，所以某一时刻的状态 = 每个文件在该时刻之前最新的那份副本。

轮换：每个科室保留最近 20 次备份，更早的每月保留最后一次。删掉一次备份前，把其中的副本
移到下一次保留的备份里（若那里没有该文件），这样任何保留下来的时刻都能完整恢复。
"""

from __future__ import annotations

import builtins
import hashlib
import os
import re
import shutil
from dataclasses import field
from datetime import datetime
from pathlib import Path
from typing import Any

from creditcheck.oserrors import os_reason
from creditcheck.records import dataclass

from .atomic import (
    CorruptFileError,
    StorageError,
    fsync_dir,
    read_json,
    write_json_atomic,
)
from .atomic import write_bytes_atomic as write_bytes_atomic  # 旧的导入位置仍然可用
from .schema import check_manifest

KEEP_LAST = 20
_ID_RE = re.compile(r"^(\d{8}-\d{6})(?:-(\d+))?$")
_DATA_FILE_RE = re.compile(
    r"^(?:\d{4}(?:-\d{2})?\.json|ledger-[A-Za-z0-9_-]{1,40}-\d{4}\.json|audit-\d{4}\.jsonl"
    r"|[A-Za-z0-9_-]{1,40}-\d{4}-\d{2}\.json)$"  # 最后一种：reviews/ 里体系科的审核文件
)

REASONS = {
    "session": "打开时自动备份",
    "export": "导出前自动备份",
    "manual": "手动备份",
    "restore": "恢复前自动备份",
    "migrate": "升级数据格式前自动备份",
    "damaged": "修复损坏文件前自动备份",
    "review": "记录审核决定前自动备份",
}


def reason_label(reason: str) -> str:
    return REASONS.get(reason, reason)


def is_data_file(name: str) -> bool:
    """科室文件夹里需要备份的数据文件（不含锁、占用信息、临时文件、损坏后移开的文件）。"""
    return bool(_DATA_FILE_RE.match(name))


def id_key(backup_id: str) -> tuple[str, int]:
    m = _ID_RE.match(backup_id)
    if not m:
        return (backup_id, 0)
    return (m.group(1), int(m.group(2) or 1))


def id_time(backup_id: str) -> datetime | None:
    m = _ID_RE.match(backup_id)
    if not m:
        return None
    return datetime.strptime(m.group(1), "%Y%m%d-%H%M%S")


def id_label(backup_id: str) -> str:
    t = id_time(backup_id)
    return t.strftime("%Y-%m-%d %H:%M:%S") if t else backup_id


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _valid_content(name: str, data: bytes) -> bool:
    """副本是否完好：JSON 文件必须能解析；审计日志（只追加）不检查。"""
    if not name.endswith(".json"):
        return True
    from .schema import ShapeError, loads

    try:
        return isinstance(loads(data.decode("utf-8")), dict)
    except (UnicodeDecodeError, ShapeError):
        return False


@dataclass
class Snapshot:
    """某科室的一次备份。"""

    section_id: str
    id: str
    path: Path
    created: str
    reason: str
    actor: str
    files: dict[str, dict[str, Any]]

    @property
    def label(self) -> str:
        return id_label(self.id)


@dataclass
class BackupInfo:
    """一次备份（可能涉及多个科室），供列表显示。"""

    id: str
    created: str
    reason: str
    actor: str
    sections: dict[str, list[str]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return id_label(self.id)

    @property
    def file_count(self) -> int:
        return sum(len(v) for v in self.sections.values())


@dataclass
class BackupResult:
    id: str | None
    files: dict[str, list[str]] = field(default_factory=dict)
    skipped_damaged: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    target: str
    pre_backup: str | None
    restored: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    newer_kept: list[Path] = field(default_factory=list)
    """备份点之后才新建的文件：原样保留。"""


class Backups:
    """一个数据文件夹的备份区。"""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.root = data_dir / "backups"

    def section_root(self, section_id: str) -> Path:
        return self.root / section_id

    # ── 读 ──
    def snapshots(self, section_id: str) -> list[Snapshot]:
        """该科室的全部备份，按时间从旧到新。"""
        root = self.section_root(section_id)
        if not root.is_dir():
            return []
        out: list[Snapshot] = []
        for d in root.iterdir():
            if not d.is_dir() or not _ID_RE.match(d.name):
                continue
            try:
                m = read_json(d / "manifest.json")
                check_manifest(d / "manifest.json", m)
            except StorageError:
                m = None  # 清单损坏的备份不能用于恢复（体检与恢复命令会报告它，见 damaged_snapshots）
            if not isinstance(m, dict):
                continue
            out.append(
                Snapshot(
                    section_id,
                    d.name,
                    d,
                    str(m.get("created", "")),
                    str(m.get("reason", "")),
                    str(m.get("actor", "")),
                    dict(m.get("files") or {}),
                )
            )
        return sorted(out, key=lambda s: id_key(s.id))

    def damaged_snapshots(self, section_id: str) -> list[tuple[Path, str]]:
        """清单缺失、截断或内容不对的备份（不能用于恢复）：[(备份文件夹, 原因)]。"""
        root = self.section_root(section_id)
        if not root.is_dir():
            return []
        out: list[tuple[Path, str]] = []
        for d in sorted(root.iterdir()):
            if not d.is_dir() or not _ID_RE.match(d.name):
                continue
            try:
                m = read_json(d / "manifest.json")
                if m is None:
                    raise CorruptFileError(d / "manifest.json", "清单文件不存在")
                check_manifest(d / "manifest.json", m)
            except CorruptFileError as e:
                out.append((d, e.detail))
            except StorageError as e:
                out.append((d, str(e)))
        return out

    def refuse_damaged(self, when: str, target: str | None, sections: builtins.list[str]) -> None:
        """``when`` 指的（或比匹配到的 ``target`` 更晚的同前缀）备份清单已损坏时，拒绝恢复并说明。

        不这样做，恢复会悄悄跳过那个备份（或改用更早的一个），还说“当前数据与该备份相同”。
        """
        digits = re.sub(r"\D", "", when or "")
        if not digits:
            return
        for sid in sections:
            for folder, detail in self.damaged_snapshots(sid):
                if not re.sub(r"\D", "", folder.name).startswith(digits):
                    continue
                if target is None or id_key(folder.name) >= id_key(target):
                    raise StorageError(
                        f"备份 {folder.name} 的清单已损坏（{detail}），不能用它恢复；"
                        "不带参数运行 creditcheck restore 可列出其他完好的备份"
                    )

    def section_ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(
            p.name
            for p in self.root.iterdir()
            if p.is_dir() and re.match(r"^[A-Za-z0-9_-]{1,40}$", p.name)
        )

    def list(self) -> list[BackupInfo]:
        """全部备份（跨科室按编号合并），从旧到新。"""
        by_id: dict[str, BackupInfo] = {}
        for sid in self.section_ids():
            for s in self.snapshots(sid):
                info = by_id.setdefault(s.id, BackupInfo(s.id, s.created, s.reason, s.actor))
                info.sections[sid] = sorted(s.files)
        return sorted(by_id.values(), key=lambda b: id_key(b.id))

    def match(self, when: str) -> str | None:
        """备份编号或日期时间前缀 → 最后一个匹配的备份编号。

        “2026-11-28”“2026-11-28 09:30”“20261128-0930”“20261128-093000-2”都可以。
        """
        digits = re.sub(r"\D", "", when or "")
        if not digits:
            return None
        best = None
        for b in self.list():
            if re.sub(r"\D", "", b.id).startswith(digits) or b.id == when.strip():
                best = b.id
        return best

    def state_at(self, section_id: str, target: str) -> dict[str, tuple[Snapshot, dict[str, Any]]]:
        """某时刻每个文件最新的副本。"""
        out: dict[str, tuple[Snapshot, dict[str, Any]]] = {}
        tk = id_key(target)
        for s in self.snapshots(section_id):
            if id_key(s.id) > tk:
                break
            for name, info in s.files.items():
                out[name] = (s, info)
        return out

    def read_copy(self, snap: Snapshot, name: str) -> bytes | None:
        """读出一份副本并核对 SHA-256 与内容；不完好时为 None。"""
        info = snap.files.get(name) or {}
        try:
            data = (snap.path / name).read_bytes()
        except OSError:
            return None
        if info.get("sha256") and sha256_bytes(data) != info["sha256"]:
            return None
        return data if _valid_content(name, data) else None

    def newest_good(self, section_id: str, name: str) -> Snapshot | None:
        """该文件最新的完好副本所在的备份。"""
        for s in reversed(self.snapshots(section_id)):
            if name in s.files and self.read_copy(s, name) is not None:
                return s
        return None

    # ── 写 ──
    def _state(self, section_id: str) -> dict[str, dict[str, Any]]:
        try:
            st = read_json(self.section_root(section_id) / "state.json")
        except StorageError:
            st = None
        if isinstance(st, dict):
            return st
        # 状态文件丢失或损坏：从各次备份的清单重建
        rebuilt: dict[str, dict[str, Any]] = {}
        for s in self.snapshots(section_id):
            for name, info in s.files.items():
                rebuilt[name] = {"sha256": info.get("sha256"), "size": info.get("size")}
        return rebuilt

    def new_id(self, now: datetime) -> str:
        base = now.strftime("%Y%m%d-%H%M%S")
        existing = {b for sid in self.section_ids() for b in os.listdir(self.section_root(sid))}
        if base not in existing:
            return base
        n = 2
        while f"{base}-{n}" in existing:
            n += 1
        return f"{base}-{n}"

    def backup(
        self,
        sections: dict[str, Path],
        reason: str,
        actor: str = "",
        now: datetime | None = None,
        force: bool = False,
    ) -> BackupResult:
        """备份各科室自上次备份以来有改动的数据文件（``force`` 时全部复制）。"""
        now = now or datetime.now()
        result = BackupResult(None)
        pending: dict[str, list[tuple[str, bytes, os.stat_result]]] = {}
        states: dict[str, dict[str, dict[str, Any]]] = {}
        for sid, sdir in sorted(sections.items()):
            if not sdir.is_dir():
                continue
            state = self._state(sid)
            states[sid] = state
            for p in sorted(sdir.iterdir()):
                if not p.is_file() or not is_data_file(p.name):
                    continue
                try:
                    st = p.stat()
                    prev = state.get(p.name) or {}
                    if (
                        not force
                        and prev.get("size") == st.st_size
                        and prev.get("mtime_ns") == st.st_mtime_ns
                    ):
                        continue
                    data = p.read_bytes()
                except OSError:
                    continue
                digest = sha256_bytes(data)
                if not force and prev.get("sha256") == digest:
                    state[p.name] = {
                        "sha256": digest,
                        "size": len(data),
                        "mtime_ns": st.st_mtime_ns,
                    }
                    continue
                if not _valid_content(p.name, data):
                    result.skipped_damaged.append(p)
                    continue
                pending.setdefault(sid, []).append((p.name, data, st))
        if not pending:
            for sid, state in states.items():
                self._save_state(sid, state)
            return result
        bid = self.new_id(now)
        result.id = bid
        for sid, files in pending.items():
            root = self.section_root(sid)
            partial = root / f".{bid}.partial"
            try:
                if partial.exists():
                    shutil.rmtree(partial)
                partial.mkdir(parents=True)
                manifest: dict[str, Any] = {
                    "id": bid,
                    "created": now.isoformat(timespec="seconds"),
                    "reason": reason,
                    "actor": actor,
                    "section_id": sid,
                    "files": {},
                }
                for name, data, st in files:
                    with open(partial / name, "wb") as f:
                        f.write(data)
                        f.flush()
                        os.fsync(f.fileno())
                    manifest["files"][name] = {"sha256": sha256_bytes(data), "size": len(data)}
                    states[sid][name] = {
                        "sha256": sha256_bytes(data),
                        "size": len(data),
                        "mtime_ns": st.st_mtime_ns,
                    }
                write_json_atomic(partial / "manifest.json", manifest)
                os.replace(partial, root / bid)
                fsync_dir(root)
            except OSError as e:
                shutil.rmtree(partial, ignore_errors=True)
                raise StorageError(f"备份失败：{root}（{os_reason(e)}）") from None
            result.files[sid] = [n for n, _, _ in files]
            self._save_state(sid, states[sid])
            self.rotate(sid)
        return result

    def _save_state(self, section_id: str, state: dict[str, dict[str, Any]]) -> None:
        if not state:
            return
        try:
            write_json_atomic(self.section_root(section_id) / "state.json", state)
        except StorageError:
            pass  # 只是加速判断，写不了不影响备份本身

    def rotate(self, section_id: str, keep_last: int = KEEP_LAST) -> builtins.list[str]:
        """保留最近 keep_last 次与每月最后一次；删除前把副本移入下一次保留的备份。返回删掉的编号。"""
        snaps = self.snapshots(section_id)
        if len(snaps) <= keep_last:
            return []
        keep = {s.id for s in snaps[-keep_last:]}
        last_of_month: dict[str, str] = {}
        for s in snaps:
            last_of_month[s.id[:6]] = s.id
        keep |= set(last_of_month.values())
        removed: list[str] = []
        for i in range(len(snaps) - 1, -1, -1):
            s = snaps[i]
            if s.id in keep:
                continue
            target = next(t for t in snaps[i + 1 :] if t.id in keep)
            moved = False
            for name, info in s.files.items():
                if name in target.files:
                    continue
                try:
                    os.replace(s.path / name, target.path / name)
                except OSError:
                    continue
                target.files[name] = dict(info, carried_from=s.id)
                moved = True
            if moved:
                m = read_json(target.path / "manifest.json") or {}
                m["files"] = target.files
                write_json_atomic(target.path / "manifest.json", m)
            shutil.rmtree(s.path, ignore_errors=True)
            removed.append(s.id)
        return removed

    def restore_bytes(self, snap: Snapshot, name: str) -> bytes:
        data = self.read_copy(snap, name)
        if data is None:
            raise CorruptFileError(snap.path / name, "备份副本已损坏或被改动")
        return data
