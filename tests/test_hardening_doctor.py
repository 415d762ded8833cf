"""体检说真话：检查本程序读的每个文件，需要用户处理时退出码不为 0 并写明怎么办；--fix 只清理确定无人使用的临时文件。"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from creditcheck.cli import main
from creditcheck.month import Month
from storage import Store
from storage.doctor import ERROR, WARN, damaged_aside, diagnose
from storage.notices import DamagedFileError

NOV = Month(2026, 11)


def _doctor(data: Path, *extra: str) -> tuple[int, str]:
    r = CliRunner().invoke(main, ["doctor", "--data", str(data), *extra])
    assert "Traceback" not in r.output and (
        r.exception is None or isinstance(r.exception, SystemExit)
    ), r.output
    return r.exit_code, r.output


def _seed(data_dir: Path) -> Store:
    store = Store(data_dir, actor="张三")
    sm = store.load_month("office", NOV, "2022.1")
    sm.entry(1).note = "x"
    store.save_month(sm)
    store.backup()
    return store


def test_missing_and_empty_data_folder_are_reported(tmp_path: Path) -> None:
    code, out = _doctor(tmp_path / "typo")
    assert code == 3 and "数据文件夹不存在" in out and "一切正常" not in out
    (tmp_path / "empty").mkdir()
    code, out = _doctor(tmp_path / "empty")
    assert code == 3 and "数据文件夹是空的" in out and "一切正常" not in out


def test_healthy_folder_exits_zero(data_dir: Path) -> None:
    _seed(data_dir)
    code, out = _doctor(data_dir)
    assert code == 0 and "结论：一切正常" in out


def test_garbled_calendar_file_is_an_error_with_the_fix(data_dir: Path) -> None:
    _seed(data_dir)
    cal = data_dir / "calendar"
    cal.mkdir()
    (cal / "2027.csv").write_bytes(b"\xff\xfe\x00garbage,,,\n2027-13-45,\xe6\x94\xbe\n")
    code, out = _doctor(data_dir)
    assert code == 1 and "2027.csv 有误" in out and "creditcheck calendar import" in out


def test_broken_user_catalogue_is_an_error_with_the_fix(data_dir: Path) -> None:
    _seed(data_dir)
    (data_dir / "catalog.toml").write_text("version = [\n", encoding="utf-8")
    code, out = _doctor(data_dir)
    assert code == 1 and "catalog.toml" in out and "改名" in out


def test_moved_aside_month_makes_doctor_and_export_speak(data_dir: Path, tmp_path: Path) -> None:
    _seed(data_dir)
    path = data_dir / "sections/office/2026-11.json"
    path.write_bytes(b'{"months": 5}')
    writer = Store(data_dir)
    try:
        writer.load_month("office", NOV)
    except DamagedFileError:
        pass
    else:  # 可写时第一次读取就改名保留
        raise AssertionError("应当报告损坏")
    assert not path.exists() and damaged_aside(data_dir, "office", "2026-11")
    code, out = _doctor(data_dir)
    assert code == 3 and "2026-11.json 曾经损坏" in out and "creditcheck restore" in out
    r = CliRunner().invoke(
        main,
        [
            "export",
            "submission",
            "--section",
            "office",
            "--month",
            "2026-11",
            "--data",
            str(data_dir),
            "-o",
            str(tmp_path / "报送.docx"),
        ],
    )
    assert (
        r.exit_code == 0
        and "警告" in r.output
        and "曾损坏" in r.output
        and "各项均为“未开始”" not in r.output
    )


def test_leftovers_listed_and_cleaned_only_when_dead(data_dir: Path) -> None:
    _seed(data_dir)
    sdir = data_dir / "sections/office"
    tmp = sdir / ".2026-11.json.abc.tmp"
    tmp.write_bytes(b"half")
    partial = data_dir / "backups/office/.20261128-100000.partial"
    partial.mkdir(parents=True)
    (partial / "2026-11.json").write_bytes(b"{}")
    rep = diagnose(data_dir)
    texts = [f.text for f in rep.warnings]
    assert any(".tmp" in t and "doctor --fix" in t for t in texts)
    assert any(".partial" in t for t in texts) and rep.exit_code == 3
    # 有人正在用本科室：不清理
    session = Store(data_dir, section_id="office", actor="李四")
    try:
        code, out = _doctor(data_dir, "--fix")
        assert tmp.exists() and partial.exists() and "这次没有清理" in out
    finally:
        session.close()
    code, out = _doctor(data_dir, "--fix")
    assert not tmp.exists() and not partial.exists() and "已清理" in out
    code, out = _doctor(data_dir)
    assert ".tmp" not in out and ".partial" not in out


def test_damaged_backup_manifest_listed(data_dir: Path) -> None:
    store = _seed(data_dir)
    bid = store.backups()[-1].id
    (data_dir / "backups/office" / bid / "manifest.json").write_text(
        '{"files": {"x": {}}}', encoding="utf-8"
    )
    rep = diagnose(data_dir)
    assert any("清单已损坏" in f.text and f.level == WARN for f in rep.findings)
    assert not rep.errors


def test_package_registry_damage_is_reported(data_dir: Path) -> None:
    _seed(data_dir)
    (data_dir / "packages").mkdir()
    (data_dir / "packages/imports.json").write_text('{"commerce/2026-11": 5}', encoding="utf-8")
    rep = diagnose(data_dir)
    assert any(f.level == ERROR and "导入记录" in f.text for f in rep.findings)
