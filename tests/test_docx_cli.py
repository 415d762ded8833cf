"""命令 ``creditcheck export submission``：真实的数据文件夹（TinyDB 文件）→ .docx，读回核对。"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from docx_helpers import (
    all_text,
    attachment_elements,
    body_elements,
    indicator_paragraph,
    open_docx,
    paragraph_texts,
    rich_month,
    tables_in,
)

from creditcheck.cli import main
from creditcheck.month import Month
from storage.store import Store

NAME = "商事登记科-2026年11月信用监测报送材料.docx"


@pytest.fixture
def saved(catalog, data_dir: Path, tmp_path: Path):
    sm = rich_month(catalog, "commerce", tmp_path / "files")
    sm.ledgers["commitment"] = {
        "rows": 1,
        "counts": {"decided": 1, "uploaded": 1, "on_time": None, "compliant": 1},
        "rates": {"reported": 1.0, "timely": None, "compliant": 1.0},
    }
    store = Store(data_dir)
    store.save_month(sm)
    store.save_ledger(
        "commerce",
        sm.month,
        "commitment",
        [{"_row": 2, "主体名称": "某某公司", "承诺类型": "告知承诺"}],
    )
    return sm


def run(*args: str):
    return CliRunner().invoke(main, ["export", "submission", *args], catch_exceptions=False)


def test_export_default_name_in_current_folder_and_figures_match_store(
    saved, catalog, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    r = run("--section", "商事登记科", "--month", "2026-11", "--data", str(data_dir))
    assert r.exit_code == 0, r.output
    out = work / NAME
    assert out.is_file() and f"已生成报送材料：{out}" in r.output
    doc = open_docx(out)
    # 与仓库里的数据逐项核对
    stored = Store(data_dir).load_month("commerce", Month(2026, 11))
    c = stored.entries[8].counts
    a, b, m = c["credit_checks"], c["joint_sanctions"], c["market_entities"]
    para8 = indicator_paragraph(doc, "信用核查和联合奖惩应用")
    assert (
        f"信用核查{a}次，联合奖惩{b}次，市场主体{m}户，应用比例{round((a + b) / m * 100, 2)}%。"
        in para8
    )
    lic = stored.ledgers["licence"]["counts"]
    rates = [t for t in tables_in(attachment_elements(doc, 1)) if t[0][1] == "计算方法"][
        0
    ]  # “双公示”台账在前；上报率的分母是应上报数（不含未到期）
    assert rates[1][2] == f"{lic['uploaded']}÷{lic.get('due', lic['decided'])}"
    summary = tables_in(body_elements(doc))[0][1:]
    assert [int(r[0]) for r in summary] == sorted(stored.entries)
    assert [r[4] for r in summary] == [
        str(len(stored.entries[i].evidence)) for i in sorted(stored.entries)
    ]
    assert "1 | 告知承诺 | 某某公司" in "\n".join(
        " | ".join(r) for t in tables_in(attachment_elements(doc, 1)) for r in t
    )  # 台账行来自仓库
    assert "责任要求" not in all_text(doc)


def test_refuses_to_overwrite_without_force(saved, data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "材料.docx"
    out.write_bytes(b"keep me")
    r = run("-s", "商事登记科", "-m", "2026-11", "--data", str(data_dir), "-o", str(out))
    assert r.exit_code != 0
    assert f"错误：文件已存在：{out}。如需覆盖，请加 --force" in r.output
    assert out.read_bytes() == b"keep me"
    r = run(
        "-s",
        "商事登记项目审批服务科",
        "-m",
        "2026年11月",
        "--data",
        str(data_dir),
        "-o",
        str(out),
        "--force",
    )
    assert r.exit_code == 0, r.output
    assert paragraph_texts(body_elements(open_docx(out)))[-2] == "2026年11月28日"


def test_output_folder_gets_default_name(saved, data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "导出"
    folder.mkdir()
    r = run("-s", "commerce", "-m", "2026-11", "--data", str(data_dir), "-o", str(folder))
    assert r.exit_code == 0, r.output
    assert (folder / NAME).is_file()


def test_unknown_section_and_bad_month(data_dir: Path, tmp_path: Path) -> None:
    r = run(
        "-s", "财务科", "-m", "2026-11", "--data", str(data_dir), "-o", str(tmp_path / "x.docx")
    )
    assert r.exit_code != 0
    assert "错误：未知科室：“财务科”（可选：办公室、组织人事科、商事登记科" in r.output
    assert "Traceback" not in r.output
    r = run(
        "-s", "商事登记科", "-m", "2026-13", "--data", str(data_dir), "-o", str(tmp_path / "x.docx")
    )
    assert r.exit_code != 0 and "错误：" in r.output and "月份" in r.output
    assert not (tmp_path / "x.docx").exists()


def test_month_without_records_warns(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "空.docx"
    r = run("-s", "建设项目科", "-m", "2026-10", "--data", str(data_dir), "-o", str(out))
    assert r.exit_code == 0, r.output
    assert "还没有自查记录" in r.output
    rows = tables_in(body_elements(open_docx(out)))[0][1:]
    # 10月的记录在11月28日导出：按月报送材料的各项已逾期，其余未开始
    assert rows and {row[2] for row in rows} == {"未开始", "逾期"}


def test_missing_template_message(saved, data_dir: Path, tmp_path: Path) -> None:
    r = run(
        "-s",
        "商事登记科",
        "-m",
        "2026-11",
        "--data",
        str(data_dir),
        "-o",
        str(tmp_path / "t.docx"),
        "--template",
        str(tmp_path / "无.docx"),
    )
    assert r.exit_code != 0 and "错误：找不到 Word 模板" in r.output
    assert not (tmp_path / "t.docx").exists()


def test_folder_with_ledgers_and_requirements(saved, data_dir: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "导出"
    r = run(
        "-s",
        "商事登记科",
        "-m",
        "2026-11",
        "--data",
        str(data_dir),
        "-o",
        str(out),
        "--folder",
        "--with-requirements",
    )
    assert r.exit_code == 0, r.output
    folder = out / "商事登记科-2026年11月信用监测报送材料"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "商事登记科-2026年11月信用监测报送材料.docx",
        "工作台账-商事登记科-2026年11月.xlsx",
    ]
    assert f"已导出工作台账：{folder / names[1]}" in r.output
    doc = open_docx(folder / names[0])
    body = paragraph_texts(body_elements(doc))
    assert (
        body[body.index("附件：1.本月事项办理和台账统计") + 2]
        == "3.工作台账-商事登记科-2026年11月.xlsx"
    )
    assert any(t.startswith("责任要求：") for t in body)
    wb = load_workbook(folder / names[1])
    assert "信用承诺和履约践诺" in wb.sheetnames  # 与 export ledgers 同一个工作簿
    # 再导出一次：文件已存在，不加 --force 时拒绝，原文件不动
    before = (folder / names[1]).read_bytes()
    r = run(
        "-s", "商事登记科", "-m", "2026-11", "--data", str(data_dir), "-o", str(out), "--folder"
    )
    assert r.exit_code != 0 and "文件已存在" in r.output and "Traceback" not in r.output
    assert (folder / names[1]).read_bytes() == before
    r = run(
        "-s",
        "商事登记科",
        "-m",
        "2026-11",
        "--data",
        str(data_dir),
        "-o",
        str(out),
        "--folder",
        "--force",
    )
    assert r.exit_code == 0, r.output


def test_folder_without_ledgers(data_dir: Path, tmp_path: Path) -> None:
    r = run(
        "-s",
        "建设项目科",
        "-m",
        "2026-10",
        "--data",
        str(data_dir),
        "-o",
        str(tmp_path),
        "--folder",
    )
    assert r.exit_code == 0, r.output
    folder = tmp_path / "建设项目科-2026年10月信用监测报送材料"
    assert [p.name for p in folder.iterdir()] == ["建设项目科-2026年10月信用监测报送材料.docx"]
    assert "本月还没有导入台账" in r.output
