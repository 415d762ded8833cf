"""演示数据：在一个（一次性的）数据文件夹里生成一套像样的样例，便于试用和演示。

每个科室、本月和前两个月都有记录；佐证材料是真的在文件夹里生成的小文件（有的名字带中文和空格）；
各类事件都有，有的已逾期、有的即将到期；第8项指标有计数；状态有已完成、进行中、不适用（带理由）；
有的月份已提交、已审核通过、被退回修改（带意见）。
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from creditcheck import checklist, review
from creditcheck.catalog import EVENT_KINDS, Catalog
from creditcheck.evidence import attach
from creditcheck.models import Event, SectionMonth, Status, new_id
from creditcheck.month import Month
from creditcheck.workcal import WorkCalendar

from .reviews import save_with_decisions
from .store import Store

PEOPLE = ["王芳", "李强", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄涛", "周婷", "吴军"]
COORDINATOR_PERSON = "孙丽（体系科）"

_EVIDENCE_FILES = {
    1: [("信用相关制度文件清单 {m}.docx", "docx"), ("中心组学习记录 {m}.txt", "txt")],
    2: [("双公示工作台账 {m}.txt", "txt")],
    3: [("信用承诺和履约践诺台账 {m}.txt", "txt")],
    4: [("信用动态稿件 {m}.docx", "docx")],
    5: [("重错码清理台账 {m}.txt", "txt")],
    6: [("信易批推进情况 {m}.docx", "docx")],
    7: [("诚信宣传活动 现场照片 {m}.jpg", "jpg"), ("诚信宣传活动方案 {m}.docx", "docx")],
    8: [("信用核查联合奖惩应用情况 {m}.txt", "txt")],
    9: [("零存量零增量确认 {m}.txt", "txt")],
    10: [("异议协同处理函 {m}.txt", "txt")],
}

_PLANS = (
    "部分“双公示”信息临近15个自然日的上传期限才上传，个别许可机关代码漏填。"
    "下步将在作出许可决定后3个工作日内上传，上传前逐项核对必填项。"
)
"""演示“存在问题和下步打算”（商事登记科本月）。"""

_JPEG_HEADER = bytes.fromhex("ffd8ffe000104a46494600010100000100010000")


def _write_file(path: Path, kind: str, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "jpg":
        path.write_bytes(_JPEG_HEADER + text.encode("utf-8") + b"\xff\xd9")
    else:
        path.write_text(text + "\n", encoding="utf-8")


def _at(d: date, hh: int = 9, mm: int = 0) -> datetime:
    return datetime.combine(d, time(hh, mm))


def make_demo(data_dir: Path, now: datetime, catalog: Catalog, cal: WorkCalendar) -> None:
    """在 ``data_dir`` 里生成演示数据（``now`` 为“此刻”）。"""
    data_dir = Path(data_dir)
    rng = random.Random(20221)
    store = Store(data_dir, actor="演示数据")
    files_root = data_dir / "佐证材料（演示）"
    cur = Month.of(now.date())
    months = [cur.shift(-2), cur.shift(-1), cur]
    coordinator = catalog.coordinator

    for n, section in enumerate(catalog.sections):
        person = PEOPLE[n % len(PEOPLE)]
        phone = f"0531-8{n:03d}{rng.randint(1000, 9999)}"
        for month in months:
            sm = SectionMonth(section.id, month, catalog.version, person=person, phone=phone)
            is_current = month == cur
            # 本月的“此刻”就是 now；之前的月份按当月 25 日上午填报
            t = now if is_current else _at(month.day(25), 10, 0)
            for ind in catalog.assigned(section.id):
                _fill_indicator(
                    sm, catalog, cal, ind.id, month, t, is_current, files_root, section.short, rng
                )
            if not is_current:
                _review_history(
                    sm, month, section.id, person, coordinator.id if coordinator else "", rng, cur
                )
            elif section.id == "commerce":
                checklist.set_plans(sm, _PLANS, now)
                review.submit(sm, person, now - timedelta(hours=2))
            save_with_decisions(store, sm, actor=person)
    # 演示“文件缺失”和“已变更”两种佐证状态（体检 doctor 会给出提醒）
    _demo_evidence_problems(files_root)
    store.backup("manual")


def _fill_indicator(
    sm: SectionMonth,
    catalog: Catalog,
    cal: WorkCalendar,
    iid: int,
    month: Month,
    t: datetime,
    is_current: bool,
    files_root: Path,
    section_name: str,
    rng: random.Random,
) -> None:
    ind = catalog.indicator(iid)
    # 证据文件：真的写到文件夹里，名字带中文和空格
    for name_tpl, kind in _EVIDENCE_FILES.get(iid, []):
        name = name_tpl.format(m=month.label)
        p = files_root / section_name / str(month) / name
        _write_file(p, kind, f"{section_name} {month.label} {ind.short}\n（演示材料，内容为示例）")
        if is_current and rng.random() < 0.35:
            continue  # 本月还有一部分材料没附上
        material = "台账" if kind == "txt" else (ind.materials[0] if ind.materials else "其他")
        # 材料日期取当月 20 日，但不晚于填报的那一刻（本月 20 日前演示时取今天）
        ev = attach(
            str(p),
            now=t,
            kind=material,
            effective_date=min(month.day(20), t.date()),
            note="演示材料",
        )
        checklist.add_evidence(sm, catalog, iid, ev, t)

    if ind.counts:
        base = rng.randint(200, 900)
        values = {
            "credit_checks": base + rng.randint(0, 80),
            "joint_sanctions": rng.randint(5, 40),
            "market_entities": base + rng.randint(100, 300),
        }
        for c in ind.counts:
            checklist.set_count(sm, catalog, iid, c.key, values.get(c.key, rng.randint(1, 50)), t)

    for kind in ind.event_kinds:
        _add_events(sm, catalog, cal, iid, kind, month, t, is_current)

    # 状态：往月大多已完成；本月有进行中、不适用（带理由）、已完成
    if iid == 9 and not is_current:
        checklist.set_status(sm, catalog, iid, Status.DONE, t, note="本月失信案件零存量、零增量")
    elif iid == 10 and sm.section_id in ("system",) and not is_current:
        checklist.set_status(
            sm, catalog, iid, Status.NOT_APPLICABLE, t, reason="本月未收到异议协同处理函"
        )
    elif not is_current:
        checklist.set_status(sm, catalog, iid, Status.DONE, t)
    else:
        roll = rng.random()
        if iid == 6 and rng.random() < 0.5:
            checklist.set_status(
                sm,
                catalog,
                iid,
                Status.NOT_APPLICABLE,
                t,
                reason="本科室信易批案例已于上半年报送，本月无新进展",
            )
        elif roll < 0.3:
            # 本月已完成的事项在 20 日下午办完（早于 26 日的期限），演示“按时完成”
            checklist.set_status(sm, catalog, iid, Status.DONE, min(t, _at(month.day(20), 16, 0)))
        elif roll < 0.8 or sm.entry(iid).evidence:
            checklist.set_status(sm, catalog, iid, Status.IN_PROGRESS, t, note="正在整理材料")
    if iid == 3:
        # “信用承诺”事件类型没有期限规则，按领域模型直接记一条
        # 不晚于填报的那一刻：本月 10 日前演示时，改为一小时前收到、尚未归集
        occurred = min(_at(month.day(10)), t - timedelta(hours=1))
        done: datetime | None = _at(month.day(12), 16)
        if done is not None and done > t:
            done = None
        sm.entry(iid).events.append(
            Event(
                kind="commitment",
                title=f"{month.label}信用承诺书归集",
                occurred_at=occurred,
                done_at=done,
                note="演示",
                id=new_id(),
            )
        )


# 演示事件的名称：像真实工作里记下的那样，而不是类型名的重复
_TITLES: dict[str, tuple[str, str, str]] = {
    # 类型: (往月已办结, 本月逾期未办, 本月待办)
    "licence": (
        "济南某某餐饮管理有限公司食品经营许可",
        "山东某某物流有限公司道路运输经营许可",
        "历城区某某幼儿园民办学校办学许可",
    ),
    "data-problem": (
        "市平台反馈：许可编号格式不符",
        "市平台反馈：有效期至早于有效期自",
        "市平台反馈：许可机关代码缺失",
    ),
    "article": (
        "我局推行“信用+承诺审批”服务",
        "“信易批”让诚信企业办事更快",
        "我局开展诚信建设进社区宣传",
    ),
    "code-error": (
        "济南某某商贸有限公司代码重码",
        "历城区某某便利店代码错码",
        "山东某某农业发展有限公司代码重码",
    ),
    "case": (
        "容缺受理：信用良好企业先批后补",
        "告知承诺：食品经营许可当场办结",
        "信用承诺：施工许可并联审批",
    ),
    "activity": ("诚信宣传进机关专题党课", "“诚信兴商”宣传进社区", "政务服务大厅诚信宣传周"),
    "incident": (
        "网络舆情：群众反映审批超时",
        "网络舆情：企业反映材料重复提交",
        "网络舆情：群众反映窗口服务态度",
    ),
    "objection": (
        "山东某某建设工程有限公司“双公示”信息异议",
        "济南某某科技有限公司“双公示”信息异议",
        "济南某某医药连锁有限公司信用修复申请",
    ),
}


def _add_events(
    sm: SectionMonth,
    catalog: Catalog,
    cal: WorkCalendar,
    iid: int,
    kind: str,
    month: Month,
    t: datetime,
    is_current: bool,
) -> None:
    label = EVENT_KINDS[kind]
    today = t.date()
    if not is_current:
        if kind == "incident" and not (sm.section_id == "window" and month.month % 3 == 0):
            return  # 严重失信事件应为“零增量”，往月只演示一件已处置的
        occurred = _at(month.day(8), 10, 30)
        done = occurred + timedelta(days=1)
        checklist.add_event(
            sm,
            catalog,
            cal,
            iid,
            kind,
            _TITLES.get(kind, (label,) * 3)[0],
            occurred,
            t,
            done_at=done,
            fields=_fields(kind),
            note="演示",
        )
        return
    # 本月：一件已逾期、一件即将到期（都未完成）
    overdue_start = {
        "licence": today - timedelta(days=20),
        "data-problem": today - timedelta(days=9),
        "article": today - timedelta(days=4),
        "code-error": None,
        "case": None,
        "activity": today - timedelta(days=5),
        "incident": None,
        "objection": today - timedelta(days=6),
    }.get(kind)
    if (
        overdue_start is not None
        and overdue_start >= month.first_day
        and sm.section_id in ("commerce", "office", "system", "window")
    ):
        checklist.add_event(
            sm,
            catalog,
            cal,
            iid,
            kind,
            _TITLES.get(kind, (label,) * 3)[1],
            _at(overdue_start, 9, 15),
            t,
            fields=_fields(kind),
            note="演示：逾期未办",
        )
    soon = {
        "licence": today - timedelta(days=12),
        "data-problem": today - timedelta(days=1),
        "article": today - timedelta(days=1),
        "code-error": today - timedelta(days=3),
        "case": today - timedelta(days=20),
        "activity": today,
        "incident": today,
        "objection": today,
    }[kind]
    if kind == "incident" and sm.section_id != "window":
        return  # 严重失信事件只演示一件
    # 不晚于此刻：早上 8:30 之前演示时，改为半小时前
    occurred = min(_at(max(soon, month.first_day), 8, 30), t - timedelta(minutes=30))
    checklist.add_event(
        sm,
        catalog,
        cal,
        iid,
        kind,
        _TITLES.get(kind, (label,) * 3)[2],
        occurred,
        t,
        fields=_fields(kind),
        note="演示：待办",
    )


def _fields(kind: str) -> dict[str, str]:
    if kind == "code-error":
        return {"code": "91370112MA3C00000X", "subject": "济南某某商贸有限公司"}
    if kind == "licence":
        return {"subject": "济南某某餐饮管理有限公司", "decision_no": "历城审批〔2026〕第128号"}
    if kind == "objection":
        return {"subject": "山东某某建设工程有限公司", "letter_no": "济信异〔2026〕15号"}
    return {}


def _review_history(
    sm: SectionMonth,
    month: Month,
    section_id: str,
    person: str,
    coordinator: str,
    rng: random.Random,
    cur: Month,
) -> None:
    submitted = _at(month.day(24), 15, 0)
    reviewed = _at(month.day(26), 10, 0)
    review.submit(sm, person, submitted)
    if month == cur.shift(-1) and section_id == "social":
        review.return_for_changes(
            sm, COORDINATOR_PERSON, reviewed, "第4项信用动态稿件缺少审核签字页，请补充后重新提交。"
        )
    elif month == cur.shift(-1) and section_id in ("construction", "survey"):
        pass  # 已提交，尚未审核
    else:
        review.approve(sm, COORDINATOR_PERSON, reviewed)


def _demo_evidence_problems(files_root: Path) -> None:
    paths = sorted(p for p in files_root.rglob("*.txt") if p.is_file())
    if len(paths) >= 2:
        paths[0].unlink()
        with open(paths[1], "a", encoding="utf-8") as f:
            f.write("（附上后又被修改过）\n")
