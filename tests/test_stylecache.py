"""解析好的样式规则的缓存（screens/stylecache.py）：第二次启动不再解析，规则与解析的一样；坏了、版本不对、
换了主题都照常解析；缓存从不影响程序能否打开。"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from app_support import configured, make_ctx, settle
from textual.css import stylesheet as textual_stylesheet

from screens import stylecache
from screens.app import CreditCheckApp
from screens.home import HomeScreen


def _rules(app: CreditCheckApp) -> list[Any]:
    """样式表的全部规则：选择器、各项样式的值、是否默认样式、先后。"""
    return [
        (r.selectors, repr(sorted(r.styles.get_rules().items())), r.is_default_rules, r.tie_breaker)
        for r in app.stylesheet.rules
    ]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Textual 真正解析（没有命中缓存）的每一份样式的出处。"""
    seen: list[str] = []
    real = textual_stylesheet.parse

    def counting(scope: str, css: str, read_from: Any, **kw: Any) -> Any:
        seen.append(str(read_from))
        return real(scope, css, read_from, **kw)

    monkeypatch.setattr(textual_stylesheet, "parse", counting)
    return seen


async def _start(tmp_path: Path, cache: Path | None) -> tuple[list[Any], bool]:
    """启动、等首页画好并安定；返回样式规则和首页有没有打开。"""
    app = CreditCheckApp(make_ctx(tmp_path, settings=configured()), style_cache=cache)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        rules, home = _rules(app), isinstance(app.screen, HomeScreen)
    app.ctx.store.close()
    return rules, home


async def test_second_start_uses_the_cache_and_gets_the_same_rules(
    tmp_path: Path, parses: list[str]
) -> None:
    cache = tmp_path / "cfg" / "cache" / "styles.pickle"
    plain, _ = await _start(tmp_path, None)  # 不用缓存：测试、演示
    assert not cache.exists()
    first, _ = await _start(tmp_path, cache)
    assert cache.is_file() and first == plain
    assert any("app.tcss" in p for p in parses)
    stamp = cache.stat().st_mtime_ns
    parses.clear()
    second, home = await _start(tmp_path, cache)
    assert home and second == plain  # 同样的规则、同样的顺序
    # 首页和它的部件的样式一份也没有再解析（首页画好之后才加载的 later.tcss 等不在首次缓存里）
    assert not any("app.tcss" in p or "OptionList" in p or "AppFooter" in p for p in parses), parses
    assert cache.stat().st_mtime_ns == stamp  # 与已存的相同：不重写


@pytest.mark.parametrize(
    "content",
    [
        b"",  # 空文件
        b"\x80\x04garbage",  # 坏了
        pickle.dumps({"stamp": ("旧版本",), "entries": {}}),  # 别的 Textual 版本留下的
        pickle.dumps(["不是缓存"]),
    ],
    ids=["empty", "damaged", "other-version", "wrong-shape"],
)
async def test_a_broken_or_foreign_cache_is_ignored_and_replaced(
    tmp_path: Path, content: bytes
) -> None:
    cache = tmp_path / "cfg" / "cache" / "styles.pickle"
    plain, _ = await _start(tmp_path, None)
    cache.parent.mkdir(parents=True)
    cache.write_bytes(content)
    rules, home = await _start(tmp_path, cache)
    assert home and rules == plain
    assert stylecache.load(cache)  # 换成了可用的缓存


async def test_unwritable_cache_folder_still_starts(tmp_path: Path) -> None:
    blocker = tmp_path / "cfg"
    blocker.write_text("这是个文件，不是文件夹", encoding="utf-8")
    cache = blocker / "cache" / "styles.pickle"
    plain, _ = await _start(tmp_path, None)
    rules, home = await _start(tmp_path, cache)
    assert home and rules == plain and blocker.is_file()


def test_rules_of_another_theme_are_not_used() -> None:
    """缓存按主题变量分组：变量不同（换了主题）时一条也不放进解析缓存。"""
    key = ("Screen { color: red; }", ("x", ""), False, 0, "")
    sheet = stylecache.CachedStylesheet(
        variables={"primary": "#000000"},
        preset={stylecache.variables_key({"primary": "#fff"}): {key: []}},
    )
    assert key not in sheet._parse_cache
    sheet.set_variables({"primary": "#fff"})
    assert key in sheet._parse_cache  # 换成那一组变量时放回
    sheet.set_variables({"primary": "#123456"})
    assert key not in sheet._parse_cache
