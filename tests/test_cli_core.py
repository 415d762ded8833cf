"""命令行：catalog、due、calendar 的输出、JSON 形状与中文错误（在子进程里跑真正的控制台脚本）。"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

NOTICE = Path(__file__).parent / "data" / "notice-2026.txt"


def cc(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "creditcheck", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
    )


def test_help_is_chinese() -> None:
    r = cc("--help")
    assert r.returncode == 0
    assert "用法：creditcheck [选项]" in r.stdout and "显示本帮助并退出" in r.stdout
    for sub in ("catalog", "due", "calendar"):
        h = cc(sub, "--help")
        assert h.returncode == 0 and "用法：" in h.stdout and "Show this message" not in h.stdout


def test_catalog_json(data_dir: Path) -> None:
    r = cc("catalog", "--json", "--data", str(data_dir))
    assert r.returncode == 0, r.stderr
    items = json.loads(r.stdout)
    assert [i["id"] for i in items] == list(range(1, 11))
    assert items[1]["rules"] == ["natural-days:15", "working-days:3", "monthly:26"]
    assert "商事登记项目审批服务科" in items[1]["sections"]


def test_catalog_text() -> None:
    r = cc("catalog")
    assert "【信用制度和基础建设】" in r.stdout and "10. 开展企业异议处理和信用修复工作" in r.stdout


@pytest.mark.parametrize(
    ("frm", "rule", "expected"),
    [
        (
            "2026-09-30",
            "working-days:3",
            {"due": "2026-10-10", "effective_due": "2026-10-10", "calendar": "official"},
        ),
        (
            "2026-09",
            "monthly:26",
            {"due": "2026-09-26", "effective_due": "2026-09-24", "calendar": "official"},
        ),
        (
            "2026-09-30T15:00",
            "hours:48",
            {"due": "2026-10-02T15:00", "effective_due": "2026-10-02T15:00"},
        ),
        ("2027-03", "monthly:26", {"due": "2027-03-26", "calendar": "weekday-fallback"}),
    ],
)
def test_due_json(frm: str, rule: str, expected: dict[str, str]) -> None:
    r = cc("due", frm, "--rule", rule, "--json")
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    assert set(j) == {"from", "rule", "due", "effective_due", "calendar"}
    assert j["from"] == frm and j["rule"] == rule
    for k, v in expected.items():
        assert j[k] == v


def test_due_text_warns_about_fallback() -> None:
    r = cc("due", "2027-01-01", "--rule", "working-days:1")
    assert "2027年节假日安排未导入，按周一至周五计算" in r.stdout


@pytest.mark.parametrize(
    ("args", "msg"),
    [
        (["due", "2026-02-30", "--rule", "working-days:3"], "日期不存在"),
        (["due", "2026-09-30", "--rule", "weekly:1"], "未知的期限规则类型"),
        (["due", "2026-09-30"], "缺少选项"),
        (["calendar", "import", "/nonexistent/x.csv"], "找不到文件"),
    ],
)
def test_errors_are_one_chinese_line(args: list[str], msg: str) -> None:
    r = cc(*args)
    assert r.returncode != 0
    assert msg in r.stderr
    assert "Traceback" not in r.stderr


def test_calendar_import_notice_and_show(data_dir: Path, tmp_path: Path) -> None:
    r = cc("calendar", "import", str(NOTICE), "--data", str(data_dir))
    assert r.returncode == 0, r.stderr
    assert (
        "已导入2026年节假日安排（逐日合并到内置安排上，未列出的日子照旧）：放假 33 天，调休上班 6 天"
        in r.stdout
    )
    assert (data_dir / "calendar" / "2026.csv").is_file()
    s = cc("calendar", "show", "2026", "--data", str(data_dir))
    assert "2026-10-10  周六  上班  国庆节" in s.stdout and "用户导入（2026.csv）" in s.stdout


def test_calendar_import_csv_for_next_year(data_dir: Path, tmp_path: Path) -> None:
    f = tmp_path / "2027.csv"
    f.write_text("日期,类型\n2027-01-01,放假\n2027-02-07,上班\n", encoding="utf-8-sig")
    assert cc("calendar", "import", str(f), "--data", str(data_dir)).returncode == 0
    r = cc("due", "2027-02-05", "--rule", "working-days:1", "--json", "--data", str(data_dir))
    j = json.loads(r.stdout)
    assert j["due"] == "2027-02-07" and j["calendar"] == "official"


def test_calendar_import_gbk_notice(data_dir: Path, tmp_path: Path) -> None:
    f = tmp_path / "通知.txt"
    f.write_bytes(NOTICE.read_text(encoding="utf-8").encode("gb18030"))
    r = cc("calendar", "import", str(f), "--data", str(data_dir))
    assert r.returncode == 0, r.stderr


def test_calendar_show_unknown_year() -> None:
    r = cc("calendar", "show", "2031")
    assert "2031年节假日安排未导入" in r.stdout


def test_catalog_bad_user_file(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "catalog.toml").write_text(
        'version = "x"\neffective = "2026-01"\nsections = []\n', encoding="utf-8"
    )
    r = cc("catalog", "--data", str(data_dir))
    assert r.returncode != 0 and "缺少字段“indicators”" in r.stderr and str(data_dir) in r.stderr
