"""科室月度报送材料（exports/submission.py）：按领域模型搭出的月份导出 .docx，再读回检查内容。

报告的结构：标题、主送、一二三部分正文、附件说明、落款、附注，然后每个附件另起一页。
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from docx.oxml.ns import qn
from docx_helpers import (
    LICENCE_SUMMARY,
    MONTH,
    NOW,
    all_text,
    attachment_elements,
    attachment_labels,
    body_elements,
    indicator_paragraph,
    make_evidence,
    open_docx,
    paragraph_texts,
    paragraphs_with_style,
    rich_month,
    style_id,
    tables_in,
)

from creditcheck.catalog import EVENT_KINDS
from creditcheck.models import Event, SectionMonth, Status
from creditcheck.settings import Settings
from exports.submission import (
    FIELD_LABELS,
    TIME_LABELS,
    default_filename,
    event_subject,
    export_submission,
    field_label,
    obligation_state,
)

SETTINGS = Settings(
    section_id="commerce", person="设置里的人", phone="0000", font_profile="standard"
)
NESTED = re.compile(r"（[^（）]*（")


def _export(
    catalog,
    cal,
    sm: SectionMonth,
    tmp_path: Path,
    *,
    now: datetime = NOW,
    settings: Settings = SETTINGS,
    **kw,
):
    path = export_submission(catalog, cal, sm, settings, tmp_path / "out.docx", now=now, **kw)
    return open_docx(path)


def _body(doc) -> list[str]:
    return paragraph_texts(body_elements(doc))


def _table1(doc) -> list[list[str]]:
    return tables_in(body_elements(doc))[0]


def test_report_structure(catalog, cal, tmp_path: Path) -> None:
    sm = rich_month(catalog, "commerce", tmp_path / "files")
    sm.plans = "个别许可信息上传偏晚。\n下步将在许可决定后3个工作日内上传。"
    doc = _export(catalog, cal, sm, tmp_path)
    assigned = catalog.assigned("commerce")
    assert [i.id for i in assigned] == [2, 3, 4, 5, 6, 8, 9, 10]
    assert paragraphs_with_style(doc, "GwTitle")[0] == (
        "商事登记项目审批服务科关于\n2026年11月信用状况监测工作情况的报告"
    )
    assert (
        doc.core_properties.title
        == "商事登记项目审批服务科关于2026年11月信用状况监测工作情况的报告"
    )
    body = _body(doc)
    # 主送：标题下空一行，顶格，全角冒号
    title_at = next(i for i, t in enumerate(body) if t.startswith("商事登记项目审批服务科关于"))
    assert body[title_at + 1] == "" and body[title_at + 2] == "政务服务体系建设指导科："
    addressee = [p for p in doc.paragraphs if p.text == "政务服务体系建设指导科："][0]
    assert style_id(addressee) == "GwPlain"  # 公文顶格样式：没有首行缩进
    assert paragraphs_with_style(doc, "GwHeading1") == [
        "一、总体情况",
        "二、各项指标完成情况",
        "三、存在问题和下步打算",
    ]
    # 每个指标一段，以“（一）简称。”开头，楷体
    numerals = "一二三四五六七八"
    for n, ind in enumerate(assigned):
        assert indicator_paragraph(doc, ind.short).startswith(f"（{numerals[n]}）{ind.short}。")
    # 三、存在问题和下步打算：专人写的，每行一段
    i3 = body.index("三、存在问题和下步打算")
    assert body[i3 + 1 : i3 + 3] == [
        "个别许可信息上传偏晚。",
        "下步将在许可决定后3个工作日内上传。",
    ]
    # 附件说明：只列真有的附件，回行对齐；之后是落款与附注
    i_att = body.index("附件：1.本月事项办理和台账统计")
    assert body[i_att - 1] == ""
    assert body[i_att : i_att + 3] == ["附件：1.本月事项办理和台账统计", "2.本月佐证材料清单", ""]
    assert body[-4:] == [
        "",
        "商事登记项目审批服务科",
        "2026年11月28日",
        "（联系人：李四，电话：0531-88123456）",
    ]
    assert "专人" not in "".join(body[-4:])
    # 附件各另起一页，“附件N”黑体顶格，标题在第三行
    assert attachment_labels(doc) == ["附件1", "附件2"]
    for n, title in enumerate(("本月事项办理和台账统计", "本月佐证材料清单"), start=1):
        texts = paragraph_texts(attachment_elements(doc, n))
        assert texts[:3] == [f"附件{n}", "", title]
    label_p = [p for p in doc.paragraphs if p.text == "附件1"][0]
    rfonts = label_p._p.find(qn("w:r")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "黑体"


def test_coordinator_does_not_address_itself(catalog, cal, tmp_path: Path) -> None:
    doc = _export(catalog, cal, rich_month(catalog, "system", tmp_path / "files"), tmp_path)
    body = _body(doc)
    assert "政务服务体系建设指导科：" not in body
    assert body[1:3] == ["", "一、总体情况"]


def test_tables_numbered_in_order_with_repeating_headers(catalog, cal, tmp_path: Path) -> None:
    doc = _export(catalog, cal, rich_month(catalog, "commerce", tmp_path / "files"), tmp_path)
    captions = paragraphs_with_style(doc, "GwCaption")
    numbers = [int(re.match(r"表(\d+)　", c).group(1)) for c in captions]
    assert numbers == list(range(1, len(doc.tables) + 1))
    body = doc.element.body
    for tbl in body.iter(qn("w:tbl")):
        prev = tbl.getprevious()
        assert prev.find(qn("w:pPr")).find(qn("w:pStyle")).get(qn("w:val")) == "GwCaption"
        first_row = tbl.find(qn("w:tr"))
        assert first_row.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    assert captions[0] == "表1　2026年11月监测指标完成情况（报送期限11月26日）"


def test_overall_paragraph_and_table1(catalog, cal, tmp_path: Path) -> None:
    sm = rich_month(catalog, "commerce", tmp_path / "files")
    doc = _export(catalog, cal, sm, tmp_path)
    body = _body(doc)
    overall = body[body.index("一、总体情况") + 1]
    # 11 项应办：按月报送的材料、事件与配额，其中“某某餐饮店”许可决定 10月20日 → 11月4日到期，11月10日才上报。
    # 只写合计：逐项的状态在表1，逐件的逾期事项在附件
    assert overall == (
        "本月指标8项，完成8项，得分100.0分；应办事项11项，按时完成9项，逾期完成1项，未到期1项。"
    )
    assert (
        paragraphs_with_style(doc, "GwCaption")[0]
        == "表1　2026年11月监测指标完成情况（报送期限11月26日）"
    )
    rows = _table1(doc)
    assert rows[0] == ["序号", "指标", "完成情况", "完成日期", "材料"]
    assert [r[0] for r in rows[1:]] == ["2", "3", "4", "5", "6", "8", "9", "10"]
    # 状态与首页、总览同一计算；逾期完成的件数在“二、”该指标的一段里，这里只加底纹
    assert rows[1] == ["2", "双公示工作质量", "完成", "11月20日", "1"]
    assert "逾期完成1项，见附件1。" in indicator_paragraph(doc, "双公示工作质量")


def test_monthly_due_moves_to_the_previous_working_day(catalog, cal, tmp_path: Path) -> None:
    from creditcheck.month import Month

    sm = SectionMonth("office", Month(2026, 12), catalog.version)  # 2026年12月26日是星期六
    doc = _export(catalog, cal, sm, tmp_path, now=datetime(2026, 12, 1, 9, 0))
    assert (
        paragraphs_with_style(doc, "GwCaption")[0]
        == "表1　2026年12月监测指标完成情况（报送期限12月25日）"
    )


def test_person_and_phone_fall_back_to_settings(catalog, cal, tmp_path: Path) -> None:
    doc = _export(catalog, cal, SectionMonth("commerce", MONTH, catalog.version), tmp_path)
    assert _body(doc)[-1] == "（联系人：设置里的人，电话：0000）"


def test_signature_date_without_zero_padding(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version, person="李四")
    doc = _export(catalog, cal, sm, tmp_path, now=datetime(2026, 11, 9, 8, 30))
    assert _body(doc)[-2:] == ["2026年11月9日", "（联系人：李四，电话：0000）"]


def test_evidence_list_attachment(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version)
    e = sm.entry(2)
    files = tmp_path / "files"
    e.evidence = [
        make_evidence(files, "台账.xlsx", b"ledger", note="11月台账"),
        make_evidence(files, "截图.png", b"shot", state="changed"),
        make_evidence(files, "说明.docx", b"doc", state="missing"),
    ]
    e.evidence[0].kind = "“双公示”工作台账"
    doc = _export(catalog, cal, sm, tmp_path)
    # 附件1是事项（28日时按月报送的材料已逾期），佐证材料清单在附件2
    (rows,) = tables_in(attachment_elements(doc, 2))
    assert rows[0] == ["序号", "指标", "文件名称", "材料日期", "说明"]
    assert rows[1] == ["1", "双公示工作质量", "台账.xlsx", "11月10日", "“双公示”工作台账；11月台账"]
    assert rows[2] == ["2", "双公示工作质量", "截图.png", "11月10日", "附上后已改动"]
    assert rows[3] == ["3", "双公示工作质量", "说明.docx", "11月10日", "文件缺失"]
    texts = paragraph_texts(attachment_elements(doc, 2))
    assert "注：有2份材料在附上后文件缺失或被改动，已在“说明”栏注明，请核对。" in texts
    assert _table1(doc)[1][4] == "3"
    assert e.evidence[0].sha256[:8] not in all_text(doc)  # 校验码是给程序用的，不印在公文里


def test_nothing_done_month(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("construction", MONTH, catalog.version, person="王五")
    doc = _export(catalog, cal, sm, tmp_path)
    assigned = catalog.assigned("construction")
    rows = _table1(doc)[1:]
    assert len(rows) == len(assigned)
    # 28日已过26日（实际为26日）的期限：按月报送材料的各项都已逾期，其余未开始
    assert [r[2] for r in rows] == [
        "逾期",
        "逾期",
        "逾期",
        "未开始",
        "逾期",
        "逾期",
        "未开始",
        "未开始",
    ]
    for r in rows:
        assert r[3] == "—" and r[4] == "0"
    # 每段只写逾期的件数并指向附件；段里不重复表1的状态
    assert indicator_paragraph(doc, "双公示工作质量") == (
        "（一）双公示工作质量。台账未导入。逾期未完成1项，见附件1。"
    )
    assert indicator_paragraph(doc, "信用动态信息报送").endswith(
        "本月无信用动态。逾期未完成1项，见附件1。"
    )
    assert indicator_paragraph(doc, "信用核查和联合奖惩应用").endswith(
        "本月数字未填写。逾期未完成1项，见附件1。"
    )
    assert indicator_paragraph(doc, "异议处理和信用修复").endswith("。本月无异议协同处理函。")
    body = _body(doc)
    plans = body[body.index("三、存在问题和下步打算") + 1]
    monthly = sum(1 for i in assigned if i.monthly_rules)
    assert monthly == 5
    assert plans == "本月尚有5项逾期未完成，逐项见附件1。下步将抓紧办理，办结后补报。"
    # 逾期的逐项列在附件1的“逾期事项”表里（名称、期限），正文不再列
    assert body[body.index("三、存在问题和下步打算") + 3] == "附件：本月事项办理情况"
    assert attachment_labels(doc) == ["附件1"]
    (late,) = tables_in(attachment_elements(doc, 1))
    assert late[0] == ["序号", "指标", "事项", "期限", "完成日期", "办理情况"]
    assert late[1] == ["1", "双公示工作质量", "报送“双公示”工作台账", "11月26日", "—", "未完成"]
    assert len(late) - 1 == monthly
    assert paragraphs_with_style(doc, "GwCaption")[1] == "表2　逾期事项"


def test_plans_default_when_all_on_time(catalog, cal, tmp_path: Path) -> None:
    sm = rich_month(catalog, "commerce", tmp_path / "files")
    sm.entry(2).events = sm.entry(2).events[:1]  # 去掉逾期上报的那件许可决定
    # 台账检查发现了问题：不能写“暂无需要说明的问题”
    body = _body(_export(catalog, cal, sm, tmp_path))
    assert body[body.index("三、存在问题和下步打算") + 1] == (
        "本月台账检查发现问题3处，见附件1。下步将逐条核对修改，上传前逐项核对必填项。"
    )
    sm.ledgers["licence"] = dict(sm.ledgers["licence"], problems=0)
    body = _body(_export(catalog, cal, sm, tmp_path))
    assert (
        body[body.index("三、存在问题和下步打算") + 1]
        == "本月各项工作均按期推进，暂无需要说明的问题。下步将继续按期报送各项材料。"
    )


def test_event_table_states_and_date_only_values(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version)
    e = sm.entry(10)
    e.status, e.completed_at = Status.DONE, datetime(2026, 11, 20, 9, 0)
    e.events = [
        # 周五收函，下一个工作日（周一）处理完：按时。表单只写日期时，时刻为 00:00
        Event(
            "objection",
            "异议函甲",
            datetime(2026, 11, 13, 0, 0),
            datetime(2026, 11, 16, 0, 0),
            fields={"letter_no": "济信异〔2026〕15号"},
        ),
        # 周一收函，周三才处理：逾期
        Event(
            "objection", "异议函乙", datetime(2026, 11, 16, 10, 0), datetime(2026, 11, 18, 10, 0)
        ),
        # 周四收函，至今未处理：未完成（已逾期）
        Event("objection", "异议函丙", datetime(2026, 11, 26, 9, 0)),
    ]
    doc = _export(catalog, cal, sm, tmp_path)
    late, rows = tables_in(attachment_elements(doc, 1))
    assert rows[0] == ["序号", "事项", "收函日期", "期限", "处理完成日期", "办理情况"]
    assert rows[1] == [
        "1",
        "异议函甲\n来函编号：济信异〔2026〕15号",
        "11月13日",
        "11月16日",
        "11月16日",
        "按时完成",
    ]
    assert rows[2] == ["2", "异议函乙", "11月16日", "11月17日", "11月18日", "逾期完成"]
    assert rows[3] == ["3", "异议函丙", "11月26日", "11月27日", "—", "未完成\n（已逾期）"]
    assert "00:00" not in all_text(doc)
    captions = paragraphs_with_style(doc, "GwCaption")
    assert captions[1:] == ["表2　逾期事项", "表3　异议协同处理函办理情况（期限：1个工作日内）"]
    # 正文：件数与逾期的件数，逐件见附件；状态在表1（已确认但有事项逾期未办结：逾期）
    para = indicator_paragraph(doc, "异议处理和信用修复")
    assert para == "（八）异议处理和信用修复。异议协同处理函3件。逾期2项（未完成1项），见附件1。"
    assert _table1(doc)[-1][2] == "逾期"
    # 逾期事项表：未完成的在前；与正文的件数一致
    tail = [r for r in late[1:] if r[1] == "异议处理和信用修复"]
    assert tail == [
        [tail[0][0], "异议处理和信用修复", "异议协同处理函：异议函丙", "11月27日", "—", "未完成"],
        [
            tail[1][0],
            "异议处理和信用修复",
            "异议协同处理函：异议函乙",
            "11月17日",
            "11月18日",
            "逾期完成",
        ],
    ]
    body = _body(doc)
    overall = body[body.index("一、总体情况") + 1]
    assert "逾期完成1项，逾期未完成6项" in overall
    assert sum(1 for r in late[1:] if r[5] == "未完成") == 6
    # 专人没写“存在问题和下步打算”时写一句，逐项见附件
    plans = body[body.index("三、存在问题和下步打算") + 1]
    assert plans == "本月尚有6项逾期未完成，逐项见附件1。下步将抓紧办理，办结后补报。"


def test_hour_rules_print_times(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("system", MONTH, catalog.version)
    sm.entry(4).events = [
        Event("article", "信用承诺宣传", datetime(2026, 11, 5, 10, 0), datetime(2026, 11, 6, 9, 0))
    ]
    sm.entry(7).events = [
        Event(
            "activity",
            "诚信建设进社区",
            datetime(2026, 11, 12, 17, 0),
            datetime(2026, 11, 13, 9, 0),
            fields={"materials": "活动方案、现场照片"},
        )
    ]
    doc = _export(catalog, cal, sm, tmp_path)
    tables = tables_in(attachment_elements(doc, 1))[1:]  # 第一张为逾期事项
    assert tables[0][1] == [
        "1",
        "信用承诺宣传",
        "11月5日\n10:00",
        "11月7日\n10:00",
        "11月6日\n09:00",
        "按时完成",
    ]
    assert tables[1][1] == [
        "1",
        "诚信建设进社区\n活动材料：活动方案、现场照片",
        "11月12日\n17:00",
        "11月14日\n17:00",
        "11月13日\n09:00",
        "按时完成",
    ]
    assert "信用动态1件，已办结。达到每月1篇的要求。" in indicator_paragraph(
        doc, "信用动态信息报送"
    )
    assert (
        "诚信宣传活动1件，已办结。全年要求至少2次，全年进度以各月合计为准。"
        in indicator_paragraph(doc, "诚信宣传教育活动")
    )


def test_yearly_quota_counts_the_whole_year(catalog, cal, tmp_path: Path) -> None:
    from creditcheck.month import Month

    may = SectionMonth("system", Month(2026, 5), catalog.version)
    may.entry(7).events = [Event("activity", "诚信宣传进机关", datetime(2026, 5, 8, 17, 0))]
    sm = SectionMonth("system", MONTH, catalog.version)
    sm.entry(7).events = [Event("activity", "诚信建设进社区", datetime(2026, 11, 12, 17, 0))]
    doc = _export(catalog, cal, sm, tmp_path, year_months=[may])
    assert "全年累计2次，已达到要求。" in indicator_paragraph(doc, "诚信宣传教育活动")
    sm.entry(7).events = []
    doc = _export(catalog, cal, sm, tmp_path, year_months=[may])
    assert "本月无诚信宣传活动。全年累计1次，距每年至少2次的要求还差1次。" in indicator_paragraph(
        doc, "诚信宣传教育活动"
    )


def test_counts_indicator_ratio(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("window", MONTH, catalog.version)
    sm.entry(8).counts = {"credit_checks": 120, "joint_sanctions": 3, "market_entities": 450}
    para = indicator_paragraph(_export(catalog, cal, sm, tmp_path), "信用核查和联合奖惩应用")
    assert "信用核查120次，联合奖惩3次，市场主体450户，应用比例27.33%。" in para
    sm.entry(8).counts = {"credit_checks": 5, "joint_sanctions": 0, "market_entities": 0}
    assert "市场主体数量为0，应用比例无法计算" in indicator_paragraph(
        _export(catalog, cal, sm, tmp_path), "信用核查和联合奖惩应用"
    )
    sm.entry(8).counts = {"credit_checks": 5}
    para = indicator_paragraph(_export(catalog, cal, sm, tmp_path), "信用核查和联合奖惩应用")
    assert "联合奖惩应用次数未填写" in para and "数据未填写完整，应用比例无法计算" in para


def test_licence_ledger_rates(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version)
    sm.ledgers["licence"] = dict(LICENCE_SUMMARY)
    sm.entry(2).events = [
        Event(
            "licence",
            "食品经营许可",
            datetime(2026, 11, 3, 9, 0),
            datetime(2026, 11, 10, 10, 0),
            fields={"subject": "某某餐饮店", "decision_no": "历城审批〔2026〕第1号"},
        )
    ]
    doc = _export(catalog, cal, sm, tmp_path)
    para = indicator_paragraph(doc, "双公示工作质量")
    # 段首已是指标名，不再写台账名；导入了台账的，件数以台账为准（逐件跟踪的许可决定在附件）
    assert para.startswith(
        "（一）双公示工作质量。台账许可决定50条，上报率96%，及时率93.75%，合规率97.92%。"
    )
    assert "食品经营许可" not in para and "行政许可决定1件" not in para
    # 许可决定 11月3日 + 15 个自然日 = 11月18日；只有日期（15个自然日不按时刻算）
    _late, events, rates = tables_in(attachment_elements(doc, 1))
    assert events[1] == [
        "1",
        "食品经营许可\n行政相对人：某某餐饮店\n许可决定书文号：历城审批〔2026〕第1号",
        "11月3日",
        "11月18日",
        "11月10日",
        "按时完成",
    ]
    assert rates[1:] == [
        ["上报率", "已上报数÷应上报（已作出许可决定，不含未到期）数", "48÷50", "96%"],
        ["及时率", "按时上报数÷已上报数", "45÷48", "93.75%"],
        ["合规率", "已上报且无问题数÷已上报数", "47÷48", "97.92%"],
    ]
    text = all_text(doc)
    assert "双公示台账-11月.xlsx" not in text and "台账文件" not in text  # 导入时的文件名不印
    assert "注：台账检查发现问题3处。" in text


def test_licence_ledger_absent(catalog, cal, tmp_path: Path) -> None:
    doc = _export(catalog, cal, SectionMonth("commerce", MONTH, catalog.version), tmp_path)
    assert "（一）双公示工作质量。台账未导入。" in indicator_paragraph(doc, "双公示工作质量")
    assert "工作台账统计" not in all_text(doc)


def test_commitment_ledger_rows(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version)
    sm.ledgers["commitment"] = {
        "file": "承诺台账.xlsx",
        "rows": 2,
        "counts": {"decided": 2, "uploaded": 2, "on_time": None, "compliant": 2},
        "rates": {"reported": 1.0, "timely": None, "compliant": 1.0},
    }
    rows = [
        {"_row": 2, "承诺主体名称": "某某公司", "承诺类型": "告知承诺", "承诺日期": "2026-11-05"},
        {"_row": 3, "承诺主体名称": "某某店", "承诺类型": "主动承诺", "承诺日期": "2025-12-30"},
    ]
    doc = _export(catalog, cal, sm, tmp_path, ledger_rows={"commitment": rows})
    assert "集。台账2条，归集率100%，合规率100%。" in indicator_paragraph(
        doc, "信用承诺和履约践诺信息归集"
    )
    _late, rates, detail = tables_in(attachment_elements(doc, 1))
    assert ["归集率", "已归集数÷台账记录数", "2÷2", "100%"] in rates
    assert ["及时率", "—", "—", "不适用，本台账没有逐条期限"] in rates
    assert detail == [
        ["序号", "承诺主体名称", "承诺类型", "承诺日期"],
        ["1", "某某公司", "告知承诺", "11月5日"],
        ["2", "某某店", "主动承诺", "2025年12月30日"],
    ]
    assert "_row" not in all_text(doc)


def test_long_ledger_names_the_workbook(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version)
    rows = [{"承诺主体名称": f"公司{i}", "承诺类型": "告知承诺"} for i in range(35)]
    doc = _export(
        catalog,
        cal,
        sm,
        tmp_path,
        ledger_rows={"commitment": rows},
        ledger_file="工作台账-商事登记科-2026年11月.xlsx",
    )
    body = _body(doc)
    # 附件说明每个附件一行：另附的电子表格只写它的文件名
    assert "附件：1.本月事项办理和台账统计" in body
    assert "2.工作台账-商事登记科-2026年11月.xlsx" in body
    assert attachment_labels(doc) == ["附件1"]  # 电子表格另附，不占页
    assert (
        "注：台账共35条，以上列出前30条，完整台账见《工作台账-商事登记科-2026年11月.xlsx》。"
        in all_text(doc)
    )


def test_incident_confirmation_and_event(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("survey", MONTH, catalog.version)
    sm.entry(9).status = Status.DONE
    para = indicator_paragraph(_export(catalog, cal, sm, tmp_path), "严防严重失信事件")
    assert para == "（二）严防严重失信事件。保持“零存量、零增量”。"
    sm.entry(9).status = Status.NOT_STARTED
    para = indicator_paragraph(_export(catalog, cal, sm, tmp_path), "严防严重失信事件")
    assert "尚未确认“零存量、零增量”" in para
    sm.entry(9).events = [
        Event(
            "incident",
            "网络曝光事件",
            datetime(2026, 11, 10, 9, 0),
            datetime(2026, 11, 10, 15, 0),
            fields={"handling": "已核实并公开说明"},
        )
    ]
    doc = _export(catalog, cal, sm, tmp_path)
    assert "严重失信事件1件，已办结。" in indicator_paragraph(doc, "严防严重失信事件")
    rows = tables_in(attachment_elements(doc, 1))[-1]
    assert rows[1] == [
        "1",
        "网络曝光事件\n处置情况：已核实并公开说明",
        "11月10日",
        "11月10日",
        "11月10日",
        "按时完成",
    ]
    assert "表3　严重失信事件办理情况（期限：第一时间处置）" in paragraphs_with_style(
        doc, "GwCaption"
    )


def test_not_applicable(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version)
    sm.entry(6).status, sm.entry(6).reason = Status.NOT_APPLICABLE, "本月无新增案例"
    doc = _export(catalog, cal, sm, tmp_path)
    assert indicator_paragraph(doc, "“信易批”应用场景").startswith(
        "（五）“信易批”应用场景。本月不适用，理由是本月无新增案例。"
    )
    row6 = [r for r in _table1(doc) if r[0] == "6"][0]
    assert row6[2] == "不适用" and row6[3] == "—"


def test_requirements_only_when_asked(catalog, cal, tmp_path: Path) -> None:
    sm = rich_month(catalog, "commerce", tmp_path / "files")
    requirement = catalog.indicator(2).requirement[:30]
    assert requirement not in all_text(_export(catalog, cal, sm, tmp_path))
    doc = _export(catalog, cal, sm, tmp_path, with_requirements=True)
    body = _body(doc)
    i = body.index(indicator_paragraph(doc, "双公示工作质量"))
    assert body[i + 1].startswith("责任要求：" + requirement)
    assert body[i + 2] == (
        "完成时限：自作出行政许可决定之日起上传至市信用平台，15个自然日内；问题数据完成修改，3个工作日内；"
        "报送“双公示”工作台账，每月26日前。"
    )
    # 设置里开启时同样附上；参数优先
    on = Settings(section_id="commerce", with_requirements=True)
    assert requirement in all_text(_export(catalog, cal, sm, tmp_path, settings=on))
    assert requirement not in all_text(
        _export(catalog, cal, sm, tmp_path, settings=on, with_requirements=False)
    )


def test_no_nested_brackets_internal_keys_or_english(catalog, cal, tmp_path: Path) -> None:
    sm = rich_month(catalog, "system", tmp_path / "files")
    sm.entry(9).events = [Event("incident", "网络曝光事件", datetime(2026, 11, 10, 9, 0))]
    doc = _export(catalog, cal, sm, tmp_path, with_requirements=True)
    text = all_text(doc)
    assert not NESTED.search(text), NESTED.search(text)
    assert "第一时间（当天）" not in text
    for key in [*FIELD_LABELS, "commerce", "system", "licence", "objection", "None", "True"]:
        assert key not in text, key
    # 除了文件名、信用代码、数字与符号，没有英文字母
    leftovers = re.sub(r"[\w\-]+\.(pdf|docx|xlsx|txt|png)|[0-9A-Z]{18}|SHA", "", text)
    assert not re.search(r"[A-Za-z]", leftovers), re.findall(r"[A-Za-z]+", leftovers)[:5]


def test_every_event_kind_and_field_has_a_label() -> None:
    """目录的每种事件、界面表单和演示数据用到的每个字段，都有中文名。"""
    from screens.event_form import EVENT_FORMS
    from storage.demo import _fields

    assert set(TIME_LABELS) == set(EVENT_KINDS)
    keys = {(kind, key) for kind, spec in EVENT_FORMS.items() for key, _label, _hint in spec.extra}
    keys |= {(kind, key) for kind in EVENT_KINDS for key in _fields(kind)}
    assert {k for k, _ in keys} <= set(EVENT_KINDS)
    missing = [(kind, key) for kind, key in keys if not field_label(kind, key)]
    assert missing == []
    # 表单上的中文名与文件里的一致（许可决定的对象叫“行政相对人”）
    for kind, spec in EVENT_FORMS.items():
        for key, label, _hint in spec.extra:
            assert field_label(kind, key) == label, (kind, key)
    assert field_label("licence", "subject") == "行政相对人"
    assert field_label("code-error", "subject") == "主体名称"
    # 不认识的字段不印键名
    ev = Event("case", "某案例", datetime(2026, 11, 2), fields={"zzz_internal": "值"})
    assert event_subject(ev) == "某案例\n补充信息：值"


def test_obligation_state_words(catalog, cal) -> None:
    from creditcheck.obligations import obligations_for

    sm = SectionMonth("commerce", MONTH, catalog.version)
    sm.entry(10).events = [
        Event("objection", "甲", datetime(2026, 11, 13, 9, 0), datetime(2026, 11, 16, 9, 0)),
        Event("objection", "乙", datetime(2026, 11, 13, 9, 0), datetime(2026, 11, 18, 9, 0)),
        Event("objection", "丙", datetime(2026, 11, 13, 9, 0)),
        Event("objection", "丁", datetime(2026, 11, 27, 9, 0)),
    ]
    obs = {
        o.what: obligation_state(o) for o in obligations_for(catalog, cal, sm, NOW) if o.event_id
    }
    assert obs == {
        "异议协同处理函：甲": "按时完成",
        "异议协同处理函：乙": "逾期完成",
        "异议协同处理函：丙": "未完成（已逾期）",
        "异议协同处理函：丁": "未到期",
    }


def test_system_profile_and_every_kind_in_one_document(catalog, cal, tmp_path: Path) -> None:
    sm = rich_month(catalog, "system", tmp_path / "files")
    path = export_submission(
        catalog, cal, sm, Settings(font_profile="system"), tmp_path / "体系.docx", now=NOW
    )
    doc = open_docx(path)
    assert len(_table1(doc)) - 1 == len(catalog.assigned("system")) == 9
    styles = doc.styles.element.xml
    assert 'w:eastAsia="仿宋"' in styles and "仿宋_GB2312" not in styles


def test_default_filename(catalog) -> None:
    assert (
        default_filename(catalog, "commerce", MONTH) == "商事登记科-2026年11月信用监测报送材料.docx"
    )
    assert (
        default_filename(catalog, "window", MONTH.shift(-10))
        == "综合受理窗口-2026年1月信用监测报送材料.docx"
    )


def test_evidence_date_column_never_narrower_than_a_date(catalog, cal, tmp_path: Path) -> None:
    """30 个事件、50 份材料的月份：没有一字一行的窄列，日期列放得下“12月25日”。"""
    from exports.docx_layout import SIZES, min_cell_width

    sm = SectionMonth("commerce", MONTH, catalog.version)
    files = tmp_path / "files"
    for n in range(50):
        iid = catalog.assigned("commerce")[n % 8].id
        sm.entry(iid).evidence.append(
            make_evidence(
                files,
                f"材料{n:02d}（第{n}份，名称较长的会议记录与台账）.pdf",
                f"{n}".encode(),
                when=date(2026, 11, 1 + n % 25),
            )
        )
    for n in range(30):
        sm.entry(10).events.append(
            Event(
                "objection",
                f"某某有限公司“双公示”信息异议{n}",
                datetime(2026, 11, 1 + n % 25, 9, 0),
                datetime(2026, 11, 2 + n % 25, 9, 0) if n % 3 else None,
                fields={"letter_no": f"济信异〔2026〕{n}号"},
            )
        )
    doc = _export(catalog, cal, sm, tmp_path)
    min_two = min_cell_width(SIZES["小四"], ["序号"])
    date_min = min_cell_width(SIZES["小四"], ["", "12月25日"])
    for tbl in doc.element.body.iter(qn("w:tbl")):
        widths = [int(g.get(qn("w:w"))) for g in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
        assert min(widths) >= min_two, widths
        rows = [
            ["".join(t.text for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))]
            for tr in tbl.findall(qn("w:tr"))
        ]
        for col, w in enumerate(widths):
            if any(re.fullmatch(r"\d{1,2}月\d{1,2}日.*", r[col]) for r in rows[1:]):
                assert w >= date_min, (rows[0][col], w)
    (evidence,) = tables_in(attachment_elements(doc, 2))
    assert len(evidence) == 51
    events = tables_in(attachment_elements(doc, 1))[-1]
    assert len(events) == 31


def test_nothing_said_twice_between_overall_and_indicators(catalog, cal, tmp_path: Path) -> None:
    """状态只在表1，合计只在“一、”的那段，逐件的逾期只在附件：“二、”里不再写状态，也不列逾期事项的名称。"""
    sm = SectionMonth("commerce", MONTH, catalog.version)
    e = sm.entry(10)
    e.status, e.completed_at = Status.DONE, datetime(2026, 11, 20, 9, 0)
    e.events = [
        Event("objection", "异议函丙", datetime(2026, 11, 26, 9, 0)),
        Event("objection", "异议函丁", datetime(2026, 11, 27, 9, 0)),
    ]
    doc = _export(catalog, cal, sm, tmp_path)
    body = _body(doc)
    overall = body[body.index("一、总体情况") + 1]
    assert not any(ind.short in overall for ind in catalog.assigned("commerce"))
    section_two = body[
        body.index("二、各项指标完成情况") + 1 : body.index("三、存在问题和下步打算")
    ]
    for para in section_two:
        for word in ("已确认", "不计为完成", "进行中", "未开始", "异议函丙", "期限11月"):
            assert word not in para, (word, para)
    assert (
        section_two[-1] == "（八）异议处理和信用修复。异议协同处理函2件。逾期未完成1项，见附件1。"
    )
    late = tables_in(attachment_elements(doc, 1))[0]
    assert ["异议函丙" in r[2] for r in late[1:]].count(True) == 1


def test_events_not_yet_done_are_counted_as_such(catalog, cal, tmp_path: Path) -> None:
    """记了一篇信用动态但还没报送：不能写成“信用动态1件。本月要求至少1篇，尚未完成。”让人以为前后矛盾。"""
    kind = next(k for k, v in EVENT_KINDS.items() if v == "信用动态")
    early = datetime(2026, 11, 10, 9, 0)
    sm = SectionMonth("commerce", MONTH, catalog.version)
    sm.entry(4).events = [Event(kind, "11月信用动态", datetime(2026, 11, 10, 8, 0))]
    doc = _export(catalog, cal, sm, tmp_path, now=early)
    assert "信用动态1件，尚未办结。本月要求至少1篇，已完成0篇。" in indicator_paragraph(
        doc, "信用动态信息报送"
    )
    sm.entry(4).events.append(
        Event(kind, "又一篇", datetime(2026, 11, 9, 9, 0), done_at=datetime(2026, 11, 9, 15, 0))
    )
    doc = _export(catalog, cal, sm, tmp_path, now=early)
    assert "信用动态2件，已办结1件。达到每月1篇的要求。" in indicator_paragraph(
        doc, "信用动态信息报送"
    )
