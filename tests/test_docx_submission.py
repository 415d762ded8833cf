"""科室月度报送材料（exports/submission.py）：按领域模型搭出的月份导出 .docx，再读回检查内容。"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from docx_helpers import (
    LICENCE_SUMMARY,
    MONTH,
    NOW,
    body_text,
    find_table,
    make_evidence,
    open_docx,
    paragraphs_with_style,
    rich_month,
    section_after_heading,
    table_rows,
    text_of,
)

from creditcheck.models import Event, Evidence, SectionMonth, Status
from creditcheck.settings import Settings
from exports.submission import default_filename, export_submission

SETTINGS = Settings(section_id="commerce", person="设置里的人", phone="0000", font_profile="standard")


def _export(catalog, cal, sm: SectionMonth, tmp_path: Path, *, now: datetime = NOW, **kw):
    path = export_submission(catalog, cal, sm, SETTINGS, tmp_path / "out.docx", now=now, **kw)
    return open_docx(path)


def _summary(doc) -> list[list[str]]:
    (t,) = find_table(doc, "序号", "指标")
    return table_rows(t)[1:]


def _part(doc, catalog, iid: int) -> str:
    return text_of(section_after_heading(doc, f"（指标{iid}）"))


def test_full_month_structure(catalog, cal, tmp_path: Path) -> None:
    sm = rich_month(catalog, "commerce", tmp_path / "files")
    doc = _export(catalog, cal, sm, tmp_path)
    assigned = catalog.assigned("commerce")
    assert [i.id for i in assigned] == [2, 3, 4, 5, 6, 8, 9, 10]
    title = paragraphs_with_style(doc, "GwTitle")
    assert title == ["商事登记项目审批服务科\n2026年11月信用状况监测工作报送材料"]
    text = body_text(doc)
    for line in ("报送科室：商事登记项目审批服务科", "专　　人：李四", "联系电话：0531-88123456",
                 "报送日期：2026年11月28日", "统计期间：2026年11月（2026年11月1日至2026年11月30日）",
                 "目录版本：2022.1（依据济历城行审发〔2022〕2号）"):
        assert line in text
    rows = _summary(doc)
    assert [r[0] for r in rows] == [str(i.id) for i in assigned]
    assert [r[1] for r in rows] == [i.short for i in assigned]
    assert all(r[6] == "1" for r in rows)  # 每项一份佐证材料
    assert rows[0][4] == "11月26日" and rows[0][5] == "11月20日"
    h1 = paragraphs_with_style(doc, "GwHeading1")
    numerals = "一二三四五六七八九"
    assert h1[:-1] == [f"{numerals[n]}、{i.title}（指标{i.id}）" for n, i in enumerate(assigned)]
    assert h1[-1] == "九、逾期和不适用事项"
    # 落款：科室、专人、日期（不补零）
    paras = [p.text for p in doc.paragraphs]
    assert paras[-3:] == ["商事登记项目审批服务科", "专人：李四", "2026年11月28日"]


def test_person_and_phone_fall_back_to_settings(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version)
    doc = _export(catalog, cal, sm, tmp_path)
    text = body_text(doc)
    assert "专　　人：设置里的人" in text and "联系电话：0000" in text
    assert [p.text for p in doc.paragraphs][-2] == "专人：设置里的人"


def test_signature_date_without_zero_padding(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version, person="李四")
    doc = _export(catalog, cal, sm, tmp_path, now=datetime(2026, 11, 9, 8, 30))
    assert [p.text for p in doc.paragraphs][-1] == "2026年11月9日"
    assert "报送日期：2026年11月9日" in body_text(doc)


def test_evidence_rows_with_hash_and_state(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version)
    e = sm.entry(2)
    files = tmp_path / "files"
    e.evidence = [
        make_evidence(files, "台账.xlsx", b"ledger", note="11月台账"),
        make_evidence(files, "截图.png", b"shot", state="changed"),
        make_evidence(files, "说明.docx", b"doc", state="missing"),
    ]
    doc = _export(catalog, cal, sm, tmp_path)
    (t,) = [t for t in find_table(doc, "序号", "文件名")]
    rows = table_rows(t)
    assert rows[0][4] == "校验码（SHA-256前8位）"
    assert rows[1] == ["1", "台账.xlsx", "11月10日", "11月台账", e.evidence[0].sha256[:8], "正常"]
    assert rows[2][1] == "截图.png" and rows[2][4] == e.evidence[1].sha256[:8] and rows[2][5] == "已变更"
    assert rows[3][1] == "说明.docx" and rows[3][5] == "文件缺失"
    assert "注意：1份文件缺失，1份文件在附上后已变更，请核对。" in _part(doc, None, 2)
    assert _summary(doc)[0][6] == "3"


def test_nothing_done_month(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("construction", MONTH, catalog.version, person="王五")
    doc = _export(catalog, cal, sm, tmp_path)
    assigned = catalog.assigned("construction")
    rows = _summary(doc)
    assert len(rows) == len(assigned)
    for r in rows:
        assert r[3].startswith("未开始"), r
        assert r[5] == "—" and r[6] == "0"
    text = body_text(doc)
    assert text.count("完成状态：未开始，本月尚未开展。") == len(assigned)
    assert text.count("未附佐证材料。") == len(assigned)
    assert f"未开始{len(assigned)}项" in text
    # 28日已过26日的期限：按月报送的各项都列为逾期
    closing = _part_closing(doc)
    assert "指标2（双公示工作质量）：报送“双公示”工作台账，期限为2026年11月26日，至报送日仍未完成。" in closing
    assert "本月无不适用的指标。" in closing


def _part_closing(doc) -> str:
    return text_of(section_after_heading(doc, "逾期和不适用事项"))


def test_monthly_indicator(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("office", MONTH, catalog.version)
    e = sm.entry(1)
    e.status, e.completed_at, e.note = Status.DONE, datetime(2026, 11, 20, 15, 0), "已梳理制度文件12件。"
    e.evidence.append(Evidence(path="制度文件清单.docx", abs_path="/nonexistent/制度文件清单.docx",
                               effective_date=datetime(2026, 11, 20).date(), attached_at=datetime(2026, 11, 20, 14)))
    doc = _export(catalog, cal, sm, tmp_path)
    part = _part(doc, catalog, 1)
    assert "完成状态：已完成，完成时间2026年11月20日 15:00。" in part
    assert "情况说明：已梳理制度文件12件。" in part
    assert "期限要求：梳理报送2019年以来制定出台仍在实施的信用相关制度文件及学习情况（每月26日前）。" in part
    row = _summary(doc)[0]
    assert row[:6] == ["1", "信用制度文件及学习", "梳理报送2019年以来制定出台仍在实施的信用相关制度文件及学习情况",
                       "已完成", "11月26日", "11月20日"]
    assert "数据和事项" not in part  # 纯按月报送的指标没有这一部分


def test_event_indicator_objections(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version)
    e = sm.entry(10)
    e.status, e.completed_at = Status.DONE, datetime(2026, 11, 20, 9, 0)
    e.events = [
        # 周五收函，下一个工作日（周一）处理完：按时
        Event("objection", "异议函甲", datetime(2026, 11, 13, 16, 0), datetime(2026, 11, 16, 11, 0),
              fields={"sender": "市信用办"}),
        # 周一收函，周三才处理：逾期
        Event("objection", "异议函乙", datetime(2026, 11, 16, 10, 0), datetime(2026, 11, 18, 10, 0)),
    ]
    doc = _export(catalog, cal, sm, tmp_path)
    (t,) = find_table(doc, "序号", "事项")
    rows = table_rows(t)
    assert rows[0] == ["序号", "事项", "收函时间", "期限", "处理完成时间", "是否按时"]
    assert rows[1] == ["1", "异议函甲\n来函单位：市信用办", "11月13日\n16:00", "11月16日", "11月16日\n11:00", "按时"]
    assert rows[2] == ["2", "异议函乙", "11月16日\n10:00", "11月17日", "11月18日\n10:00", "逾期完成"]
    part = _part(doc, catalog, 10)
    assert "本月异议协同处理函共2件，已完成2件，其中按时完成1件，逾期1件。" in part
    row10 = [r for r in _summary(doc) if r[0] == "10"][0]
    assert row10[3] == "已完成\n（1项逾期完成）"
    # 汇总表里这一行加了底纹
    (summary_table,) = find_table(doc, "序号", "指标")
    tr = [r for r in summary_table.rows if r.cells[0].text == "10"][0]._tr
    assert 'w:fill="D9D9D9"' in tr.xml
    assert "于2026年11月18日 10:00逾期完成" in _part_closing(doc)


def test_quota_indicators(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("system", MONTH, catalog.version)
    sm.entry(4).events = [Event("article", "信用承诺宣传", datetime(2026, 11, 5, 10, 0), datetime(2026, 11, 6, 9, 0))]
    sm.entry(7).events = [Event("activity", "诚信建设进社区", datetime(2026, 11, 12, 17, 0),
                                datetime(2026, 11, 13, 9, 0))]
    doc = _export(catalog, cal, sm, tmp_path)
    p4 = _part(doc, catalog, 4)
    assert "1 | 信用承诺宣传 | 11月5日10:00 | 11月7日10:00 | 11月6日09:00 | 按时" in p4
    assert "完成进度：信用动态 1/1（本月），已达到要求。" in p4
    p7 = _part(doc, catalog, 7)
    assert "本月诚信宣传活动1次（要求每年至少2次，全年进度以各月合计为准）。" in p7
    assert "诚信建设进社区 | 11月12日17:00 | 11月14日17:00 | 11月13日09:00 | 按时" in p7


def test_yearly_quota_counts_the_whole_year(catalog, cal, tmp_path: Path) -> None:
    from creditcheck.month import Month

    may = SectionMonth("system", Month(2026, 5), catalog.version)
    may.entry(7).events = [Event("activity", "诚信宣传进机关", datetime(2026, 5, 8, 17, 0))]
    sm = SectionMonth("system", MONTH, catalog.version)
    sm.entry(7).events = [Event("activity", "诚信建设进社区", datetime(2026, 11, 12, 17, 0))]
    p7 = _part(_export(catalog, cal, sm, tmp_path, year_months=[may]), catalog, 7)
    assert "本月诚信宣传活动1次；全年进度：诚信宣传活动 2/2，已达到要求。" in p7


def test_counts_indicator_ratio(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("window", MONTH, catalog.version)
    sm.entry(8).counts = {"credit_checks": 120, "joint_sanctions": 3, "market_entities": 450}
    doc = _export(catalog, cal, sm, tmp_path)
    part = _part(doc, catalog, 8)
    assert "本月信用核查应用次数120，联合奖惩应用次数3，市场主体数量450。" in part
    assert ("应用比例 =（信用核查应用次数 + 联合奖惩应用次数）÷ 市场主体数量 =（120 + 3）÷ 450 = 27.33%。"
            in part)


def test_counts_missing_or_zero(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("window", MONTH, catalog.version)
    sm.entry(8).counts = {"credit_checks": 5, "joint_sanctions": 0, "market_entities": 0}
    assert "市场主体数量为0，无法计算" in _part(_export(catalog, cal, sm, tmp_path), catalog, 8)
    sm.entry(8).counts = {"credit_checks": 5}
    part = _part(_export(catalog, cal, sm, tmp_path), catalog, 8)
    assert "联合奖惩应用次数（未填写）" in part and "数据未填写完整，无法计算" in part


def test_licence_ledger_rates(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version)
    sm.ledgers["licence"] = dict(LICENCE_SUMMARY)
    sm.entry(2).events = [Event("licence", "食品经营许可", datetime(2026, 11, 3, 9, 0), datetime(2026, 11, 10, 10, 0))]
    doc = _export(catalog, cal, sm, tmp_path)
    (t,) = find_table(doc, "指标", "计算公式")
    assert table_rows(t)[1:] == [
        ["上报率", "已上报数 ÷ 应上报（已作出许可决定，不含未到期）数", "48 ÷ 50", "96%"],
        ["及时率", "按时上报数 ÷ 已上报数", "45 ÷ 48", "93.75%"],
        ["合规率", "已上报且无问题数 ÷ 已上报数", "47 ÷ 48", "97.92%"],
    ]
    part = _part(doc, catalog, 2)
    assert "本月“双公示”台账：许可决定50条，已上报48条，按时上报45条，合规47条；检查发现问题3处。" in part
    assert "台账文件：双公示台账-11月.xlsx，导入时间2026-11-20 09:30。" in part
    # 许可决定 11月3日 + 15 个自然日 = 11月18日
    assert "1 | 食品经营许可 | 11月3日09:00 | 11月18日 | 11月10日10:00 | 按时" in part


def test_licence_ledger_absent(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version)
    doc = _export(catalog, cal, sm, tmp_path)
    assert "本月未导入“双公示”台账。" in _part(doc, catalog, 2)
    assert not find_table(doc, "指标", "计算公式")


def test_commitment_ledger_rows(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version)
    sm.ledgers["commitment"] = {"file": "承诺台账.xlsx", "rows": 2,
                                "counts": {"decided": 2, "uploaded": 2, "on_time": None, "compliant": 2},
                                "rates": {"reported": 1.0, "timely": None, "compliant": 1.0}}
    rows = [{"_row": 2, "主体名称": "某某公司", "承诺类型": "告知承诺"}, {"_row": 3, "主体名称": "某某店", "承诺类型": "主动承诺"}]
    doc = _export(catalog, cal, sm, tmp_path, ledger_rows={"commitment": rows})
    part = _part(doc, catalog, 3)
    assert "归集率 | 已归集数 ÷ 台账记录数 | 2 ÷ 2 | 100%" in part
    assert "及时率 | — | — | 不适用（本台账没有逐条期限）" in part
    assert "序号 | 主体名称 | 承诺类型" in part
    assert "2 | 某某店 | 主动承诺" in part and "_row" not in part


def test_code_errors_events_and_missing_ledger(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version)
    sm.entry(5).events = [
        Event("code-error", "重码", datetime(2026, 11, 4, 9, 0), datetime(2026, 11, 15, 9, 0),
              fields={"code": "91370112MA3C8XYZ1A", "entity": "某某公司"}),
        Event("code-error", "错码", datetime(2026, 11, 20, 9, 0)),
    ]
    doc = _export(catalog, cal, sm, tmp_path)
    part = _part(doc, catalog, 5)
    assert "本月未导入重错码清理台账。" in part
    assert "1 | 重码统一社会信用代码：91370112MA3C8XYZ1A主体名称：某某公司 | 11月4日09:00 | 11月30日 | 11月15日09:00 | 按时" in part
    assert "2 | 错码 | 11月20日09:00 | 11月30日 | — | 未完成（未到期）" in part
    assert "本月重错码共2件，已完成1件，其中按时完成1件，尚未到期1件。" in part


def test_incident_confirmation_and_event(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("survey", MONTH, catalog.version)
    sm.entry(9).status = Status.DONE
    part = _part(_export(catalog, cal, sm, tmp_path), catalog, 9)
    assert "本月无严重失信事件，失信案件保持“零存量、零增量”。" in part
    sm.entry(9).status = Status.NOT_STARTED
    part = _part(_export(catalog, cal, sm, tmp_path), catalog, 9)
    assert "尚未完成本月“零存量、零增量”确认" in part
    sm.entry(9).events = [Event("incident", "网络曝光事件", datetime(2026, 11, 10, 9, 0), datetime(2026, 11, 10, 15, 0))]
    part = _part(_export(catalog, cal, sm, tmp_path), catalog, 9)
    assert "零存量" not in part.split("（四）数据和事项")[1]
    assert "1 | 网络曝光事件 | 11月10日09:00 | 11月10日 | 11月10日15:00 | 按时" in part


def test_not_applicable_in_closing_part(catalog, cal, tmp_path: Path) -> None:
    sm = SectionMonth("commerce", MONTH, catalog.version)
    sm.entry(6).status, sm.entry(6).reason = Status.NOT_APPLICABLE, "本月无新增案例"
    doc = _export(catalog, cal, sm, tmp_path)
    assert "完成状态：不适用。理由：本月无新增案例。" in _part(doc, catalog, 6)
    row6 = [r for r in _summary(doc) if r[0] == "6"][0]
    assert row6[3] == "不适用" and row6[5] == "—"
    assert "1.指标6（“信易批”应用场景）：本月无新增案例。" in _part_closing(doc)


def test_system_profile_and_every_kind_in_one_document(catalog, cal, tmp_path: Path) -> None:
    sm = rich_month(catalog, "system", tmp_path / "files")
    path = export_submission(catalog, cal, sm, Settings(font_profile="system"), tmp_path / "体系.docx", now=NOW)
    doc = open_docx(path)
    assert len(_summary(doc)) == len(catalog.assigned("system")) == 9
    styles = doc.styles.element.xml
    assert 'w:eastAsia="仿宋"' in styles and "仿宋_GB2312" not in styles


def test_default_filename(catalog) -> None:
    assert default_filename(catalog, "commerce", MONTH) == "商事登记科-2026年11月信用监测报送材料.docx"
    assert default_filename(catalog, "window", MONTH.shift(-10)) == "综合受理窗口-2026年1月信用监测报送材料.docx"
