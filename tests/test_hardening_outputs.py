"""每个 -o：空文件名、已存在（要 --force）、设备与命名管道（加 --force 也不行）、数据文件夹里的记录、
输入文件本身；磁盘已满与没有权限时一句写明文件名的中文，不留临时文件，没有“Exception ignored”。"""

from __future__ import annotations

import errno
import hashlib
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from creditcheck.cli import main
from creditcheck.month import Month
from storage import Store

NOV = Month(2026, 11)


def _run(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(main, list(args))
    assert "Traceback" not in r.output, r.output
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise AssertionError(f"{type(r.exception).__name__}: {r.exception}\n{r.output}")
    return r.exit_code, r.output


@pytest.fixture
def seeded(data_dir: Path) -> Path:
    store = Store(data_dir, actor="张三")
    sm = store.load_month("commerce", NOV, "2022.1")
    sm.entry(1).note = "x"
    store.save_month(sm)
    store.save_ledger("commerce", NOV, "licence", [{"行政相对人名称": "甲公司"}])
    return data_dir


def _commands(data_dir: Path, out: str) -> list[list[str]]:
    d = ["--data", str(data_dir)]
    return [
        ["ledger", "template", "-o", out, *d],
        ["calendar", "ics", "--section", "commerce", "--month", "2026-11", "-o", out, *d],
        ["export", "ledgers", "--section", "commerce", "--month", "2026-11", "-o", out, *d],
        ["export", "submission", "--section", "commerce", "--month", "2026-11", "-o", out, *d],
        ["export", "summary", "--month", "2026-11", "-o", out, *d],
        ["export", "package", "--section", "commerce", "--month", "2026-11", "-o", out, *d],
    ]


def test_empty_output_name_gives_a_chinese_line(seeded: Path) -> None:
    for args in _commands(seeded, ""):
        code, out = _run(*args)
        assert code == 2 and "没有给出输出文件的文件名" in out, (args, out)


def test_existing_output_needs_force(seeded: Path, tmp_path: Path) -> None:
    for i, args in enumerate(_commands(seeded, "")):
        suffix = {0: ".xlsx", 1: ".ics", 2: ".xlsx", 3: ".docx", 4: ".docx", 5: ".ccpkg"}[i]
        target = tmp_path / f"已有{i}{suffix}"
        target.write_bytes(b"old")
        argv = [a if a != "" else str(target) for a in args]
        code, out = _run(*argv)
        assert code == 2 and "文件已存在" in out and "--force" in out, (argv, out)
        assert target.read_bytes() == b"old"
        code, out = _run(*argv, "--force")
        assert code == 0, (argv, out)
        assert target.read_bytes() != b"old"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="没有命名管道")
def test_fifo_and_device_never_replaced(seeded: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    for args in _commands(seeded, str(fifo)):
        code, out = _run(*args, "--force")
        assert code == 2 and ("命名管道" in out or "应以 .docx 结尾" in out), (args, out)
        assert fifo.exists() and not fifo.is_file()
    if Path("/dev/null").exists():
        code, out = _run("ledger", "template", "-o", "/dev/null", "--force")
        assert code == 2 and "设备" in out
        assert not Path("/dev/null.xlsx").exists()


def test_never_onto_the_data_folder_records(seeded: Path) -> None:
    month_file = seeded / "sections/commerce/2026-11.json"
    before = month_file.read_bytes()
    for args in _commands(seeded, str(month_file)):
        code, out = _run(*args, "--force")
        assert code == 2 and ("数据文件夹" in out or "应以 .docx 结尾" in out), (args, out)
    assert month_file.read_bytes() == before
    new_in_sections = seeded / "sections/commerce/新文件.xlsx"
    code, out = _run("ledger", "template", "-o", str(new_in_sections), "--data", str(seeded))
    assert code == 2 and not new_in_sections.exists()
    # 数据文件夹顶层的新文件可以写
    code, out = _run("ledger", "template", "-o", str(seeded / "模板.xlsx"), "--data", str(seeded))
    assert code == 0 and (seeded / "模板.xlsx").is_file()


def test_never_onto_the_input_itself(seeded: Path, tmp_path: Path) -> None:
    book = tmp_path / "台账.xlsx"
    code, _ = _run("ledger", "template", "-o", str(book))
    assert code == 0
    before = book.read_bytes()
    code, out = _run(
        "ledger", "check", str(book), "--annotate", str(book), "--force", "--data", str(seeded)
    )
    assert code == 2 and "不能覆盖原文件" in out
    assert book.read_bytes() == before


def _enospc(*_a, **_k):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_disk_full_names_the_file_and_leaves_nothing(
    seeded: Path, tmp_path: Path, monkeypatch, capfd
) -> None:
    import zipfile

    real_write = zipfile.ZipFile.writestr
    calls = {"n": 0}

    def flaky(self, *a, **k):  # 写到一半磁盘满了：ZipFile 没关好就被丢下
        calls["n"] += 1
        if calls["n"] > 2:
            _enospc()
        return real_write(self, *a, **k)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", flaky)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    suffixes = [".xlsx", ".ics", ".xlsx", ".docx", ".docx", ".ccpkg"]
    full = 0
    for i, args in enumerate(_commands(seeded, "")):
        args = [a if a != "" else str(out_dir / f"结果{i}{suffixes[i]}") for a in args]
        calls["n"] = 0
        code, out = _run(*args)
        if code == 0:
            continue  # 这个导出没用 writestr（如 .ics）
        assert code == 2 and "磁盘已满" in out and str(out_dir) in out, (args, out)
        full += 1
    assert full >= 4
    import gc

    gc.collect()
    err = capfd.readouterr().err
    assert "Exception ignored" not in err, err
    assert not [p for p in out_dir.iterdir() if p.name.endswith(".tmp")]


def test_permission_error_names_the_file(seeded: Path, tmp_path: Path, monkeypatch) -> None:
    import exports.ics as ics

    def denied(*_a, **_k):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "x.ics"))

    monkeypatch.setattr(ics, "write_ics", denied)
    code, out = _run(
        "calendar",
        "ics",
        "--section",
        "commerce",
        "-o",
        str(tmp_path / "x.ics"),
        "--data",
        str(seeded),
    )
    assert code == 2 and "没有权限" in out and "x.ics" in out


def test_data_folder_unchanged_by_any_refused_output(seeded: Path, tmp_path: Path) -> None:
    def digest() -> dict[str, str]:
        return {
            str(p.relative_to(seeded)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(seeded.rglob("*"))
            if p.is_file()
        }

    before = digest()
    for args in _commands(seeded, str(seeded / "sections/commerce/ledger-licence-2026.json")):
        _run(*args, "--force")
    assert digest() == before


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX 路径")
def test_relative_data_works_from_another_folder(seeded: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(seeded.parent)
    code, out = _run(
        "export",
        "package",
        "--section",
        "commerce",
        "--month",
        "2026-11",
        "--data",
        seeded.name,
        "-o",
        str(tmp_path / "p.ccpkg"),
    )
    assert code == 0, out
