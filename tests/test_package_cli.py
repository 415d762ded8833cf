"""``creditcheck export package`` / ``import package``：两台电脑之间的往返、拒收与提示。"""

from __future__ import annotations

import zipfile

from click.testing import CliRunner
from coordination_data import MONTH, save_records

from creditcheck.cli import main
from creditcheck.models import ReviewState
from storage import Store


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_export_then_import_on_another_pc(catalog, tmp_path, monkeypatch):
    section_pc, coord_pc = tmp_path / "section", tmp_path / "coordinator"
    store = save_records(catalog, section_pc)
    store.save_ledger("commerce", MONTH, "licence", [{"行政相对人名称": "甲公司"}], {})
    monkeypatch.chdir(tmp_path)
    r = _run(
        "export",
        "package",
        "--month",
        "2026-11",
        "--section",
        "商事登记科",
        "--data",
        str(section_pc),
    )
    assert r.exit_code == 0, r.output
    pkg = tmp_path / "creditcheck-commerce-2026-11.ccpkg"
    assert pkg.is_file()
    assert (
        "科室：商事登记项目审批服务科  月份：2026年11月  审核状态：已提交  台账：1 种  佐证原件：0 份"
        in r.output
    )

    r = _run("import", "package", str(pkg), "--data", str(coord_pc))
    assert r.exit_code == 0, r.output
    assert "已导入：商事登记项目审批服务科 2026年11月（数据包生成于 2026-11-28 10:00）" in r.output
    got = Store(coord_pc, read_only=True).load_month("commerce", MONTH)
    assert got.review is ReviewState.SUBMITTED and got.entry(6).status.value == "已完成"
    assert Store(coord_pc, read_only=True).load_ledger("commerce", MONTH, "licence") == [
        {"行政相对人名称": "甲公司"}
    ]

    r = _run("import", "package", str(pkg), "--data", str(coord_pc))
    assert r.exit_code != 0 and "相同，未导入" in r.output
    r = _run("import", "package", str(pkg), "--data", str(coord_pc), "--force")
    assert r.exit_code == 0 and "已替换" in r.output


def test_truncated_package_refused_by_cli(catalog, tmp_path, monkeypatch):
    save_records(catalog, tmp_path / "s")
    monkeypatch.chdir(tmp_path)
    _run(
        "export",
        "package",
        "--month",
        "2026-11",
        "--section",
        "social",
        "--data",
        str(tmp_path / "s"),
        "-o",
        "p.ccpkg",
    )
    raw = (tmp_path / "p.ccpkg").read_bytes()
    (tmp_path / "cut.ccpkg").write_bytes(raw[: len(raw) // 2])
    r = _run("import", "package", "cut.ccpkg", "--data", str(tmp_path / "c"))
    assert r.exit_code != 0
    assert "错误：数据包已损坏或不完整" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "c" / "sections").exists()


def test_export_package_errors(catalog, tmp_path, monkeypatch):
    save_records(catalog, tmp_path / "s")
    monkeypatch.chdir(tmp_path)
    r = _run("export", "package", "--month", "2026-11", "--data", str(tmp_path / "s"))
    assert r.exit_code != 0 and "本机还没有设置科室" in r.output
    r = _run(
        "export",
        "package",
        "--month",
        "2026-11",
        "--section",
        "window",
        "--data",
        str(tmp_path / "s"),
    )
    assert r.exit_code != 0 and "没有综合受理窗口2026年11月的自查记录" in r.output
    # 未提交的月份照样导出，但提醒先提交
    r = _run(
        "export",
        "package",
        "--month",
        "2026-11",
        "--section",
        "construction",
        "--data",
        str(tmp_path / "s"),
    )
    assert r.exit_code == 0 and "本月尚未提交" in r.output


def test_section_defaults_to_settings_and_evidence_included(catalog, tmp_path, monkeypatch):
    from creditcheck.evidence import attach
    from creditcheck.locations import settings_path
    from creditcheck.settings import Settings
    from storage.settings_file import save_settings

    save_settings(Settings(section_id="social", person="段荣娟"), settings_path())
    store = save_records(catalog, tmp_path / "s")
    sm = store.load_month("social", MONTH)
    f = tmp_path / "学习记录.pdf"
    f.write_bytes(b"%PDF-1.4 test")
    sm.entry(2).evidence.append(attach(str(f), now=sm.history[0].at))
    Store(tmp_path / "s").save_month(sm, force=True)  # 测试准备：在已审核通过的月份上补一份材料
    monkeypatch.chdir(tmp_path)
    r = _run(
        "export", "package", "--month", "2026-11", "--data", str(tmp_path / "s"), "--with-evidence"
    )
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(tmp_path / "creditcheck-social-2026-11.ccpkg") as zf:
        names = zf.namelist()
    assert any(n.endswith("/学习记录.pdf") for n in names)
    r = _run("import", "package", "creditcheck-social-2026-11.ccpkg", "--data", str(tmp_path / "c"))
    assert r.exit_code == 0 and "佐证原件：1 份" in r.output
