"""逐项自查页“台账”一栏里的问题清单：第几行、哪一列、填的是什么、问题是什么；以及“另存标注副本”。

问题从本月导入时存下的台账记录里读（界面导入的存在 meta.problems，命令行导入的在每行的 _issues）。
标注副本与 ``creditcheck ledger check --annotate`` 同一做法（``creditcheck.services.ledgers.annotate_ledger``）：
重新检查原文件，再写出：有问题的格涂色加批注，另加“问题汇总”页。
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from creditcheck.records import dataclass


@dataclass(frozen=True)
class LedgerProblem:
    """台账里的一个问题（显示用）。"""

    row: int
    column: str
    value: str
    message: str
    late: bool = False
    """只是迟报（影响及时率，不影响合规率）。"""


def problems_of(record: dict[str, Any] | None) -> list[LedgerProblem]:
    """一次导入的记录里的问题，按行号排列。"""
    if not record:
        return []
    meta = record.get("meta") or {}
    listed = meta.get("problems")
    out: list[LedgerProblem] = []
    if isinstance(listed, list):
        for p in listed:
            if isinstance(p, dict):
                out.append(
                    LedgerProblem(
                        int(p.get("row") or 0),
                        str(p.get("column", "")),
                        str(p.get("value", "") or ""),
                        str(p.get("message", "")),
                        p.get("kind") == "late",
                    )
                )
    else:
        for rec in record.get("rows") or []:
            if not isinstance(rec, dict):
                continue
            for issue in rec.get("_issues") or []:
                col = str(issue.get("column", ""))
                value = rec.get(col)
                out.append(
                    LedgerProblem(
                        int(rec.get("_row") or 0),
                        col,
                        "" if value is None else str(value),
                        str(issue.get("message", "")),
                        issue.get("kind") == "late",
                    )
                )
    out.sort(key=lambda p: p.row)
    return out


def source_path(record: dict[str, Any] | None, start_dir: Path) -> Path | None:
    """导入时的原文件（记录里有完整路径时）；只记了文件名时在常用文件夹里找；找不到为 None。"""
    meta = (record or {}).get("meta") or {}
    full = meta.get("path")
    if full and Path(full).is_file():
        return Path(full)
    name = meta.get("file")
    if name and (start_dir / name).is_file():
        return start_dir / name
    return None


def annotated_path(src: Path) -> Path:
    """标注副本放在原文件旁边：双公示台账.xlsx -> 双公示台账-问题标注.xlsx。"""
    return src.with_name(f"{src.stem}-问题标注.xlsx")


def write_annotated_copy(
    src: Path, kind: str, catalog: Any, calendar: Any, today: date, out: Path
) -> Path:
    """重新检查 ``src`` 并写出标注副本（与 ledger check --annotate 相同的两步）。"""
    from creditcheck.services.ledgers import annotate_ledger

    return annotate_ledger(src, kind, catalog, calendar, today, out)
