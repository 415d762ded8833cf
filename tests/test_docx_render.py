"""把演示数据的报送材料交给 LibreOffice 排成 PDF，数正文（标题到附注）排了几页：目标是两页 A4。

需要 LibreOffice（soffice）和 poppler（pdftotext）；没有装时跳过。字体按本机有的排（没有 _GB2312 字体时
LibreOffice 用替代字体，数字通常更宽），所以这是偏保守的量法。
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="没有安装 LibreOffice 或 poppler",
)

DEMO_NOW = datetime(2026, 12, 1, 10, 0)


def _pdf(docx: Path, tmp_path: Path) -> Path:
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(docx.parent),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return docx.with_suffix(".pdf")


def _page_of(pdf: Path, text: str) -> int:
    for page in range(1, 20):
        r = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if r.returncode != 0:
            break
        if text in r.stdout.replace(" ", ""):
            return page
    raise AssertionError(f"PDF 里找不到“{text}”")


def test_demo_month_body_fits_on_two_pages(catalog, cal, tmp_path: Path) -> None:
    from creditcheck.month import Month
    from creditcheck.settings import Settings
    from exports.submission import export_submission
    from storage.demo import make_demo
    from storage.store import Store

    make_demo(tmp_path / "demo", DEMO_NOW, catalog, cal)
    store = Store(tmp_path / "demo", read_only=True)
    sm = store.load_month("commerce", Month.of(DEMO_NOW.date()))
    rows = {
        k: r
        for k in ("commitment", "code-errors")
        if (r := store.load_ledger("commerce", sm.month, k))
    }
    out = export_submission(
        catalog, cal, sm, Settings(), tmp_path / "商事登记科.docx", now=DEMO_NOW, ledger_rows=rows
    )
    pdf = _pdf(out, tmp_path)
    assert _page_of(pdf, "（联系人：") <= 2
    assert _page_of(pdf, "附件1") == 3  # 附件另起一页
