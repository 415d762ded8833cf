"""数据文件的格式版本与升级。

每个数据文件都有一张 ``_meta`` 表记录格式版本（TinyDB 布局）::

    {"_meta": {"1": {"schema": 2, "kind": "months", "section_id": "office", "year": 2026, "month": "2026-11"}},
     "months": {"1": {...一个月的记录...}}}

版本历史：

- 第 1 版（最初发布）：``_meta`` 只有 ``schema``（或整张表缺失）；月记录没有 ``rev``/``saved_by``；
  审计日志是 TinyDB 文件 ``audit-<年>.json``（表 ``audit``，每项改动一行）。
  自查记录每个科室每年一个文件 ``<年>.json``。
- 第 2 版（当前）：自查记录每个科室每月一个文件 ``<年>-<月>.json``（保存的代价不随当年已有月份增长）；
  ``_meta`` 写明文件种类、科室、年份（与月份）；月记录带修订号 ``rev`` 与保存人 ``saved_by``；
  审计日志改为只追加的 ``audit-<年>.jsonl``（每次保存一行，含全部改动）。台账仍按年分文件。

第 2 版之内的补充（不改版本号，旧程序读新文件、新程序读旧文件都不受影响）：

- 审核记录（月度文件的 ``history``、审核文件的 ``decisions``）每条带唯一编号 ``id``（uuid4 十六进制），
  合并、去重只看编号。旧记录没有编号：读取时按内容与“同样内容的第几条”推出固定的编号
  （``review_records``），每次读出都相同；下一次写这个文件时编号一并写下。
- 月度记录的 ``rev`` 与 ``saved_at`` 是保存时“比较并交换”的版本标记；旧记录没有 ``rev`` 时按 0 算
  （第 1 版升级时补为 1）。

打开旧版本文件时在内存中逐版升级；取得本科室占用时先备份再写回升级后的文件。
比当前版本更新的文件（由新版程序写入）只读打开，绝不覆盖。
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from creditcheck.models import ReviewRecord, history_from_dicts

from . import audit as audit_log
from .atomic import CorruptFileError, read_json

CURRENT = 2
"""本程序写出的数据文件格式版本。"""

MONTHS = "months"
LEDGER = "ledger"

Data = dict[str, Any]


def file_schema(data: Data) -> int:
    """文件的格式版本；没有 ``_meta`` 的文件是第 1 版。"""
    meta = data.get("_meta")
    if isinstance(meta, dict) and meta:
        first = next(iter(meta.values()))
        if isinstance(first, dict):
            try:
                return int(first.get("schema", 1))
            except (TypeError, ValueError):
                return 1
    return 1


def meta_record(kind: str, section_id: str, year: int, month: str | None = None) -> dict[str, Any]:
    rec: dict[str, Any] = {"schema": CURRENT, "kind": kind, "section_id": section_id, "year": year}
    if month:
        rec["month"] = month
    return rec


def _v1_to_v2(data: Data, kind: str, section_id: str, year: int) -> Data:
    out = copy.deepcopy(data)
    out["_meta"] = {"1": {"schema": 2, "kind": kind, "section_id": section_id, "year": year}}
    if kind == MONTHS:
        for doc in (out.get("months") or {}).values():
            if isinstance(doc, dict):
                doc.setdefault("rev", 1)
                doc.setdefault("saved_by", "")
    return out


def split_year_file(data: Data, section_id: str, year: int) -> dict[str, Data]:
    """第1版的年度记录文件 → 每月一个第2版文件的内容：{"2025-03": {...}}。"""
    data = migrate(data, MONTHS, section_id, year)
    out: dict[str, Data] = {}
    for doc in (data.get("months") or {}).values():
        if isinstance(doc, dict) and isinstance(doc.get("month"), str):
            out[doc["month"]] = {
                "_meta": {"1": meta_record(MONTHS, section_id, year, doc["month"])},
                "months": {"1": doc},
            }
    return out


STEPS: dict[int, Callable[[Data, str, str, int], Data]] = {1: _v1_to_v2}
"""第 N 版 → 第 N+1 版的升级步骤。"""


def migrate(data: Data, kind: str, section_id: str, year: int) -> Data:
    """把文件内容逐版升级到 CURRENT（不改传入的对象）。"""
    version = file_schema(data)
    while version < CURRENT:
        data = STEPS[version](data, kind, section_id, year)
        version += 1
    return data


def migrate_audit_v1(section_dir: Path, year: int, section_id: str) -> int:
    """把第 1 版的审计日志 ``audit-<年>.json`` 转写到 ``audit-<年>.jsonl`` 开头。

    旧文件改名为 ``audit-<年>.json.v1`` 保留（不删除）。返回转写的记录数。
    """
    old = section_dir / f"audit-{year}.json"
    if not old.exists():
        return 0
    try:
        data = read_json(old)
    except CorruptFileError:
        return 0  # 读不懂的旧日志原样保留，体检会报告
    rows = (data or {}).get("audit") or {}
    records = []
    for _, row in sorted(rows.items(), key=lambda kv: int(kv[0]) if str(kv[0]).isdigit() else 0):
        if not isinstance(row, dict):
            continue
        records.append(
            {
                "at": row.get("at", ""),
                "who": row.get("who", ""),
                "section": section_id,
                "month": row.get("month", ""),
                "changes": [
                    {"path": row.get("field", ""), "old": row.get("old"), "new": row.get("new")}
                ],
                "migrated_from": old.name,
            }
        )
    new = audit_log.audit_path(section_dir, year)
    existing = new.read_bytes() if new.exists() else b""
    import json

    from .atomic import write_text_atomic

    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records]
    text = ("\n".join(lines) + "\n" if lines else "") + existing.decode("utf-8", errors="replace")
    write_text_atomic(new, text)
    old.replace(old.with_name(old.name + ".v1"))
    return len(records)


def review_records(items: Any) -> list[ReviewRecord]:
    """文件里的一串审核记录 → ReviewRecord；没有编号的旧记录得到固定的编号（见模块说明）。"""
    return history_from_dicts(items)
