"""内置目录的 JSON 副本（启动时读它）与 catalog.toml 内容相同；副本缺了或坏了时照旧读 TOML。"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from creditcheck import catalog
from creditcheck.catalog import BUILTIN_JSON, builtin_text, load_builtin, parse_catalog, toml_loads


def test_json_twin_matches_catalog_toml() -> None:
    twin = Path(catalog.__file__).with_name(BUILTIN_JSON).read_text(encoding="utf-8")
    assert json.loads(twin) == toml_loads(builtin_text()), (
        "creditcheck/catalog.json 与 catalog.toml 不一致：改了目录之后运行 python -m tools.catalog_json"
    )
    from tools.catalog_json import render

    assert twin == render(), "catalog.json 不是由 python -m tools.catalog_json 生成的最新版本"


def test_builtin_catalog_is_the_same_from_json_and_from_toml() -> None:
    from_json = load_builtin()
    from_toml = parse_catalog(builtin_text(), catalog.BUILTIN_ORIGIN)
    assert from_json == from_toml
    assert [i.id for i in from_json.indicators] == list(range(1, 11))


@pytest.mark.parametrize("content", [None, "{ 不是 JSON", '{"version": 1}'])
def test_missing_or_broken_twin_falls_back_or_explains(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: str | None
) -> None:
    """副本缺了、不是 JSON：照旧解析 TOML；内容不全：与 TOML 缺字段一样的中文说明。"""
    real = catalog._package_text

    def fake(name: str) -> str:
        if name == BUILTIN_JSON:
            if content is None:
                raise FileNotFoundError(name)
            return content
        return real(name)

    monkeypatch.setattr(catalog, "_package_text", fake)
    if content == '{"version": 1}':
        with pytest.raises(catalog.CatalogError, match="缺少字段"):
            load_builtin()
    else:
        assert load_builtin() == parse_catalog(builtin_text(), catalog.BUILTIN_ORIGIN)
