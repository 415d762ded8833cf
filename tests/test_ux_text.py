"""issue 14：中文折行（禁则）、拼音查找、科室名的前缀与别名、命令行的月份默认值、帮助按格对齐。"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from creditcheck.catalog import CatalogError, load_builtin
from creditcheck.cli import main
from creditcheck.pinyin_match import matches, score
from creditcheck.textwrap_zh import NO_LINE_END, NO_LINE_START, break_offsets, cell_width, wrap

# ── 禁则 ──


def test_wrap_keeps_punctuation_with_its_neighbour() -> None:
    text = "导入后各项比率见本页「台账」数据报送，杜绝出现问题。测试（一）结束。"
    for width in range(6, 40):
        lines = wrap(text, width)
        assert "".join(lines) == text
        for line in lines:
            assert cell_width(line) <= width, (width, line)
            assert line[0] not in NO_LINE_START and line[-1] not in NO_LINE_END, (width, lines)


def test_wrap_keeps_latin_words_and_paths_whole() -> None:
    lines = wrap("请运行 creditcheck ledger check 台账.xlsx 查看问题", 20)
    assert "creditcheck" in "".join(lines) and all(
        "creditchec" not in ln or "creditcheck" in ln for ln in lines
    )
    assert wrap("短", 10) == ["短"]
    assert break_offsets("很长的一行" * 3, 0) == []


_CJK = st.sampled_from("信用状况监测自查台账问题数据报送科室专人材料")
_word = st.tuples(
    st.sampled_from(["", "（", "「", "“"]),
    _CJK,
    st.sampled_from(["", "，", "。", "」", "）", "、", "”"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_word, min_size=1, max_size=60), st.integers(min_value=6, max_value=60))
def test_wrap_property(words, width) -> None:  # type: ignore[no-untyped-def]
    text = "".join(a + b + c for a, b, c in words)
    lines = wrap(text, width)
    assert "".join(lines) == text  # 不丢字、不多字
    for line in lines:
        assert cell_width(line) <= width
        assert line[0] not in NO_LINE_START, (width, lines)
        assert line[-1] not in NO_LINE_END, (width, lines)


def test_textual_uses_the_chinese_line_breaking() -> None:
    """接到 Textual 上：Content 折行时行首没有“，”（Textual 固定版本，接口变了这里会失败）。"""
    from textual.content import Content

    from screens.textwrap_zh import install

    install()
    text = "严格按照数据报送标准，及时查看问题数据，并于3个工作日内完成修改。"
    for width in range(8, 30):
        lines = [line.plain for line in Content(text).wrap(width)]
        assert all(ln and ln[0] not in NO_LINE_START for ln in lines), (width, lines)


# ── 拼音 ──


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("dc", "导出 Word 报送材料"),
        ("daochu", "导出 Word 报送材料"),
        ("shenhe", "体系科：审核"),
        ("tj", "提交本月"),
        ("cailiao", "添加佐证材料"),
        ("ss", "商事登记科"),
        ("shang", "商事登记科"),
        ("word", "导出 Word 报送材料"),
        ("材料", "添加佐证材料"),
        ("chongxin", "重新打开"),
    ],
)
def test_pinyin_finds(query: str, text: str) -> None:
    assert matches(query, text)


@pytest.mark.parametrize(
    ("query", "text"), [("xyz", "导出"), ("dcx", "导出"), ("审", "导出"), ("", "导出")]
)
def test_pinyin_does_not_find(query: str, text: str) -> None:
    assert not matches(query, text)


def test_pinyin_ranks_start_first() -> None:
    assert score("dc", "导出 Word") > score("dc", "本月导出")
    assert score("daochu", "导出") > score("chu", "导出")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=12), st.text(max_size=12))
def test_pinyin_never_raises(query: str, text: str) -> None:
    assert 0.0 <= score(query, text) <= 1.0


# ── 科室：前缀与别名 ──


@pytest.mark.parametrize(
    ("text", "sid"),
    [
        ("商事登记科", "commerce"),
        ("商事", "commerce"),
        ("商事登记项目审批服务科", "commerce"),
        ("comm", "commerce"),
        ("体系科", "system"),
        ("体系", "system"),
        ("政务服务", "system"),
        ("窗口", "window"),
        ("交易中心", "trading"),
        (" 社会 ", "social"),
        ("COMMERCE", "commerce"),
    ],
)
def test_section_prefix_and_alias(text: str, sid: str) -> None:
    assert load_builtin().section(text).id == sid


def test_section_ambiguous_and_unknown() -> None:
    cat = load_builtin()
    with pytest.raises(CatalogError, match="对得上几个科室"):
        cat.section("科")
    with pytest.raises(CatalogError, match="未知科室：“财务科”"):
        cat.section("财务科")


# ── 命令行 ──


def test_overview_without_month_is_this_month(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = CliRunner().invoke(main, ["overview", "--data", str(tmp_path / "d")])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("2026年11月 各科室完成情况"), (
        r.output
    )  # CREDITCHECK_TODAY 为 2026-11-28


def test_section_prefix_on_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = CliRunner().invoke(
        main, ["review", "show", "--section", "商事", "--data", str(tmp_path / "d")]
    )
    assert "未知科室" not in r.output, r.output
    assert "商事登记科" in r.output


def _cells(s: str) -> int:
    return cell_width(s)


@pytest.mark.parametrize("args", [["--help"], ["ledger", "import", "--help"], ["review", "--help"]])
def test_help_columns_line_up_in_cells(args: list[str]) -> None:
    out = CliRunner().invoke(main, args).output
    assert "TEXT" not in out and "PATH" not in out and "Options" not in out
    starts = set()
    for line in out.splitlines():
        m = re.match(r"^(  \S.*?\S)  +(\S.*)$", line)
        if m and line.startswith("  -"):
            starts.add(_cells(line[: m.start(2)]))
    assert len(starts) == 1, (starts, out)
    for line in out.splitlines():
        assert _cells(line) <= 100, line
        s = line.strip()
        assert not s or s[0] not in NO_LINE_START, line
