"""台账检查（纯领域，不经过 Excel）：表头、逐行检查、期限、计数与比率。"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from ledger_helpers import GOOD, TODAY, H, lic

from creditcheck.catalog import builtin_text, parse_catalog
from creditcheck.ledger import (
    CODE_ERRORS,
    COMMITMENT,
    UNCACHED_FORMULA,
    LedgerReadError,
    Merged,
    check_rows,
    normalize_header,
    rate_lines,
    rows_from_lists,
)


def run(rows: list[list[Any]], kind: str = "licence", header: list[str] | None = None, **kw: Any):  # type: ignore[no-untyped-def]
    from creditcheck.catalog import load_builtin
    from creditcheck.workcal import load_calendar

    kw.setdefault("catalog", load_builtin())
    table = [
        header if header is not None else {"licence": H, "commitment": CH, "code-errors": EH}[kind],
        *rows,
    ]
    return check_rows(rows_from_lists(table), kind, today=TODAY, cal=load_calendar(None), **kw)


def msgs(result) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    return [(p.row, p.column, p.message) for p in result.problems]


# ───────────── 表头 ─────────────


def test_good_row_has_no_problem_and_full_rates() -> None:
    r = run([lic()])
    assert r.problems == []
    assert r.counts == {
        "decided": 1,
        "not_due": 0,
        "due": 1,
        "uploaded": 1,
        "on_time": 1,
        "compliant": 1,
    }
    assert r.rates == {"reported": 1.0, "timely": 1.0, "compliant": 1.0}


def test_header_ignores_spaces_fullwidth_spaces_order_and_extra_columns() -> None:
    header = [" 行政相对人 名称", "序号", *H[1:]]
    header[3], header[4] = header[4], header[3]
    header = [h.replace("许可机关", "许可\u3000机关") if h else h for h in header]
    row = lic()
    row = [row[0], 7, *row[1:]]
    row[3], row[4] = row[4], row[3]
    r = run([row], header=header, keep_rows=True)
    assert r.problems == []
    assert r.extra_columns == ["序号"]
    assert r.rows[0]["_extra"] == {"序号": "7"}
    assert r.rows[0]["许可机关"] == "某区行政审批服务局"


def test_header_notes_in_brackets_and_national_standard_names() -> None:
    header = [
        "行政相对人代码_1（统一社会信用代码）"
        if h == "统一社会信用代码"
        else "许可决定日期(yyyy-mm-dd)"
        if h == "许可决定日期"
        else h
        for h in H
    ]
    r = run([lic(统一社会信用代码=GOOD.lower())], header=header)
    assert [(p.row, p.column) for p in r.problems] == [(2, "统一社会信用代码")]
    assert r.extra_columns == []


def test_normalize_header() -> None:
    assert normalize_header("＊许可 决定\n日期") == "许可决定日期"
    assert normalize_header(None) == ""


def test_missing_required_column_is_one_error_naming_it() -> None:
    header = [h for h in H if h not in ("许可类别", "许可机关")]
    with pytest.raises(LedgerReadError) as e:
        run([lic()[:5]] * 3, header=header)
    msg = str(e.value)
    assert "许可类别" in msg and "许可机关" in msg and "缺少必填列" in msg
    assert "许可机关统一社会信用代码" not in msg.replace("许可类别、许可机关", "")


def test_title_row_above_header_is_skipped() -> None:
    table = [["某区行政审批服务局双公示台账"], [None], H, lic()]
    from creditcheck.workcal import load_calendar

    r = check_rows(rows_from_lists(table), "licence", today=TODAY, cal=load_calendar(None))
    assert r.header_row == 3
    assert r.row_count == 1 and r.problems == []


def test_wrong_kind_suggests_the_right_one() -> None:
    with pytest.raises(LedgerReadError) as e:
        run([], header=[c.name for c in COMMITMENT.columns])
    # 领域层的说明写中文名称与指标；种类另放在 suggested_kind 里，命令行据此写出 --kind commitment（issue 14）
    assert e.value.suggested_kind == "commitment"
    assert "信用承诺和履约践诺台账（第3项指标的台账）" in str(e.value)


def test_empty_sheet_is_an_error() -> None:
    from creditcheck.workcal import load_calendar

    with pytest.raises(LedgerReadError, match="空"):
        check_rows(iter(()), "licence", today=TODAY, cal=load_calendar(None))


def test_unknown_kind() -> None:
    from creditcheck.workcal import load_calendar

    with pytest.raises(LedgerReadError, match="未知的台账种类"):
        check_rows(iter(()), "nope", today=TODAY, cal=load_calendar(None))


# ───────────── 统一社会信用代码 ─────────────


def test_lower_case_and_full_width_codes_are_reported_with_suggestion_not_fixed() -> None:
    full = "９１３５０１００Ｍ０００１００Ｙ４３"
    r = run(
        [lic(统一社会信用代码=GOOD.lower()), lic(统一社会信用代码=full, 行政许可决定文书号="2号")],
        keep_rows=True,
    )
    m = msgs(r)
    assert m[0][:2] == (2, "统一社会信用代码") and "含小写字母" in m[0][2] and GOOD in m[0][2]
    assert m[1][:2] == (3, "统一社会信用代码") and "含全角字符" in m[1][2] and GOOD in m[1][2]
    assert r.problems[0].value == GOOD.lower()
    assert r.rows[0]["统一社会信用代码"] == GOOD.lower()  # 原样保存，不悄悄改正


def test_every_code_column_is_checked() -> None:
    bad = GOOD[:17] + "0"
    r = run([lic(许可机关统一社会信用代码=bad, 数据来源单位统一社会信用代码="123")])
    cols = {p.column: p.message for p in r.problems}
    assert (
        "校验位不符" in cols["许可机关统一社会信用代码"]
        and "第18位应为 3" in cols["许可机关统一社会信用代码"]
    )
    assert "建议写作" not in cols["许可机关统一社会信用代码"]
    assert "应为18位" in cols["数据来源单位统一社会信用代码"]


def test_code_stored_as_number() -> None:
    r = run([lic(统一社会信用代码=913501001234567000)])
    assert "存成了数字" in r.problems[0].message


def test_natural_person_does_not_need_a_code() -> None:
    r = run(
        [
            lic(
                行政相对人类别="自然人",
                统一社会信用代码=None,
                证件类型="身份证",
                证件号码="11010519491231002X",
            ),
            lic(行政相对人类别="个体工商户", 统一社会信用代码=None, 行政许可决定文书号="2号"),
            lic(行政相对人类别="自然人", 统一社会信用代码=None, 行政许可决定文书号="3号"),
        ]
    )
    # 自然人不要代码，但表头有“证件号码”列时要填证件号码
    assert msgs(r) == [
        (3, "统一社会信用代码", "必填项为空（行政相对人类别为自然人时才可不填）"),
        (4, "证件号码", "行政相对人类别为自然人时应填写证件号码"),
    ]


def test_subject_type_must_be_one_of_three() -> None:
    r = run([lic(行政相对人类别="企业")])
    assert msgs(r) == [(2, "行政相对人类别", "应填写 法人及非法人组织、个体工商户、自然人 之一")]


# ───────────── 日期 ─────────────


def test_dates_accept_excel_dates_and_text_formats() -> None:
    rows = [
        lic(
            行政许可决定文书号="1",
            许可决定日期="2026年11月2日",
            有效期自="2026/11/2",
            上报日期="2026.11.10",
        ),
        lic(
            行政许可决定文书号="2",
            许可决定日期=20261102,
            有效期自=date(2026, 11, 2),
            上报日期="2026-11-10 15:30",
        ),
        lic(行政许可决定文书号="3", 有效期至=None),
        lic(行政许可决定文书号="4", 有效期至=datetime(2031, 11, 1)),
        lic(行政许可决定文书号="5", 有效期至="长期有效"),
    ]
    r = run(rows, keep_rows=True)
    assert r.problems == []
    assert r.rows[0]["许可决定日期"] == "2026-11-02"
    assert r.rows[1]["上报日期"] == "2026-11-10"
    assert r.rows[2]["有效期至"] == ""
    assert r.rows[4]["有效期至"] == "长期"


def test_bad_dates_are_explained() -> None:
    r = run(
        [
            lic(许可决定日期="2026-02-30"),
            lic(行政许可决定文书号="2", 有效期至="永久"),
            lic(行政许可决定文书号="3", 有效期自=45000),
            lic(行政许可决定文书号="4", 许可决定日期="下周"),
        ]
    )
    m = msgs(r)
    assert (2, "许可决定日期", "日期不存在：“2026-02-30”（2026年2月没有30日）") in m
    assert any(c == "有效期至" and "长期" in t and row == 3 for row, c, t in m)
    assert any(c == "有效期自" and "日期序号" in t and row == 4 for row, c, t in m)
    assert any(c == "许可决定日期" and "无法识别的日期" in t and row == 5 for row, c, t in m)


def test_date_order_and_future_dates() -> None:
    r = run(
        [
            lic(许可决定日期=datetime(2026, 11, 12), 上报日期=datetime(2026, 11, 10)),
            lic(行政许可决定文书号="2", 有效期自="2026-11-05", 有效期至="2026-11-04"),
            lic(
                行政许可决定文书号="3",
                许可决定日期="2026-11-29",
                有效期自="2026-11-29",
                上报日期=None,
            ),
            lic(行政许可决定文书号="4", 有效期至="2031-01-01"),  # 有效期至在将来是正常的
        ]
    )
    m = msgs(r)
    assert (2, "上报日期", "上报日期早于许可决定日期（2026-11-12）") in m
    assert (3, "有效期至", "有效期至早于有效期自（2026-11-05）") in m
    assert (4, "许可决定日期", "日期晚于今天（2026-11-28），请核对") in m
    assert not any(row == 5 for row, _c, _t in m)
    # 早于决定日期的上报不算按时
    assert r.counts["on_time"] == 2


# ───────────── 重复、期限、比率 ─────────────


def test_duplicate_decision_numbers_name_the_first_row() -> None:
    r = run([lic(), lic(), lic(行政许可决定文书号="2号"), lic()])
    assert msgs(r) == [
        (3, "行政许可决定文书号", "行政许可决定文书号与第2行重复"),
        (5, "行政许可决定文书号", "行政许可决定文书号与第2行重复"),
    ]
    assert r.counts["compliant"] == 2


def test_timeliness_natural_days_15_from_catalogue() -> None:
    r = run(
        [
            lic(行政许可决定文书号="1", 许可决定日期="2026-11-01", 上报日期="2026-11-16"),
            lic(行政许可决定文书号="2", 许可决定日期="2026-11-01", 上报日期="2026-11-17"),
            lic(行政许可决定文书号="3", 许可决定日期="2026-11-01", 上报日期=None),
            lic(行政许可决定文书号="4", 许可决定日期="2026-11-20", 上报日期=None),
        ]
    )
    assert r.rule == "natural-days:15"
    late = [(p.row, p.message) for p in r.problems if p.kind == "late"]
    assert late == [
        (
            3,
            "迟报：许可决定日期 2026-11-01，应在15个自然日内即 2026-11-16（含当日）前上报，实际 2026-11-17 上报",
        ),
        (4, "逾期未上报：许可决定日期 2026-11-01，应在15个自然日内即 2026-11-16（含当日）前上报"),
    ]
    # 第5行 11-20 决定、尚未上报，12-05 才到期：未到期，不计入上报率的分母
    assert r.counts == {
        "decided": 4,
        "not_due": 1,
        "due": 3,
        "uploaded": 2,
        "on_time": 1,
        "compliant": 2,
    }
    assert r.rates == {"reported": 0.6667, "timely": 0.5, "compliant": 1.0}


def test_timeliness_follows_a_working_day_rule_in_the_catalogue() -> None:
    text = builtin_text().replace('rule = "natural-days:15"', 'rule = "working-days:7"', 1)
    cat = parse_catalog(text, "test")
    # 2026-09-25（周五）起7个工作日：国庆 10-01..10-07 放假，10-10（周六）调休上班 → 10-12
    rows = [
        lic(行政许可决定文书号="1", 许可决定日期="2026-09-25", 上报日期="2026-10-12"),
        lic(行政许可决定文书号="2", 许可决定日期="2026-09-25", 上报日期="2026-10-13"),
    ]
    r = run(rows, catalog=cat)
    assert r.rule == "working-days:7"
    assert [p.row for p in r.problems if p.kind == "late"] == [3]
    assert "2026-10-12（含当日）前上报" in r.problems[0].message
    # 同样两行，按内置的15个自然日（到 10-10）两行都迟报
    r2 = run(rows)
    assert [p.row for p in r2.problems if p.kind == "late"] == [2, 3]


def test_rates_are_null_when_denominator_is_zero() -> None:
    r = run([])
    assert r.counts == {
        "decided": 0,
        "not_due": 0,
        "due": 0,
        "uploaded": 0,
        "on_time": 0,
        "compliant": 0,
    }
    assert r.rates == {"reported": None, "timely": None, "compliant": None}
    r = run([lic(上报日期=None, 许可决定日期="2026-11-01", 有效期自="2026-11-01")])
    assert r.rates == {"reported": 0.0, "timely": None, "compliant": None}
    r = run(
        [lic(上报日期=None, 许可决定日期="2026-11-20", 有效期自="2026-11-20")]
    )  # 未到期：没有应上报的
    assert (
        r.rates == {"reported": None, "timely": None, "compliant": None}
        and r.counts["not_due"] == 1
    )
    assert "无（分母为0）" in rate_lines("licence", r.counts, r.rates)[1]


def test_unparseable_report_date_counts_as_uploaded_but_not_compliant() -> None:
    r = run([lic(上报日期="上周")])
    assert r.counts == {
        "decided": 1,
        "not_due": 0,
        "due": 1,
        "uploaded": 1,
        "on_time": 0,
        "compliant": 0,
    }


def test_rate_lines_show_the_formula() -> None:
    r = run(
        [
            lic(),
            lic(
                行政许可决定文书号="2",
                上报日期=None,
                许可决定日期="2026-11-05",
                有效期自="2026-11-05",
            ),
        ]
    )
    assert (
        r.rate_lines()[0]
        == "上报率 = 已上报 / 应上报（已作出许可决定，不含未到期） = 1 / 2 = 50.00%"
    )
    r = run(
        [
            lic(),
            lic(
                行政许可决定文书号="2",
                上报日期=None,
                许可决定日期="2026-11-25",
                有效期自="2026-11-25",
            ),
        ]
    )
    assert (
        r.rate_lines()[0]
        == "上报率 = 已上报 / 应上报（已作出许可决定，不含未到期） = 1 / 1 = 100.00%"
    )


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers() -> None:
    r = run(
        [
            [None] * len(H),
            lic(),
            ["  ", None, "\u3000".strip()],
            lic(行政许可决定文书号="2", 许可类别=None),
        ]
    )
    assert r.row_count == 2
    assert msgs(r) == [(5, "许可类别", "必填项为空")]


def test_short_rows_are_padded() -> None:
    r = run([["某公司", "自然人"]])
    assert {p.column for p in r.problems} >= {"行政许可决定文书号", "许可类别", "许可决定日期"}


def test_uncached_formula_and_merged_cells_are_problems() -> None:
    row = lic(许可类别=UNCACHED_FORMULA, 许可机关=Merged("某区行政审批服务局", "N2:N3"))
    r = run([lic(), row])
    m = msgs(r)
    assert any(c == "许可类别" and "公式没有保存计算结果" in t for _r, c, t in m)
    assert any(c == "许可类别" and t == "必填项为空" for _r, c, t in m)
    assert any(c == "许可机关" and "合并单元格 N2:N3" in t for _r, c, t in m)
    assert not any(c == "许可机关" and t == "必填项为空" for _r, c, t in m)


def test_kept_rows_are_json_friendly() -> None:
    import json

    r = run([lic(备注=3.0)], keep_rows=True)
    rec = r.rows[0]
    assert rec["_row"] == 2 and rec["备注"] == "3" and rec["上报日期"] == "2026-11-10"
    json.dumps(rec, ensure_ascii=False)


# ───────────── 信用承诺 ─────────────

CH = [c.name for c in COMMITMENT.columns]


def com(**kw: Any) -> list[Any]:
    base: dict[str, Any] = {
        "承诺主体名称": "某某建设有限公司",
        "统一社会信用代码": GOOD,
        "承诺类型": "审批替代型",
        "承诺事项": "按期补交消防验收材料",
        "承诺日期": "2026-10-08",
        "履约情况": "已履约",
        "践诺核查日期": "2026-11-08",
    }
    base.update(kw)
    return [base.get(h) for h in CH]


def test_commitment_ledger() -> None:
    r = run(
        [
            com(),
            com(履约情况="履约中", 践诺核查日期=None),
            com(履约情况="未履约", 践诺核查日期=None),
            com(履约情况="违约"),
            com(承诺日期="2026-11-10", 践诺核查日期="2026-11-01", 统一社会信用代码=GOOD.lower()),
        ],
        kind="commitment",
    )
    m = msgs(r)
    assert (4, "践诺核查日期", "履约情况为“未履约”时应填写践诺核查日期") in m
    assert (5, "履约情况", "应填写 已履约、未履约、履约中 之一") in m
    assert (6, "践诺核查日期", "践诺核查日期早于承诺日期（2026-11-10）") in m
    assert any(row == 6 and c == "统一社会信用代码" for row, c, _t in m)
    assert r.status == {"已履约": 2, "履约中": 1, "未履约": 1}
    assert r.counts == {
        "decided": 5,
        "not_due": 0,
        "due": 5,
        "uploaded": 5,
        "on_time": None,
        "compliant": 2,
    }
    assert r.rates == {"reported": 1.0, "timely": None, "compliant": 0.4}
    assert "不适用" in r.rate_lines()[1]


# ───────────── 重错码 ─────────────

EH = [c.name for c in CODE_ERRORS.columns]


def err(**kw: Any) -> list[Any]:
    base: dict[str, Any] = {
        "统一社会信用代码": "91350100M000100Y4X",
        "主体名称": "某某商贸有限公司",
        "问题类型": "错码",
        "发现日期": "2026-11-03",
        "处理结果": "已更正为 91350100M000100Y43",
        "处理日期": "2026-11-20",
    }
    base.update(kw)
    return [base.get(h) for h in EH]


def test_code_errors_must_be_handled_within_the_month_found() -> None:
    r = run(
        [
            err(),  # 当月处理
            err(发现日期="2026-10-20", 处理日期="2026-11-02"),  # 次月才处理：迟
            err(发现日期="2026-10-25", 处理结果=None, 处理日期=None),  # 上月发现，至今未处理：逾期
            err(发现日期="2026-11-25", 处理结果=None, 处理日期=None),  # 本月发现，尚在期限内
            err(处理结果=None),
            err(问题类型="乱码"),
        ],
        kind="code-errors",
    )
    m = msgs(r)
    assert m[0] == (
        3,
        "处理日期",
        "未按期清理：发现于 2026-10-20，应在当月内即 2026-10-31（含当日）前处理，实际 2026-11-02 处理",
    )
    assert (
        4,
        "处理日期",
        "逾期未清理：发现于 2026-10-25，应在当月内即 2026-10-31（含当日）前处理",
    ) in m
    assert not any(row == 5 for row, _c, _t in m)
    assert (6, "处理结果", "已填处理日期，但处理结果为空") in m
    assert (7, "问题类型", "应填写 重码、错码 之一") in m
    # 重错码清单里的代码本来就可能错，不按校验位报问题
    assert not any(c == "统一社会信用代码" for _r, c, _t in m)
    assert r.open == 2
    # 第5行本月发现、尚在期限内：未到期，不计入清理率的分母
    assert r.counts == {
        "decided": 6,
        "not_due": 1,
        "due": 5,
        "uploaded": 4,
        "on_time": 3,
        "compliant": 2,
    }
    assert r.rates["reported"] == round(4 / 5, 4)
    assert r.summary("x.xlsx", "2026-11-28T10:00:00")["open"] == 2


def test_result_json_has_exactly_the_documented_keys() -> None:
    r = run([lic(统一社会信用代码="x")])
    j = r.to_json()
    assert set(j) == {
        "rows",
        "month",
        "rows_in_month",
        "rows_other_months",
        "problems",
        "counts",
        "rates",
    }
    assert set(j["problems"][0]) == {"row", "column", "value", "message"}
    assert set(j["counts"]) == {"decided", "not_due", "due", "uploaded", "on_time", "compliant"}
    assert set(j["rates"]) == {"reported", "timely", "compliant"}
