"""数据文件的结构校验：解析 JSON 时的上限，以及每种数据文件“能解析但内容不对”的检查。

能解析、但结构或类型不对的文件（如 ``{"months": 5}``、``"entries": "x"``、设置里 ``{"data_dir": 7}``）
与截断的文件一样算损坏：读取时抛 ``CorruptFileError``，由调用方按损坏文件处理（改名保留、
报告恢复命令），绝不在后面某处崩溃。

解析上限（``loads``）：
- 数字最多 ``MAX_DIGITS`` 位，在转换成 int/float 之前检查（5000 位的整数不会进入 ``int()``）；
  NaN、Infinity 和溢出成无穷大的小数一律拒绝；
- 嵌套最多 ``MAX_DEPTH`` 层（解析器自身的递归保护兜底，10 万层的 ``[`` 也只是一句“嵌套过深”）。

本模块只读不写；检查函数都是纯函数，供 store、doctor、备份、设置共用。
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .atomic import CorruptFileError

MAX_DEPTH = 64
"""数据文件的最大嵌套层数（本程序写出的文件不超过 8 层）。"""
MAX_DIGITS = 30
"""数据文件中一个数字最多的字符数（本程序写出的数字不超过 20 个字符）。"""

_DEEP_BRACKETS = re.compile(r"[\[{](?:\s*[\[{]){" + str(MAX_DEPTH) + "}")


class ShapeError(ValueError):
    """JSON 超出上限或结构不对；消息为中文说明。"""


def _parse_int(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise ShapeError(f"有一个 {len(text)} 位的数字，超过上限 {MAX_DIGITS} 位")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_DIGITS + 10:
        raise ShapeError(f"有一个 {len(text)} 个字符的小数，超过上限")
    value = float(text)
    if not math.isfinite(value):
        raise ShapeError("有一个超出范围的小数")
    return value


def _parse_constant(text: str) -> Any:
    raise ShapeError(f"含有 JSON 不允许的值 {text}")


def loads(text: str) -> Any:
    """带上限的 ``json.loads``；超出上限或格式错误时抛 ``ShapeError``（中文说明）。"""
    if _DEEP_BRACKETS.search(text):  # 快速预检：连续的左括号（不计字符串里的，误报只会更严）
        raise ShapeError(f"嵌套超过 {MAX_DEPTH} 层")
    try:
        data = json.loads(
            text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant
        )
    except RecursionError:
        raise ShapeError(f"嵌套超过 {MAX_DEPTH} 层") from None
    except json.JSONDecodeError as e:
        raise ShapeError(f"JSON 格式错误，第{e.lineno}行") from None
    except ShapeError:
        raise
    except ValueError as e:  # 例如超过 Python 整数位数上限的数字
        raise ShapeError(f"含有无法识别的数值（{str(e)[:60]}）") from None
    _check_depth(data)
    return data


def _check_depth(data: Any) -> None:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ShapeError(f"嵌套超过 {MAX_DEPTH} 层")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node if isinstance(v, (dict, list)))


# ───────────────────────── 结构检查的小工具 ─────────────────────────


class _Bad(Exception):
    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}{what}")


def _type_name(v: Any) -> str:
    return {dict: "表", list: "列表", str: "文字", int: "整数", float: "数字", bool: "是/否"}.get(
        type(v), "空值" if v is None else type(v).__name__
    )


def _want(v: Any, types: tuple[type, ...], where: str, *, optional: bool = False) -> None:
    if v is None and optional:
        return
    if isinstance(v, bool) and bool not in types:
        raise _Bad(where, f" 应为{_type_name(types[0]())}，实际是{_type_name(v)}")
    if not isinstance(v, types):
        want = "、".join(_type_name(t()) for t in types)
        raise _Bad(where, f" 应为{want}，实际是{_type_name(v)}")


Types = tuple[type, ...]
Spec = dict[str, tuple[Types, bool]]
_STR: Types = (str,)
_INT: Types = (int,)
_NUM: Types = (int, float)
_DICT: Types = (dict,)
_LIST: Types = (list,)
_SCALAR: Types = (str, int, float, bool)


def _fields(d: Any, spec: Spec, where: str) -> dict[str, Any]:
    """d 必须是表；spec 中的字段（存在时）类型必须对；第二项为 True 的字段允许 null。多出来的字段不管（向前兼容）。"""
    _want(d, _DICT, where)
    for key, (types, optional) in spec.items():
        if key in d:
            _want(d[key], types, f"{where}.{key}", optional=optional)
    return d


_EVIDENCE: Spec = {
    "id": (_STR, True),
    "path": (_STR, False),
    "abs_path": (_STR, True),
    "kind": (_STR, True),
    "effective_date": (_STR, True),
    "note": (_STR, True),
    "size": (_INT, True),
    "mtime": (_NUM, True),
    "sha256": (_STR, True),
    "attached_at": (_STR, True),
}
_EVENT: Spec = {
    "id": (_STR, True),
    "kind": (_STR, False),
    "title": (_STR, True),
    "occurred_at": (_STR, False),
    "done_at": (_STR, True),
    "due_at": (_STR, True),
    "note": (_STR, True),
    "fields": (_DICT, True),
}
_ENTRY: Spec = {
    "indicator_id": (_INT, False),
    "status": (_STR, True),
    "reason": (_STR, True),
    "note": (_STR, True),
    "counts": (_DICT, True),
    "evidence": (_LIST, True),
    "events": (_LIST, True),
    "completed_at": (_STR, True),
    "updated_at": (_STR, True),
}
_RECORD: Spec = {
    "action": (_STR, False),
    "at": (_STR, False),
    "by": (_STR, True),
    "comment": (_STR, True),
    "seen": (_INT, True),
    "id": (_STR, True),
}
_MONTH: Spec = {
    "section_id": (_STR, False),
    "month": (_STR, False),
    "catalog_version": (_STR, True),
    "person": (_STR, True),
    "phone": (_STR, True),
    "review": (_STR, True),
    "history": (_LIST, True),
    "entries": (_DICT, True),
    "ledgers": (_DICT, True),
    "rev": (_INT, True),
    "saved_by": (_STR, True),
    "saved_at": (_STR, True),
}


def _check_month_doc(doc: Any, where: str) -> None:
    _fields(doc, _MONTH, where)
    for key in ("section_id", "month"):
        if key not in doc:
            raise _Bad(where, f" 缺少 {key}")
    for k, entry in (doc.get("entries") or {}).items():
        w = f"{where}.entries.{k}"
        _fields(entry, _ENTRY, w)
        for name, n in (entry.get("counts") or {}).items():
            _want(n, _INT, f"{w}.counts.{name}")
        for i, ev in enumerate(entry.get("evidence") or []):
            _fields(ev, _EVIDENCE, f"{w}.evidence[{i}]")
        for i, event in enumerate(entry.get("events") or []):
            _fields(event, _EVENT, f"{w}.events[{i}]")
            for fk, fv in (event.get("fields") or {}).items():
                _want(fv, _SCALAR, f"{w}.events[{i}].fields.{fk}", optional=True)
    for i, r in enumerate(doc.get("history") or []):
        _fields(r, _RECORD, f"{where}.history[{i}]")
    for k, summary in (doc.get("ledgers") or {}).items():
        _want(summary, _DICT, f"{where}.ledgers.{k}")
    # 值的含义（月份、日期、状态）：用领域模型自己的解析来核对
    from creditcheck.models import SectionMonth

    try:
        SectionMonth.from_dict(dict(doc))
    except Exception as e:  # noqa: BLE001 - 任何解析失败都是“内容不对”
        raise _Bad(where, f" 的内容无法识别（{type(e).__name__}: {str(e)[:80]}）") from None


def _check_ledger_record(doc: Any, where: str) -> None:
    _fields(
        doc,
        {
            "month": (_STR, False),
            "kind": (_STR, True),
            "rows": (_LIST, False),
            "meta": (_DICT, True),
            "saved_at": (_STR, True),
            "saved_by": (_STR, True),
        },
        where,
    )
    for key in ("month", "rows"):
        if key not in doc:
            raise _Bad(where, f" 缺少 {key}")
    for i, row in enumerate(doc["rows"]):
        if not isinstance(row, dict):
            raise _Bad(f"{where}.rows[{i}]", f" 应为表，实际是{_type_name(row)}")
        for k, v in row.items():
            if v is not None and not isinstance(v, _SCALAR) and not isinstance(v, (list, dict)):
                raise _Bad(f"{where}.rows[{i}].{k}", " 类型不对")


def _check_tables(data: Any, table: str, check_doc: Callable[[Any, str], None]) -> None:
    _want(data, _DICT, "文件")
    meta = data.get("_meta")
    if meta is not None:
        _want(meta, _DICT, "_meta")
        for k, v in meta.items():
            _want(v, _DICT, f"_meta.{k}")
    docs = data.get(table)
    if docs is None:
        return
    _want(docs, _DICT, table)
    for k, doc in docs.items():
        check_doc(doc, f"{table}.{k}")


# ───────────────────────── 各种数据文件 ─────────────────────────

MONTHS = "months"
LEDGER = "ledger"


def check_data_file(path: Path, data: Any, kind: str) -> None:
    """自查记录（months）或台账（ledger）文件的结构。``data`` 为 None（文件不存在）时不检查。

    比本程序新的格式版本只要求是表（新版本的字段本程序不认识，原样只读）。
    """
    if data is None:
        return
    from .migrations import CURRENT, file_schema

    try:
        _want(data, _DICT, "文件")
        if file_schema(data) > CURRENT:
            return
        if kind == LEDGER:
            _check_tables(data, "imports", _check_ledger_record)
        else:
            _check_tables(data, "months", _check_month_doc)
    except _Bad as e:
        raise CorruptFileError(path, f"内容结构不对：{e}") from None


def check_decisions(path: Path, data: Any) -> None:
    """体系科审核文件 reviews/<科室>-<年>-<月>.json 的结构。"""
    if data is None:
        return
    try:
        _fields(
            data,
            {
                "schema": (_INT, True),
                "kind": (_STR, True),
                "section_id": (_STR, True),
                "month": (_STR, True),
                "rev": (_INT, True),
                "decisions": (_LIST, True),
            },
            "文件",
        )
        for i, r in enumerate(data.get("decisions") or []):
            _fields(r, _RECORD, f"decisions[{i}]")
    except _Bad as e:
        raise CorruptFileError(path, f"内容结构不对：{e}") from None


def check_settings(path: Path, data: Any) -> None:
    """本机设置 settings.json：每个已知字段的类型与 Settings 模型一致（未知字段忽略）。"""
    if data is None:
        return
    from dataclasses import fields

    from creditcheck.settings import Settings

    types: dict[str, tuple[type, ...]] = {"str": _STR, "int": _INT, "bool": (bool,)}
    try:
        _want(data, _DICT, "设置")
        for f in fields(Settings):
            if f.name in data:
                want = types.get(str(f.type), _SCALAR)
                _want(data[f.name], want, f.name)
    except _Bad as e:
        raise CorruptFileError(path, f"内容不对：{e}") from None


def check_manifest(path: Path, data: Any) -> None:
    """备份清单 backups/<科室>/<编号>/manifest.json：每个文件都要有 SHA-256 与大小。"""
    try:
        _fields(
            data,
            {
                "created": (_STR, True),
                "reason": (_STR, True),
                "actor": (_STR, True),
                "files": (_DICT, False),
            },
            "清单",
        )
        if "files" not in data:
            raise _Bad("清单", " 缺少文件列表")
        for name, info in data["files"].items():
            _fields(info, {"sha256": (_STR, False), "size": (_INT, False)}, f"files.{name}")
            if "sha256" not in info:
                raise _Bad(f"files.{name}", " 缺少 SHA-256")
            if "/" in name or "\\" in name or name in ("", ".", ".."):
                raise _Bad(f"files.{name}", " 文件名不合法")
    except _Bad as e:
        raise CorruptFileError(path, f"清单内容不对：{e}") from None


def check_registry(path: Path, data: Any) -> None:
    """数据包导入记录 packages/imports.json：每项是一张表。"""
    if data is None:
        return
    try:
        _want(data, _DICT, "导入记录")
        for k, v in data.items():
            _want(v, _DICT, k)
            for field_name in (
                "created_at",
                "payload_sha256",
                "imported_at",
                "file",
                "machine",
                "person",
            ):
                if field_name in v:
                    _want(v[field_name], _STR, f"{k}.{field_name}", optional=True)
    except _Bad as e:
        raise CorruptFileError(path, f"内容结构不对：{e}") from None
