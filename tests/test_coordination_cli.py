"""``creditcheck overview``：矩阵、排名与通报的文字输出和 JSON。"""

from __future__ import annotations

import json

from click.testing import CliRunner
from coordination_data import save_records

from creditcheck.cli import main


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_overview_text(catalog, data_dir):
    save_records(catalog, data_dir)
    r = _run("overview", "--month", "2026-11", "--data", str(data_dir))
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "2026年11月 各科室完成情况（统计截至 2026-11-28 10:00，目录 2022.1）"
    row = next(line for line in lines if line.startswith("建设项目科"))
    assert row.split() == [
        "建设项目科",
        "-",
        "完",
        "完",
        "逾",
        "未",
        "逾",
        "-",
        "完",
        "完",
        "逾",
        "4/8",
        "50.0",
        "5",
        "未提交",
    ]
    row = next(line for line in lines if line.startswith("组织人事科"))
    assert row.split()[1:11] == ["完", "-", "-", "逾", "-", "-", "未", "-", "无", "-"]
    ranking = lines[
        lines.index("排名（得分高者在前，得分相同看按时完成率，两者都相同的并列）：") + 1 :
    ][:3]
    assert [x.split()[:3] for x in ranking] == [
        ["1", "办公室", "100.0分"],
        ["1", "社会事务科", "100.0分"],
        ["3", "商事登记科", "100.0分"],
    ]
    assert "按时完成 5/6（83.3%）" in ranking[2]
    assert any(line.startswith("通报：2026年11月，全局10个科室中4个已报送") for line in lines)


def test_overview_json(catalog, data_dir):
    save_records(catalog, data_dir)
    r = _run("overview", "--month", "2026-11", "--data", str(data_dir), "--json")
    data = json.loads(r.output)
    assert data["ranking"] == [
        "office",
        "social",
        "commerce",
        "system",
        "construction",
        "personnel",
        "window",
        "survey",
        "supervision",
        "trading",
    ]
    sec = {s["id"]: s for s in data["sections"]}
    assert sec["commerce"]["trend"] == [25.0] + [None] * 9 + [100.0, 100.0]
    assert (
        sec["construction"]["score"],
        sec["construction"]["on_time"],
        sec["construction"]["due"],
    ) == (50.0, 3, 6)


def test_overview_empty_data_folder(data_dir):
    r = _run("overview", "--month", "2026-11", "--data", str(data_dir))
    assert r.exit_code == 0
    assert "全局10个科室中0个已报送" in r.output


def test_overview_bad_month(data_dir):
    r = _run("overview", "--month", "十一月", "--data", str(data_dir))
    assert r.exit_code != 0 and "无法识别的月份" in r.output
