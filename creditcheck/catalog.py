"""指标目录：4个一级指标、10个二级指标、10个科室，作为有版本的数据加载与校验。

内置目录为本包的 ``catalog.toml``；数据文件夹下的 ``catalog.toml`` 取而代之（权重和分工会调整）。
每个月记录它填报时所用的目录版本。
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import field
from pathlib import Path
from typing import Any

from .errors import CreditCheckError
from .month import Month
from .oserrors import os_reason
from .records import dataclass
from .rules import DeadlineRule, RuleKind

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

NA_EXAMPLE_DEFAULT = "如：本月没有需要办理或报送的相关事项"
"""“不适用”理由的通用示例（目录里的指标没写 ``na_example`` 时用）。"""


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


QUOTA_SCOPES = {"section": "每个责任科室各自计数", "bureau": "全局（各责任科室合计）计数"}
"""配额的计数口径（目录字段 ``scope``）。"""


@dataclass(frozen=True)
class RuleSpec:
    """指标的一条期限要求：规则、适用的事件类型（为空时按月报送）与说明。

    ``reminder``：不是实施方案规定的期限，只是本软件自己的提醒（文档不得把它印成方案的“期限要求”）。
    ``by``：配额的到期规则（如信用动态“每月26日前”写 ``by = "monthly:26"``）；不写时按月配额到月底、
    按年配额到年底。``scope``：配额按科室计（section，默认）还是全局合计（bureau）。
    """

    rule: DeadlineRule
    what: str
    event: str | None = None
    reminder: bool = False
    by: DeadlineRule | None = None
    scope: str = "section"


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
    na_example: str = ""
    """设为“不适用”时理由框里的示例（目录字段 ``na_example``）；不写时用 ``NA_EXAMPLE_DEFAULT``。"""

    @property
    def na_placeholder(self) -> str:
        """“不适用”理由框里的示例：本指标自己的，目录没写时用通用的一句。"""
        return self.na_example or NA_EXAMPLE_DEFAULT

    @property
    def confirmation_only(self) -> bool:
        """本项每月只需专人确认（如第9项确认“零存量、零增量”）：按月的事项全是本软件的提醒，没有台账、
        计数要报。确认本身就是材料，标记完成时不必问“还没有佐证材料”。"""
        monthly = self.monthly_rules
        return (
            bool(monthly)
            and all(r.reminder for r in monthly)
            and not self.counts
            and not self.ledger
            and not self.quota_rules
        )

    @property
    def event_kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.event for r in self.rules if r.event))

    @property
    def monthly_rules(self) -> tuple[RuleSpec, ...]:
        return tuple(r for r in self.rules if r.rule.kind is RuleKind.MONTHLY)

    @property
    def quota_rules(self) -> tuple[RuleSpec, ...]:
        return tuple(r for r in self.rules if r.rule.kind is RuleKind.QUOTA)

    @property
    def plan_rules(self) -> tuple[RuleSpec, ...]:
        """实施方案规定的期限要求（不含本软件自己的提醒 ``reminder``）：文档的“期限要求”只印这些。"""
        return tuple(r for r in self.rules if not r.reminder)

    @property
    def reminder_rules(self) -> tuple[RuleSpec, ...]:
        """本软件自己的提醒（不是方案的期限要求）。"""
        return tuple(r for r in self.rules if r.reminder)

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
    late_credit: float = 1.0
    """逾期完成的指标计分的比例（0–1）：1 为照记满分（逾期只影响及时率），0.5 为记一半。"""
    _by_id: dict[int, Indicator] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

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
                    "reminders": [str(r.rule) for r in i.reminder_rules],
                    "weight": i.weight,
                    "materials": list(i.materials),
                }
            )
        return out


# ───────────────────────── 加载与校验 ─────────────────────────

BUILTIN_NAME = "catalog.toml"


BUILTIN_JSON = "catalog.json"
"""内置目录的 JSON 副本：内容与 ``catalog.toml`` 解析出来的完全相同（测试核对；改了 TOML 后运行
``python -m tools.catalog_json`` 重新生成）。启动时读它，不必加载 TOML 解析器（省十来毫秒）。"""

BUILTIN_ORIGIN = "内置目录 creditcheck/catalog.toml"


def _package_text(name: str) -> str:
    """包里数据文件的文字。直接读包旁边的文件（importlib.resources 连同 zipfile 要导入几十毫秒，拖慢
    启动）；包不在普通文件夹里（如打包成 zip）时才经由 importlib.resources。"""
    try:
        return Path(__file__).with_name(name).read_text(encoding="utf-8")
    except OSError:
        from importlib import resources

        return resources.files("creditcheck").joinpath(name).read_text(encoding="utf-8")


def builtin_text() -> str:
    """内置目录 ``catalog.toml`` 的文字（用户要改目录时以它为底稿）。"""
    return _package_text(BUILTIN_NAME)


def load_builtin() -> Catalog:
    try:
        import json

        data = json.loads(_package_text(BUILTIN_JSON))
    except (OSError, ValueError):  # 副本缺了或坏了：照旧解析 TOML
        return parse_catalog(builtin_text(), BUILTIN_ORIGIN)
    return catalog_from_data(data, BUILTIN_ORIGIN)


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


def _na_example(ind: dict[str, Any], where: str) -> str:
    v = ind.get("na_example", "")
    if not isinstance(v, str):
        raise CatalogError(f"{where}：na_example（不适用理由的示例）应为一段文字")
    return v.strip()


def toml_loads(text: str) -> dict[str, Any]:
    """解析 TOML（Python 3.11 起用标准库 tomllib，更早的用 tomli）；用到时才加载解析器。"""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib.loads(text)


def parse_catalog(text: str, origin: str) -> Catalog:
    """解析并校验目录；任何问题都以“文件 + 条目 + 问题”的中文消息报出。"""
    try:
        data = toml_loads(text)
    except ValueError as e:  # tomllib.TOMLDecodeError 是 ValueError
        raise CatalogError(f"目录文件 {origin} 格式有误：{e}") from None
    return catalog_from_data(data, origin)


def catalog_from_data(data: dict[str, Any], origin: str) -> Catalog:
    """校验解析好的目录数据，建成 ``Catalog``。"""
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
            if (
                rule.is_event_rule
                and ev is None
                and rule.kind not in (RuleKind.IMMEDIATE, RuleKind.MONTH_END, RuleKind.YEAR_END)
            ):
                raise CatalogError(f"{w}：规则 {rule} 需要指明事件类型 event")
            reminder = r.get("reminder", False)
            if not isinstance(reminder, bool):
                raise CatalogError(f"{w}：reminder 应为 true 或 false")
            by: DeadlineRule | None = None
            if r.get("by") is not None:
                if rule.kind is not RuleKind.QUOTA:
                    raise CatalogError(f"{w}：只有配额规则可以写 by（到期规则）")
                try:
                    by = DeadlineRule.parse(str(r["by"]))
                except CreditCheckError as e:
                    raise CatalogError(f"{w}：by {e}") from None
                if by.kind not in (RuleKind.MONTHLY, RuleKind.MONTH_END, RuleKind.YEAR_END):
                    raise CatalogError(f"{w}：配额的 by 只能是 monthly:D、month-end 或 year-end")
                if by.kind is RuleKind.MONTHLY and rule.per == "year":
                    raise CatalogError(f"{w}：按年配额的 by 不能是 monthly:D")
            scope = str(r.get("scope", "section"))
            if scope not in QUOTA_SCOPES:
                raise CatalogError(
                    f"{w}：scope 应为 section（按科室）或 bureau（全局合计），实际为“{scope}”"
                )
            rules.append(RuleSpec(rule, str(r.get("what", "")), ev, reminder, by, scope))
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
                na_example=_na_example(ind, w),
            )
        )
    indicators.sort(key=lambda i: i.id)
    late_credit = data.get("late_credit", 1.0)
    if (
        isinstance(late_credit, bool)
        or not isinstance(late_credit, (int, float))
        or not 0 <= late_credit <= 1
    ):
        raise CatalogError(f"{where} 的 late_credit 应为 0 到 1 之间的数（逾期完成计分的比例）")
    return Catalog(
        version=version,
        effective=effective,
        source=str(data.get("source", "")),
        bureau=str(data.get("bureau", "")),
        sections=tuple(sections),
        indicators=tuple(indicators),
        path=origin,
        late_credit=float(late_credit),
    )


def validate_catalog_file(path: Path) -> list[str]:
    """检查一份用户目录（供 ``doctor``）：读不了、格式或条目有误时返回那一条错误；读得了时再看几处
    明显的疏漏（没有体系科、指标没有责任科室、权重全为0）。返回中文问题清单，空表示没有问题。"""
    try:
        cat = load_file(path)
    except CatalogError as e:
        return [str(e)]
    out: list[str] = []
    where = f"目录文件 {path}"
    if cat.coordinator is None:
        out.append(f"{where}：没有标明体系科（coordinator = true），汇总与审核无人负责")
    for ind in cat.indicators:
        if not ind.sections:
            out.append(f"{where}：指标 {ind.id} 没有责任科室")
        if not ind.rules:
            out.append(f"{where}：指标 {ind.id} 没有期限规则")
    if cat.indicators and not any(i.weight for i in cat.indicators):
        out.append(f"{where}：所有指标的权重都是0，得分无法计算")
    return out


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


def archive_copy(data_dir: Path, loaded: Catalog | None = None) -> tuple[Path, bytes | None] | None:
    """数据文件夹里的用户目录按版本存档时的存档文件，与要写入的内容（UTF-8，去掉 BOM；这个版本
    已存档时为 None）；没有用户目录时整个为 None。只算出要写什么，写盘由存储层做
    （``storage.catalogs.archive_user_catalog``，经唯一的原子写入）。

    ``loaded`` 为刚从该文件加载的目录时直接用它的版本号，不再解析一遍。
    """
    src = user_catalog_path(data_dir)
    if not src.is_file():
        return None
    cat = loaded if loaded is not None and loaded.path == str(src) else load_file(src)
    dst = _version_file(data_dir, cat.version)
    if dst.exists():
        return dst, None
    return dst, src.read_text(encoding="utf-8-sig").encode("utf-8")


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
