"""备份与恢复（命令行的 ``backup`` / ``restore``；界面打开时与导出前的备份由仓库和 ``documents`` 完成）。"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .stores import reading_store, writing_store

if TYPE_CHECKING:
    from storage.backups import BackupInfo, BackupResult, RestoreResult


def backup_now(data_dir: Path, actor: str, sections: list[str] | None = None) -> BackupResult:
    """立即备份有改动的数据文件（``sections`` 为空时为全部科室和体系科的审核文件）。"""
    return writing_store(data_dir, actor).backup("manual", sections)


def list_backups(data_dir: Path, sections: list[str] | None = None) -> list[BackupInfo]:
    """全部备份（从旧到新）；给了 ``sections`` 时只列含这些科室的。"""
    items = reading_store(data_dir).backups()
    if sections is not None:
        items = [b for b in items if any(s in b.sections for s in sections)]
    return items


def restore(
    data_dir: Path, actor: str, when: str, sections: list[str] | None = None
) -> RestoreResult:
    """恢复到某次备份（恢复前先把当前数据再备份一次）。"""
    return writing_store(data_dir, actor).restore(when, sections)


def reason_label(reason: str) -> str:
    """备份原因的中文说法。"""
    from storage.backups import reason_label as label

    return label(reason)


def id_label(backup_id: str) -> str:
    """备份编号 → “2026-11-28 09:30:00”。"""
    from storage.backups import id_label as label

    return label(backup_id)
