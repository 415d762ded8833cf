"""指标目录：每个指标、科室、数字都与实施方案（济历城行审发〔2022〕2号）逐项核对。"""

from __future__ import annotations

from pathlib import Path

import pytest

from creditcheck.catalog import Catalog, CatalogError, builtin_text, load_catalog, parse_catalog
from creditcheck.rules import RuleKind

PLAN = Path(__file__).resolve().parents[2] / "shared" / "docs" / "implementation-plan.zh.txt"

ALL = [
    "办公室",
    "组织人事科",
    "商事登记项目审批服务科",
    "社会事务项目审批服务科",
    "建设项目审批服务科",
    "政务服务体系建设指导科",
    "综合受理窗口",
    "勘察服务科",
    "监督考核科",
    "公共资源交易中心",
]
BIZ = ["商事登记项目审批服务科", "社会事务项目审批服务科", "建设项目审批服务科"]
BIZ_SYS = BIZ + ["政务服务体系建设指导科"]
ORG = ["组织人事科", "办公室", "政务服务体系建设指导科"]

# 方案第三部分：指标 → （一级指标, 责任科室, 期限规则）
EXPECTED = {
    1: ("信用制度和基础建设", ORG, ["monthly:26"]),
    2: ("信用制度和基础建设", BIZ_SYS, ["natural-days:15", "working-days:3", "monthly:26"]),
    3: ("信用制度和基础建设", BIZ, ["monthly:26"]),
    4: ("信用制度和基础建设", ALL, ["hours:48", "quota:1/month"]),
    5: ("信用制度和基础建设", BIZ_SYS, ["month-end"]),
    6: ("营商环境", BIZ_SYS, ["monthly:26", "quota:1/year", "year-end"]),
    7: ("营商环境", ORG, ["hours:48", "quota:2/year"]),
    8: ("信用监管", ["综合受理窗口"] + BIZ_SYS, ["monthly:26"]),
    9: ("信用监管", ALL, ["immediate", "monthly:26"]),
    10: ("权益保护", BIZ_SYS, ["working-days:1"]),
}


def names(cat: Catalog, ids: tuple[str, ...]) -> set[str]:
    return {cat.section_by_id(s).name for s in ids}


def test_four_groups_ten_indicators(catalog: Catalog) -> None:
    assert [i.id for i in catalog.indicators] == list(range(1, 11))
    assert list(dict.fromkeys(i.group for i in catalog.indicators)) == [
        "信用制度和基础建设",
        "营商环境",
        "信用监管",
        "权益保护",
    ]


@pytest.mark.parametrize("iid", sorted(EXPECTED))
def test_indicator_matches_plan(catalog: Catalog, iid: int) -> None:
    group, sections, rules = EXPECTED[iid]
    ind = catalog.indicator(iid)
    assert ind.group == group
    assert names(catalog, ind.sections) == set(sections)
    assert [str(r.rule) for r in ind.rules] == rules
    assert ind.weight > 0
    assert ind.requirement and ind.materials


def test_requirement_texts_come_from_the_plan(catalog: Catalog) -> None:
    if not PLAN.exists():
        pytest.skip("shared/docs/implementation-plan.zh.txt 不在旁边")
    plan = PLAN.read_text(encoding="utf-8").replace(" ", "").replace(",", "，")
    for ind in catalog.indicators:
        # 每条要求的前二十个字都能在方案原文里找到
        head = ind.requirement.replace(" ", "")[:20].replace(",", "，")
        assert head in plan, (ind.id, head)


def test_sections_full_and_short_names(catalog: Catalog) -> None:
    assert [s.name for s in catalog.sections] == ALL
    assert catalog.section("商事登记科").name == "商事登记项目审批服务科"
    assert catalog.section("体系科").id == "system"
    assert catalog.section("system").short == "体系建设科"
    assert catalog.coordinator is not None and catalog.coordinator.id == "system"
    with pytest.raises(CatalogError, match="未知科室：“财务科”"):
        catalog.section("财务科")


def test_each_section_has_its_assignments(catalog: Catalog) -> None:
    got = {s.short: [i.id for i in catalog.assigned(s.id)] for s in catalog.sections}
    assert got["办公室"] == [1, 4, 7, 9]
    assert got["商事登记科"] == [2, 3, 4, 5, 6, 8, 9, 10]
    assert got["体系建设科"] == [1, 2, 4, 5, 6, 7, 8, 9, 10]
    assert got["综合受理窗口"] == [4, 8, 9]
    assert got["公共资源交易中心"] == [4, 9]


