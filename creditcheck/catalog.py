"""指标目录：4个一级指标、10个二级指标、10个科室，作为有版本的数据加载与校验。

内置目录为本包的 ``catalog.toml``；数据文件夹下的 ``catalog.toml`` 取而代之（权重和分工会调整）。
每个月记录它填报时所用的目录版本。
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import CreditCheckError
from .month import Month
from .oserrors import os_reason
from .rules import DeadlineRule, RuleKind

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ALL_SECTIONS = "各科室"

EVENT_KINDS: dict[str, str] = {
    "licence": "行政许可决定",
    "data-problem": "问题数据",
    "commitment": "信用承诺",
    "article": "信用动态",
    "code-error": "重错码",
    "case": "信易批案例",
    "activity": "诚信宣传活动",
    "incident": "严重失信事件",
    "objection": "异议协同处理函",
}
"""事件类型与中文名。事件的表单字段由界面按类型决定，所以类型在代码里，参数在目录里。"""


class CatalogError(CreditCheckError):
    """目录文件有误；消息写明文件与条目。"""


@dataclass(frozen=True)
class Section:
    """一个科室。``id`` 是稳定的英文标识，用作文件名；名称永不直接成为文件名。"""

    id: str
    name: str
    short: str
    aliases: tuple[str, ...] = ()
    coordinator: bool = False

    def matches(self, text: str) -> bool:
        t = text.strip()
        return t in (self.id, self.name, self.short, *self.aliases)


@dataclass(frozen=True)
class RuleSpec:
    """指标的一条期限要求：规则、适用的事件类型（为空时按月报送）与说明。"""

    rule: DeadlineRule
    what: str
    event: str | None = None


@dataclass(frozen=True)
class CountSpec:
    key: str
    label: str


@dataclass(frozen=True)
class Indicator:
    """一个二级指标。"""

    id: int
    group: str
    title: str
    short: str
    requirement: str
    sections: tuple[str, ...]  # 科室 id
    rules: tuple[RuleSpec, ...]
    materials: tuple[str, ...]
    weight: float
    counts: tuple[CountSpec, ...] = ()
    ledger: str | None = None
    recurring: bool = False

    @property
    def event_kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.event for r in self.rules if r.event))

    @property
    def monthly_rules(self) -> tuple[RuleSpec, ...]:
        return tuple(r for r in self.rules if r.rule.kind is RuleKind.MONTHLY)

    @property
    def quota_rules(self) -> tuple[RuleSpec, ...]:
        return tuple(r for r in self.rules if r.rule.kind is RuleKind.QUOTA)

    def rule_for_event(self, kind: str) -> RuleSpec | None:
        for r in self.rules:
            if r.event == kind and r.rule.is_event_rule:
                return r
        return None

    @property
    def kind(self) -> str:
        """页面类型：counts（填数）、event（事件驱动）、quota（配额）、monthly（按月报送）。"""
        if self.counts:
            return "counts"
        if self.quota_rules:
            return "quota"
        if self.event_kinds:
            return "event"
        return "monthly"


@dataclass(frozen=True)
class Catalog:
    version: str
    effective: Month
    source: str
    bureau: str
    sections: tuple[Section, ...]
    indicators: tuple[Indicator, ...]
    path: str = "内置目录"
    _by_id: dict[int, Indicator] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # 每个目录对象有自己的索引（dataclasses.replace 得到的新目录不与原目录共用）
        object.__setattr__(self, "_by_id", {i.id: i for i in self.indicators})

    def indicator(self, indicator_id: int) -> Indicator:
        try:
            return self._by_id[indicator_id]
        except KeyError:
            raise CatalogError(f"目录中没有第{indicator_id}项指标") from None

    def section(self, text: str) -> Section:
        """按 id、全称、简称或别名找科室；也接受其中任何一个的开头几个字（“商事”“体系”“comm”）
        或名称中间的几个字（“窗口”“交易中心”），只要只对得上一个科室。

        对不上时给出可选的名称；对得上几个时列出这几个，请写得更完整。"""
        t = text.strip()
        for s in self.sections:
            if s.matches(t):
                return s
        names = "、".join(s.short for s in self.sections)
        if not t:
            raise CatalogError(f"请写明科室（可选：{names}）")
        key = t.casefold()

        def spellings(s: Section) -> tuple[str, ...]:
            return tuple(x.casefold() for x in (s.id, s.name, s.short, *s.aliases))

        for test in (lambda w: w.startswith(key), lambda w: key in w):
            found = [s for s in self.sections if any(test(w) for w in spellings(s))]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                which = "、".join(s.short for s in found)
                raise CatalogError(f"“{text}”对得上几个科室：{which}。请写得更完整一些")
        raise CatalogError(f"未知科室：“{text}”（可选：{names}）")

    def section_by_id(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise CatalogError(f"未知科室编号：“{section_id}”")

    def assigned(self, section_id: str) -> tuple[Indicator, ...]:
        """该科室负责的指标，按序号。"""
        return tuple(i for i in self.indicators if section_id in i.sections)

    @property
    def coordinator(self) -> Section | None:
        return next((s for s in self.sections if s.coordinator), None)

    def to_json(self) -> list[dict[str, Any]]:
        out = []
        for i in self.indicators:
            out.append(
                {
                    "id": i.id,
                    "group": i.group,
                    "title": i.title,
                    "short": i.short,
                    "sections": [self.section_by_id(s).name for s in i.sections],
                    "rules": [str(r.rule) for r in i.rules],
                    "weight": i.weight,
                    "materials": list(i.materials),
                }
            )
        return out


# ───────────────────────── 加载与校验 ─────────────────────────

BUILTIN_NAME = "catalog.toml"


def builtin_text() -> str:
    return resources.files("creditcheck").joinpath(BUILTIN_NAME).read_text(encoding="utf-8")


def load_builtin() -> Catalog:
    return parse_catalog(builtin_text(), "内置目录 creditcheck/catalog.toml")


def user_catalog_path(data_dir: Path) -> Path:
    return data_dir / BUILTIN_NAME


def load_catalog(data_dir: Path | None = None) -> Catalog:
    """数据文件夹有 ``catalog.toml`` 时用它，否则用内置目录。"""
    if data_dir is not None:
        p = user_catalog_path(data_dir)
        if p.is_file():
            return load_file(p)
    return load_builtin()


def load_file(path: Path) -> Catalog:
    try:
        text = path.read_text(encoding="utf-8-sig")  # 记事本“UTF-8 带 BOM”另存的文件也能读
    except UnicodeDecodeError:
        raise CatalogError(f"目录文件 {path} 不是 UTF-8 编码，请另存为 UTF-8") from None
    except OSError as e:
        raise CatalogError(f"目录文件 {path} 无法读取：{os_reason(e)}") from None
    return parse_catalog(text, str(path))


def _req(entry: dict[str, Any], key: str, where: str, typ: type | tuple[type, ...]) -> Any:
    if key not in entry:
        raise CatalogError(f"{where} 缺少字段“{key}”")
    v = entry[key]
    if not isinstance(v, typ):
        raise CatalogError(f"{where} 的字段“{key}”类型不对")
    return v


def parse_catalog(text: str, origin: str) -> Catalog:
    """解析并校验目录；任何问题都以“文件 + 条目 + 问题”的中文消息报出。"""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise CatalogError(f"目录文件 {origin} 格式有误：{e}") from None
    where = f"目录文件 {origin}"
    version = str(_req(data, "version", where, (str, int, float)))
    try:
        effective = Month.parse(str(_req(data, "effective", where, str)))
    except CreditCheckError as e:
        raise CatalogError(f"{where} 的 effective 有误：{e}") from None
    sections: list[Section] = []
    seen_ids: set[str] = set()
    for n, s in enumerate(_req(data, "sections", where, list), start=1):
        w = f"{where} 第{n}个科室"
        sid = _req(s, "id", w, str)
        if not sid.isascii() or not sid.replace("-", "").replace("_", "").isalnum():
            raise CatalogError(f"{w} 的 id“{sid}”只能用英文字母、数字、- 和 _")
        if sid in seen_ids:
            raise CatalogError(f"{w}：科室 id“{sid}”重复")
        seen_ids.add(sid)
        sections.append(
            Section(
                sid,
                _req(s, "name", w, str),
                s.get("short") or s["name"],
                tuple(s.get("aliases", ())),
                bool(s.get("coordinator", False)),
            )
        )
    by_name: dict[str, str] = {}
    for s in sections:
        for nm in (s.id, s.name, s.short, *s.aliases):
            by_name[nm] = s.id
    indicators: list[Indicator] = []
    seen_numbers: set[int] = set()
    for n, ind in enumerate(_req(data, "indicators", where, list), start=1):
        num = ind.get("id", f"第{n}条")
        w = f"{where} 指标 {num}"
        iid = _req(ind, "id", w, int)
        if iid in seen_numbers:
            raise CatalogError(f"{w}：指标序号 {iid} 重复")
        seen_numbers.add(iid)
        secs: list[str] = []
        for name in _req(ind, "sections", w, list):
            if name == ALL_SECTIONS:
                secs.extend(s.id for s in sections)
            elif name in by_name:
                secs.append(by_name[name])
            else:
                raise CatalogError(f"{w}：未知科室“{name}”")
        rules: list[RuleSpec] = []
        for r in _req(ind, "rules", w, list):
            try:
                rule = DeadlineRule.parse(str(_req(r, "rule", w + " 的规则", str)))
            except CreditCheckError as e:
                raise CatalogError(f"{w}：{e}") from None
            ev = r.get("event")
            if ev is not None and ev not in EVENT_KINDS:
                raise CatalogError(f"{w}：未知事件类型“{ev}”（可用：{'、'.join(EVENT_KINDS)}）")
            if rule.is_event_rule and ev is None and rule.kind not in (RuleKind.IMMEDIATE, RuleKind.MONTH_END, RuleKind.YEAR_END):
                raise CatalogError(f"{w}：规则 {rule} 需要指明事件类型 event")
            rules.append(RuleSpec(rule, str(r.get("what", "")), ev))
        weight = _req(ind, "weight", w, (int, float))
        if weight < 0:
            raise CatalogError(f"{w}：权重不能为负数")
        indicators.append(
            Indicator(
                id=iid,
                group=_req(ind, "group", w, str),
                title=_req(ind, "title", w, str),
                short=ind.get("short") or ind["title"],
                requirement=_req(ind, "requirement", w, str),
                sections=tuple(dict.fromkeys(secs)),
                rules=tuple(rules),
                materials=tuple(ind.get("materials", ())),
                weight=float(weight),
                counts=tuple(CountSpec(c["key"], c["label"]) for c in ind.get("counts", ())),
                ledger=ind.get("ledger"),
                recurring=bool(ind.get("recurring", False)),
            )
        )
    indicators.sort(key=lambda i: i.id)
    return Catalog(
        version=version,
        effective=effective,
        source=str(data.get("source", "")),
        bureau=str(data.get("bureau", "")),
        sections=tuple(sections),
        indicators=tuple(indicators),
        path=origin,
    )


def groups(indicators: Iterable[Indicator]) -> list[tuple[str, list[Indicator]]]:
    out: dict[str, list[Indicator]] = {}
    for i in indicators:
        out.setdefault(i.group, []).append(i)
    return list(out.items())


# ───────────────────────── 目录版本 ─────────────────────────
#
# 每个月记下它填报时所用的目录版本。用户目录替换内置目录后，旧月份仍按当时的版本显示和导出：
# 用到过的用户目录按版本存档在数据文件夹的 catalogs/<版本>.toml。


def versions_dir(data_dir: Path) -> Path:
    return data_dir / "catalogs"


def _version_file(data_dir: Path, version: str) -> Path:
    safe = "".join(c if (c.isascii() and (c.isalnum() or c in "._-")) else "_" for c in version)
    return versions_dir(data_dir) / f"{safe}.toml"


def archive_user_catalog(data_dir: Path, loaded: Catalog | None = None) -> Path | None:
    """把数据文件夹里的用户目录按版本存档（已存档则不动）。返回存档路径；没有用户目录时为 None。

    ``loaded`` 为刚从该文件加载的目录时直接用它的版本号，不再解析一遍。
    """
    src = user_catalog_path(data_dir)
    if not src.is_file():
        return None
    cat = loaded if loaded is not None and loaded.path == str(src) else load_file(src)
    dst = _version_file(data_dir, cat.version)
    if not dst.exists():
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_suffix(".tmp")
        tmp.write_text(src.read_text(encoding="utf-8-sig"), encoding="utf-8")
        tmp.replace(dst)
    return dst


def known_catalogs(data_dir: Path | None) -> list[Catalog]:
    """内置目录、存档的各版本和当前用户目录，按起施行月份排序（同一版本只留一个）。"""
    found: dict[str, Catalog] = {}
    builtin = load_builtin()
    found[builtin.version] = builtin
    if data_dir is not None:
        folder = versions_dir(data_dir)
        if folder.is_dir():
            for p in sorted(folder.glob("*.toml")):
                c = load_file(p)
                found[c.version] = c
        user = user_catalog_path(data_dir)
        if user.is_file():
            c = load_file(user)
            found[c.version] = c
    return sorted(found.values(), key=lambda c: (c.effective, c.version))


def catalog_for_month(data_dir: Path | None, month: Month, stored_version: str = "") -> Catalog:
    """某月应使用的目录：该月已记下的版本（能找到时）；否则起施行月份不晚于该月的最新版本。"""
    catalogs = known_catalogs(data_dir)
    if stored_version:
        for c in catalogs:
            if c.version == stored_version:
                return c
    eligible = [c for c in catalogs if c.effective <= month]
    return eligible[-1] if eligible else catalogs[0]
