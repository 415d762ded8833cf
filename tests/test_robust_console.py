"""GBK（代码页 936）控制台与重定向：命令行输出里有 GBK 表示不了的字符时不崩溃。

Windows 上把输出重定向到文件（``creditcheck doctor > 体检.txt``）或旧版控制台时，标准输出编码是
cp936；文件夹名、意见、台账单元格里的“•”“✓”、表情符号会让 strict 编码抛出 UnicodeEncodeError。
这里用 ``PYTHONIOENCODING=gbk:strict`` 在子进程里模拟。
"""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from creditcheck.cli import main
from creditcheck.cli.console import make_console_safe, make_safe

# 控制台脚本入口接上 make_console_safe() 之前，只有包装入口能通过（见 creditcheck/cli/console.py）
WRAPPED = [sys.executable, "-m", "creditcheck.cli.console"]
DIRECT = [sys.executable, "-m", "creditcheck"]


def test_gbk_stream_replaces_unencodable() -> None:
    plain = io.TextIOWrapper(io.BytesIO(), encoding="gbk", errors="strict")
    with pytest.raises(UnicodeEncodeError):
        plain.write("意见：• 已核实✓😀\n")
        plain.flush()
    raw = io.BytesIO()
    s = io.TextIOWrapper(raw, encoding="gbk", errors="strict")
    assert make_safe(s) is True
    s.write("意见：• 已核实✓😀 — 第1项\n")
    s.flush()
    assert raw.getvalue().decode("gbk") == "意见：? 已核实?? — 第1项\n"


@pytest.mark.parametrize(
    "encoding,errors", [("utf-8", "strict"), ("gb18030", "strict"), ("cp936", "backslashreplace")]
)
def test_streams_that_can_cope_are_left_alone(encoding: str, errors: str) -> None:
    s = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors=errors)
    assert make_safe(s) is False
    assert s.errors == errors


def test_missing_or_closed_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    closed = io.TextIOWrapper(io.BytesIO(), encoding="gbk")
    closed.close()
    assert make_safe(closed) is False
    assert make_safe(None) is False
    monkeypatch.setattr(sys, "stdout", None)  # pythonw：没有控制台
    make_console_safe()


@pytest.fixture(scope="module")
def gbk_setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """演示数据放在名字带“•✓”的文件夹里；体系科退回意见带表情符号。"""
    base = tmp_path_factory.mktemp("gbk")
    data = base / "信用自查•✓"
    config = base / "config"
    config.mkdir()
    (config / "settings.json").write_text(
        '{"section_id": "system", "person": "张三", "coordinator": true}', encoding="utf-8"
    )
    env = {
        "CREDITCHECK_CONFIG": str(config),
        "CREDITCHECK_DATA": str(data),
        "CREDITCHECK_TODAY": "2026-11-28T10:00",
    }
    runner = CliRunner()
    r = runner.invoke(main, ["demo", "--no-tui", "--data", str(data)], env=env)
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        main,
        [
            "review",
            "return",
            "--section",
            "商事登记科",
            "--month",
            "2026-11",
            "--data",
            str(data),
            "--comment",
            "请补充第6项 • 材料✓😀",
        ],
        env=env,
    )
    assert r.exit_code == 0, r.output
    return env


COMMANDS = [
    (["doctor"], 3),  # 演示数据里有缺失、变更的佐证材料：需要用户处理，退出码 3
    (["overview", "--month", "2026-11"], 0),
    (["review", "show", "--section", "商事登记科", "--month", "2026-11"], 0),
    (["backup"], 0),
    (["ledger", "template", "-o", "{data}/双公示✓.xlsx"], 0),
    (
        [
            "export",
            "submission",
            "--section",
            "商事登记科",
            "--month",
            "2026-11",
            "-o",
            "{data}/报送✓.docx",
        ],
        0,
    ),
    (["due", "2026-02-30✓", "--rule", "working-days:3"], 2),
]


def _run(
    entry: list[str], args: list[str], env_extra: dict[str, str]
) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ)
    env.update(env_extra)
    env["PYTHONIOENCODING"] = "gbk:strict"
    data = env_extra["CREDITCHECK_DATA"]
    argv = [a.replace("{data}", data) for a in args]
    if argv[0] not in ("due", "ledger"):
        argv += ["--data", data]
    return subprocess.run([*entry, *argv], capture_output=True, env=env, timeout=120)


@pytest.mark.parametrize(
    "args,code", COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, list) else str(v)
)
def test_commands_under_gbk_console(gbk_setup: dict[str, str], args: list[str], code: int) -> None:
    r = _run(WRAPPED, args, gbk_setup)
    out, err = r.stdout.decode("gbk"), r.stderr.decode("gbk", errors="replace")
    assert "Traceback" not in err and "UnicodeEncodeError" not in err, err
    assert r.returncode == code, (out, err)
    assert (out + err).strip()
    if args[0] == "review":
        assert "请补充第6项 ? 材料??" in out
    if args[0] == "doctor":
        assert "信用自查??" in out


def test_console_script_entry_is_gbk_safe(gbk_setup: dict[str, str]) -> None:
    for args in (["doctor"], ["review", "show", "--section", "商事登记科", "--month", "2026-11"]):
        r = _run(DIRECT, args, gbk_setup)
        err = r.stderr.decode("gbk", errors="replace")
        assert r.returncode == (3 if args[0] == "doctor" else 0) and "Traceback" not in err, err