def test_numbers_of_the_plan(catalog: Catalog) -> None:
    r = {i.id: {str(x.rule): x for x in i.rules} for i in catalog.indicators}
    assert r[2]["natural-days:15"].event == "licence"
    assert r[2]["working-days:3"].event == "data-problem"
    assert r[4]["hours:48"].event == "article"
    assert r[7]["quota:2/year"].rule.n == 2
    assert r[6]["quota:1/year"].event == "case"
    assert r[10]["working-days:1"].event == "objection"
    assert r[5]["month-end"].rule.kind is RuleKind.MONTH_END
    ind8 = catalog.indicator(8)
    assert [c.key for c in ind8.counts] == ["credit_checks", "joint_sanctions", "market_entities"]


def test_version_and_effective_month(catalog: Catalog) -> None:
    assert catalog.version == "2022.1"
    assert str(catalog.effective) == "2022-01"


def test_json_shape(catalog: Catalog) -> None:
    j = catalog.to_json()
    assert [x["id"] for x in j] == list(range(1, 11))
    assert set(j[0]) >= {"id", "group", "title", "sections", "rules", "weight"}
    assert j[3]["sections"] == ALL


def _mutated(old: str, new: str) -> str:
    text = builtin_text()
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'sections = ["组织人事科", "办公室", "政务服务体系建设指导科"]',
            'sections = ["组织人事科", "财务科"]',
            "指标 1：未知科室“财务科”",
        ),
        ('rule = "monthly:26"', 'rule = "fortnightly:2"', "指标 1：未知的期限规则类型"),
        ("id = 2\n", "id = 1\n", "指标序号 1 重复"),
        ("weight = 10\nrecurring = true", "recurring = true", "指标 1 缺少字段“weight”"),
        ('event = "licence"', 'event = "party"', "未知事件类型“party”"),
    ],
)
def test_validation_names_file_and_entry(old: str, new: str, message: str) -> None:
    with pytest.raises(CatalogError) as err:
        parse_catalog(_mutated(old, new), "/data/catalog.toml")
    assert "/data/catalog.toml" in str(err.value)
    assert message in str(err.value)


def test_user_catalog_replaces_builtin(tmp_path: Path) -> None:
    text = _mutated('version = "2022.1"', 'version = "2026.1"').replace(
        'effective = "2022-01"', 'effective = "2026-07"'
    )
    text = text.replace("weight = 10\nrecurring = true", "weight = 20\nrecurring = true", 1)
    (tmp_path / "catalog.toml").write_text(text, encoding="utf-8")
    cat = load_catalog(tmp_path)
    assert cat.version == "2026.1" and str(cat.effective) == "2026-07"
    assert cat.indicator(1).weight == 20
    assert load_catalog(tmp_path / "nowhere").version == "2022.1"


def test_user_catalog_bad_encoding(tmp_path: Path) -> None:
    (tmp_path / "catalog.toml").write_bytes(builtin_text().encode("gbk"))
    with pytest.raises(CatalogError, match="不是 UTF-8"):
        load_catalog(tmp_path)


def test_month_keeps_its_catalogue_version(tmp_path: Path) -> None:
    from creditcheck.catalog import catalog_for_month
    from creditcheck.month import Month
    from storage.catalogs import archive_user_catalog

    new = _mutated('version = "2022.1"', 'version = "2026.2"').replace(
        'effective = "2022-01"', 'effective = "2026-07"'
    )
    new = new.replace("weight = 10\nrecurring = true", "weight = 30\nrecurring = true", 1)
    (tmp_path / "catalog.toml").write_text(new, encoding="utf-8")
    assert archive_user_catalog(tmp_path) == tmp_path / "catalogs" / "2026.2.toml"
    # 新目录起施行之前的月份用内置目录；之后的月份用新目录
    assert catalog_for_month(tmp_path, Month(2026, 6)).version == "2022.1"
    assert catalog_for_month(tmp_path, Month(2026, 8)).indicator(1).weight == 30
    # 已记下版本的月份按记下的版本，即便用户目录后来又换了
    (tmp_path / "catalog.toml").write_text(
        new.replace('version = "2026.2"', 'version = "2027.1"'), encoding="utf-8"
    )
    assert catalog_for_month(tmp_path, Month(2026, 8), stored_version="2026.2").version == "2026.2"
    assert (
        catalog_for_month(tmp_path, Month(2026, 8), stored_version="2022.1").indicator(1).weight
        == 10
    )


def test_replaced_catalogue_does_not_share_its_index(catalog: Catalog) -> None:
    from dataclasses import replace

    other = replace(catalog, indicators=tuple(replace(i, weight=99) for i in catalog.indicators))
    assert other.indicator(1).weight == 99
    assert catalog.indicator(1).weight == 10
