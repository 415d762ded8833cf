"""体系科汇总材料：Word 读回（标题、各表内容与手算值一致、版式来自 docx_layout），Excel 读回，命令行。"""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from coordination_data import MONTH, NOW, build_records, save_records
from docx import Document

from creditcheck.cli import main
from creditcheck.coordination import build_overview
from exports.summary import summary_content, write_summary_docx, write_summary_xlsx

BUREAU = "济南市历城区行政审批服务局"
TITLE = "济南市历城区行政审批服务局2026年11月信用状况监测工作情况汇总"

LICENCE = {"file": "双公示.xlsx", "rows": 10,
           "counts": {"decided": 10, "uploaded": 9, "on_time": 8, "compliant": 9},
           "rates": {"reported": 0.9, "timely": 8 / 9, "compliant": 1.0}}

# 手算（见 coordination_data 的说明与 test_coordination）：按名次排列
OVERVIEW_ROWS = [
    ["科室", "应完成", "已完成", "逾期", "得分", "排名", "审核状态"],
    ["办公室", "4", "4", "0", "100.0", "1", "审核通过（11月22日）"],
    ["社会事务科", "7", "7", "0", "100.0", "1", "审核通过（11月21日）"],
    ["商事登记科", "7", "7", "0", "100.0", "3", "已提交（11月25日）"],
    ["体系建设科", "9", "8", "0", "88.9", "4", "已提交（11月26日）"],
    ["建设项目科", "8", "4", "3", "50.0", "5", "未提交"],
    ["组织人事科", "3", "1", "1", "33.3", "6", "退回修改"],
    ["综合受理窗口", "3", "0", "2", "0.0", "7", "未提交"],
    ["勘察服务科", "2", "0", "1", "0.0", "7", "未提交"],
    ["监督考核科", "2", "0", "1", "0.0", "7", "未提交"],
    ["公共资源交易中心", "2", "0", "1", "0.0", "7", "未提交"],
]

INDICATOR_ROWS = [
    ["序号", "指标", "负责科室", "应完成", "已完成", "逾期", "完成率"],
    ["1", "信用制度文件及学习", "3", "3", "3", "0", "100.0%"],
    ["2", "双公示工作质量", "4", "4", "4", "0", "100.0%"],
    ["3", "信用承诺和履约践诺信息归集", "3", "3", "3", "0", "100.0%"],
    ["4", "信用动态信息报送", "10", "10", "4", "6", "40.0%"],
    ["5", "统一社会信用代码重错码清理", "4", "3", "2", "0", "66.7%"],
    ["6", "“信易批”应用场景", "4", "4", "3", "1", "75.0%"],
    ["7", "诚信宣传教育活动", "3", "3", "1", "0", "33.3%"],
    ["8", "信用核查和联合奖惩应用", "5", "5", "4", "1", "80.0%"],
    ["9", "严防严重失信事件", "10", "9", "5", "0", "55.6%"],
    ["10", "异议处理和信用修复", "4", "3", "2", "1", "66.7%"],
]

LICENCE_ROWS = [
    ["科室", "许可决定", "已上报", "上报率", "及时率", "合规率"],
    ["商事登记项目审批服务科", "10", "9", "9/10（90.0%）", "8/9（88.9%）", "9/9（100.0%）"],
    ["社会事务项目审批服务科"] + ["未导入"] * 5,
    ["建设项目审批服务科"] + ["未导入"] * 5,
    ["政务服务体系建设指导科"] + ["未导入"] * 5,
]

