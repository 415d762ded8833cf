"""应用层（creditcheck/services/）：在 tmp_path 下真实的数据文件夹上测试每个用例一次。"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from coordination_data import MONTH, NOW, SECTION_ORDER, save_records
from ledger_helpers import GOOD, H, lic

from creditcheck import checklist
from creditcheck.catalog import Catalog
from creditcheck.checklist import LockedMonthError
from creditcheck.errors import InputError
from creditcheck.models import ReviewState, SectionMonth, Status
from creditcheck.month import Month
from creditcheck.services import documents, ledgers, reviews
from creditcheck.services.months import MonthSession
from creditcheck.services.overview import OverviewService
from creditcheck.services.stamps import section_stamp
from creditcheck.services.workspace import Workspace, catalog_of_month
from creditcheck.settings import Settings
from creditcheck.workcal import WorkCalendar
from storage.store import Store


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    """不长期占用的仓库；测试失败也关掉。"""
    s = Store(data_dir)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def records(catalog: Catalog, data_dir: Path) -> Iterator[Path]:
    """体系科测试用的 10 个科室的记录。"""
    save_records(catalog, data_dir).close()
    yield data_dir


def _ledger_file(path: Path, n: int = 3) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(H)
    rows = [
        lic(),
        lic(统一社会信用代码=GOOD.lower(), 行政许可决定文书号="3号"),
        lic(
            行政许可决定文书号="2号",
            上报日期=None,
            许可决定日期="2026-11-01",
            有效期自="2026-11-01",
        ),
    ]
    for r in rows[:n]:
        ws.append(r)
    wb.save(path)
    return path


# ── 总览：文件没变就不读 ──


def test_overview_reads_each_section_once_and_again_only_when_its_files_change(
    records: Path, store: Store, catalog: Catalog, cal: WorkCalendar
) -> None:
    service = OverviewService(store, catalog, cal, records)
    first = service.overview(MONTH, NOW)
    assert service.reads == len(catalog.sections) == 10
    assert [r.section_id for r in first.rows] == SECTION_ORDER
    assert not service.changed()

    again = service.overview(MONTH, NOW)  # 什么都没变：一个文件也不读
    assert service.reads == 10
    assert [r.review for r in again.rows] == [r.review for r in first.rows]

    sm = store.load_month("construction", MONTH)
    checklist.set_note(sm, catalog, 2, "台账已报", NOW)
    store.save_month(sm)
    assert service.changed()
    service.overview(MONTH, NOW)
    assert service.reads == 11  # 只重读了建设项目科
    assert not service.changed()

    reviews.decide(
        store, catalog, "commerce", MONTH, "approve", "李玲", NOW
    )  # 审核文件也算该科室的文件
    after = service.overview(MONTH, NOW)
    assert service.reads == 12
    assert next(r for r in after.rows if r.section_id == "commerce").review is ReviewState.APPROVED


def test_overview_reader_is_injectable(
    records: Path, store: Store, catalog: Catalog, cal: WorkCalendar
) -> None:
    asked: list[str] = []

    def reader(section_id: str) -> list[SectionMonth]:
        asked.append(section_id)
        return store.months(section_id)

    service = OverviewService(store, catalog, cal, records, reader=reader)
    service.overview(MONTH, NOW)
    service.overview(MONTH.prev(), NOW)  # 换月也不必重读：记录已在手里
    assert asked == SECTION_ORDER


def test_section_stamp_ignores_ledgers_audit_and_lock_files(records: Path, store: Store) -> None:
    before = section_stamp(store, "commerce")
    assert before and all(name.endswith(".json") for name, _, _ in before)
    store.save_ledger("commerce", MONTH, "licence", [{"_row": 2}])  # 台账与审计日志不影响月度记录
    assert section_stamp(store, "commerce") == before


# ── 本月：全部月份只在文件变了时重读 ──


def _workspace(
    store: Store,
    catalog: Catalog,
    cal: WorkCalendar,
    data_dir: Path,
    settings: Settings | None = None,
) -> Workspace:
    return Workspace(
        store=store,
        catalog=catalog,
        calendar=cal,
        settings=settings or Settings(section_id="commerce", person="张三"),
        save_settings=lambda s: None,
        now=lambda: NOW,
        data_dir=data_dir,
    )


def test_month_session_reads_all_months_once_until_a_file_changes(
    records: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    with Store(records, section_id="commerce", actor="张三", backup_on_open=False) as own:
        from creditcheck import review

        sm = own.load_month("commerce", MONTH)  # 已提交的月份内容冻结：先撤回，才能在本窗口修改
        review.withdraw(sm, "张三", NOW)
        own.save_month(sm)
        session = MonthSession(_workspace(own, catalog, cal, records), MONTH)
        months = session.all_months()
        session.quota_lines()
        session.all_months()
        assert session.reads == 1
        assert [m.month for m in months][-1] == MONTH
        session.change(lambda sm: checklist.set_note(sm, catalog, 2, "本窗口改的", NOW))
        assert session.all_months()[-1].entry(2).note == "本窗口改的"
        assert session.reads == 2  # 自己保存也改了文件


def test_month_session_refuses_when_read_only(
    records: Path, catalog: Catalog, cal: WorkCalendar
) -> None:
    from creditcheck.services.months import SaveError

    with Store(records, read_only=True) as ro:
        session = MonthSession(_workspace(ro, catalog, cal, records), MONTH)
        with pytest.raises(SaveError, match="只读"):
            session.change(lambda sm: checklist.set_note(sm, catalog, 2, "x", NOW))


# ── 台账：一种存储形状 ──


def test_import_ledger_stores_one_shape_and_needs_force_to_replace(
    tmp_path: Path, store: Store, catalog: Catalog, cal: WorkCalendar
) -> None:
    path = _ledger_file(tmp_path / "双公示.xlsx")
    done = ledgers.import_ledger(
        store, catalog, cal, "commerce", MONTH, "licence", path, NOW, actor="张三"
    )
    assert done.replaced is None and done.responsible
    record = store.load_ledger_record("commerce", MONTH, "licence")
    assert record is not None
    assert set(record["meta"]) == {
        "file",
        "path",  # 原文件的完整路径：界面 W 在它旁边写标注副本
        "sheet",
        "imported_at",
        "header_row",
        "rule",
        "problems",
        "notes",
    }
    assert record["meta"]["problems"] == 2 and record["saved_by"] == "张三"
    assert store.load_month("commerce", MONTH).ledgers["licence"] == done.summary
    with pytest.raises(InputError, match="--force"):
        ledgers.import_ledger(store, catalog, cal, "commerce", MONTH, "licence", path, NOW)
    again = ledgers.import_ledger(
        store,
        catalog,
        cal,
        "commerce",
        MONTH,
        "licence",
        _ledger_file(tmp_path / "新.xlsx", 1),
        NOW,
        force=True,
    )
    assert again.replaced is not None and again.replaced["rows"] == 3
    assert store.load_month("commerce", MONTH).ledgers["licence"]["rows"] == 1


def test_import_ledger_refuses_a_locked_month(
    tmp_path: Path, store: Store, catalog: Catalog, cal: WorkCalendar
) -> None:
    sm = store.load_month("social", MONTH)
    sm.review = ReviewState.APPROVED
    store.save_month(sm)
    with pytest.raises(LockedMonthError, match="锁定"):
        ledgers.import_ledger(
            store, catalog, cal, "social", MONTH, "licence", _ledger_file(tmp_path / "a.xlsx"), NOW
        )
    assert store.load_ledger("social", MONTH, "licence") is None


# ── 报送材料：同一组台账、同一个目录版本 ──


def test_submission_lists_the_same_ledgers_whatever_the_session_holds(
    tmp_path: Path, store: Store, catalog: Catalog, cal: WorkCalendar
) -> None:
    store.save_ledger("commerce", MONTH, "licence", [{"_row": 2, "名称": "双公示甲"}])
    store.save_ledger("commerce", MONTH, "commitment", [{"_row": 2, "名称": "承诺乙"}])
    sm = store.load_month("commerce", MONTH)
    checklist.set_status(sm, catalog, 3, Status.DONE, NOW)
    store.save_month(sm)
    assert documents.submission_ledgers(store, "commerce", MONTH) == {
        "commitment": [{"_row": 2, "名称": "承诺乙"}]
    }
    out = documents.export_submission(
        store,
        catalog,
        store.data_dir,
        cal,
        Settings(section_id="commerce"),
        "commerce",
        MONTH,
        tmp_path / "材料.docx",
        NOW,
    )
    assert out.path.is_file() and out.catalog is catalog and out.backup_error is None
    assert out.sm.entry(3).status is Status.DONE
    assert "export" in [b.reason for b in store.backups()]


def test_catalog_of_month_prefers_the_stored_version(catalog: Catalog, data_dir: Path) -> None:
    assert catalog_of_month(catalog, data_dir, MONTH, catalog.version) is catalog
    assert catalog_of_month(catalog, data_dir, MONTH, "") is catalog


# ── 审核 ──


def test_review_action_submits_and_decides(records: Path, store: Store, catalog: Catalog) -> None:
    sm = reviews.review_action(store, catalog, "commerce", MONTH, "return", "李玲", NOW, "请补充")
    assert sm.review is ReviewState.RETURNED
    sm = reviews.review_action(
        store, catalog, "commerce", MONTH, "submit", "刘琛", datetime(2026, 11, 28, 11, 0)
    )
    assert sm.review is ReviewState.SUBMITTED
    assert store.load_month("commerce", MONTH).review is ReviewState.SUBMITTED
    with pytest.raises(InputError, match="没有"):
        reviews.review_action(store, catalog, "commerce", Month(2025, 1), "submit", "刘琛", NOW)
    with pytest.raises(InputError):
        reviews.decide(store, catalog, "commerce", MONTH, "submit", "李玲", NOW)
