"""把报送材料交给 LibreOffice 排成 PDF，量正文（标题到附注）排了几页：每种现实的月份都是两页 A4。

月份：演示数据在本月的不同日子生成（月初；月中；26日和月末时许多事项已逾期），``export submission
--folder``（附件说明多一行电子表格），体系科自己的材料（9 项指标），以及 30 个事件、50 份佐证材料的忙碌月份。
同时看整份文件读得下去：表格没有一字一行的窄列，日期不在“12月25日”中间折行。

需要 LibreOffice（soffice）和 poppler（pdftotext）；没有装时跳过。字体按本机有的排（没有 _GB2312 字体时
LibreOffice 用替代字体，数字通常更宽），所以这是偏保守的量法。所有文件一次转换（启动 LibreOffice 较慢）。
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from docx_helpers import busy_ledger_rows, busy_month, open_docx

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="没有安装 LibreOffice 或 poppler",
)


@dataclass(frozen=True)
class Case:
    section: str
    now: datetime
    folder: bool = True


CASES = {
    "演示-1日": Case("commerce", datetime(2026, 12, 1, 10, 0), folder=False),
    "演示-1日-文件夹": Case("commerce", datetime(2026, 12, 1, 10, 0)),
    "演示-15日-文件夹": Case("commerce", datetime(2026, 12, 15, 16, 0)),
    "演示-26日": Case("commerce", datetime(2026, 12, 26, 16, 0), folder=False),
    "演示-26日-文件夹": Case("commerce", datetime(2026, 12, 26, 16, 0)),
    "演示-月末-文件夹": Case("commerce", datetime(2026, 12, 31, 17, 0)),
    "演示-月末-社会事务科": Case("social", datetime(2026, 12, 31, 17, 0)),
    "演示-月末-体系科": Case("system", datetime(2026, 12, 31, 17, 0)),
}
BUSY = "30个事件50份材料"


def _convert(docs: list[Path], outdir: Path, profile: Path) -> None:
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, docs),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )


def _demo_documents(root: Path) -> dict[str, Path]:
    """每个日子生成一份演示数据（与 ``creditcheck demo`` 相同：含演示台账），按各情形导出。"""
    from creditcheck.catalog import load_builtin
    from creditcheck.month import Month
    from creditcheck.services.documents import export_submission
    from creditcheck.services.ledgers import demo_ledger_importer
    from creditcheck.settings import Settings
    from creditcheck.workcal import load_calendar
    from exports.submission import ledger_workbook_name
    from storage.demo import make_demo
    from storage.store import Store

    catalog, cal = load_builtin(), load_calendar(None)
    made: dict[datetime, Path] = {}
    out: dict[str, Path] = {}
    for name, case in CASES.items():
        data = made.get(case.now)
        if data is None:
            data = made[case.now] = root / f"demo-{case.now:%d}"
            make_demo(
                data, case.now, catalog, cal, ledgers=demo_ledger_importer(data, catalog, cal)
            )
        month = Month.of(case.now.date())
        folder = root / name
        folder.mkdir()
        workbook = folder / ledger_workbook_name(catalog, case.section, month)
        store = Store(data, read_only=True)
        try:
            done = export_submission(
                store,
                catalog,
                data,
                cal,
                Settings(),
                case.section,
                month,
                folder / "报送材料.docx",
                case.now,
                backup=False,
                ledger_workbook=workbook if case.folder else None,
            )
        finally:
            store.close()
        assert (done.workbook is not None) is (case.folder and case.section != "system"), name
        out[name] = done.path.rename(root / f"{name}.docx")
    return out


def _busy_document(root: Path) -> Path:
    from docx_helpers import NOW

    from creditcheck.catalog import load_builtin
    from creditcheck.settings import Settings
    from creditcheck.workcal import load_calendar
    from exports.submission import export_submission

    catalog = load_builtin()
    return export_submission(
        catalog,
        load_calendar(None),
        busy_month(catalog, root / "files"),
        Settings(),
        root / f"{BUSY}.docx",
        now=NOW,
        ledger_rows=busy_ledger_rows(),
        ledger_file="工作台账-商事登记科-2026年11月.xlsx",
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """各情形的（.docx，.pdf）。"""
    root = tmp_path_factory.mktemp("render")
    docs = _demo_documents(root)
    docs[BUSY] = _busy_document(root)
    _convert(list(docs.values()), root / "pdf", root / "lo-profile")
    return {name: (d, root / "pdf" / f"{name}.pdf") for name, d in docs.items()}


def _pages(pdf: Path) -> list[str]:
    r = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True
    )
    return [p.replace(" ", "") for p in r.stdout.split("\f")]


def _page_of(pages: list[str], text: str) -> int:
    for n, page in enumerate(pages, start=1):
        if text in page:
            return n
    raise AssertionError(f"PDF 里找不到“{text}”")


@pytest.mark.parametrize("name", [*CASES, BUSY])
def test_body_fits_on_two_pages(rendered, name: str) -> None:
    _docx, pdf = rendered[name]
    pages = _pages(pdf)
    assert _page_of(pages, "（联系人：") <= 2, f"{name}：落款和附注排到了第3页"
    assert pages[2].lstrip().startswith("附件1")  # 附件另起一页，从第3页开始
    # 附件页码从第3页起连续
    assert "附件2" in "".join(pages[3:])


@pytest.mark.parametrize("name", [*CASES, BUSY])
def test_whole_document_readable(rendered, name: str) -> None:
    """没有被挤成一字一行的列；日期不在“12月25日”中间折行（表格里和正文里都不）。"""
    from exports.docx_layout import SIZES, min_cell_width

    docx, pdf = rendered[name]
    doc = open_docx(docx)
    narrowest = min_cell_width(SIZES["小四"], ["序号"])
    for tbl in doc.element.body.iter(qn("w:tbl")):
        grid = tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))
        widths = [int(g.get(qn("w:w"))) for g in grid]
        assert min(widths) >= narrowest, widths
    text = "\n".join(_pages(pdf))
    # 文件名里的“2026年12月”在名称列里折行无妨；日期本身（“12月25日”“2026年”）不能断开
    names = r"(?![^\n]*\.(?:docx|xlsx|txt|pdf|png|jpg))"
    broken = re.findall(rf"\d\n[年月日]{names}|\d月\n\d{{1,2}}日{names}", text)
    assert broken == [], broken
