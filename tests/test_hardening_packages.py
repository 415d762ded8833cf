"""导入数据包是一个事务：先校验全部，再在撤销点里写入；任何失败都让数据文件夹逐字节不变。
来源（谁、哪台电脑）显示出来，换了电脑或科室名称不符时先问；包里写的佐证路径从不打开。"""

from __future__ import annotations

import errno
import hashlib
import json
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from coordination_data import build_records

from creditcheck.cli import main
from creditcheck.models import Evidence
from creditcheck.month import Month
from creditcheck.services.packages import Provenance, import_package
from exports.package import MANIFEST, PAYLOAD, PackageError, evidence_folder, write_package
from storage import Store
from storage.doctor import diagnose

MONTH = Month(2026, 11)
T1 = datetime(2026, 11, 25, 10, 0)
NOW = datetime(2026, 11, 28, 10, 0)
ROWS = [{"行政相对人名称": "济南某某商贸有限公司", "许可决定日期": "2026-11-03"}]


def _commerce(catalog):
    return next(
        r for r in build_records(catalog) if r.section_id == "commerce" and r.month == MONTH
    )


def _export(
    catalog, tmp_path: Path, name="pkg.ccpkg", created=T1, machine="PC-商事-01", sm=None, **kw
):
    return write_package(
        tmp_path / name,
        sm or _commerce(catalog),
        catalog,
        {"licence": ROWS},
        created,
        created_by="王五",
        machine=machine,
        **kw,
    ).path


