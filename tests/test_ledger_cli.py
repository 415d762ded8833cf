"""台账命令：ledger check / import / template，export ledgers。"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from ledger_helpers import GOOD, H, lic

from creditcheck.cli import main
from creditcheck.month import Month
from storage.store import Store


def make(path: Path, rows: list[list[Any]], header: list[str] = H) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return make(
        tmp_path / "双公示.xlsx",
        [
            lic(),
            lic(统一社会信用代码=GOOD.lower(), 行政许可决定文书号="3号"),
            lic(
                行政许可决定文书号="2号",
                上报日期=None,
                许可决定日期="2026-11-01",
                有效期自="2026-11-01",
            ),
        ],
    )


def test_check_json_in_a_real_process(ledger: Path, data_dir: Path) -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "creditcheck",
            "ledger",
            "check",
            str(ledger),
            "--json",
            "--data",
            str(data_dir),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=dict(os.environ),
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    assert list(j) == [
        "rows",
        "month",
        "rows_in_month",
        "rows_other_months",
        "problems",
        "counts",
        "rates",
    ]
    assert j["month"] is None and j["rows_in_month"] == 3 and j["rows_other_months"] == 0
    assert j["rows"] == 3
    assert j["problems"][0] == {
        "row": 3,
        "column": "统一社会信用代码",
        "value": GOOD.lower(),
        "message": f"统一社会信用代码含小写字母，应写作 {GOOD}",
    }
    assert j["problems"][1]["row"] == 4 and "逾期未上报" in j["problems"][1]["message"]
    assert j["counts"] == {
        "decided": 3,
        "not_due": 0,
        "due": 3,
        "uploaded": 2,
        "on_time": 2,
        "compliant": 1,
    }
    assert j["rates"] == {"reported": 0.6667, "timely": 1.0, "compliant": 0.5}


def test_check_text_output(ledger: Path, data_dir: Path) -> None:
    r = cli("ledger", "check", str(ledger), "--data", str(data_dir))
    assert r.exit_code == 0
    out = r.output
    assert f"第3行  统一社会信用代码  “{GOOD.lower()}”：统一社会信用代码含小写字母" in out
    assert "第4行  上报日期  （空）：［迟报/逾期］逾期未上报" in out
    assert "共 3 行数据，发现 2 个问题，涉及 2 行。" in out
    assert "上报率 = 已上报 / 应上报（已作出许可决定，不含未到期） = 2 / 3 = 66.67%" in out
    assert "期限规则：15个自然日内（natural-days:15" in out


def test_check_unreadable_file_exits_non_zero_with_one_line(tmp_path: Path, data_dir: Path) -> None:
    bad = tmp_path / "a.csv"
    bad.write_text("行政相对人名称\n某公司\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "creditcheck", "ledger", "check", str(bad), "--data", str(data_dir)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=dict(os.environ),
        timeout=120,
    )
    assert r.returncode != 0
    # CSV 现在照样读（工作表名取文件名），只是找不到表头
    assert (
        r.stderr.startswith("错误：工作表“a”：找不到双公示（行政许可）台账的表头")
        and "Traceback" not in r.stderr
    )
    assert len(r.stderr.strip().splitlines()) == 1


def test_check_missing_column_names_it(tmp_path: Path, data_dir: Path) -> None:
    p = make(tmp_path / "a.xlsx", [lic()[:-1]], header=[h for h in H if h != "许可机关"])
    r = cli("ledger", "check", str(p), "--data", str(data_dir))
    assert r.exit_code != 0
    assert "缺少必填列：许可机关" in r.output


def test_check_annotate(ledger: Path, tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "标注.xlsx"
    r = cli("ledger", "check", str(ledger), "--annotate", str(out), "--data", str(data_dir))
    assert r.exit_code == 0 and "已写出标注副本" in r.output
    wb = openpyxl.load_workbook(out)
    assert "含小写字母" in wb.active["C3"].comment.text
    assert wb.sheetnames[-1] == "问题汇总"
    same = cli("ledger", "check", str(ledger), "--annotate", str(ledger), "--data", str(data_dir))
    assert same.exit_code != 0 and "不能覆盖原文件" in same.output


def test_check_other_kinds(tmp_path: Path, data_dir: Path) -> None:
    p = make(
        tmp_path / "c.xlsx",
        [["某公司", GOOD, "审批替代型", "补交材料", "2026-10-08", "履约中", None, None]],
        header=[
            "承诺主体名称",
            "统一社会信用代码",
            "承诺类型",
            "承诺事项",
            "承诺日期",
            "履约情况",
            "践诺核查日期",
            "备注",
        ],
    )
    r = cli("ledger", "check", str(p), "--kind", "commitment", "--json", "--data", str(data_dir))
    assert r.exit_code == 0
    j = json.loads(r.stdout)
    assert j["counts"] == {
        "decided": 1,
        "not_due": 0,
        "due": 1,
        "uploaded": 1,
        "on_time": None,
        "compliant": 1,
    }
    wrong = cli("ledger", "check", str(p), "--data", str(data_dir))
    # 选错台账种类：说明写出确切的选项（issue 14）
    assert wrong.exit_code != 0 and "请改用 --kind commitment" in wrong.output
    assert "信用承诺和履约践诺台账" in wrong.output and "Traceback" not in wrong.output


def test_import_stores_rows_and_summary_and_needs_force_to_replace(
    ledger: Path, data_dir: Path, tmp_path: Path
) -> None:
    r = cli(
        "ledger",
        "import",
        str(ledger),
        "--section",
        "商事登记科",
        "--month",
        "2026-11",
        "--data",
        str(data_dir),
    )
    assert r.exit_code == 0, r.output
    assert "已导入：商事登记科 2026年11月 双公示（行政许可）台账，3 行。" in r.output
    store = Store(data_dir)
    sm = store.load_month("commerce", Month(2026, 11))
    s = sm.ledgers["licence"]
    assert s["file"] == "双公示.xlsx" and s["rows"] == 3 and s["problems"] == 2
    assert s["imported_at"] == "2026-11-28T10:00:00"
    assert s["counts"] == {
        "decided": 3,
        "not_due": 0,
        "due": 3,
        "uploaded": 2,
        "on_time": 2,
        "compliant": 1,
    }
    assert s["rates"]["compliant"] == 0.5 and s["open"] == 0
    rows = store.load_ledger("commerce", Month(2026, 11), "licence")
    assert rows is not None and [x["_row"] for x in rows] == [2, 3, 4]
    assert rows[1]["统一社会信用代码"] == GOOD.lower()
    assert rows[1]["_problems"] == 1 and "含小写字母" in rows[1]["_issues"][0]["message"]
    assert rows[2]["_problems"] == 0 and rows[2]["_issues"][0]["kind"] == "late"
    assert "_issues" not in rows[0]

    again = cli(
        "ledger",
        "import",
        str(ledger),
        "--section",
        "commerce",
        "--month",
        "2026-11",
        "--data",
        str(data_dir),
    )
    assert again.exit_code != 0 and "已导入过" in again.output and "--force" in again.output

    smaller = make(tmp_path / "new.xlsx", [lic()])
    forced = cli(
        "ledger",
        "import",
        str(smaller),
        "--section",
        "commerce",
        "--month",
        "2026-11",
        "--force",
        "--data",
        str(data_dir),
    )
    assert forced.exit_code == 0 and "已替换" in forced.output
    assert Store(data_dir).load_month("commerce", Month(2026, 11)).ledgers["licence"]["rows"] == 1
    assert len(Store(data_dir).load_ledger("commerce", Month(2026, 11), "licence") or []) == 1


def test_import_refuses_locked_month_and_unreadable_file(
    ledger: Path, data_dir: Path, tmp_path: Path
) -> None:
    from creditcheck.models import ReviewState

    store = Store(data_dir)
    sm = store.load_month("social", Month(2026, 10))
    sm.review = ReviewState.APPROVED
    store.save_month(sm)
    r = cli(
        "ledger",
        "import",
        str(ledger),
        "--section",
        "social",
        "--month",
        "2026-10",
        "--data",
        str(data_dir),
    )
    assert r.exit_code != 0 and "锁定" in r.output
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a workbook")
    r = cli(
        "ledger",
        "import",
        str(bad),
        "--section",
        "social",
        "--month",
        "2026-11",
        "--data",
        str(data_dir),
    )
    assert r.exit_code != 0 and "不是 Excel 工作簿" in r.output
    assert Store(data_dir).load_month("social", Month(2026, 11)).ledgers == {}


def test_template_command(tmp_path: Path) -> None:
    out = tmp_path / "模板.xlsx"
    r = cli("ledger", "template", "--kind", "code-errors", "-o", str(out))
    assert r.exit_code == 0 and "已生成模板" in r.output
    assert [c.value for c in openpyxl.load_workbook(out).active[1]] == [
        "统一社会信用代码",
        "主体名称",
        "问题类型",
        "发现日期",
        "处理结果",
        "处理日期",
    ]


def test_export_ledgers(ledger: Path, data_dir: Path, tmp_path: Path) -> None:
    empty = cli(
        "export", "ledgers", "--section", "commerce", "--month", "2026-11", "--data", str(data_dir)
    )
    assert empty.exit_code != 0 and "还没有导入任何台账" in empty.output
    cli(
        "ledger",
        "import",
        str(ledger),
        "--section",
        "commerce",
        "--month",
        "2026-11",
        "--data",
        str(data_dir),
    )
    codes = make(
        tmp_path / "codes.xlsx",
        [["91350100M000100Y4X", "某公司", "错码", "2026-11-03", None, None]],
        header=["统一社会信用代码", "主体名称", "问题类型", "发现日期", "处理结果", "处理日期"],
    )
    r = cli(
        "ledger",
        "import",
        str(codes),
        "--kind",
        "code-errors",
        "--section",
        "commerce",
        "--month",
        "2026-11",
        "--data",
        str(data_dir),
    )
    assert r.exit_code == 0 and "未清理：1 条" in r.output
    out = tmp_path / "out.xlsx"
    r = cli(
        "export",
        "ledgers",
        "--section",
        "commerce",
        "--month",
        "2026-11",
        "-o",
        str(out),
        "--data",
        str(data_dir),
    )
    assert r.exit_code == 0 and "2 种台账，共 4 行" in r.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["概况", "双公示（行政许可）", "重错码"]
    values = [c.value for row in wb["概况"].iter_rows() for c in row if c.value is not None]
    assert "未清理" in values and "codes.xlsx" in values
