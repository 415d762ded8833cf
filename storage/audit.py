"""审计日志：谁、何时、改了什么（字段路径）、原值与新值。只追加，按科室和年份分文件。

    sections/<科室id>/audit-<年>.jsonl    每次保存一行 JSON（UTF-8），写完即 fsync

为什么用 JSON Lines 而不是 TinyDB 文件：追加一行的代价与已有记录多少无关，且从不改写旧记录；
TinyDB 文件每次都要整个重写，日志越长越慢，重写中途出错还会连旧记录一起危及。进程在追加
途中被杀，最坏只留下半行，读取时跳过（体检会报告），下一次追加先补换行。
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from creditcheck.oserrors import os_reason

from .atomic import StorageError, append_line_durable

IGNORED_KEYS = frozenset({"saved_at", "saved_by", "rev", "schema", "updated_at"})
"""比较时忽略的键：保存时自动更新的时间戳与版本号，不算“改了什么”。"""


def audit_path(section_dir: Path, year: int) -> Path:
    return section_dir / f"audit-{year}.jsonl"


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """带 id 的对象列表（材料、事件）按 id 比较；否则整体比较。"""
    if not all(isinstance(x, dict) and isinstance(x.get("id"), str) for x in items):
        return None
    return {x["id"]: x for x in items}


def diff(old: Any, new: Any, path: str = "") -> list[dict[str, Any]]:
    """两份 JSON 文档的差异：[{"path": "entries.8.counts.credit_checks", "old": 3, "new": 5}, …]。

    字典逐键比较；带 id 的对象列表按 id 比较（路径写作 ``events[ab12cd]``）；
    新增或删除的整项记为一条（旧值或新值为 None）。
    """
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[dict[str, Any]] = []
        for k in list(old) + [k for k in new if k not in old]:
            if k in IGNORED_KEYS:
                continue
            sub = f"{path}.{k}" if path else str(k)
            if k not in old:
                out.append({"path": sub, "old": None, "new": new[k]})
            elif k not in new:
                out.append({"path": sub, "old": old[k], "new": None})
            else:
                out.extend(diff(old[k], new[k], sub))
        return out
    if isinstance(old, list) and isinstance(new, list) and old != new:
        ko, kn = _keyed(old), _keyed(new)
        if ko is not None and kn is not None and (old or new):
            out = []
            for i in list(ko) + [i for i in kn if i not in ko]:
                sub = f"{path}[{i}]"
                if i not in ko:
                    out.append({"path": sub, "old": None, "new": kn[i]})
                elif i not in kn:
                    out.append({"path": sub, "old": ko[i], "new": None})
                else:
                    out.extend(diff(ko[i], kn[i], sub))
            return out
    if old != new:
        return [{"path": path, "old": old, "new": new}]
    return []


def append(path: Path, record: dict[str, Any]) -> None:
    append_line_durable(path, json.dumps(record, ensure_ascii=False, separators=(",", ":")))


def read(path: Path) -> tuple[list[dict[str, Any]], int]:
    """读出全部审计记录，以及读不懂的行数（追加中断留下的半行）。"""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return [], 0
    except OSError as e:
        raise StorageError(f"审计日志无法读取：{path}（{os_reason(e)}）") from None
    records: list[dict[str, Any]] = []
    bad = 0
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            rec = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            bad += 1
            continue
        if isinstance(rec, dict):
            records.append(rec)
        else:
            bad += 1
    return records, bad