def _tamper(
    src: Path,
    dst: Path,
    payload_fn: Callable[[dict], Any] | None = None,
    manifest_fn: Callable[[dict], Any] | None = None,
) -> Path:
    """改写包的内容并重算清单里的 SHA-256（模拟有人有意改包：SHA-256 挡不住，要靠内容校验）。"""
    with zipfile.ZipFile(src) as zin:
        members = {n: zin.read(n) for n in zin.namelist()}
    payload = json.loads(members[PAYLOAD])
    if payload_fn:
        payload_fn(payload)
    raw = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    manifest = json.loads(members[MANIFEST])
    manifest["payload_sha256"] = hashlib.sha256(raw).hexdigest()
    manifest["payload_size"] = len(raw)
    if manifest_fn:
        manifest_fn(manifest)
    members[PAYLOAD] = raw
    members[MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for n, data in members.items():
            zout.writestr(n, data)
    return dst


def _digest(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "<dir>"
    return out


@pytest.fixture
def coord(tmp_path: Path) -> Store:
    store = Store(tmp_path / "coordinator", actor="体系科")
    sm = store.load_month("commerce", MONTH, "2022.1")  # 本机已有一点别的数据（早于包）
    store.save_ledger("commerce", Month(2026, 10), "licence", [{"行政相对人名称": "旧"}])
    del sm
    return store


# ───────────── 先校验，再写 ─────────────


def test_bad_ledger_kind_refused_before_anything_is_written(catalog, tmp_path, coord) -> None:
    good = _export(catalog, tmp_path)
    evil = _tamper(
        good, tmp_path / "evil.ccpkg", lambda p: p["ledgers"].update({"../../evil": [{"a": "b"}]})
    )
    before = _digest(coord.data_dir)
    with pytest.raises(PackageError, match="不认识的台账种类"):
        import_package(evil, coord, catalog, NOW)
    assert _digest(coord.data_dir) == before
    assert not (coord.data_dir / "sections/commerce/2026-11.json").exists()
    assert not list(tmp_path.rglob("*evil*.json"))


@pytest.mark.parametrize(
    "mutate,fragment",
    [
        (lambda p: p["section_month"].update(entries="x"), "内容格式不对"),
        (
            lambda p: (
                p["section_month"]["entries"]
                .setdefault("1", {})
                .update(indicator_id=1, evidence=[{"path": 7}])
            ),
            "path 应为文字",
        ),
        (lambda p: p["ledgers"].update(licence=[{"a": "b"}] * 200_001), "上限|压缩比"),
    ],
)
def test_payload_that_parses_but_does_not_fit_is_refused(
    catalog, tmp_path, coord, mutate, fragment
) -> None:
    bad = _tamper(_export(catalog, tmp_path), tmp_path / "bad.ccpkg", mutate)
    before = _digest(coord.data_dir)
    with pytest.raises(PackageError, match=fragment):
        import_package(bad, coord, catalog, NOW)
    assert _digest(coord.data_dir) == before


@pytest.mark.parametrize("fail_on", ["month", "ledger", "registry", "evidence"])
def test_disk_full_midway_leaves_the_data_folder_byte_identical(
    catalog, tmp_path, coord, monkeypatch, fail_on
) -> None:
    src = tmp_path / "section-pc" / "双公示台账.xlsx"
    src.parent.mkdir()
    src.write_bytes(b"PK fake xlsx" * 50)
    from creditcheck.evidence import attach

    sm = _commerce(catalog)
    sm.entry(2).evidence.append(attach(str(src), now=T1, kind="台账"))
    first = _export(
        catalog,
        tmp_path,
        name="first.ccpkg",
        created=datetime(2026, 11, 24, 9, 0),
        sm=sm,
        with_evidence=True,
    )
    import_package(first, coord, catalog, NOW)  # 已有一份：替换时要连旧的一起保护
    sm.entry(1).note = "第二版"
    pkg = _export(catalog, tmp_path, sm=sm, with_evidence=True)
    before = _digest(coord.data_dir)

    import storage.atomic as atomic

    real = atomic.write_json_atomic

    def full(path: Path, data: Any, **kw: Any) -> None:
        name = Path(path).name
        if (
            (fail_on == "ledger" and name.startswith("ledger-"))
            or (fail_on == "registry" and name == "imports.json")
            or (fail_on == "month" and name == "2026-11.json")
        ):
            raise atomic.StorageError(f"写入失败：{path}（磁盘已满）")
        return real(path, data, **kw)

    monkeypatch.setattr(atomic, "write_json_atomic", full)
    import sys

    import creditcheck.services.packages as svc

    monkeypatch.setattr(svc, "write_json_atomic", full)
    for name, mod in list(sys.modules.items()):  # 存储按职责拆成了几个模块：每个导入了它的都换掉
        if name.startswith("storage.") and getattr(mod, "write_json_atomic", None) is real:
            monkeypatch.setattr(mod, "write_json_atomic", full)
    if fail_on == "evidence":
        import exports.package as package_mod

        real_read = package_mod._read_member

        def no_space(zf: Any, info: Any, limit: int, sink: Any = None) -> Any:
            if sink is not None and not isinstance(
                sink, package_mod._NullSink
            ):  # 解出原件时磁盘满了
                sink.write(b"partial")
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_read(zf, info, limit, sink)

        monkeypatch.setattr(package_mod, "_read_member", no_space)
    with pytest.raises((PackageError, OSError, atomic.StorageError)):
        import_package(pkg, coord, catalog, NOW)
    assert _digest(coord.data_dir) == before
    assert not list(coord.data_dir.glob(".import-*"))


# ───────────── 来源 ─────────────


def test_provenance_shown_and_asked_when_the_machine_changes(catalog, tmp_path, coord) -> None:
    first = _export(
        catalog,
        tmp_path,
        name="a.ccpkg",
        created=datetime(2026, 11, 24, 9, 0),
        machine="PC-商事-01",
    )
    res = import_package(first, coord, catalog, NOW)
    assert (res.created_by, res.machine) == ("王五", "PC-商事-01")
    other = _export(catalog, tmp_path, name="b.ccpkg", machine="PC-别处-99")
    before = _digest(coord.data_dir)
    with pytest.raises(PackageError, match="PC-商事-01.*PC-别处-99.*--yes"):
        import_package(other, coord, catalog, NOW)
    assert _digest(coord.data_dir) == before
    asked: list[Provenance] = []

    def answer_no(p: Provenance) -> bool:
        asked.append(p)
        return False

    with pytest.raises(PackageError):
        import_package(other, coord, catalog, NOW, confirm=answer_no)
    assert _digest(coord.data_dir) == before
    assert asked and "王五" in asked[0].describe() and "PC-别处-99" in asked[0].describe()
    res = import_package(other, coord, catalog, NOW, confirm=lambda p: True)
    assert res.machine == "PC-别处-99"


def test_package_claiming_another_section_name_is_questioned(catalog, tmp_path, coord) -> None:
    pkg = _tamper(
        _export(catalog, tmp_path),
        tmp_path / "claim.ccpkg",
        manifest_fn=lambda m: m.update(section_name="办公室"),
    )
    with pytest.raises(PackageError, match="科室名称.*办公室"):
        import_package(pkg, coord, catalog, NOW)


def test_cli_refuses_without_yes_and_accepts_with_it(catalog, tmp_path) -> None:
    data = tmp_path / "coord-data"
    first = _export(catalog, tmp_path, name="a.ccpkg", created=datetime(2026, 11, 24, 9, 0))
    r = CliRunner().invoke(main, ["import", "package", str(first), "--data", str(data)])
    assert r.exit_code == 0 and "来源：由 王五 在电脑 PC-商事-01 上生成" in r.output, r.output
    other = _export(catalog, tmp_path, name="b.ccpkg", machine="PC-别处-99")
    r = CliRunner().invoke(main, ["import", "package", str(other), "--data", str(data)])
    assert (
        r.exit_code == 2
        and "请注意" in r.output
        and "--yes" in r.output
        and "Traceback" not in r.output
    )
    r = CliRunner().invoke(main, ["import", "package", str(other), "--data", str(data), "--yes"])
    assert r.exit_code == 0 and "电脑 PC-别处-99" in r.output, r.output


# ───────────── 佐证路径 ─────────────


@pytest.mark.parametrize("hostile", ["/etc/shadow", "\\\\host\\share\\x.exe", "{secret}"])
def test_package_evidence_paths_are_never_opened(
    catalog, tmp_path, coord, monkeypatch, hostile
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("机密", encoding="utf-8")
    hostile = hostile.replace("{secret}", str(secret))
    sm = _commerce(catalog)
    ev = Evidence(path=hostile, abs_path=hostile, sha256="0" * 64, size=5)
    sm.entry(3).evidence.append(ev)
    pkg = _export(catalog, tmp_path, sm=sm)
    import_package(pkg, coord, catalog, NOW)
    back = coord.load_month("commerce", MONTH).entry(3).evidence[-1]
    assert back.path == hostile  # 原样留给人看
    where = evidence_folder(Path(coord.data_dir).absolute(), "commerce", MONTH)
    assert Path(back.abs_path).is_absolute() and Path(back.abs_path).is_relative_to(where)
    opened: list[str] = []
    import creditcheck.evidence as evidence_mod

    real = evidence_mod.sha256_of

    def spy(path: Path, *a: Any, **k: Any) -> str:
        opened.append(str(path))
        return real(path, *a, **k)

    monkeypatch.setattr(evidence_mod, "sha256_of", spy)
    rep = diagnose(coord.data_dir)
    assert not any(hostile in o or "secret" in o for o in opened), opened
    assert not any(hostile in f.text and "已变更" in f.text for f in rep.findings)


def test_doctor_does_not_open_old_imports_with_hostile_paths(
    catalog, tmp_path, monkeypatch
) -> None:
    """旧版本导入时存下了包里的路径（abs_path=/etc/shadow）：体检只核对随包解出的原件，不打开它。"""
    data = tmp_path / "old"
    store = Store(data)
    sm = _commerce(catalog)
    sm.entry(3).evidence.append(
        Evidence(path="/etc/shadow", abs_path="/etc/shadow", sha256="0" * 64, size=1)
    )
    store.save_month(sm, force=True)
    (data / "packages").mkdir()
    (data / "packages/imports.json").write_text(
        json.dumps({"commerce/2026-11": {"created_at": "2026-11-25T10:00:00"}}), encoding="utf-8"
    )
    opened: list[str] = []
    import creditcheck.evidence as evidence_mod

    monkeypatch.setattr(evidence_mod, "sha256_of", lambda p, *a, **k: opened.append(str(p)) or "x")
    rep = diagnose(data)
    assert "/etc/shadow" not in opened
    assert any("/etc/shadow" not in f.text and "未打开核对" in f.text for f in rep.findings)


def test_relative_data_folder_stores_absolute_paths(catalog, tmp_path, monkeypatch) -> None:
    src = tmp_path / "pc" / "a.txt"
    src.parent.mkdir()
    src.write_text("材料", encoding="utf-8")
    from creditcheck.evidence import attach

    sm = _commerce(catalog)
    sm.entry(2).evidence.append(attach(str(src), now=T1))
    pkg = _export(catalog, tmp_path, sm=sm, with_evidence=True)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    r = CliRunner().invoke(main, ["import", "package", str(pkg), "--data", "rel-data"])
    assert r.exit_code == 0, r.output
    monkeypatch.chdir(tmp_path)  # 换一个文件夹再看
    back = (
        Store(work / "rel-data", read_only=True).load_month("commerce", MONTH).entry(2).evidence[-1]
    )
    assert (
        Path(back.abs_path).is_absolute()
        and Path(back.abs_path).read_text(encoding="utf-8") == "材料"
    )


# ───────────── 导入中途被 kill -9 ─────────────

_KILLED_IMPORT = r"""
import os, signal, sys
from datetime import datetime
from pathlib import Path
from creditcheck.catalog import load_builtin
from creditcheck.services.packages import import_package
from storage import Store
import storage.store as store_mod

def die(*a, **k):
    os.kill(os.getpid(), signal.SIGKILL)  # 本月记录已写入、台账还没写：进程被强行结束

store_mod.Store.save_ledger = die
import_package(Path(sys.argv[1]), Store(Path(sys.argv[2])), load_builtin(), datetime(2026, 11, 28, 10, 0))
"""


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGKILL"), reason="没有 SIGKILL")
def test_import_killed_midway_is_undone(catalog, tmp_path, coord) -> None:
    import subprocess
    import sys

    first = _export(catalog, tmp_path, name="first.ccpkg", created=datetime(2026, 11, 24, 9, 0))
    import_package(first, coord, catalog, NOW)
    sm = _commerce(catalog)
    sm.entry(1).note = "第二版"
    pkg = _export(catalog, tmp_path, sm=sm)
    before = _digest(coord.data_dir)
    r = subprocess.run(
        [sys.executable, "-c", _KILLED_IMPORT, str(pkg), str(coord.data_dir)], timeout=120
    )
    assert r.returncode != 0
    assert list(coord.data_dir.glob(".import-*"))  # 撤销点留下了
    after_kill = {k: v for k, v in _digest(coord.data_dir).items() if not k.startswith(".import-")}
    assert after_kill != before  # 本月记录已被改写了一半
    code = CliRunner().invoke(main, ["doctor", "--data", str(coord.data_dir)])
    assert code.exit_code == 3 and "程序被中断" in code.output and "doctor --fix" in code.output
    fixed = CliRunner().invoke(main, ["doctor", "--fix", "--data", str(coord.data_dir)])
    assert "已按撤销点" in fixed.output, fixed.output
    assert _digest(coord.data_dir) == before


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGKILL"), reason="没有 SIGKILL")
def test_next_import_undoes_a_killed_one_first(catalog, tmp_path, coord) -> None:
    import subprocess
    import sys

    sm = _commerce(catalog)
    pkg = _export(catalog, tmp_path, sm=sm)
    subprocess.run(
        [sys.executable, "-c", _KILLED_IMPORT, str(pkg), str(coord.data_dir)], timeout=120
    )
    assert list(coord.data_dir.glob(".import-*"))
    out = import_package(pkg, coord, catalog, NOW)
    assert out.ledgers == ("licence",) and not list(coord.data_dir.glob(".import-*"))
    assert coord.load_ledger("commerce", MONTH, "licence") == ROWS