OVERDUE_ROWS = [
    ["科室", "指标", "事项", "期限"],
    # 第4项“每月26日前上报1篇”没有稿件即逾期；第9项的确认只是本软件的提醒，不列为逾期事项
    ["组织人事科", "4. 信用动态信息报送", "每月26日前上报信用动态信息1篇", "11月26日"],
    ["建设项目审批服务科", "4. 信用动态信息报送", "每月26日前上报信用动态信息1篇", "11月26日"],
    ["建设项目审批服务科", "6. “信易批”应用场景", "报送“信易批”便民惠企推进情况", "11月26日"],
    ["建设项目审批服务科", "10. 异议处理和信用修复", "异议协同处理函：某公司异议协同处理函", "11月25日"],
    ["综合受理窗口", "4. 信用动态信息报送", "每月26日前上报信用动态信息1篇", "11月26日"],
    ["综合受理窗口", "8. 信用核查和联合奖惩应用", "报送“信用核查”、“联合奖惩”应用情况", "11月26日"],
    ["勘察服务科", "4. 信用动态信息报送", "每月26日前上报信用动态信息1篇", "11月26日"],
    ["监督考核科", "4. 信用动态信息报送", "每月26日前上报信用动态信息1篇", "11月26日"],
    ["公共资源交易中心", "4. 信用动态信息报送", "每月26日前上报信用动态信息1篇", "11月26日"],
]

NOT_SUBMITTED_ROWS = [
    ["科室", "状态", "说明"],
    ["组织人事科", "退回修改，尚未重新提交", "意见：请补充学习记录"],
    ["建设项目审批服务科", "未提交", ""],
    ["综合受理窗口", "未提交", "本月没有记录"],
    ["勘察服务科", "未提交", "本月没有记录"],
    ["监督考核科", "未提交", "本月没有记录"],
    ["公共资源交易中心", "未提交", "本月没有记录"],
]


@pytest.fixture(scope="module")
def overview(catalog, cal):
    records = build_records(catalog)
    for r in records:
        if r.section_id == "commerce" and r.month == MONTH:
            r.ledgers["licence"] = LICENCE
    return build_overview(catalog, cal, MONTH, records, NOW)


def _table(t) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in t.rows]


