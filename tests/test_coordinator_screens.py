"""体系科屏幕：总览、审核、排名（Pilot 操作后检查屏幕与数据文件；另有快照）。

用一个只 push 体系科屏幕的小 App；数据是 coordination_data 的多科室记录，存在 tmp_path 下的真实仓库里。
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import settle
from coordination_data import MONTH, NOW, save_records
from textual.app import App
from textual.widgets import DataTable, Input, Sparkline

from creditcheck.models import ReviewState
from creditcheck.month import Month
from creditcheck.settings import Settings
from screens.context import AppContext
from screens.coordinator import (
    HistoryModal,
    IndicatorDetailModal,
    MatrixTable,
    OverviewScreen,
    RankingScreen,
    ReviewScreen,
    sparkline_data,
)
from storage import Store

APP_TCSS = Path(__file__).resolve().parent.parent / "screens" / "app.tcss"
LATER_TCSS = APP_TCSS.with_name("later.tcss")
CSS = [str(APP_TCSS), str(LATER_TCSS)]
"""与真正的程序一样：体系科各页在首页画好之后才能打开，那时两份样式表都已加载。"""
SIZE = (120, 36)


class CoordinatorHarness(App[None]):
    CSS_PATH = CSS

    def __init__(self, ctx: AppContext, screen_cls: type) -> None:
        super().__init__()
        self.ctx = ctx
        self.screen_cls = screen_cls

    def on_mount(self) -> None:
        self.push_screen(self.screen_cls(self.ctx, MONTH))


def make_ctx(
    catalog, cal, data_dir: Path, *, store: Store | None = None, read_only: bool = False
) -> AppContext:
    if store is None:
        store = Store(data_dir, read_only=read_only)
    return AppContext(
        store=store,
        catalog=catalog,
        calendar=cal,
        settings=Settings(section_id="system", person="李玲"),
        save_settings=lambda s: None,
        now=lambda: NOW,
        data_dir=data_dir,
    )


@pytest.fixture
def ctx(catalog, cal, data_dir):
    save_records(catalog, data_dir)
    return make_ctx(catalog, cal, data_dir)


def _row(table: DataTable, n: int) -> list[str]:
    return [getattr(c, "plain", str(c)) for c in table.get_row_at(n)]


def _text(widget) -> str:
    return str(widget.render())


# ───────────── 总览 ─────────────


async def test_overview_matrix_and_detail(ctx):
    app = CoordinatorHarness(ctx, OverviewScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OverviewScreen)
        table = screen.query_one("#matrix", DataTable)
        assert table.row_count == 10
        assert _row(table, 4) == [
            "建设项目科",
            "－",
            "完",
            "完",
            "逾",
            "未",
            "逾",
            "－",
            "完",
            "完",
            "逾",
            "4/8",
            "50.0",
            "5",
            "未提交",
        ]
        assert _row(table, 1)[9] == "无"
        assert "已报送 4/10 个科室" in _text(screen.query_one("#coord-status"))
        # 光标在办公室第1项；下移 4 行、右移 9 列到建设项目科第10项
        await pilot.press(*["down"] * 4, *["right"] * 9)
        detail = _text(screen.query_one("#cell-detail"))
        assert detail.startswith("建设项目科  第10项 异议处理和信用修复：逾期")
        assert "期限 11月25日" in detail
        await pilot.press("enter")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, IndicatorDetailModal)
        body = _text(modal.query_one("#detail"))
        assert "状态：进行中    总览：逾期" in body
        assert "异议协同处理函  某公司异议协同处理函  发生 11-24 09:00  期限 11-25  未完成" in body
        assert "逾期事项：" in body
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        # 不负责的格子不打开
        await pilot.press("left")  # 第9项，建设项目科负责
        await pilot.press("up", "left", "left")  # 社会事务科第7项：不负责
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        # 换月
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.month == Month(2026, 12)
        assert "2026年12月" in _text(screen.query_one("#topbar"))
        assert _row(screen.query_one("#matrix", DataTable), 4)[6] == "未"


async def test_switch_between_coordinator_screens(ctx):
    app = CoordinatorHarness(ctx, OverviewScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, RankingScreen) and app.screen.month == MONTH
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, (OverviewScreen, ReviewScreen, RankingScreen))


# ───────────── 审核 ─────────────


def _load(data_dir: Path, sid: str):
    return Store(data_dir, read_only=True).load_month(sid, MONTH)


async def test_review_approve_reopen_return(ctx, data_dir):
    app = CoordinatorHarness(ctx, ReviewScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#review", DataTable)
        assert table.cursor_row == 2  # 第一个待审核的：商事登记科
        assert _row(table, 2)[:3] == ["商事登记科", "已提交", "11-25 09:30"]
        assert _row(table, 1)[6] == "退回修改：请补充学习记录"
        # 已提交的不能重新打开（按键无效）
        await pilot.press("j")
        await settle(pilot)
        assert app.screen is screen
        # 审核通过：确认后写盘
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        sm = _load(data_dir, "commerce")
        assert sm.review is ReviewState.APPROVED
        assert (sm.history[-1].action, sm.history[-1].by, sm.history[-1].at) == (
            "approve",
            "李玲",
            NOW,
        )
        assert _row(table, 2)[1] == "审核通过"
        # 重新打开：理由为空时对话框不关，显示原因
        await pilot.press("j")
        await settle(pilot)
        prompt = app.screen
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is prompt
        assert "必须填写理由" in _text(prompt.query_one("#error"))
        prompt.query_one("#value", Input).value = "台账数据有误需更正"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        sm = _load(data_dir, "commerce")
        assert sm.review is ReviewState.RETURNED
        assert (sm.history[-1].action, sm.history[-1].comment) == ("reopen", "台账数据有误需更正")
        assert _row(table, 2)[6] == "重新打开：台账数据有误需更正"
        # 审核记录里看得到理由
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryModal)
        history = _text(app.screen.query_one("#history"))
        assert "2026-11-28 10:00  重新打开  李玲  理由：台账数据有误需更正" in history
        assert "2026-11-25 09:30  提交  刘琛" in history
        await pilot.press("escape")
        await settle(pilot)
        # 退回修改：体系建设科（第6行）
        await pilot.press("down", "down", "down")
        assert table.cursor_row == 5
        await pilot.press("b")
        await settle(pilot)
        app.screen.query_one("#value", Input).value = "第7项活动资料请在48小时内补报"
        await pilot.press("enter")
        await settle(pilot)
        sm = _load(data_dir, "system")
        assert sm.review is ReviewState.RETURNED
        assert sm.last_return_comment == "第7项活动资料请在48小时内补报"


async def test_review_writes_other_sections_when_window_holds_own_lock(catalog, cal, data_dir):
    save_records(catalog, data_dir)
    own = Store(data_dir, section_id="system", actor="李玲")
    assert not own.read_only
    app = CoordinatorHarness(make_ctx(catalog, cal, data_dir, store=own), ReviewScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v", "y")
        await settle(pilot)
    assert _load(data_dir, "commerce").review is ReviewState.APPROVED
    # 本科室（体系建设科）的月份用本窗口自己的仓库写
    app = CoordinatorHarness(make_ctx(catalog, cal, data_dir, store=own), ReviewScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#review", DataTable).cursor_row == 5
        await pilot.press("v", "y")
        await settle(pilot)
    assert _load(data_dir, "system").review is ReviewState.APPROVED


async def test_review_read_only_refuses(catalog, cal, data_dir):
    save_records(catalog, data_dir)
    app = CoordinatorHarness(make_ctx(catalog, cal, data_dir, read_only=True), ReviewScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v", "y")
        await settle(pilot)
        assert any("只读" in str(n.message) for n in app._notifications)
    assert _load(data_dir, "commerce").review is ReviewState.SUBMITTED


# ───────────── 排名 ─────────────


async def test_ranking_table_and_trends(ctx):
    app = CoordinatorHarness(ctx, RankingScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#ranking", DataTable)
        ranks = [(_row(table, n)[0], _row(table, n)[1]) for n in range(table.row_count)]
        assert ranks == [
            ("1", "办公室"),
            ("1", "社会事务科"),
            ("3", "商事登记科"),
            ("4", "体系建设科"),
            ("5", "建设项目科"),
            ("6", "组织人事科"),
            ("7", "综合受理窗口"),
            ("7", "勘察服务科"),
            ("7", "监督考核科"),
            ("7", "公共资源交易中心"),
        ]
        assert _row(table, 2)[4] == "5/6（83.3%）"
        sparks = list(screen.query(Sparkline))
        assert len(sparks) == 10
        commerce = (25.0,) + (None,) * 9 + (100.0, 100.0)
        assert sparks[2].data == sparkline_data(commerce)
        texts = [_text(w) for w in screen.query(".trend-text")]
        assert texts[2] == "3个月有记录，最低 25.0，最高 100.0，本月 100.0"
        assert texts[9] == "近12个月没有记录"


def _chars(lines) -> list[tuple[str, object]]:
    """一格排出来的每个字符及其最终样式（与字段怎么切分无关）。"""
    return [(ch, seg.style) for line in lines for seg in line for ch in seg.text]


async def test_matrix_table_cells_render_exactly_like_datatable(ctx):
    """总览表直接拼出的每一格（表头、各行、光标所在格、悬停格、左对齐与右对齐）与 DataTable 原来经由 rich
    排版的结果逐字符、逐样式相同；不走快速路径的格子照旧。"""
    app = CoordinatorHarness(ctx, OverviewScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#matrix", MatrixTable)
        base = table.rich_style
        checked = 0
        for row in range(-1, table.row_count):
            for col, column in enumerate(table.ordered_columns):
                width = column.get_render_width(table)
                for cursor, hover in ((False, False), (True, False), (False, True)):
                    table._cell_render_cache.clear()
                    fast = table._fast_cell(row, col, base, width, cursor, hover)
                    assert fast is not None, (row, col)
                    table._cell_render_cache.clear()
                    slow = DataTable._render_cell(table, row, col, base, width, cursor, hover)
                    assert _chars(fast) == _chars(slow), (row, col, cursor, hover)
                    checked += 1
        assert checked == 11 * 15 * 3
        # 放不下的文字交给 DataTable（结果照旧）
        table._cell_render_cache.clear()
        assert table._fast_cell(0, 0, base, 4, False, False) is None


async def test_styles_prepared_in_the_background_are_what_the_ui_thread_would_parse(ctx):
    """首页画好后在后台解析体系科各部件的默认样式：放进缓存的规则与界面线程自己解析的逐条相同，
    之后打开总览时不再解析（缓存命中）。"""
    import asyncio

    from screens.coordinator.common import prepare_styles

    class Home(App[None]):
        CSS_PATH = CSS

    app = Home()
    async with app.run_test(size=SIZE) as pilot:
        sheet = app.stylesheet
        before = set(sheet._parse_cache.keys())
        stored = await asyncio.to_thread(prepare_styles, app)
        assert stored > 0
        new = [k for k in sheet._parse_cache.keys() if k not in before]
        assert any(k[1][1] == "CoordinatorScreen.DEFAULT_CSS" for k in new)
        assert any(k[1][1] == "DataTable.DEFAULT_CSS" for k in new)

        def rules(parsed) -> list:
            return [
                (
                    repr(r.selector_set),
                    repr(r.styles.get_rules()),
                    r.is_default_rules,
                    r.tie_breaker,
                )
                for r in parsed
            ]

        for key in new:
            mine = rules(sheet._parse_cache[key])
            sheet._parse_cache.discard(key)
            assert mine == rules(sheet._parse_rules(*key)), key
        # 再准备一次：都已在缓存里，什么也不放；打开总览时解析缓存只有命中
        assert await asyncio.to_thread(prepare_styles, app) == 0
        misses = sheet._parse_cache.misses
        app.push_screen(OverviewScreen(ctx, MONTH))
        await settle(pilot)
        assert sheet._parse_cache.misses == misses
        assert app.screen.query_one("#matrix", MatrixTable).row_count == 10


def test_sparkline_data_is_on_an_absolute_scale():
    data = sparkline_data((50.0, None), columns_per_month=1)
    assert data == [50.0, 0.0, 0.0, 100.0]
    assert min(data) == 0.0 and max(data) == 100.0


# ───────────── 快照 ─────────────


@pytest.mark.parametrize(
    ("screen_cls", "press"),
    [
        (
            OverviewScreen,
            ["down", "down", "down", "down", "right", "right", "right", "right", "right"],
        ),
        (ReviewScreen, []),
        (RankingScreen, []),
        (OverviewScreen, ["down", "down", "down", "down", *["right"] * 9, "enter"]),
    ],
    ids=["overview", "review", "ranking", "overview-detail"],
)
def test_snapshots(snap_compare, catalog, cal, data_dir, screen_cls, press):
    save_records(catalog, data_dir)
    app = CoordinatorHarness(make_ctx(catalog, cal, data_dir), screen_cls)
    assert snap_compare(app, press=press, terminal_size=SIZE, run_before=settle)


# ───────────── 在真正的 App 里 ─────────────


async def test_in_the_real_app_keys_and_own_month_reload(catalog, tmp_path):
    from app_support import configured, make_app

    save_records(catalog, tmp_path / "data")
    app = make_app(tmp_path, settings=configured("system", "李玲"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is home
        await pilot.press("r")
        await settle(pilot)
        review_screen = app.screen
        assert isinstance(review_screen, ReviewScreen)
        # 体系建设科自己的本月（第6行）审核通过：首页所用的本月记录随之更新，不会被之后的保存覆盖
        review_screen.query_one("#review", DataTable).move_cursor(row=5)
        await pilot.press("v", "y")
        await settle(pilot)
        assert app.session.sm.review is ReviewState.APPROVED
        # 其他科室（商事登记科）由另开的仓库写入，本窗口只占用本科室
        review_screen.query_one("#review", DataTable).move_cursor(row=2)
        await pilot.press("b")
        await settle(pilot)
        app.screen.query_one("#value", Input).value = "请补充第6项材料"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, RankingScreen)
    assert _load(tmp_path / "data", "system").review is ReviewState.APPROVED
    assert _load(tmp_path / "data", "commerce").last_return_comment == "请补充第6项材料"


# ───────────── 80 列的窗口 ─────────────


def _screen_lines(app) -> list[str]:
    """屏幕上实际画出的各行文字（合成后的结果，被挤出窗口的部分不在里面）。"""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def _shown(pilot) -> None:
    await settle(pilot)
    screen = pilot.app.screen
    await _until_true(pilot, lambda: screen.overview is not None and not screen.reading)


async def _until_true(pilot, cond) -> None:
    import time

    end = time.monotonic() + 30
    while not cond():
        assert time.monotonic() < end, "30 秒内没有等到条件成立"
        await pilot.pause()
        await settle(pilot)


@pytest.mark.parametrize(
    ("screen_cls", "table_id", "last_header"),
    [(OverviewScreen, "#matrix", "审核"), (ReviewScreen, "#review", "意见或理由")],
)
async def test_80_columns_title_and_columns_fit(ctx, screen_cls, table_id, last_header):
    app = CoordinatorHarness(ctx, screen_cls)
    async with app.run_test(size=(80, 24)) as pilot:
        await _shown(pilot)
        lines = _screen_lines(app)
        top = lines[0].rstrip()
        assert top.endswith("O 总览 R 审核 K 排名"), top
        assert "上月" in top and "2026年11月（本月）" in top
        table = app.screen.query_one(table_id, DataTable)
        # 整张表放得下：不必左右滚动，最后一列（审核 / 意见）的标题整个画在屏幕上
        assert table.max_scroll_x == 0
        header = lines[table.region.y]
        assert last_header in header, header
        # 审核一列的文字（如“审核通过”“已提交”）也整个看得见
        states = {r.review.value for r in screen_rows(app)}
        body = "\n".join(lines[table.region.y + 1 : table.region.bottom])
        for state in states:
            assert state in body, (state, body)
        if screen_cls is OverviewScreen:
            assert "得分" not in header and "排名" not in header  # 窄屏收起的两列


def screen_rows(app):
    return app.screen.overview.rows


async def test_120_columns_keep_the_wide_layout(ctx):
    app = CoordinatorHarness(ctx, OverviewScreen)
    async with app.run_test(size=SIZE) as pilot:
        await _shown(pilot)
        lines = _screen_lines(app)
        assert lines[0].rstrip().endswith("[ 上月  ] 下月   O 总览  R 审核  K 排名")
        table = app.screen.query_one("#matrix", DataTable)
        header = lines[table.region.y]
        for label in ("完成", "得分", "排名", "审核"):
            assert label in header
        assert table.max_scroll_x == 0
        # 窗口变窄再变宽：列跟着变，光标所在的格子的说明照旧
        await pilot.resize_terminal(80, 24)
        await _until_true(pilot, lambda: "得分" not in _screen_lines(app)[table.region.y])
        await pilot.resize_terminal(*SIZE)
        await _until_true(pilot, lambda: "得分" in _screen_lines(app)[table.region.y])


async def test_review_comment_column_follows_the_window_width(ctx):
    app = CoordinatorHarness(ctx, ReviewScreen)
    async with app.run_test(size=(99, 30)) as pilot:
        await _shown(pilot)
        table = app.screen.query_one("#review", DataTable)
        assert table.max_scroll_x == 0
        wide = table.columns[table.ordered_columns[-1].key].width
        await pilot.resize_terminal(80, 24)
        await _until_true(pilot, lambda: table.columns[table.ordered_columns[-1].key].width < wide)
        assert table.max_scroll_x == 0
        assert "意见或理由" in _screen_lines(app)[table.region.y]
