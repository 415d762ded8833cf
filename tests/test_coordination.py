"""体系科汇总（creditcheck.coordination）：矩阵、得分、及时率、排名、趋势、通报，与手算值比对。

数据见 tests/coordination_data.py 的说明；这里的期望值都是按那张表手算出来的。
"""

from __future__ import annotations

from datetime import datetime

import pytest
from coordination_data import MONTH, NOW, SECTION_ORDER, save_records

from creditcheck.coordination import CellState, assign_ranks, build_overview, trend_months
from creditcheck.models import ReviewState
from creditcheck.month import Month

C, P, N, L, A, X = (
    CellState.DONE,
    CellState.IN_PROGRESS,
    CellState.NOT_STARTED,
    CellState.OVERDUE,
    CellState.NOT_APPLICABLE,
    CellState.NOT_ASSIGNED,
)


@pytest.fixture
def ov(catalog, cal, data_dir):
    store = save_records(catalog, data_dir)
    records = list(store.iter_all_months())
    return build_overview(catalog, cal, MONTH, records, NOW)


# 指标 1..10 的单元格，手工对照目录分工与上表写出
EXPECTED_CELLS = {
    "office": [C, X, X, C, X, X, C, X, C, X],
    # 第4项“每月26日前上报信用动态1篇”是配额义务：没有稿件的科室 11-26 起逾期
    "personnel": [C, X, X, L, X, X, N, X, A, X],
    "commerce": [X, C, C, C, A, C, X, C, C, C],
    "social": [X, C, C, C, C, C, X, C, C, A],
    # 6 进行中但 11-26 的月报已过期；10 的异议函 11-24 收到，1 个工作日即 11-25 到期
    "construction": [X, C, C, L, N, L, X, C, C, L],
    # 7 的活动 11-27 09:00 结束，48 小时到 11-29 09:00，尚未逾期
    "system": [C, C, X, C, C, C, P, C, C, C],
    # 没有记录：8 的月报（11-26）与 4 的每月1篇已过期；9 的“确认零存量、零增量”只是本软件的提醒，
    # 不是方案的期限，不算逾期
    "window": [X, X, X, L, X, X, X, L, N, X],
    "survey": [X, X, X, L, X, X, X, X, N, X],
    "supervision": [X, X, X, L, X, X, X, X, N, X],
    "trading": [X, X, X, L, X, X, X, X, N, X],
}


def test_matrix_cells(ov):
    assert [r.section_id for r in ov.rows] == SECTION_ORDER
    for sid, expected in EXPECTED_CELLS.items():
        row = ov.row(sid)
        assert [row.cells[i].state for i in range(1, 11)] == expected, sid


def test_scores_completion_and_overdue_counts(ov):
    # (已完成, 应完成, 加权得分, 逾期单元格数, 逾期事项数)
    expected = {
        "office": (4, 4, 100.0, 0, 0),
        "personnel": (1, 3, 33.3, 1, 1),
        "commerce": (7, 7, 100.0, 0, 0),
        "social": (7, 7, 100.0, 0, 0),
        "construction": (4, 8, 50.0, 3, 3),
        "system": (8, 9, 88.9, 0, 0),
        "window": (0, 3, 0.0, 2, 2),
        "survey": (0, 2, 0.0, 1, 1),
        "supervision": (0, 2, 0.0, 1, 1),
        "trading": (0, 2, 0.0, 1, 1),
    }
    for sid, (done, total, weighted, cells, items) in expected.items():
        r = ov.row(sid)
        assert (r.score.done, r.score.total, r.score.weighted, r.overdue_cells, len(r.overdue)) == (
            done,
            total,
            weighted,
            cells,
            items,
        ), sid
    assert ov.row("commerce").completion_label == "7/7"
    assert ov.average_score == 47.2  # (100+33.3+100+100+50+88.9)/10 = 47.22
    assert ov.totals == (31, 47)


def test_overdue_items_name_the_obligation(ov):
    items = ov.row("construction").overdue
    assert [(o.indicator_id, o.event_id) for o in items] == [(4, None), (6, None), (10, "obj1")]
    assert items[0].what == "每月26日前上报信用动态信息1篇" and items[0].kind == "quota"
    assert items[2].what == "异议协同处理函：某公司异议协同处理函"
    assert items[2].due_label == "11月25日"
    assert [r.section_id for r in ov.overdue_by_section] == [
        "personnel",
        "construction",
        "window",
        "survey",
        "supervision",
        "trading",
    ]