def test_word_summary_reads_back(overview, tmp_path):
    content = summary_content(overview, BUREAU, date(2026, 11, 28))
    path = write_summary_docx(content, tmp_path / "汇总.docx")
    doc = Document(str(path))
    assert doc.paragraphs[0].text.replace("\n", "") == TITLE
    assert doc.core_properties.title == TITLE
    texts = [p.text for p in doc.paragraphs]
    headings = [t for t in texts if t[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert headings == ["一、总体情况", "二、各科室完成情况", "三、各指标完成情况", "四、“双公示”数据质量",
                        "五、逾期事项", "六、未报送科室"]
    assert overview.bulletin in texts
    assert texts[texts.index("一、总体情况") + 1] == overview.bulletin
    assert "表1　各科室完成情况" in texts
    assert any(t.startswith("上报率 = 已上报 ÷ 作出许可决定") for t in texts)
    tables = [_table(t) for t in doc.tables]
    assert tables == [OVERVIEW_ROWS, INDICATOR_ROWS, LICENCE_ROWS, OVERDUE_ROWS, NOT_SUBMITTED_ROWS]
    # 落款：体系科全称与不补零的日期
    assert texts[-2:] == ["政务服务体系建设指导科", "2026年11月28日"]
    # 版式来自 docx_layout：A4、上边距 37 mm
    sec = doc.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.top_margin.mm) == 37
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.docx"]  # 没有留下临时文件


def test_empty_tables_become_a_sentence(catalog, cal, tmp_path):
    from coordination_data import _set

    from creditcheck import review
    from creditcheck.models import SectionMonth, Status

    records = []
    for s in catalog.sections:
        sm = SectionMonth(s.id, MONTH, catalog.version)
        for ind in catalog.assigned(s.id):
            _set(sm, ind.id, Status.DONE)
        review.submit(sm, "x", NOW.replace(day=21))
        records.append(sm)
    ov = build_overview(catalog, cal, MONTH, records, NOW)
    path = write_summary_docx(summary_content(ov, "某某区行政审批服务局", date(2026, 11, 28)), tmp_path / "a.docx")
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert doc.paragraphs[0].text.replace("\n", "") == "某某区行政审批服务局2026年11月信用状况监测工作情况汇总"
    assert "本月各科室均无逾期事项。" in texts and "本月各科室均已报送。" in texts
    assert len(doc.tables) == 3


def test_xlsx_summary(overview, tmp_path):
    from openpyxl import load_workbook

    content = summary_content(overview, BUREAU, date(2026, 11, 28))
    path = write_summary_xlsx(content, tmp_path / "汇总.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["通报", "各科室完成情况", "各指标完成情况", "双公示数据质量", "逾期事项", "未报送科室"]
    assert wb["通报"]["A1"].value == TITLE
    assert wb["通报"]["A3"].value == overview.bulletin
    ws = wb["各科室完成情况"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_row=11)]
    expected = [OVERVIEW_ROWS[0]] + [
        [r[0], int(r[1]), int(r[2]), int(r[3]), float(r[4]), int(r[5]), r[6]] for r in OVERVIEW_ROWS[1:]]
    assert values == expected
    assert ws.column_dimensions["A"].width >= 16  # 最长的科室简称（公共资源交易中心）放得下
    ws = wb["双公示数据质量"]
    assert [c.value for c in ws[2]] == ["商事登记项目审批服务科", 10, 9, "9/10（90.0%）", "8/9（88.9%）", "9/9（100.0%）"]
    assert [c.value for c in wb["逾期事项"][5]][3] == "11月25日"
    assert wb["各科室完成情况"]["A6"].fill.fgColor.rgb.endswith("FFEB9C")  # 建设项目科有逾期，加底色


# ───────────── 命令行 ─────────────


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_export_summary(catalog, data_dir, tmp_path, monkeypatch):
    save_records(catalog, data_dir)
    monkeypatch.chdir(tmp_path)
    r = _run("export", "summary", "--month", "2026-11", "--data", str(data_dir))
    assert r.exit_code == 0, r.output
    out = tmp_path / f"{TITLE}.docx"
    assert out.is_file()
    assert "4/10 个科室已报送，平均得分 47.2，逾期事项 9 项。" in r.output
    doc = Document(str(out))
    assert _table(doc.tables[0]) == OVERVIEW_ROWS
    # 已存在时不覆盖，除非 --force
    r = _run("export", "summary", "--month", "2026-11", "--data", str(data_dir))
    assert r.exit_code != 0 and "文件已存在" in r.output and "--force" in r.output
    r = _run("export", "summary", "--month", "2026-11", "--data", str(data_dir), "--force")
    assert r.exit_code == 0
    r = _run("export", "summary", "--month", "2026-11", "--data", str(data_dir), "--xlsx", "-o", "out/汇总.xlsx")
    assert r.exit_code == 0 and (tmp_path / "out" / "汇总.xlsx").is_file()


def test_cli_summary_uses_bureau_from_settings(catalog, data_dir, tmp_path, monkeypatch):
    from creditcheck.locations import settings_path
    from creditcheck.settings import Settings
    from storage.settings_file import save_settings

    save_settings(Settings(section_id="system", bureau="某市某区行政审批服务局"), settings_path())
    save_records(catalog, data_dir)
    monkeypatch.chdir(tmp_path)
    r = _run("export", "summary", "--month", "2026-11", "--data", str(data_dir))
    assert r.exit_code == 0, r.output
    doc = Document(str(tmp_path / "某市某区行政审批服务局2026年11月信用状况监测工作情况汇总.docx"))
    assert doc.paragraphs[0].text.replace("\n", "") == "某市某区行政审批服务局2026年11月信用状况监测工作情况汇总"


def test_cli_summary_bad_month(data_dir):
    r = _run("export", "summary", "--month", "2026-13", "--data", str(data_dir))
    assert r.exit_code != 0 and "月份必须在1到12之间" in r.output
    assert "Traceback" not in r.output
