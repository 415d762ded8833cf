"""同一个用例，界面与命令行走同一条路：同一个月导出的 Word 报送材料文字相同；同一份台账导入后存下的记录相同。

界面一侧用 Pilot 按键操作真正的 App，命令行一侧用 CliRunner 运行真正的命令；两边都读写 tmp_path 下的
真实数据文件夹，再把 .docx 读回、把台账文件读回比较。
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from app_support import checklist_pilot, configured, make_app, press, settle, type_into
from click.testing import CliRunner
from docx_helpers import open_docx, rich_month
from ledger_helpers import GOOD, H, lic

from creditcheck.cli import main
from creditcheck.month import Month
from storage.settings_file import save_settings
from storage.store import Store

NOV = Month(2026, 11)


def document_text(path: Path) -> list[str]:
    """文档正文的全部段落与表格单元格（按出现顺序）。"""
    doc = open_docx(path)
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        out += ["|".join(c.text for c in row.cells) for row in table.rows]
    return out


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def licence_ledger(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(H)
    for row in (
        lic(),
        lic(统一社会信用代码=GOOD.lower(), 行政许可决定文书号="3号"),
        lic(
            行政许可决定文书号="2号",
            上报日期=None,
            许可决定日期="2026-11-01",
            有效期自="2026-11-01",
        ),
    ):
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def same_settings(tmp_path: Path) -> Iterator[None]:
    """界面与命令行用同一份本机设置（商事登记科，张三）。"""
    save_settings(configured(), tmp_path / "config" / "settings.json")
    yield


@pytest.fixture
def month_with_ledgers(catalog, tmp_path: Path, same_settings: None) -> Iterator[Path]:
    """商事登记科11月：各项都有记录，导入过双公示和信用承诺两种台账。"""
    data = tmp_path / "data"
    sm = rich_month(catalog, "commerce", tmp_path / "files")
    store = Store(data)
    try:
        store.save_month(sm)
        store.save_ledger(
            "commerce", NOV, "licence", [{"_row": 2, "行政相对人名称": "双公示甲公司"}]
        )
        store.save_ledger(
            "commerce", NOV, "commitment", [{"_row": 2, "承诺主体名称": "承诺乙公司"}]
        )
    finally:
        store.close()
    yield data


async def test_word_submission_is_the_same_from_app_and_cli(
    month_with_ledgers: Path, tmp_path: Path
) -> None:
    from_app = tmp_path / "界面导出.docx"
    app = make_app(tmp_path, settings=configured())
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)  # 启动时本月在后台读取
            await press(pilot, "e")
            await type_into(pilot, "#value", str(from_app))
            await press(pilot, "enter")  # 在后台线程里生成，press 等它做完
            assert app.screen.__class__.__name__ == "TaskModal" and app.screen.finished
    finally:
        app.ctx.store.close()
    from_cli = tmp_path / "命令行导出.docx"
    r = cli(
        "export",
        "submission",
        "--section",
        "商事登记科",
        "--month",
        "2026-11",
        "--data",
        str(month_with_ledgers),
        "-o",
        str(from_cli),
    )
    assert r.exit_code == 0, r.output

    app_text, cli_text = document_text(from_app), document_text(from_cli)
    assert app_text == cli_text
    joined = "\n".join(app_text)
    # 逐条列出的是信用承诺台账；“双公示”台账只列计数和比率（以前界面会把双公示各行也列进去）
    assert "承诺乙公司" in joined
    assert "双公示甲公司" not in joined


async def test_ledger_import_stores_the_same_record_from_app_and_cli(
    tmp_path: Path, same_settings: None
) -> None:
    xlsx = licence_ledger(tmp_path / "双公示台账.xlsx")
    # 界面：第2项的逐项自查页按 L 导入
    (tmp_path / "app").mkdir()
    async with checklist_pilot(tmp_path / "app", 2) as (app, pilot):
        await press(pilot, "l")
        await type_into(pilot, "#value", str(xlsx))
        await press(pilot, "enter")  # 在后台线程里读、检查、存入
        assert app.screen.__class__.__name__ == "TaskModal" and app.screen.finished
        await press(pilot, "escape")
        app.ctx.store.close()
    # 命令行：另一个数据文件夹
    cli_data = tmp_path / "cli-data"
    r = cli(
        "ledger",
        "import",
        str(xlsx),
        "--section",
        "商事登记科",
        "--month",
        "2026-11",
        "--data",
        str(cli_data),
    )
    assert r.exit_code == 0, r.output

    def stored(data: Path) -> tuple[dict[str, Any], dict[str, Any]]:
        with Store(data, read_only=True) as store:
            record = store.load_ledger_record("commerce", NOV, "licence")
            sm = store.load_month("commerce", NOV)
        assert record is not None
        return {k: v for k, v in record.items() if k != "saved_at"}, sm.ledgers["licence"]

    app_record, app_summary = stored(tmp_path / "app" / "data")
    cli_record, cli_summary = stored(cli_data)
    assert app_record == cli_record
    assert app_summary == cli_summary
    meta = app_record["meta"]
    assert (
        meta["problems"] == 2
        and meta["rule"] == "natural-days:15"
        and meta["file"] == "双公示台账.xlsx"
    )
    assert isinstance(meta["notes"], list) and meta["imported_at"] == "2026-11-28T10:00:00"
    assert app_record["saved_by"] == cli_record["saved_by"] == "张三"
    assert [row["_row"] for row in app_record["rows"]] == [2, 3, 4]
    assert app_summary["rows"] == 3 and app_summary["problems"] == 2