def test_timeliness(ov):
    # 应完成 = 已办结的与已逾期未办结的；不含未到期、不适用和本软件的提醒（第9项的确认）。
    # 办公室：月报 1、信用动态一篇（48小时）、每月1篇 → 3/3
    # 组织人事科：1 按时；每月1篇没有稿件、已逾期 → 1/2
    # 商事登记科：月报 2、3、6、8 加信用动态一篇与每月1篇 = 6 项，6 的材料 11-27 才附上（迟一天）→ 5/6
    # 社会事务科：月报 2、3、6、8，稿件与每月1篇 → 6/6；体系建设科：月报 1、2、6、8，稿件与每月1篇 → 6/6
    # 建设项目科：月报 2、3、8 按时，6 逾期，每月1篇逾期，异议函逾期 → 3/6
    expected = {
        "office": (3, 3),
        "personnel": (1, 2),
        "commerce": (5, 6),
        "social": (6, 6),
        "construction": (3, 6),
        "system": (6, 6),
        "window": (0, 2),
        "survey": (0, 1),
        "supervision": (0, 1),
        "trading": (0, 1),
    }
    assert {r.section_id: (r.on_time, r.due) for r in ov.rows} == expected
    assert ov.timeliness_totals == (24, 34)
    assert ov.row("commerce").timeliness_label == "5/6（83.3%）"


def test_ranking_ties_share_rank(ov):
    # 办公室与社会事务科都是 100 分、及时率 100%，并列第 1，按科室顺序办公室在前；
    # 商事登记科也是 100 分但及时率 5/6，排第 3；四个 0 分 0% 的科室并列第 7。
    assert [(r.section_id, r.rank) for r in ov.ranking] == [
        ("office", 1),
        ("social", 1),
        ("commerce", 3),
        ("system", 4),
        ("construction", 5),
        ("personnel", 6),
        ("window", 7),
        ("survey", 7),
        ("supervision", 7),
        ("trading", 7),
    ]


def test_assign_ranks_timeliness_breaks_tie_and_no_due_counts_as_full(ov):
    from dataclasses import replace

    rows = [replace(ov.row("social"), on_time=0, due=0), replace(ov.row("commerce"))]
    # 社会事务科没有到期事项（记 100%），商事登记科 5/6
    assert assign_ranks(rows) == {"social": 1, "commerce": 2}
    rows = [
        replace(ov.row("commerce"), on_time=1, due=2),
        replace(ov.row("social"), on_time=2, due=4),
    ]
    assert assign_ranks(rows) == {"commerce": 1, "social": 1}


def test_trend_last_12_months(ov):
    assert trend_months(MONTH)[0] == Month(2025, 12)
    assert trend_months(MONTH)[-1] == MONTH
    assert ov.row("commerce").trend == (25.0,) + (None,) * 9 + (100.0, 100.0)
    assert ov.row("office").trend == (None,) * 11 + (100.0,)
    assert ov.row("window").trend == (None,) * 12


def test_per_indicator_completion(ov):
    # (分工科室数, 不适用, 已完成, 逾期, 完成率)
    expected = {
        1: (3, 0, 3, 0, "100.0%"),
        2: (4, 0, 4, 0, "100.0%"),
        3: (3, 0, 3, 0, "100.0%"),
        4: (10, 0, 4, 6, "40.0%"),
        5: (4, 1, 2, 0, "66.7%"),
        6: (4, 0, 3, 1, "75.0%"),
        7: (3, 0, 1, 0, "33.3%"),
        8: (5, 0, 4, 1, "80.0%"),
        9: (10, 1, 5, 0, "55.6%"),
        10: (4, 1, 2, 1, "66.7%"),
    }
    got = {
        c.indicator.id: (c.assigned, c.not_applicable, c.done, c.overdue, c.rate_label)
        for c in ov.indicators
    }
    assert got == expected


def test_submitted_and_not_submitted(ov):
    assert [r.section_id for r in ov.submitted] == ["office", "commerce", "social", "system"]
    assert [(r.section_id, r.review) for r in ov.not_submitted][:2] == [
        ("personnel", ReviewState.RETURNED),
        ("construction", ReviewState.DRAFT),
    ]
    assert len(ov.not_submitted) == 6
    assert ov.row("commerce").submitted_at == datetime(2026, 11, 25, 9, 30)
    assert not ov.row("window").stored and ov.row("commerce").stored


