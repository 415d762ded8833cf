"""体系科汇总材料：Word 读回（标题、各表内容与手算值一致、版式来自 docx_layout），Excel 读回，命令行。"""

from __future__ import annotations

import re
from datetime import date

import pytest
from click.testing import CliRunner
from coordination_data import MONTH, NOW, build_records, save_records
from docx import Document

from creditcheck.cli import main
from creditcheck.coordination import build_overview
from exports.summary import summary_content, write_summary_docx, write_summary_xlsx

BUREAU = "济南市历城区行政审批服务局"
TITLE = "济南市历城区行政审批服务局关于2026年11月信用状况监测工作情况的报告"
NOTICE_TITLE = "政务服务体系建设指导科关于2026年11月信用状况监测工作情况的通报"

LICENCE = {
    "file": "双公示.xlsx",
    "rows": 10,
    "counts": {"decided": 10, "uploaded": 9, "on_time": 8, "compliant": 9},
    "rates": {"reported": 0.9, "timely": 8 / 9, "compliant": 1.0},
}

# 手算（见 coordination_data 的说明与 test_coordination）：按名次排列
OVERVIEW_ROWS = [
    ["科室", "应完成", "已完成", "逾期指标", "得分", "按时完成率", "局内排名", "审核状态"],
    ["办公室", "4", "4", "0", "100.0", "3/3\n100.0%", "1", "审核通过（11月22日）"],
    ["社会事务科", "7", "7", "0", "100.0", "6/6\n100.0%", "1", "审核通过（11月21日）"],
    ["商事登记科", "7", "7", "0", "100.0", "5/6\n83.3%", "3", "已提交（11月25日）"],
    ["体系建设科", "9", "8", "0", "88.9", "6/6\n100.0%", "4", "已提交（11月26日）"],
    ["建设项目科", "8", "4", "3", "50.0", "3/6\n50.0%", "5", "未提交"],
    ["组织人事科", "3", "1", "1", "33.3", "1/2\n50.0%", "6", "退回修改"],
    ["综合受理窗口", "3", "0", "2", "0.0", "0/2\n0.0%", "7", "未提交"],
    ["勘察服务科", "2", "0", "1", "0.0", "0/1\n0.0%", "7", "未提交"],
    ["监督考核科", "2", "0", "1", "0.0", "0/1\n0.0%", "7", "未提交"],
    ["公共资源交易中心", "2", "0", "1", "0.0", "0/1\n0.0%", "7", "未提交"],
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
    ["商事登记科", "10", "9", "9/10\n90.0%", "8/9\n88.9%", "9/9\n100.0%"],
    ["社会事务科"] + ["未导入"] * 5,
    ["建设项目科"] + ["未导入"] * 5,
    ["体系建设科"] + ["未导入"] * 5,
]

OVERDUE_ROWS = [
    ["科室", "指标", "事项", "期限"],
    # 第4项“每月26日前上报1篇”没有稿件即逾期；第9项的确认只是本软件的提醒，不列为逾期事项
    ["组织人事科", "4.信用动态信息报送", "每月26日前上报信用动态信息1篇", "11月26日"],
    ["建设项目科", "4.信用动态信息报送", "每月26日前上报信用动态信息1篇", "11月26日"],
    ["建设项目科", "6.“信易批”应用场景", "报送“信易批”便民惠企推进情况", "11月26日"],
    ["建设项目科", "10.异议处理和信用修复", "异议协同处理函：某公司异议协同处理函", "11月25日"],
    ["综合受理窗口", "4.信用动态信息报送", "每月26日前上报信用动态信息1篇", "11月26日"],
    ["综合受理窗口", "8.信用核查和联合奖惩应用", "报送“信用核查”、“联合奖惩”应用情况", "11月26日"],
    ["勘察服务科", "4.信用动态信息报送", "每月26日前上报信用动态信息1篇", "11月26日"],
    ["监督考核科", "4.信用动态信息报送", "每月26日前上报信用动态信息1篇", "11月26日"],
    ["公共资源交易中心", "4.信用动态信息报送", "每月26日前上报信用动态信息1篇", "11月26日"],
]

