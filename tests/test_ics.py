"""日历文件（.ics）：RFC 5545 的换行、折行、转义，全天与定时事件，提前一天的提醒，稳定的 UID；命令行。"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from creditcheck import checklist
from creditcheck.models import SectionMonth
from creditcheck.month import Month
from creditcheck.obligations import obligations_for, open_obligations
from exports.ics import build_ics, fold, write_ics
from storage.store import Store

NOW = datetime(2026, 11, 28, 10, 0)


def _month(catalog, cal) -> SectionMonth:  # type: ignore[no-untyped-def]
    sm = SectionMonth("commerce", Month(2026, 11), catalog.version)
    checklist.add_event(
        sm,
        catalog,
        cal,
        4,
        "article",
        "我局推行信用承诺制；含分号，逗号",
        datetime(2026, 11, 26, 15, 0),
        NOW,
    )
    checklist.add_event(
        sm, catalog, cal, 10, "objection", "某公司异议", datetime(2026, 11, 27, 9, 0), NOW
    )
    return sm


def _events(text: str) -> list[str]:
    unfolded = text.replace("\r\n ", "")
    return unfolded.split("BEGIN:VEVENT")[1:]


def test_crlf_utf8_and_folding(catalog, cal) -> None:  # type: ignore[no-untyped-def]
    sm = _month(catalog, cal)
    text = build_ics(
        obligations_for(catalog, cal, sm, NOW), catalog, now=NOW, name="信用自查期限（商事登记科）"
    )
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75, line
    # 转义
    assert "我局推行信用承诺制\\；" not in text
    assert "含分号\\，逗号" not in text
    assert "我局推行信用承诺制；含分号，逗号" in text.replace("\r\n ", "")


def test_fold_never_splits_a_character() -> None:
    line = "SUMMARY:" + "信用状况监测自查" * 20
    parts = fold(line)
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_all_day_and_timed_events_with_reminders(catalog, cal) -> None:  # type: ignore[no-untyped-def]
    sm = _month(catalog, cal)
    obligations = open_obligations(obligations_for(catalog, cal, sm, NOW))
    text = build_ics(obligations, catalog, now=NOW)
    events = _events(text)
    # 5 项按月报送（含第9项的提醒）+ 稿件 + 来函 + 每月26日前1篇信用动态 + 年底前1个信易批案例
    assert len(events) == len(obligations) == 9
    article = next(e for e in events if "我局推行信用承诺制" in e)
    assert "DTSTART;TZID=Asia/Shanghai:20261128T143000" in article
    assert "DTEND;TZID=Asia/Shanghai:20261128T150000" in article
    assert "TRIGGER:-P1D" in article
    objection = next(e for e in events if "某公司异议" in e)
    assert "DTSTART;VALUE=DATE:20261130" in objection  # 周五收到，1个工作日 → 周一
    assert "DTEND;VALUE=DATE:20261201" in objection
    assert "TRIGGER:-PT15H" in objection
    monthly = [e for e in events if "VALUE=DATE:20261126" in e]
    assert len(monthly) == 6  # 5 项按月报送 + 每月1篇信用动态
    assert all("BEGIN:VALARM" in e and "ACTION:DISPLAY" in e for e in events)
    assert "BEGIN:VTIMEZONE" in text and "TZOFFSETTO:+0800" in text
    assert "DTSTAMP:20261128T020000Z" in text
    # 期限规则写中文（issue 14：不再是 working-days:1）
    assert "期限规则：1个工作日内" in objection and "期限规则：48小时内" in article
    assert "working-days" not in text and "hours:" not in text and "monthly:" not in text
    # 第9项每月确认零存量、零增量是本软件的提醒：日历里写“提醒”，不写截止、到期
    [remind] = [e for e in events if "零存量" in e]
    assert "SUMMARY:信用自查提醒：第9项" in remind
    assert "本软件的提醒（每月26日前），不是实施方案规定的期限，专人确认即可" in remind
    assert "提醒：2026年11月26日" in remind and "截止" not in remind and "到期" not in remind
    assert "明天请确认：信用自查提醒：第9项" in remind
    assert all("截止：" in e for e in events if e is not remind)


def test_uid_stable_and_done_items_skipped(catalog, cal) -> None:  # type: ignore[no-untyped-def]
    sm = _month(catalog, cal)
    first = build_ics(obligations_for(catalog, cal, sm, NOW), catalog, now=NOW)
    later = datetime(2026, 11, 28, 16, 0)
    second = build_ics(obligations_for(catalog, cal, sm, later), catalog, now=later)
    uids = lambda t: sorted(line for line in t.split("\r\n") if line.startswith("UID:"))  # noqa: E731
    assert uids(first) == uids(second)
    assert len(set(uids(first))) == len(uids(first))
    ev = sm.entries[10].events[0]
    checklist.complete_event(sm, catalog, 10, ev.id, datetime(2026, 11, 28, 9, 0), NOW)
    third = build_ics(obligations_for(catalog, cal, sm, NOW), catalog, now=NOW)
    assert "某公司异议" not in third
    assert len(uids(third)) == len(uids(first)) - 1


def test_write_ics_file(tmp_path: Path, catalog, cal) -> None:  # type: ignore[no-untyped-def]
    sm = _month(catalog, cal)
    out = write_ics(tmp_path / "提醒.ics", obligations_for(catalog, cal, sm, NOW), catalog, now=NOW)
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8").count("BEGIN:VEVENT") == 9
    assert not list(tmp_path.glob(".*.tmp"))


def test_cli_calendar_ics(tmp_path: Path, catalog, cal) -> None:  # type: ignore[no-untyped-def]
    from creditcheck.cli import main

    data = tmp_path / "data"
    with Store(data) as store:
        store.save_month(_month(catalog, cal))
    out = tmp_path / "期限"
    res = CliRunner().invoke(
        main,
        [
            "calendar",
            "ics",
            "--section",
            "商事登记科",
            "--month",
            "2026-11",
            "-o",
            str(out),
            "--data",
            str(data),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "已写出 9 项未完成的期限" in res.output
    text = (tmp_path / "期限.ics").read_text(encoding="utf-8")
    assert "X-WR-CALNAME:信用自查期限（商事登记科）" in text
    # 没有设置科室又没写 --section：一行中文错误
    res = CliRunner().invoke(main, ["calendar", "ics", "-o", str(out), "--data", str(data)])
    assert res.exit_code != 0
    assert "请用 --section 指定" in res.output
    res = CliRunner().invoke(main, ["calendar", "ics", "--section", "不存在科", "-o", str(out)])
    assert res.exit_code != 0 and "未知科室" in res.output and "Traceback" not in res.output


def test_app_startup_does_not_load_docx_or_openpyxl(tmp_path: Path) -> None:
    """启动到首页画好为止，不加载 python-docx 和 openpyxl（导出时才加载）。"""
    import json
    import os
    import subprocess
    import sys

    from creditcheck.settings import Settings
    from storage.settings_file import save_settings

    cfg = tmp_path / "cfg"
    save_settings(Settings(section_id="commerce", person="张三"), cfg / "settings.json")
    code = (
        "import sys, json\n"
        "from creditcheck.cli.app import run_app\n"
        "run_app(None)\n"
        "print(json.dumps({m: m in sys.modules for m in ('docx', 'openpyxl', 'textual', 'screens.home')}))\n"
    )
    env = dict(
        os.environ,
        CREDITCHECK_CONFIG=str(cfg),
        CREDITCHECK_DATA=str(tmp_path / "data"),
        CREDITCHECK_EXIT_AFTER_PAINT="1",
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert res.returncode == 0, res.stderr
    loaded = json.loads(res.stdout.strip().splitlines()[-1])
    assert loaded == {"docx": False, "openpyxl": False, "textual": True, "screens.home": True}