def test_bulletin_text(ov):
    # 与汇总材料“总体情况”同一段（coordination.bulletin）：按时完成率写明是哪一种，不称“及时率”
    assert ov.bulletin == (
        "2026年11月，全局10个科室中4个已报送信用状况监测材料，其中审核通过2个、待审核2个；"
        "未报送的有建设项目科、综合受理窗口、勘察服务科、监督考核科、公共资源交易中心；"
        "退回修改尚未重新报送的有组织人事科。"
        "各科室平均得分47.2分，共完成指标31项，应完成47项；到期的应办事项34项，按时完成24项，按时完成率70.6%。"
        "局内排名前三的是办公室100.0分、社会事务科100.0分、商事登记科100.0分。"
        "存在逾期事项的科室有组织人事科1项、建设项目科3项、综合受理窗口2项、勘察服务科1项、监督考核科1项、"
        "公共资源交易中心1项，共9项，请相关科室抓紧整改。"
    )


def test_bulletin_empty_month_has_no_ranking_sentence(catalog, cal):
    ov = build_overview(catalog, cal, Month(2026, 11), [], NOW)
    text = ov.bulletin
    assert text.startswith(
        "2026年11月，全局10个科室中0个已报送信用状况监测材料；未报送的有办公室、"
    )
    assert "排名前三" not in text
    assert all(r.rank == 1 for r in ov.rows)


def test_bulletin_all_done_and_submitted(catalog, cal):
    from coordination_data import _set

    from creditcheck import review
    from creditcheck.models import SectionMonth, Status

    records = []
    for s in catalog.sections:
        sm = SectionMonth(s.id, MONTH, catalog.version)
        for ind in catalog.assigned(s.id):
            _set(sm, ind.id, Status.DONE)
        review.submit(sm, "x", datetime(2026, 11, 21, 9, 0))
        records.append(sm)
    ov = build_overview(catalog, cal, MONTH, records, NOW)
    assert "各科室均已报送" in ov.bulletin
    assert "各科室均无逾期事项" in ov.bulletin
    assert (
        "各科室得分均为100.0分，局内排名并列第一。" in ov.bulletin and "排名前三" not in ov.bulletin
    )
    assert ov.average_score == 100.0


def test_future_month_nothing_overdue(catalog, cal):
    ov = build_overview(catalog, cal, Month(2026, 12), [], NOW)
    assert all(
        c.state in (CellState.NOT_STARTED, CellState.NOT_ASSIGNED)
        for r in ov.rows
        for c in r.cells.values()
    )
    assert all(r.due == 0 for r in ov.rows)


def test_to_json_is_serialisable(ov):
    import json

    data = json.loads(json.dumps(ov.to_json(), ensure_ascii=False))
    assert data["month"] == "2026-11"
    assert data["ranking"][:3] == ["office", "social", "commerce"]
    sec = {s["id"]: s for s in data["sections"]}
    assert sec["construction"]["cells"]["10"] == "逾期"
    assert sec["construction"]["overdue_items"][2]["effective_due"] == "2026-11-25"
    assert "计分规则" in data["scoring_rule"]
    assert sec["commerce"]["submitted_at"] == "2026-11-25T09:30"


def test_trend_scores_each_month_with_its_catalogue_version(catalog, cal) -> None:
    from dataclasses import replace

    from coordination_data import _set

    from creditcheck.models import SectionMonth, Status

    # 假设五月的记录是按旧目录填的：那时办公室只负责第1项，且权重相同
    old = replace(
        catalog,
        version="2021.1",
        indicators=tuple(
            replace(i, sections=("office",))
            if i.id == 1
            else replace(i, sections=tuple(s for s in i.sections if s != "office"))
            for i in catalog.indicators
        ),
    )
    may = SectionMonth("office", Month(2026, 5), "2021.1")
    _set(may, 1, Status.DONE, datetime(2026, 5, 20, 10, 0))
    seen: list[tuple[Month, str]] = []

    def catalog_for(m: Month, v: str):
        seen.append((m, v))
        return old

    ov = build_overview(catalog, cal, Month(2026, 11), [may], NOW, catalog_for=catalog_for)
    office = next(r for r in ov.rows if r.section_id == "office")
    assert seen == [(Month(2026, 5), "2021.1")]
    assert office.trend[5] == 100.0  # 按当时的目录：1/1 完成；按现行目录只有 1/4
    ov2 = build_overview(catalog, cal, Month(2026, 11), [may], NOW)
    assert next(r for r in ov2.rows if r.section_id == "office").trend[5] == 25.0