NOT_SUBMITTED_ROWS = [
    ["科室", "状态", "说明"],
    ["组织人事科", "退回修改，尚未重新提交", "意见：请补充学习记录"],
    ["建设项目科", "未提交", ""],
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
    return [["\n".join(p.text for p in c.paragraphs) for c in row.cells] for row in t.rows]


def _texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


NESTED = re.compile(r"（[^（）]*（")


def test_report_to_the_district_office_reads_back(overview, tmp_path):
    content = summary_content(overview, BUREAU, date(2026, 11, 28))
    path = write_summary_docx(content, tmp_path / "汇总.docx")
    doc = Document(str(path))
    assert (
        doc.paragraphs[0].text
        == "济南市历城区行政审批服务局关于\n2026年11月信用状况监测工作情况的报告"
    )
    assert doc.core_properties.title == TITLE
    texts = _texts(doc)
    assert texts[1:4] == ["", "区信用办：", "现将我局2026年11月信用状况监测工作情况报告如下。"]
    headings = [t for t in texts if t[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert headings == [
        "一、总体情况",
        "二、各科室完成情况",
        "三、各指标完成情况",
        "四、“双公示”数据质量",
        "五、逾期事项",
        "六、未报送科室",
    ]
    overall = texts[texts.index("一、总体情况") + 1]
    assert overall.startswith("2026年11月，我局10个科室中4个已报送信用状况监测材料")
    assert "到期的应办事项34项，按时完成24项，按时完成率70.6%" in overall
    assert "局内排名前三的是办公室100.0分、社会事务科100.0分、商事登记科100.0分。" in overall
    assert "及时率" not in overall.replace("按时完成率", "")
    captions = [t for t in texts if t.startswith("表")]
    assert captions == [
        "表1　各科室完成情况及局内排名",
        "表2　各指标完成情况",
        "表3　“双公示”数据质量",
        "表4　逾期事项",
        "表5　未报送科室",
    ]
    tables = [_table(t) for t in doc.tables]
    assert tables == [OVERVIEW_ROWS, INDICATOR_ROWS, LICENCE_ROWS, OVERDUE_ROWS, NOT_SUBMITTED_ROWS]
    # 注：排名是局内排名及其规则；两种“及时率”各指什么；哪些期限遇节假日移动
    i1 = texts.index("表1　各科室完成情况及局内排名")
    assert texts[i1 + 1].startswith("注：1.应完成为本科室负责的指标数") and texts[
        i1 + 2
    ].startswith("2.按时完成率")
    notes = "\n".join(t for t in texts if t.startswith(("注：", "2.", "3.")))
    assert (
        "局内排名是本局各科室之间的排名，不是区信用办对全区各部门的排名。规则：得分高者在前；"
        in notes
    )
    assert (
        "按时完成率 = 按时完成的应办事项数 ÷ 到期的应办事项数" in notes
        and "它不是“双公示”的及时率" in notes
    )
    assert (
        "这里的及时率是“双公示”及时率 = 按时上报 ÷ 已上报，自作出许可决定之日起15个自然日内上传为按时"
        in notes
    )
    assert "只有按月报送的“每月26日前”遇法定节假日或休息日时提前到此前最后一个工作日" in notes
    assert "按自然日、小时计的期限不因节假日调整" in notes
    # 以局的名义落款，不补零的日期
    assert texts[-2:] == ["济南市历城区行政审批服务局", "2026年11月28日"]
    assert not NESTED.search("\n".join(texts))
    sec = doc.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.top_margin.mm) == 37
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.docx"]  # 没有留下临时文件


def test_notice_to_the_sections_is_signed_by_the_coordinator(overview, tmp_path):
    content = summary_content(overview, BUREAU, date(2026, 11, 28), to="各科室")
    assert content.title == NOTICE_TITLE
    doc = Document(str(write_summary_docx(content, tmp_path / "通报.docx")))
    texts = _texts(doc)
    assert texts[0] == "政务服务体系建设指导科关于\n2026年11月信用状况监测工作情况的通报"
    assert texts[2:4] == [
        "局（中心）各科室：",
        "现将2026年11月全局各科室信用状况监测工作完成情况通报如下。",
    ]
    assert texts[-2:] == ["政务服务体系建设指导科", "2026年11月28日"]
    assert "请相关科室抓紧整改。" in texts[texts.index("一、总体情况") + 1]
    assert "局内排名是局内各科室之间的排名" in "\n".join(texts)
    assert doc.core_properties.author == "政务服务体系建设指导科"


def test_empty_tables_become_a_sentence_and_numbers_stay_in_order(catalog, cal, tmp_path):
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
    path = write_summary_docx(
        summary_content(ov, "某某区行政审批服务局", date(2026, 11, 28)), tmp_path / "a.docx"
    )
    doc = Document(str(path))
    texts = _texts(doc)
    assert (
        doc.paragraphs[0].text.replace("\n", "")
        == "某某区行政审批服务局关于2026年11月信用状况监测工作情况的报告"
    )
    assert "本月各科室均无逾期事项。" in texts and "本月各科室均已报送。" in texts
    assert len(doc.tables) == 3
    # 没有逾期事项时不跳号：表1、表2、表3
    assert [t for t in texts if t.startswith("表")] == [
        "表1　各科室完成情况及局内排名",
        "表2　各指标完成情况",
        "表3　“双公示”数据质量",
    ]


def test_xlsx_summary(overview, tmp_path):
    from openpyxl import load_workbook

    content = summary_content(overview, BUREAU, date(2026, 11, 28))
    path = write_summary_xlsx(content, tmp_path / "汇总.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "通报",
        "各科室完成情况",
        "各指标完成情况",
        "双公示数据质量",
        "逾期事项",
        "未报送科室",
    ]
    assert wb["通报"]["A1"].value == TITLE
    assert wb["通报"]["A3"].value == content.bulletin
    ws = wb["各科室完成情况"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_row=11)]
    expected = [OVERVIEW_ROWS[0]] + [
        [
            r[0],
            int(r[1]),
            int(r[2]),
            int(r[3]),
            float(r[4]),
            r[5].replace("\n", " "),
            int(r[6]),
            r[7],
        ]
        for r in OVERVIEW_ROWS[1:]
    ]
    assert values == expected
    assert wb["通报"]["A2"].value.startswith("本报告数据统计截至2026年11月28日 10:00")
    assert ws.column_dimensions["A"].width >= 16  # 最长的科室简称（公共资源交易中心）放得下
    ws = wb["双公示数据质量"]
    assert [c.value for c in ws[2]] == [
        "商事登记科",
        10,
        9,
        "9/10 90.0%",
        "8/9 88.9%",
        "9/9 100.0%",
    ]
    assert [c.value for c in wb["逾期事项"][5]][3] == "11月25日"
    assert wb["各科室完成情况"]["A6"].fill.fgColor.rgb.endswith(
        "FFEB9C"
    )  # 建设项目科有逾期，加底色


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
    r = _run(
        "export",
        "summary",
        "--month",
        "2026-11",
        "--data",
        str(data_dir),
        "--xlsx",
        "-o",
        "out/汇总.xlsx",
    )
    assert r.exit_code == 0 and (tmp_path / "out" / "汇总.xlsx").is_file()
    r = _run("export", "summary", "--month", "2026-11", "--data", str(data_dir), "--to", "各科室")
    assert r.exit_code == 0, r.output
    doc = Document(str(tmp_path / f"{NOTICE_TITLE}.docx"))
    assert [p.text for p in doc.paragraphs][-2] == "政务服务体系建设指导科"
    r = _run("export", "summary", "--month", "2026-11", "--data", str(data_dir), "--to", "市信用办")
    assert r.exit_code != 0 and "Traceback" not in r.output


def test_cli_summary_uses_bureau_from_settings(catalog, data_dir, tmp_path, monkeypatch):
    from creditcheck.locations import settings_path
    from creditcheck.settings import Settings
    from storage.settings_file import save_settings

    save_settings(Settings(section_id="system", bureau="某市某区行政审批服务局"), settings_path())
    save_records(catalog, data_dir)
    monkeypatch.chdir(tmp_path)
    r = _run("export", "summary", "--month", "2026-11", "--data", str(data_dir))
    assert r.exit_code == 0, r.output
    doc = Document(
        str(tmp_path / "某市某区行政审批服务局关于2026年11月信用状况监测工作情况的报告.docx")
    )
    assert (
        doc.paragraphs[0].text.replace("\n", "")
        == "某市某区行政审批服务局关于2026年11月信用状况监测工作情况的报告"
    )
    assert [p.text for p in doc.paragraphs][-2] == "某市某区行政审批服务局"


def test_cli_summary_bad_month(data_dir):
    r = _run("export", "summary", "--month", "2026-13", "--data", str(data_dir))
    assert r.exit_code != 0 and "月份必须在1到12之间" in r.output
    assert "Traceback" not in r.output
