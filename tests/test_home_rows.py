"""首页的月份行与进度行：各是一个部件，画得与原来的几个部件（Static、ProgressBar）一样。"""

from __future__ import annotations

from pathlib import Path

from app_support import configured, make_app, seed_warnings, settle
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from textual.renderables.bar import Bar as BarRenderable

from screens.home import HomeScreen, MonthRow, ProgressRow, bar


def _textual_bar(width: int, fraction: float) -> list[tuple[str, str]]:
    """Textual 的 ProgressBar 画出的进度条：(字符, 已完成/未完成) 的列表。

    与 ProgressBar 的 Bar 部件相同：先把比例取到半格（Bar._validate_percentage），再交给 Bar 渲染。"""
    q = int(fraction * width * 2) / (width * 2)
    r = BarRenderable(
        highlight_range=(0, width * q),
        highlight_style="red",
        background_style="blue",
        width=width,
    )
    console = Console(width=width, color_system="truecolor")
    out: list[tuple[str, str]] = []
    for seg in console.render(r, console.options.update_width(width)):
        if seg.text == "\n":
            continue
        kind = "done" if seg.style and seg.style.color and seg.style.color.name == "red" else "todo"
        out += [(ch, kind) for ch in seg.text]
    return out


def _our_bar(width: int, fraction: float) -> list[tuple[str, str]]:
    content = bar(width, fraction)
    kinds = ["todo"] * len(content.plain)
    for span in content.spans:
        if str(span.style) in ("$primary", "$success"):
            for i in range(span.start, span.end):
                kinds[i] = "done"
    return list(zip(content.plain, kinds, strict=True))


@given(width=st.integers(1, 120), fraction=st.floats(0, 1))
def test_bar_draws_like_textuals_progress_bar(width: int, fraction: float) -> None:
    assert _our_bar(width, fraction) == _textual_bar(width, fraction)


def test_bar_colours() -> None:
    """未满为 $primary，满分为 $success，未完成部分为 $surface（与 ProgressBar 的默认样式相同）。"""
    assert {str(s.style) for s in bar(10, 0.5).spans} == {"$primary", "$surface"}
    assert {str(s.style) for s in bar(10, 1.0).spans} == {"$success"}
    assert {str(s.style) for s in bar(10, 0.0).spans} == {"$surface"}
    assert bar(0, 0.5).plain == ""


async def test_rows_fit_every_width(tmp_path: Path) -> None:
    """月份行的三段不重叠、都在窗口里；进度行在 60 列以下只写文字、得分完整。"""
    seed_warnings(tmp_path / "data")
    app = make_app(tmp_path, settings=configured())
    for size in ((120, 36), (100, 30), (80, 24), (60, 20), (40, 12)):
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            row = app.screen.query_one(MonthRow)
            drawn = row.drawn()
            spans = sorted((a, b) for _, a, b in drawn.values())
            assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:], strict=False))
            assert all(b <= size[0] for _, _, b in drawn.values()), (size, drawn)
            assert all(cell_len(t) == b - a for t, a, b in drawn.values()), (size, drawn)
            assert drawn["label"][0] == row.text("label") == "2026年11月（本月）"
            assert ("hint" in drawn) is (size[0] >= 60), (size, drawn)
            if "hint" in drawn:
                assert drawn["hint"][2] == row.region.right  # 靠右
            progress = app.screen.query_one(ProgressRow)
            line = "".join(s.text for s in progress.render_lines(progress.region.reset_offset))
            assert (
                "得分 " in line
                and line.rstrip().endswith(f"{progress.score or 0:.1f}")
                or (progress.score is None and "得分" in progress.label)
            ), (size, line)
            assert ("━" in line) is (size[0] >= 60), (size, line)
        app = make_app(tmp_path, settings=configured())
