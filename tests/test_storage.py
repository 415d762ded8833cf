"""存储层：原子写入、按科室和年份分文件、审计日志、格式版本与升级。"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from tinydb import TinyDB

from creditcheck.models import SectionMonth, Status
from creditcheck.month import Month
from storage import Store
from storage import atomic as atomic_mod
from storage.atomic import AtomicJSONStorage, StorageError, write_json_atomic
from storage.migrations import CURRENT, file_schema
from storage.notices import FUTURE_SCHEMA, MIGRATED, ReadOnlyError

FIXTURES = Path(__file__).parent / "fixtures"
NOV = Month(2026, 11)


def _month(sid: str = "office", month: Month = NOV, note: str = "") -> SectionMonth:
    sm = SectionMonth(sid, month, "2022.1", person="王芳")
    e = sm.entry(1)
    e.status = Status.IN_PROGRESS
    e.note = note
    return sm


# ── 原子写入 ──


def test_write_is_utf8_and_leaves_no_temp(tmp_path: Path) -> None:
    p = tmp_path / "a.json"
    write_json_atomic(p, {"科室": "办公室"})
    assert p.read_bytes() == '{"科室":"办公室"}'.encode()
    assert [x.name for x in tmp_path.iterdir()] == ["a.json"]


def test_replace_retried_on_windows_then_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.replace
    calls = {"n": 0}

    def flaky(src: object, dst: object) -> None:
        calls["n"] += 1
        if calls["n"] <= 3:
            raise PermissionError(13, "文件被占用")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(atomic_mod.os, "replace", flaky)
    write_json_atomic(tmp_path / "a.json", {"x": 1}, delay=0.001)
    assert calls["n"] == 4
    assert json.loads((tmp_path / "a.json").read_text("utf-8")) == {"x": 1}


def test_replace_that_keeps_failing_removes_the_temp_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 行为有意改变（issue 10/13）：以前把临时文件留下“未丢失”，日积月累成了没人清理的 .tmp；
    # 现在任何失败都删掉临时文件，原文件保持原样，调用方（界面）手里的内容仍在，可以重试。
    target = tmp_path / "2026.json"
    target.write_text('{"old": true}', encoding="utf-8")

    def always(src: object, dst: object) -> None:
        raise PermissionError(13, "文件被占用")

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(atomic_mod.os, "replace", always)
    with pytest.raises(StorageError) as ei:
        write_json_atomic(target, {"new": True}, retries=3, delay=0.001)
    msg = str(ei.value)
    assert (
        msg
        == f"无法替换数据文件 {target}：文件被其他程序占用，原文件保持不变；请关闭占用它的程序后重试"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["2026.json"]
    assert json.loads(target.read_text("utf-8")) == {"old": True}


# ── 保存与读取 ──


def test_save_and_load_round_trip_in_tinydb_layout(data_dir: Path) -> None:
    store = Store(data_dir)
    sm = _month(note="已整理制度文件清单")
    result = store.save_month(sm, actor="王芳")
    assert result.rev == 1 and result.changed
    back = store.load_month("office", NOV)
    assert back.entry(1).note == "已整理制度文件清单"
    path = data_dir / "sections" / "office" / "2026-11.json"
    raw = json.loads(path.read_text("utf-8"))
    assert raw["_meta"]["1"] == {
        "schema": CURRENT,
        "kind": "months",
        "section_id": "office",
        "year": 2026,
        "month": "2026-11",
    }
    # TinyDB 用我们的存储类可以直接读
    db = TinyDB(path, storage=AtomicJSONStorage, read_only=True)
    rows = db.table("months").all()
    assert rows[0]["month"] == "2026-11" and rows[0]["saved_by"] == "王芳"


def test_load_missing_month_is_empty_and_writes_nothing(data_dir: Path) -> None:
    sm = Store(data_dir).load_month("office", NOV, "2022.1")
    assert sm.entries == {} and sm.catalog_version == "2022.1"
    assert not data_dir.exists()


def test_one_save_rewrites_only_its_own_file(data_dir: Path) -> None:
    store = Store(data_dir)
    store.save_month(_month("office", Month(2025, 12)))
    store.save_month(_month("personnel", NOV))
    store.save_ledger("office", NOV, "licence", [{"a": 1}])
    store.save_month(_month("office", Month(2026, 10)))
    others = [
        data_dir / "sections/office/2025-12.json",
        data_dir / "sections/personnel/2026-11.json",
        data_dir / "sections/office/2026-10.json",
        data_dir / "sections/office/ledger-licence-2026.json",
    ]
    before = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in others}
    store.save_month(_month("office", NOV, note="x"))
    assert {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in others} == before
    assert sorted(p.name for p in (data_dir / "sections/office").glob("*.json")) == [
        "2025-12.json",
        "2026-10.json",
        "2026-11.json",
        "ledger-licence-2026.json",
    ]


def test_months_sections_and_iteration(data_dir: Path) -> None:
    store = Store(data_dir)
    for m in (Month(2025, 12), Month(2026, 1), NOV):
        store.save_month(_month("office", m))
    store.save_month(_month("window", NOV))
    assert [str(m.month) for m in store.months("office")] == ["2025-12", "2026-01", "2026-11"]
    assert store.section_ids() == ["office", "window"]
    assert sorted((m.section_id, str(m.month)) for m in store.iter_all_months()) == [
        ("office", "2025-12"),
        ("office", "2026-01"),
        ("office", "2026-11"),
        ("window", "2026-11"),
    ]


def test_section_ids_never_become_path_tricks(data_dir: Path) -> None:
    store = Store(data_dir)
    for bad in ("../etc", "办公室", "a/b", ""):
        with pytest.raises(StorageError, match="科室编号不合法"):
            store.load_month(bad, NOV)
    with pytest.raises(StorageError, match="科室编号不合法"):
        store.save_ledger("office", NOV, "../x", [])


def test_ledger_round_trip(data_dir: Path) -> None:
    store = Store(data_dir)
    assert store.load_ledger("commerce", NOV, "licence") is None
    rows = [{"决定书文号": f"第{i}号"} for i in range(3)]
    store.save_ledger("commerce", NOV, "licence", rows, {"source": "台账.xlsx"})
    assert store.load_ledger("commerce", NOV, "licence") == rows
    assert store.load_ledger_record("commerce", NOV, "licence")["meta"] == {"source": "台账.xlsx"}


# ── 审计日志 ──


def test_audit_records_who_when_what_old_and_new(data_dir: Path) -> None:
    store = Store(data_dir, actor="王芳")
    sm = _month()
    store.save_month(sm)
    sm.entry(1).note = "补充学习记录"
    sm.entry(8).counts["credit_checks"] = 12
    r = store.save_month(sm, actor="李强")
    assert r.rev == 2
    records = store.audit("office", 2026)
    assert len(records) == 2
    first, second = records
    assert first["who"] == "王芳" and first["created"] is True and first["month"] == "2026-11"
    assert {
        "path": "entries.1",
        "old": None,
        "new": sm.to_dict()["entries"]["1"] | {"note": ""},
    } in first["changes"]
    assert second["who"] == "李强" and second["rev"] == 2 and second["at"]
    assert second["changes"] == [
        {"path": "entries.1.note", "old": "", "new": "补充学习记录"},
        {"path": "entries.8", "old": None, "new": sm.to_dict()["entries"]["8"]},
    ]


def test_audit_diffs_events_by_id(data_dir: Path) -> None:
    from datetime import datetime

    from creditcheck.models import Event

    store = Store(data_dir, actor="王芳")
    sm = _month()
    ev = Event("article", "稿件", datetime(2026, 11, 20, 9, 0), id="ev0000000001")
    sm.entry(4).events.append(ev)
    store.save_month(sm)
    ev.done_at = datetime(2026, 11, 21, 10, 0)
    store.save_month(sm)
    last = store.audit("office", 2026)[-1]
    assert last["changes"] == [
        {"path": "entries.4.events[ev0000000001].done_at", "old": None, "new": "2026-11-21T10:00"}
    ]


def test_unchanged_save_writes_nothing(data_dir: Path) -> None:
    store = Store(data_dir)
    sm = _month()
    store.save_month(sm)
    path = data_dir / "sections/office/2026-11.json"
    before = path.stat().st_mtime_ns
    r = store.save_month(sm)
    assert not r.changed and r.rev == 1
    assert path.stat().st_mtime_ns == before
    assert len(store.audit("office", 2026)) == 1


def test_audit_skips_a_torn_last_line_and_appends_on_a_new_line(data_dir: Path) -> None:
    store = Store(data_dir)
    sm = _month()
    store.save_month(sm)
    log = data_dir / "sections/office/audit-2026.jsonl"
    with open(log, "ab") as f:
        f.write(b'{"at": "2026-11-28T10:00", "who": "\xe7\x8e')  # 追加途中被杀
    sm.entry(1).note = "再保存"
    store.save_month(sm)
    records = store.audit("office", 2026)
    assert [r["rev"] for r in records] == [1, 2]


# ── 格式版本与升级 ──


def _copy_fixture(tmp_path: Path) -> Path:
    dst = tmp_path / "v1data"
    shutil.copytree(FIXTURES / "storage_v1", dst)
    return dst


def test_v1_fixture_is_migrated_with_a_backup_first(tmp_path: Path) -> None:
    d = _copy_fixture(tmp_path)
    office = d / "sections/office"
    original = (office / "2025.json").read_bytes()
    store = Store(d, section_id="office", actor="王芳")
    sm = store.load_month("office", Month(2025, 3))
    assert (
        sm.entry(7).status is Status.NOT_APPLICABLE and sm.entry(7).reason == "本月未开展宣传活动"
    )
    assert sm.entry(4).events[0].title == "开展诚信建设进机关活动"
    assert any(n.kind == MIGRATED and "拆成每月一个文件" in n.message for n in store.notices)
    # 年度文件拆成每月一个第2版文件，原文件改名保留
    assert (office / "2025.json.v1").read_bytes() == original and not (
        office / "2025.json"
    ).exists()
    for m in ("2025-02", "2025-03"):
        raw = json.loads((office / f"{m}.json").read_text("utf-8"))
        assert file_schema(raw) == CURRENT == 2
        assert raw["_meta"]["1"]["month"] == m
        (doc,) = raw["months"].values()
        assert doc["month"] == m and doc["rev"] == 1 and "saved_by" in doc
    assert [str(m.month) for m in store.months("office")] == ["2025-02", "2025-03"]
    assert store.load_month("office", Month(2025, 2)).history[-1].action == "approve"
    # 第1版审计日志转写进 .jsonl，旧文件改名保留
    records = store.audit("office", 2025)
    assert [(r["who"], r["changes"][0]["path"]) for r in records] == [
        ("王芳", "entries.1.status"),
        ("王芳", "entries.7.reason"),
    ]
    assert (office / "audit-2025.json.v1").exists()
    assert not (office / "audit-2025.json").exists()
    # 升级前的第1版文件在备份里
    snaps = store._backups.snapshots("office")
    assert any(store._backups.read_copy(s, "2025.json") == original for s in snaps)
    # 升级后照常保存，修订号接着往上，只改写该月的文件
    feb = (office / "2025-02.json").read_bytes()
    sm.entry(7).note = "已补充说明"
    assert store.save_month(sm).rev == 2
    assert (office / "2025-02.json").read_bytes() == feb
    store.close()


def test_saving_into_a_v1_year_migrates_first(tmp_path: Path) -> None:
    d = _copy_fixture(tmp_path)
    store = Store(d)
    sm = SectionMonth("office", Month(2025, 4), "2022.1")
    sm.entry(1).note = "四月"
    store.save_month(sm)
    assert [str(m.month) for m in store.months("office")] == ["2025-02", "2025-03", "2025-04"]
    assert not (d / "sections/office/2025.json").exists()


def test_v1_ledger_fixture_reads(tmp_path: Path) -> None:
    d = _copy_fixture(tmp_path)
    rows = Store(d, read_only=True).load_ledger("office", Month(2025, 3), "licence")
    assert rows and rows[0]["决定书文号"] == "历城审批〔2025〕第12号"


def test_read_only_store_migrates_in_memory_only(tmp_path: Path) -> None:
    d = _copy_fixture(tmp_path)
    before = {p.name: p.read_bytes() for p in (d / "sections/office").iterdir()}
    store = Store(d, read_only=True)
    assert [str(m.month) for m in store.months("office")] == ["2025-02", "2025-03"]
    assert {p.name: p.read_bytes() for p in (d / "sections/office").iterdir()} == before


def test_future_schema_file_is_read_only_and_never_overwritten(data_dir: Path) -> None:
    Store(data_dir).save_month(_month())
    path = data_dir / "sections/office/2026-11.json"
    raw = json.loads(path.read_text("utf-8"))
    raw["_meta"]["1"]["schema"] = 99
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    original = path.read_bytes()
    store = Store(data_dir, section_id="office")
    sm = store.load_month("office", NOV)
    assert sm.entry(1).status is Status.IN_PROGRESS
    notice = next(n for n in store.notices if n.kind == FUTURE_SCHEMA)
    assert (
        "更新版本的程序" in notice.message
        and "第99版" in notice.message
        and "升级" in notice.message
    )
    assert store.read_only
    sm.entry(1).note = "改一下"
    with pytest.raises(ReadOnlyError, match="更新版本"):
        store.save_month(sm)
    assert path.read_bytes() == original
    store.close()


# ── 时钟与身份由外面传入；审计记录只在一处起头 ──


def test_clock_and_identity_are_injected_everywhere(data_dir: Path) -> None:
    from datetime import datetime

    from creditcheck import review
    from storage import Identity

    fixed = datetime(2026, 11, 28, 9, 30, 15, 123456)
    who = Identity("王芳", user="wangf", host="PC-办公室-01")
    with Store(data_dir, now=lambda: fixed, identity=who) as store:
        sm = store.load_month("office", NOV, "2022.1")
        sm.entry(1).note = "本月已学习"
        store.save_month(sm)
        store.save_ledger("office", NOV, "licence", [{"a": 1}])
        assert store.backup("manual").id == "20261128-093015"
        sm = store.load_month("office", NOV)
        review.submit(sm, "王芳", fixed)
        store.save_month(sm)
        store.record_decision("office", NOV, "return", "李玲", comment="补材料")
    header = {
        "at": "2026-11-28T09:30:15",
        "user": "wangf",
        "host": "PC-办公室-01",
        "section": "office",
    }
    records = Store(data_dir, read_only=True).audit("office", 2026)
    assert len(records) == 3
    for rec in records:
        assert {k: rec[k] for k in header} == header and list(rec)[:5] == [
            "at",
            "who",
            "user",
            "host",
            "section",
        ]
    assert records[0]["who"] == "王芳"
    decision = Store(data_dir, read_only=True).review_audit(2026)[-1]
    assert {k: decision[k] for k in header} == {**header, "section": "office"} and decision[
        "who"
    ] == "李玲"
    doc = json.loads((data_dir / "sections/office/2026-11.json").read_text("utf-8"))["months"]["1"]
    assert (doc["saved_at"], doc["saved_by"]) == ("2026-11-28T09:30:15", "王芳")
    reviews = json.loads((data_dir / "reviews/office-2026-11.json").read_text("utf-8"))
    assert reviews["decisions"][-1]["recorded_at"] == "2026-11-28T09:30:15"
    assert (reviews["decisions"][-1]["user"], reviews["decisions"][-1]["host"]) == (
        "wangf",
        "PC-办公室-01",
    )
    assert reviews["decisions"][-1]["at"] == "2026-11-28T09:30:15"
