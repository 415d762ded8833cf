"""台账（Excel）检查：双公示（行政许可）、信用承诺和履约践诺、统一社会信用代码重错码清单。

纯领域模块（不导入 openpyxl）：按列名识别表头，逐行检查，算出计数与比率。
行以“单元格值的序列”流式喂入（``LedgerChecker.feed``），所以不用 Excel 也能测试；
读取 Excel 文件见 ``exports.xlsx_read``。

每个问题是一条 ``Problem``（Excel 行号、列名、单元格内容、中文说明）。
``kind`` 为 ``"error"`` 的问题影响合规率；``"late"``（迟报、逾期未处理）只影响及时率。
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NamedTuple

from .catalog import Catalog
from .creditcode import ALPHABET, check_char, structure_problem, validate
from .dates import parse_date
from .errors import CreditCheckError
from .month import Month
from .records import dataclass
from .rules import DeadlineRule, compute_due
from .workcal import WorkCalendar


class LedgerReadError(CreditCheckError):
    """台账文件读不了（不是工作簿、加密、缺少必填列……）；消息是一行中文。

    ``suggested_kind``：表头看来是另一种台账时，那种台账的种类（如 commitment）；命令行据此写出
    确切的 ``--kind commitment``，界面据此指向负责那种台账的指标。"""

    def __init__(self, message: str, suggested_kind: str | None = None) -> None:
        super().__init__(message)
        self.suggested_kind = suggested_kind


# ───────────────────────── 列定义 ─────────────────────────

TEXT, CODE, ENUM, DATE, DATE_OR_LONG, ID_NUMBER = (
    "text",
    "code",
    "enum",
    "date",
    "date-or-long",
    "id-number",
)
VALIDATORS = (TEXT, CODE, ENUM, DATE, DATE_OR_LONG, ID_NUMBER)
ID_CARD_TYPES = ("身份证", "居民身份证")
LONG_TERM = ("长期", "长期有效")


@dataclass(frozen=True)
class Column:
    """台账的一列。``past_only``：日期不能晚于今天（有效期一类的日期可以在将来）。"""

    name: str
    required: bool = False
    type: str = TEXT
    choices: tuple[str, ...] = ()
    width: int = 16
    past_only: bool = False
    hint: str = ""
    in_header: bool = False  # 单元格可以空，但表头必须有这一列
    type_column: str = ""  # 证件号码（id-number）对应的证件类型列

    @property
    def header_required(self) -> bool:
        return self.required or self.in_header

    @property
    def is_date(self) -> bool:
        return self.type in (DATE, DATE_OR_LONG)


@dataclass(frozen=True)
class LedgerSpec:
    """一种台账：种类代码、中文名、列、对应指标与事件类型（用于取期限规则）、查重列。"""

    kind: str
    title: str
    sheet_title: str
    columns: tuple[Column, ...]
    indicator_id: int
    event: str | None = None
    default_rule: str | None = None
    unique: str | None = None
    date_column: str = ""  # 决定该行属于哪个月、期限从哪天起算的日期列

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def required(self) -> tuple[str, ...]:
        """表头必须有的列。"""
        return tuple(c.name for c in self.columns if c.header_required)


SUBJECT_TYPES = ("法人及非法人组织", "个体工商户", "自然人")
LICENCE_CATEGORIES = ("普通", "特许", "认可", "核准", "登记", "其他")
PERFORMANCE = ("已履约", "未履约", "履约中")
CODE_PROBLEMS = ("重码", "错码")

LEDGER_COLUMNS_FILE = "ledger_columns.toml"
"""“双公示”台账的列定义：内置于本包；数据文件夹下的同名文件取而代之（各地市模板的列不尽相同）。"""


class LedgerColumnsError(CreditCheckError):
    """列定义文件有误；消息写明文件与第几列。"""


def parse_licence_columns(text: str, origin: str) -> tuple[Column, ...]:
    """解析“双公示”台账的列定义（TOML 的 ``[[licence]]`` 表）；问题以“文件 + 第几列 + 问题”报出。"""
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise LedgerColumnsError(f"列定义文件 {origin} 格式有误：{e}") from None
    items = data.get("licence")
    if not isinstance(items, list) or not items:
        raise LedgerColumnsError(f"列定义文件 {origin} 没有 [[licence]] 列")
    cols: list[Column] = []
    seen: set[str] = set()
    for n, c in enumerate(items, start=1):
        w = f"列定义文件 {origin} 第{n}列"
        if not isinstance(c, dict):
            raise LedgerColumnsError(f"{w} 格式不对")
        name = c.get("name")
        if not isinstance(name, str) or not name.strip():
            raise LedgerColumnsError(f"{w} 缺少列名 name")
        name = name.strip()
        if name in seen:
            raise LedgerColumnsError(f"{w}：列名“{name}”重复")
        seen.add(name)
        validator = c.get("validator", TEXT)
        if validator not in VALIDATORS:
            raise LedgerColumnsError(
                f"{w}（{name}）：validator 应为 {'、'.join(VALIDATORS)} 之一，实际为“{validator}”"
            )
        choices = c.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(x, str) for x in choices):
            raise LedgerColumnsError(f"{w}（{name}）：choices 应为文字列表")
        if validator == ENUM and not choices:
            raise LedgerColumnsError(f"{w}（{name}）：validator 为 enum 时要写 choices")
        for key in ("required", "in_header", "past_only"):
            if not isinstance(c.get(key, False), bool):
                raise LedgerColumnsError(f"{w}（{name}）：{key} 应为 true 或 false")
        width = c.get("width", 16)
        if isinstance(width, bool) or not isinstance(width, int) or not 4 <= width <= 80:
            raise LedgerColumnsError(f"{w}（{name}）：width 应为 4 到 80 之间的整数")
        cols.append(
            Column(
                name,
                bool(c.get("required", False)),
                validator,
                tuple(choices),
                width,
                bool(c.get("past_only", False)),
                str(c.get("hint", "")),
                bool(c.get("in_header", False)),
                str(c.get("type_column", "")),
            )
        )
    names = {c.name for c in cols}
    for c in cols:
        if c.type == ID_NUMBER and c.type_column and c.type_column not in names:
            raise LedgerColumnsError(
                f"列定义文件 {origin}（{c.name}）：证件类型列“{c.type_column}”不在列定义中"
            )
    if "许可决定日期" not in names:
        raise LedgerColumnsError(
            f"列定义文件 {origin} 缺少“许可决定日期”列（期限从这一天起算，不能没有）"
        )
    return tuple(cols)


def builtin_columns_text() -> str:
    from importlib import resources

    return resources.files("creditcheck").joinpath(LEDGER_COLUMNS_FILE).read_text(encoding="utf-8")


def _licence_spec(columns: tuple[Column, ...]) -> LedgerSpec:
    return LedgerSpec(
        kind="licence",
        title="双公示（行政许可）台账",
        sheet_title="双公示（行政许可）",
        indicator_id=2,
        event="licence",
        default_rule="natural-days:15",
        unique="行政许可决定文书号",
        date_column="许可决定日期",
        columns=columns,
    )


LICENCE = _licence_spec(
    parse_licence_columns(builtin_columns_text(), "内置 creditcheck/ledger_columns.toml")
)

COMMITMENT = LedgerSpec(
    kind="commitment",
    title="信用承诺和履约践诺台账",
    sheet_title="信用承诺和履约践诺",
    indicator_id=3,
    date_column="承诺日期",
    columns=(
        Column("承诺主体名称", True, width=28),
        Column("统一社会信用代码", True, CODE, width=22),
        Column("承诺类型", True, width=16),
        Column("承诺事项", True, width=30),
        Column("承诺日期", True, DATE, width=13, past_only=True),
        Column("履约情况", True, ENUM, PERFORMANCE, width=10),
        Column(
            "践诺核查日期",
            False,
            DATE,
            width=13,
            past_only=True,
            hint="已履约、未履约时必填",
            in_header=True,
        ),
        Column("备注", width=20),
    ),
)

CODE_ERRORS = LedgerSpec(
    kind="code-errors",
    title="统一社会信用代码重错码清单",
    sheet_title="重错码",
    indicator_id=5,
    event="code-error",
    default_rule="month-end",
    date_column="发现日期",
    columns=(
        # 重错码清单里的代码本来就可能是错的，所以这一列不按校验位检查。
        Column("统一社会信用代码", True, TEXT, width=22),
        Column("主体名称", True, width=28),
        Column("问题类型", True, ENUM, CODE_PROBLEMS, width=10),
        Column("发现日期", True, DATE, width=13, past_only=True),
        Column("处理结果", False, width=30, hint="处理后必填", in_header=True),
        Column(
            "处理日期", False, DATE, width=13, past_only=True, hint="处理后必填", in_header=True
        ),
    ),
)

SPECS: dict[str, LedgerSpec] = {s.kind: s for s in (LICENCE, COMMITMENT, CODE_ERRORS)}
KINDS = tuple(SPECS)


def user_columns_path(data_dir: Path) -> Path:
    return data_dir / LEDGER_COLUMNS_FILE


def load_ledger_specs(data_dir: Path | None = None) -> dict[str, LedgerSpec]:
    """各种台账的定义：数据文件夹有 ``ledger_columns.toml`` 时，“双公示”台账的列按它，否则按内置。"""
    if data_dir is None:
        return dict(SPECS)
    path = user_columns_path(data_dir)
    if not path.is_file():
        return dict(SPECS)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise LedgerColumnsError(f"列定义文件 {path} 不是 UTF-8 编码，请另存为 UTF-8") from None
    except OSError as e:
        raise LedgerColumnsError(f"列定义文件 {path} 无法读取：{e.strerror or e}") from None
    out = dict(SPECS)
    out["licence"] = _licence_spec(parse_licence_columns(text, str(path)))
    return out


def validate_ledger_columns_file(path: Path) -> list[str]:
    """检查一份列定义文件（供 ``doctor``）：返回中文问题清单，空表示没有问题。"""
    try:
        parse_licence_columns(path.read_text(encoding="utf-8-sig"), str(path))
    except UnicodeDecodeError:
        return [f"列定义文件 {path} 不是 UTF-8 编码，请另存为 UTF-8"]
    except OSError as e:
        return [f"列定义文件 {path} 无法读取：{e.strerror or e}"]
    except LedgerColumnsError as e:
        return [str(e)]
    return []


def spec_for(kind: str) -> LedgerSpec:
    try:
        return SPECS[kind]
    except KeyError:
        raise LedgerReadError(
            f"未知的台账种类：“{kind}”（可选：licence 双公示、commitment 信用承诺、code-errors 重错码）"
        ) from None


# ───────────────────────── 特殊单元格 ─────────────────────────


class _Uncached:
    """公式单元格没有保存计算结果（文件由程序生成、未在 Excel 中打开保存过）。"""

    _instance: _Uncached | None = None

    def __new__(cls) -> _Uncached:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNCACHED_FORMULA"


UNCACHED_FORMULA = _Uncached()


@dataclass(frozen=True)
class Merged:
    """合并单元格里被覆盖的格：按合并区域左上角的值理解，同时报告问题。"""

    value: Any
    ref: str


# ───────────────────────── 问题与结果 ─────────────────────────


class Problem(NamedTuple):
    """一个问题：Excel 行号、列名、单元格内容（文字）、中文说明。"""

    row: int
    column: str
    value: str
    message: str
    col: int | None = None  # 0 起的列序号（写批注用），未知时为 None
    kind: str = "error"  # error 影响合规率；late 只影响及时率

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


def ratio(num: int | None, den: int | None) -> float | None:
    """比率保留4位小数；分母为0或不适用时为 None。"""
    if num is None or not den:
        return None
    return round(num / den, 4)


RATE_LABELS: dict[str, dict[str, tuple[str, str, str]]] = {
    # 比率键 -> (名称, 分子说明, 分母说明)
    "licence": {
        "reported": ("上报率", "已上报", "应上报（已作出许可决定，不含未到期）"),
        "timely": ("及时率", "按时上报", "已上报"),
        "compliant": ("合规率", "已上报且无问题", "已上报"),
    },
    "commitment": {
        "reported": ("归集率", "已归集", "台账记录"),
        "timely": ("及时率", "—", "—"),
        "compliant": ("合规率", "无问题", "已归集"),
    },
    "code-errors": {
        "reported": ("清理率", "已处理", "应处理（发现的重错码，不含未到期）"),
        "timely": ("及时率", "当月处理", "已处理"),
        "compliant": ("合规率", "已处理且无问题", "已处理"),
    },
}

COUNT_LABELS: dict[str, dict[str, str]] = {
    "licence": {
        "decided": "许可决定",
        "not_due": "未到期未上报",
        "due": "应上报",
        "uploaded": "已上报",
        "on_time": "按时上报",
        "compliant": "合规",
    },
    "commitment": {
        "decided": "台账记录",
        "not_due": "未到期",
        "due": "应归集",
        "uploaded": "已归集",
        "on_time": "按时",
        "compliant": "合规",
    },
    "code-errors": {
        "decided": "发现",
        "not_due": "未到期未处理",
        "due": "应处理",
        "uploaded": "已处理",
        "on_time": "当月处理",
        "compliant": "合规",
    },
}

_RATE_PARTS = {
    "reported": ("uploaded", "due"),
    "timely": ("on_time", "uploaded"),
    "compliant": ("compliant", "uploaded"),
}


def month_rows_text(rows_in_month: int, rows_other_months: int) -> str:
    """按月导入后行数的说法：“3 行；另有 2 行属于其他月份，已放在一边”。命令行、界面的导入结果和
    逐项自查页的台账摘要都说这一句（同一个导入结果：``rows_in_month`` / ``rows_other_months``）。"""
    other = f"；另有 {rows_other_months} 行属于其他月份，已放在一边" if rows_other_months else ""
    return f"{rows_in_month} 行{other}"


def rate_lines(kind: str, counts: dict[str, Any], rates: dict[str, Any]) -> list[str]:
    """比率连同公式的中文说明，如“上报率 = 已上报 / 已作出许可决定 = 9 / 10 = 90.00%”。"""
    out = []
    for key, (name, num_label, den_label) in RATE_LABELS[kind].items():
        num_key, den_key = _RATE_PARTS[key]
        r = rates.get(key)
        num, den = counts.get(num_key), counts.get(den_key, counts.get("decided"))  # 旧摘要没有 due
        if num is None:
            out.append(f"{name}：不适用（本台账没有逐条期限）")
            continue
        figure = "无（分母为0）" if r is None else f"{r * 100:.2f}%"
        out.append(f"{name} = {num_label} / {den_label} = {num} / {den} = {figure}")
    return out


@dataclass
class LedgerResult:
    """一次检查的结果。``rows`` 为整理后的行（导入时保留，单纯检查时为空列表）。"""

    kind: str
    row_count: int
    problems: list[Problem]
    counts: dict[str, int | None]
    rates: dict[str, float | None]
    open: int = 0
    status: dict[str, int] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sheet: str = ""
    header_row: int = 1
    extra_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    rule: str = ""
    file: str = ""
    month: str = ""  # 按月导入时的统计月份（2026-11）
    rows_other_months: int = 0  # 按月导入时，许可决定日期等不在该月、被放在一边的行数

    @property
    def spec(self) -> LedgerSpec:
        return SPECS[self.kind]

    @property
    def rows_in_month(self) -> int:
        return self.row_count

    @property
    def rows_text(self) -> str:
        """“3 行；另有 2 行属于其他月份，已放在一边”（见 ``month_rows_text``）。"""
        return month_rows_text(self.rows_in_month, self.rows_other_months)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.kind == "error")

    @property
    def problem_rows(self) -> int:
        return len({p.row for p in self.problems})

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.row_count,
            "month": self.month or None,
            "rows_in_month": self.row_count,
            "rows_other_months": self.rows_other_months,
            "problems": [p.to_json() for p in self.problems],
            "counts": dict(self.counts),
            "rates": dict(self.rates),
        }

    def summary(self, file: str, imported_at: str) -> dict[str, Any]:
        """存入 ``SectionMonth.ledgers[kind]`` 的摘要。"""
        return {
            "file": file,
            "kind": self.kind,
            "sheet": self.sheet,
            "imported_at": imported_at,
            "rows": self.row_count,
            "rows_other_months": self.rows_other_months,
            "counts": dict(self.counts),
            "rates": dict(self.rates),
            "problems": len(self.problems),
            "open": self.open,
            "status": dict(self.status),
            "rule": self.rule,
        }

    def rate_lines(self) -> list[str]:
        return rate_lines(self.kind, self.counts, self.rates)


# ───────────────────────── 表头 ─────────────────────────

_STRIP_IN_HEADER = dict.fromkeys(map(ord, " \u3000\t\r\n\xa0*＊"), None)


def normalize_header(text: Any) -> str:
    """列名比较用：去掉空格（含全角空格）、换行与必填标记 *。"""
    if text is None or text is UNCACHED_FORMULA:
        return ""
    if isinstance(text, Merged):
        text = text.value
    return unicodedata.normalize("NFKC", str(text)).translate(_STRIP_IN_HEADER)


@dataclass(frozen=True)
class Header:
    """识别出的表头：列名 -> 0 起的列序号；多出来的列照样保留、不检查。"""

    row: int
    index: dict[str, int]
    extras: tuple[str, ...]
    missing: tuple[str, ...]  # 缺少的非必填列


_PAREN = re.compile(r"^(.*?)[(（]([^()（）]*)[)）]$")


def _column_for(name: str, names: set[str]) -> str | None:
    """列名对应的规范列：先按原样；再去掉末尾括号里的说明（“许可决定日期（yyyy-mm-dd）”）；
    再看括号里的内容（国家标准的“行政相对人代码_1（统一社会信用代码）”）。"""
    if name in names:
        return name
    m = _PAREN.match(name)
    if m:
        for part in (m.group(1), m.group(2)):
            if part in names:
                return part
    return None


def match_header(cells: Sequence[Any], spec: LedgerSpec, row: int = 1) -> tuple[Header, list[str]]:
    """按列名（忽略空格与顺序）匹配表头；返回表头与缺少的必填列。同名列取第一列。"""
    names = {c.name for c in spec.columns}
    index: dict[str, int] = {}
    extras: list[str] = []
    for i, cell in enumerate(cells):
        name = normalize_header(cell)
        if not name:
            continue
        col = _column_for(name, names)
        if col is not None and col not in index:
            index[col] = i
        else:
            extras.append(name)
    missing_required = [c.name for c in spec.columns if c.header_required and c.name not in index]
    missing_optional = tuple(
        c.name for c in spec.columns if not c.header_required and c.name not in index
    )
    return Header(row, index, tuple(extras), missing_optional), missing_required


def _hits(cells: Sequence[Any], spec: LedgerSpec) -> int:
    names = {c.name for c in spec.columns}
    return len({c for c in (_column_for(n, names) for n in map(normalize_header, cells)) if c})


HEADER_SEARCH_ROWS = 10


def find_header(rows: Iterator[tuple[int, Sequence[Any]]], spec: LedgerSpec) -> Header:
    """在前几行（通常第1行；上面可以有标题行）找表头。缺少必填列时抛出一条中文错误，写明缺哪几列。"""
    seen = 0
    best: tuple[int, int, Sequence[Any]] | None = None
    for row_no, cells in rows:
        if not _nonblank(cells):
            continue
        seen += 1
        hits = _hits(cells, spec)
        if hits >= 2 or (hits and hits == len(spec.columns)):
            header, missing = match_header(cells, spec, row_no)
            if missing:
                other = _other_kind(cells, spec)
                raise LedgerReadError(
                    f"第{row_no}行的表头缺少必填列：{'、'.join(missing)}（请在表头补上这些列；列名须与模板一致，顺序不限）"
                    + _other_kind_hint(other),
                    other.kind if other else None,
                )
            return header
        if best is None or hits > best[0]:
            best = (hits, row_no, cells)
        if seen >= HEADER_SEARCH_ROWS:
            break
    if best is None:
        raise LedgerReadError("工作表是空的：没有找到任何内容")
    other = _other_kind(best[2], spec)
    first = "、".join(spec.required[:3])
    raise LedgerReadError(
        f"找不到{spec.title}的表头：前{HEADER_SEARCH_ROWS}行里没有“{first}”等列名"
        f"（表头应在第1行，列名须与模板一致）{_other_kind_hint(other)}",
        other.kind if other else None,
    )


def _other_kind(cells: Sequence[Any], spec: LedgerSpec) -> LedgerSpec | None:
    """表头与另一种台账更相符时返回那一种。"""
    mine = _hits(cells, spec)
    for other in SPECS.values():
        if other.kind != spec.kind and _hits(cells, other) > max(mine, 2):
            return other
    return None


def _other_kind_hint(other: LedgerSpec | None) -> str:
    if other is None:
        return ""
    return f"。这张表看起来是{other.title}（第{other.indicator_id}项指标的台账）"


def _nonblank(cells: Sequence[Any]) -> bool:
    for v in cells:
        if v is None:
            continue
        if isinstance(v, str) and not v.strip():
            continue
        return True
    return False


# ───────────────────────── 单元格 ─────────────────────────


def show(v: Any) -> str:
    """单元格内容的文字形式（问题清单里显示）。"""
    if v is None:
        return ""
    if v is UNCACHED_FORMULA:
        return "（公式）"
    if isinstance(v, Merged):
        return show(v.value)
    if isinstance(v, datetime):
        if v.time() == time(0, 0):
            return v.date().isoformat()
        return v.isoformat(sep=" ", timespec="minutes")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    return show(v).strip()


_ISO_CHARS = set("0123456789-")


class _DateParser:
    """把单元格变成日期；结果按文字缓存（台账里同一天会出现很多次）。"""

    def __init__(self, today: date) -> None:
        self.today = today
        self.cache: dict[str, date | str] = {}

    def __call__(self, v: Any) -> date | str:
        """返回日期，或一条中文问题说明。"""
        if isinstance(v, datetime):
            return v.date()
        if isinstance(v, date):
            return v
        if isinstance(v, str):
            s = v.strip()
            hit = self.cache.get(s)
            if hit is not None:
                return hit
            out = self._parse_text(s)
            if len(self.cache) < 20000:
                self.cache[s] = out
            return out
        if isinstance(v, bool):
            return f"日期格子里是{'TRUE' if v else 'FALSE'}，不是日期"
        if isinstance(v, (int, float)):
            if float(v).is_integer() and 19000101 <= v <= 99991231:
                return self(str(int(v)))
            return f"日期格子里是数字 {show(v)}，不是日期（如是 Excel 日期序号，请把单元格格式设为日期）"
        if isinstance(v, time):
            return "日期格子里只有时间，没有日期"
        return f"无法识别的日期：“{show(v)}”"

    def _parse_text(self, s: str) -> date | str:
        if len(s) == 10 and s[4] == "-" and s[7] == "-" and set(s) <= _ISO_CHARS:
            try:
                return date.fromisoformat(s)
            except ValueError:
                pass
        # 带时间的写法（2026-11-28 15:00）只取日期部分
        head = s.split(" ")[0].split("T")[0] if (":" in s or "：" in s) else s
        try:
            return parse_date(head, self.today)
        except CreditCheckError as e:
            return str(e)


_ALPHA_SET = frozenset(ALPHABET)


class _CodeChecker:
    """统一社会信用代码检查；同一代码（如许可机关代码）每行都一样，结果缓存。"""

    def __init__(self) -> None:
        self.cache: dict[str, str] = {}

    def __call__(self, v: Any) -> str:
        """返回空串表示正确，否则为中文问题说明。"""
        if isinstance(v, bool) or isinstance(v, (int, float)):
            return (
                f"统一社会信用代码被存成了数字 {show(v)}（Excel 数字只保留15位，可能已丢失），"
                "请把单元格设为文本后重新填写"
            )
        if not isinstance(v, str):
            v = show(v)
        hit = self.cache.get(v)
        if hit is not None:
            return hit
        if (
            len(v) == 18
            and set(v) <= _ALPHA_SET
            and check_char(v) == v[17]
            and not structure_problem(v)
        ):
            msg = ""
        else:
            r = validate(v)
            msg = "" if r.ok else r.message
            if r.suggestion and r.suggestion not in msg:
                msg += f"（建议写作 {r.suggestion}）"
        if len(self.cache) < 50000:
            self.cache[v] = msg
        return msg


# ───────────────────────── 逐行检查 ─────────────────────────


def rule_for(spec: LedgerSpec, catalog: Catalog | None) -> DeadlineRule | None:
    """该台账逐条记录的期限规则：取目录中对应指标、对应事件的规则（数字在目录里，不在代码里）。"""
    if spec.event is None:
        return None
    if catalog is not None:
        try:
            r = catalog.indicator(spec.indicator_id).rule_for_event(spec.event)
        except CreditCheckError:
            r = None
        if r is not None:
            return r.rule
    return DeadlineRule.parse(spec.default_rule) if spec.default_rule else None


class LedgerChecker:
    """流式检查：先 ``feed`` 每一数据行，最后 ``finish`` 得到结果。不保留整张表（除非 ``keep_rows``）。"""

    def __init__(
        self,
        spec: LedgerSpec,
        header: Header,
        *,
        today: date,
        cal: WorkCalendar,
        rule: DeadlineRule | None,
        keep_rows: bool = False,
        month: Month | None = None,
    ) -> None:
        self.spec = spec
        self.month = month
        self.other_months = 0
        self.not_due = 0
        self.header = header
        self.today = today
        self.cal = cal
        self.rule = rule
        self.keep_rows = keep_rows
        self.present = [(c, header.index[c.name]) for c in spec.columns if c.name in header.index]
        self.col_of = dict(header.index)
        self.parse_date = _DateParser(today)
        self.check_code = _CodeChecker()
        self.problems: list[Problem] = []
        self.rows: list[dict[str, Any]] = []
        self.row_count = 0
        self.uploaded = 0
        self.on_time = 0
        self.compliant = 0
        self.open = 0
        self.status: dict[str, int] = {}
        self.first_seen: dict[str, int] = {}
        self.due_cache: dict[date, date | None] = {}
        self.extra_names: dict[int, str] = {}

    # ── 期限 ──
    def due(self, start: date) -> date | None:
        """逐条记录的期限；起算日不合理（1949年以前，已另报问题）时为 None。"""
        if start in self.due_cache:
            return self.due_cache[start]
        d: date | None = None
        if self.rule is not None and start.year >= 1949:
            try:
                eff = compute_due(start, self.rule, self.cal).effective_due
                d = eff.date() if isinstance(eff, datetime) else eff
            except (CreditCheckError, OverflowError):
                d = None
        self.due_cache[start] = d
        return d

    # ── 一行 ──
    def feed(self, row_no: int, cells: Sequence[Any]) -> None:
        """检查一行。全空的行跳过，不计数。"""
        n = len(cells)
        raw: dict[str, Any] = {}
        nonblank = False
        probs: list[Problem] = []
        for col, i in self.present:
            v = cells[i] if i < n else None
            if v is not None:
                if type(v) is str:
                    if v.strip():
                        nonblank = True
                    else:
                        v = None
                else:
                    nonblank = True
            raw[col.name] = v
        if not nonblank:
            return
        if self.month is not None and self._other_month(raw):
            self.other_months += 1
            return
        self.row_count += 1
        # 特殊单元格：未缓存的公式、合并单元格
        for name, v in raw.items():
            if v is None or type(v) is str:
                continue
            if v is UNCACHED_FORMULA:
                probs.append(
                    self._p(
                        row_no,
                        name,
                        v,
                        "公式没有保存计算结果，读不到值（请在 Excel 或 WPS 中打开后保存一次，或改为直接填写）",
                    )
                )
                raw[name] = None
            elif isinstance(v, Merged):
                probs.append(
                    self._p(
                        row_no,
                        name,
                        v.value,
                        f"该格属于合并单元格 {v.ref}，平台要求每一行单独填写，请取消合并后逐行填写（本次按合并内容理解）",
                    )
                )
                raw[name] = v.value if not (type(v.value) is str and not v.value.strip()) else None
        values: dict[str, Any] = {}
        for col, _i in self.present:
            v = raw[col.name]
            values[col.name] = self._cell(row_no, col, v, probs)
        self._id_numbers(row_no, raw, values, probs)
        kind = self.spec.kind
        if kind == "licence":
            late = self._licence(row_no, raw, values, probs)
        elif kind == "commitment":
            late = self._commitment(row_no, raw, values, probs)
        else:
            late = self._code_errors(row_no, raw, values, probs)
        if late:
            probs.extend(late)
        if probs:
            probs.sort(key=lambda p: p.col if p.col is not None else -1)
            self.problems.extend(probs)
        if self.keep_rows:
            self.rows.append(self._record(row_no, cells, raw, values, probs))

    def _other_month(self, raw: dict[str, Any]) -> bool:
        """该行的日期（许可决定日期……）读得出且不在导入的月份里。读不出的行照常检查、报问题。"""
        v = raw.get(self.spec.date_column)
        if v is None or v is UNCACHED_FORMULA:
            return False
        if isinstance(v, Merged):
            v = v.value
        d = self.parse_date(v)
        return isinstance(d, date) and (d.year, d.month) != (self.month.year, self.month.month)  # type: ignore[union-attr]

    def _id_numbers(
        self, row_no: int, raw: dict[str, Any], values: dict[str, Any], probs: list[Problem]
    ) -> None:
        """证件号码：证件类型为身份证（或没有证件类型、号码像身份证）时按 GB 11643 校验。"""
        for col, _i in self.present:
            if col.type != ID_NUMBER or not values.get(col.name):
                continue
            number = str(values[col.name])
            id_type = str(values.get(col.type_column) or "") if col.type_column else ""
            looks_like_id = len(number) in (15, 18) and number[:-1].isdigit()
            if id_type in ID_CARD_TYPES or (not id_type and looks_like_id):
                msg = id_card_problem(number)
                if msg:
                    probs.append(self._p(row_no, col.name, raw.get(col.name), msg))

    def _p(self, row: int, name: str, v: Any, message: str, kind: str = "error") -> Problem:
        return Problem(row, name, show(v), message, self.col_of.get(name), kind)

    def _cell(self, row_no: int, col: Column, v: Any, probs: list[Problem]) -> Any:
        """单列检查：返回整理后的值（日期为 date，长期为“长期”，文字为去掉首尾空格的字符串），有问题时记下。"""
        t = col.type
        if v is None:
            if col.required:
                probs.append(self._p(row_no, col.name, v, "必填项为空"))
            return None
        if t in (TEXT, ID_NUMBER):
            return _text(v)
        if t == CODE:
            msg = self.check_code(v)
            if msg:
                probs.append(self._p(row_no, col.name, v, msg))
            return _text(v)
        if t == ENUM:
            s = _text(v)
            if s not in col.choices:
                probs.append(self._p(row_no, col.name, v, f"应填写 {'、'.join(col.choices)} 之一"))
            return s
        if t == DATE_OR_LONG and isinstance(v, str) and v.strip() in LONG_TERM:
            return "长期"
        d = self.parse_date(v)
        if isinstance(d, str):
            extra = "；有效期至可填日期、“长期”或留空" if t == DATE_OR_LONG else ""
            probs.append(self._p(row_no, col.name, v, d + extra))
            return None
        if col.past_only and d > self.today:
            probs.append(
                self._p(row_no, col.name, v, f"日期晚于今天（{self.today.isoformat()}），请核对")
            )
        elif d.year < 1949:
            probs.append(self._p(row_no, col.name, v, "日期早于1949年，请核对"))
        return d

    def _dup(self, row_no: int, name: str, key: str | None, v: Any, probs: list[Problem]) -> None:
        if not key:
            return
        first = self.first_seen.get(key)
        if first is None:
            self.first_seen[key] = row_no
        else:
            probs.append(self._p(row_no, name, v, f"{name}与第{first}行重复"))

    def _licence(
        self, row_no: int, raw: dict[str, Any], v: dict[str, Any], probs: list[Problem]
    ) -> list[Problem]:
        # 统一社会信用代码：类别为自然人时可不填
        if v.get("统一社会信用代码") is None and v.get("行政相对人类别") != "自然人":
            probs.append(
                self._p(
                    row_no,
                    "统一社会信用代码",
                    None,
                    "必填项为空（行政相对人类别为自然人时才可不填）",
                )
            )
        if (
            v.get("行政相对人类别") == "自然人"
            and "证件号码" in self.col_of
            and not v.get("证件号码")
        ):
            probs.append(
                self._p(row_no, "证件号码", None, "行政相对人类别为自然人时应填写证件号码")
            )
        self._dup(
            row_no,
            "行政许可决定文书号",
            v.get("行政许可决定文书号"),
            raw.get("行政许可决定文书号"),
            probs,
        )
        decided, reported = v.get("许可决定日期"), v.get("上报日期")
        start, end = v.get("有效期自"), v.get("有效期至")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            probs.append(
                self._p(
                    row_no,
                    "有效期至",
                    raw.get("有效期至"),
                    f"有效期至早于有效期自（{start.isoformat()}）",
                )
            )
        if isinstance(decided, date) and isinstance(reported, date) and reported < decided:
            probs.append(
                self._p(
                    row_no,
                    "上报日期",
                    raw.get("上报日期"),
                    f"上报日期早于许可决定日期（{decided.isoformat()}）",
                )
            )
        has_report = raw.get("上报日期") is not None
        late: list[Problem] = []
        on_time = False
        if has_report:
            self.uploaded += 1
        due = self.due(decided) if isinstance(decided, date) and decided <= self.today else None
        if due is not None and isinstance(decided, date) and self.rule is not None:
            label = self.rule.label
            if isinstance(reported, date):
                if reported <= due:
                    on_time = decided <= reported  # 早于决定日期已另报为问题
                else:
                    late.append(
                        self._p(
                            row_no,
                            "上报日期",
                            raw.get("上报日期"),
                            f"迟报：许可决定日期 {decided.isoformat()}，应在{label}即 {due.isoformat()}（含当日）前上报，"
                            f"实际 {reported.isoformat()} 上报",
                            "late",
                        )
                    )
            elif not has_report and self.today > due:
                late.append(
                    self._p(
                        row_no,
                        "上报日期",
                        None,
                        f"逾期未上报：许可决定日期 {decided.isoformat()}，应在{label}即 {due.isoformat()}（含当日）前上报",
                        "late",
                    )
                )
            elif not has_report:
                self.not_due += 1  # 尚未到期：不计入上报率的分母，到期仍未上报才是问题
        if on_time and has_report:
            self.on_time += 1
        if has_report and not probs:
            self.compliant += 1
        return late

    def _commitment(
        self, row_no: int, raw: dict[str, Any], v: dict[str, Any], probs: list[Problem]
    ) -> list[Problem]:
        status = v.get("履约情况")
        if status in PERFORMANCE:
            self.status[status] = self.status.get(status, 0) + 1
        check = v.get("践诺核查日期")
        if status in ("已履约", "未履约") and raw.get("践诺核查日期") is None:
            probs.append(
                self._p(row_no, "践诺核查日期", None, f"履约情况为“{status}”时应填写践诺核查日期")
            )
        promised = v.get("承诺日期")
        if isinstance(promised, date) and isinstance(check, date) and check < promised:
            probs.append(
                self._p(
                    row_no,
                    "践诺核查日期",
                    raw.get("践诺核查日期"),
                    f"践诺核查日期早于承诺日期（{promised.isoformat()}）",
                )
            )
        self.uploaded += 1
        if not probs:
            self.compliant += 1
        return []

    def _code_errors(
        self, row_no: int, raw: dict[str, Any], v: dict[str, Any], probs: list[Problem]
    ) -> list[Problem]:
        found, handled = v.get("发现日期"), v.get("处理日期")
        has_handled = raw.get("处理日期") is not None
        result_text = v.get("处理结果")
        if has_handled and not result_text:
            probs.append(self._p(row_no, "处理结果", None, "已填处理日期，但处理结果为空"))
        if result_text and not has_handled:
            probs.append(self._p(row_no, "处理日期", None, "已填处理结果，但没有处理日期"))
        if isinstance(found, date) and isinstance(handled, date) and handled < found:
            probs.append(
                self._p(
                    row_no,
                    "处理日期",
                    raw.get("处理日期"),
                    f"处理日期早于发现日期（{found.isoformat()}）",
                )
            )
        late: list[Problem] = []
        on_time = False
        if has_handled:
            self.uploaded += 1
        else:
            self.open += 1
        due = self.due(found) if isinstance(found, date) and found <= self.today else None
        if due is not None and isinstance(found, date) and self.rule is not None:
            if isinstance(handled, date):
                if handled <= due:
                    on_time = found <= handled
                else:
                    late.append(
                        self._p(
                            row_no,
                            "处理日期",
                            raw.get("处理日期"),
                            f"未按期清理：发现于 {found.isoformat()}，应在{self.rule.label}即 {due.isoformat()}（含当日）前处理，"
                            f"实际 {handled.isoformat()} 处理",
                            "late",
                        )
                    )
            elif not has_handled and self.today > due:
                late.append(
                    self._p(
                        row_no,
                        "处理日期",
                        None,
                        f"逾期未清理：发现于 {found.isoformat()}，应在{self.rule.label}即 {due.isoformat()}（含当日）前处理",
                        "late",
                    )
                )
            elif not has_handled:
                self.not_due += 1
        if on_time and has_handled:
            self.on_time += 1
        if has_handled and not probs:
            self.compliant += 1
        return late

    def _record(
        self,
        row_no: int,
        cells: Sequence[Any],
        raw: dict[str, Any],
        values: dict[str, Any],
        probs: list[Problem],
    ) -> dict[str, Any]:
        rec: dict[str, Any] = {"_row": row_no}
        for name, val in values.items():
            if isinstance(val, date):
                rec[name] = val.isoformat()
            elif val is None:
                rec[name] = _text(raw.get(name))
            else:
                rec[name] = val
        if self.extra_names:
            n = len(cells)
            extra = {}
            for i, name in self.extra_names.items():
                cell = cells[i] if i < n else None
                if cell is not None and cell is not UNCACHED_FORMULA:
                    s = show(cell).strip()
                    if s:
                        extra[name] = s
            if extra:
                rec["_extra"] = extra
        if probs:
            # 问题跟着行存：界面和导出能逐行显示，存储的审计日志也不会因问题清单而膨胀
            rec["_problems"] = sum(1 for p in probs if p.kind == "error")
            rec["_issues"] = [
                {"column": p.column, "message": p.message, "kind": p.kind} for p in probs
            ]
        return rec

    def set_header_cells(self, cells: Sequence[Any]) -> None:
        """记下多出来的列在第几列（导入时原样保留在 ``_extra`` 里）。"""
        known = set(self.col_of.values())
        self.extra_names = {
            i: normalize_header(c)
            for i, c in enumerate(cells)
            if i not in known and normalize_header(c)
        }

    def finish(self) -> LedgerResult:
        kind = self.spec.kind
        on_time: int | None = self.on_time if self.rule is not None else None
        due_rows = self.row_count - self.not_due
        counts: dict[str, int | None] = {
            "decided": self.row_count,
            "not_due": self.not_due,
            "due": due_rows,
            "uploaded": self.uploaded,
            "on_time": on_time,
            "compliant": self.compliant,
        }
        rates = {
            "reported": ratio(self.uploaded, due_rows),
            "timely": ratio(on_time, self.uploaded),
            "compliant": ratio(self.compliant, self.uploaded),
        }
        return LedgerResult(
            kind=kind,
            row_count=self.row_count,
            problems=self.problems,
            counts=counts,
            rates=rates,
            open=self.open,
            status=dict(self.status),
            rows=self.rows,
            header_row=self.header.row,
            extra_columns=list(self.header.extras),
            missing_columns=list(self.header.missing),
            rule=str(self.rule) if self.rule else "",
            month=str(self.month) if self.month else "",
            rows_other_months=self.other_months,
        )


def check_rows(
    rows: Iterable[tuple[int, Sequence[Any]]],
    kind: str,
    *,
    today: date,
    cal: WorkCalendar,
    catalog: Catalog | None = None,
    rule: DeadlineRule | None = None,
    keep_rows: bool = False,
    month: Month | None = None,
    spec: LedgerSpec | None = None,
) -> LedgerResult:
    """检查一张台账：``rows`` 为（Excel 行号, 单元格值序列），含表头行。表头缺必填列时抛出 LedgerReadError。

    ``month``：只收该月的行（按 ``spec.date_column``，如许可决定日期），其他月份的行数记入
    ``rows_other_months``、不检查不计数。``spec``：数据文件夹里的列定义（``load_ledger_specs``），默认内置。
    """
    spec = spec if spec is not None else spec_for(kind)
    it = iter(rows)
    header_cells: list[Sequence[Any]] = []

    def remember() -> Iterator[tuple[int, Sequence[Any]]]:
        for row_no, cells in it:
            header_cells.append(cells)
            yield row_no, cells

    header = find_header(remember(), spec)
    checker = LedgerChecker(
        spec,
        header,
        today=today,
        cal=cal,
        rule=rule if rule is not None else rule_for(spec, catalog),
        keep_rows=keep_rows,
        month=month,
    )
    if keep_rows and header_cells:
        checker.set_header_cells(header_cells[-1])
    feed = checker.feed
    for row_no, cells in it:
        feed(row_no, cells)
    return checker.finish()


def rows_from_lists(
    table: Iterable[Sequence[Any]], start: int = 1
) -> Iterator[tuple[int, Sequence[Any]]]:
    """测试与其他来源用：把若干行（第一行为表头）编上 Excel 行号。"""
    yield from enumerate(table, start=start)


def id_card_problem(number: str) -> str:
    """居民身份证号码（GB 11643）的问题：位数、出生日期、校验码（用 python-stdnum 的 ``cn.ric``）。没有问题时为空串。"""
    from stdnum import exceptions as stdnum_exc
    from stdnum.cn import ric

    text = unicodedata.normalize("NFKC", number).strip().upper()
    try:
        ric.validate(text)
    except stdnum_exc.InvalidLength:
        return f"居民身份证号码应为18位，实际为{len(text)}位"
    except stdnum_exc.InvalidFormat:
        return "居民身份证号码格式不对：前17位应为数字，第18位为数字或 X"
    except stdnum_exc.InvalidChecksum:
        return "居民身份证号码有误：校验码不符，请对照证件核对整个号码"
    except stdnum_exc.InvalidComponent:
        return "居民身份证号码有误：出生日期不存在，请对照证件核对"
    except stdnum_exc.ValidationError:
        return "居民身份证号码有误，请对照证件核对"
    return ""
