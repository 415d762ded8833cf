"""科室数据包：往返、拒收被改动或不完整的包、新旧比较、审核记录合并、zip-slip 与 zip 炸弹。"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from coordination_data import MONTH, NOW, build_records

from creditcheck import review
from creditcheck.evidence import attach
from creditcheck.models import ReviewState, SectionMonth
from creditcheck.month import Month
from creditcheck.services.packages import import_package
from exports.package import (
    MANIFEST,
    PAYLOAD,
    PackageError,
    evidence_folder,
    read_package,
    write_package,
)
from storage import Store

T1 = datetime(2026, 11, 25, 10, 0)
T0 = datetime(2026, 11, 25, 9, 0)
T2 = datetime(2026, 11, 27, 10, 0)

LICENCE_ROWS = [
    {"行政相对人名称": "济南某某商贸有限公司", "许可决定日期": "2026-11-03"},
    {"行政相对人名称": "济南某某餐饮店", "许可决定日期": "2026-11-05"},
]


def _commerce(catalog) -> SectionMonth:
    return next(
        r for r in build_records(catalog) if r.section_id == "commerce" and r.month == MONTH
    )


@pytest.fixture
def coord(tmp_path) -> Store:
    return Store(tmp_path / "coordinator")


def _export(catalog, tmp_path, sm=None, created=T1, name="pkg.ccpkg", **kw):
    sm = sm or _commerce(catalog)
    return write_package(tmp_path / name, sm, catalog, {"licence": LICENCE_ROWS}, created, **kw)


def _rezip(
    src: Path,
    dst: Path,
    replace: dict[str, bytes] | None = None,
    extra: dict[str, bytes] | None = None,
    compression=zipfile.ZIP_DEFLATED,
) -> Path:
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


# ───────────── 往返 ─────────────


def test_round_trip_without_evidence(catalog, tmp_path, coord):
    sm = _commerce(catalog)
    res = _export(catalog, tmp_path, sm)
    assert res.path.name == "pkg.ccpkg" and res.evidence_included == 0
    m = json.loads(_members(res.path)[MANIFEST])
    assert m["schema"] == "creditcheck-package" and m["section_id"] == "commerce"
    assert m["month"] == "2026-11" and m["catalog_version"] == catalog.version
    assert m["created_at"] == "2026-11-25T10:00:00"
    import hashlib

    assert (
        m["payload_sha256"]
        == hashlib.sha256(_members(res.path)[PAYLOAD]).hexdigest()
        == res.payload_sha256
    )

    out = import_package(res.path, coord, catalog, NOW)
    assert (out.section_id, out.month, out.replaced, out.ledgers) == (
        "commerce",
        MONTH,
        False,
        ("licence",),
    )
    back = coord.load_month("commerce", MONTH)
    # 包里写的佐证路径（/nonexistent/台账.xlsx）只留给人看；abs_path 指向数据包文件夹内（没有附原件：不存在）
    where = evidence_folder(Path(coord.data_dir).absolute(), "commerce", MONTH)
    expected = sm.to_dict()
    found = 0
    for iid, entry in back.entries.items():
        for i, ev_back in enumerate(entry.evidence):
            found += 1
            assert ev_back.path == sm.entries[iid].evidence[i].path
            assert Path(ev_back.abs_path).is_absolute() and Path(ev_back.abs_path).is_relative_to(
                where
            )
            assert not Path(ev_back.abs_path).exists()
            expected["entries"][str(iid)]["evidence"][i]["abs_path"] = ev_back.abs_path
    assert found and back.to_dict() == expected
    assert coord.load_ledger("commerce", MONTH, "licence") == LICENCE_ROWS
    assert back.review is ReviewState.SUBMITTED


def test_round_trip_with_evidence_files(catalog, tmp_path, coord):
    src = tmp_path / "section-pc" / "双公示台账.xlsx"
    src.parent.mkdir()
    src.write_bytes(b"PK fake xlsx \x00\x01" * 100)
    sm = _commerce(catalog)
    ev = attach(str(src), now=T0, kind="台账")
    sm.entry(2).evidence.append(ev)
    res = _export(catalog, tmp_path, sm, with_evidence=True)
    # 登记的 evi1 指向不存在的文件：照样记入清单，但没有原件，并给出提示
    assert res.evidence_included == 1
    assert any("台账.xlsx" in w and "找不到" in w for w in res.warnings)

    out = import_package(res.path, coord, catalog, NOW)
    assert out.evidence_files == 1
    back = coord.load_month("commerce", MONTH)
    got = back.entry(2).evidence[-1]
    assert got.path == str(src)  # 科室电脑上的原路径保留
    extracted = Path(got.abs_path)
    assert extracted.read_bytes() == src.read_bytes()
    assert extracted.is_relative_to(evidence_folder(coord.data_dir, "commerce", MONTH))
    assert got.sha256 == ev.sha256


def test_changed_evidence_is_packed_with_warning(catalog, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("原稿", encoding="utf-8")
    sm = _commerce(catalog)
    sm.entry(3).evidence.append(attach(str(src), now=T0))
    src.write_text("改过的稿子", encoding="utf-8")
    res = _export(catalog, tmp_path, sm, with_evidence=True)
    assert any("被修改过" in w for w in res.warnings)


# ───────────── 拒收 ─────────────


def _refused(path, catalog, coord, *fragments, **kw):
    before = (
        sorted(p.relative_to(coord.data_dir) for p in coord.data_dir.rglob("*"))
        if coord.data_dir.exists()
        else []
    )
    with pytest.raises(PackageError) as ei:
        import_package(path, coord, catalog, NOW, **kw)
    msg = str(ei.value)
    for f in fragments:
        assert f in msg, msg
    after = (
        sorted(p.relative_to(coord.data_dir) for p in coord.data_dir.rglob("*"))
        if coord.data_dir.exists()
        else []
    )
    assert after == before  # 本机数据不变
    return msg


def test_payload_byte_changed_is_refused(catalog, tmp_path, coord):
    res = _export(catalog, tmp_path)
    raw = bytearray(res.path.read_bytes())
    with zipfile.ZipFile(res.path) as zf:
        info = zf.getinfo(PAYLOAD)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + info.compress_size // 2] ^= 0x55
    bad = tmp_path / "flipped.ccpkg"
    bad.write_bytes(bytes(raw))
    _refused(bad, catalog, coord, "数据包已损坏", "payload.json")


def test_payload_rewritten_with_old_manifest_is_refused(catalog, tmp_path, coord):
    res = _export(catalog, tmp_path)
    payload = json.loads(_members(res.path)[PAYLOAD])
    payload["section_month"]["entries"]["6"]["status"] = "已完成"
    payload["section_month"]["entries"]["5"]["status"] = "已完成"
    bad = _rezip(
        res.path,
        tmp_path / "edited.ccpkg",
        {PAYLOAD: json.dumps(payload, ensure_ascii=False).encode()},
    )
    _refused(bad, catalog, coord, "SHA-256 不符")


def test_manifest_hash_changed_is_refused(catalog, tmp_path, coord):
    res = _export(catalog, tmp_path)
    m = json.loads(_members(res.path)[MANIFEST])
    m["payload_sha256"] = "0" * 64
    bad = _rezip(res.path, tmp_path / "m.ccpkg", {MANIFEST: json.dumps(m).encode()})
    _refused(bad, catalog, coord, "SHA-256 不符")


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_truncated_package_is_refused(catalog, tmp_path, coord, keep):
    res = _export(catalog, tmp_path)
    raw = res.path.read_bytes()
    bad = tmp_path / "cut.ccpkg"
    bad.write_bytes(raw[: int(len(raw) * keep)])
    _refused(bad, catalog, coord, "损坏或不完整")


def test_not_a_package(catalog, tmp_path, coord):
    p = tmp_path / "note.ccpkg"
    p.write_text("这不是数据包", encoding="utf-8")
    _refused(p, catalog, coord, "损坏或不完整")
    z = tmp_path / "other.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("readme.txt", "hello")
    _refused(z, catalog, coord, "不是 creditcheck 数据包")
    _refused(tmp_path / "missing.ccpkg", catalog, coord, "找不到数据包")


def test_tampered_evidence_file_is_refused(catalog, tmp_path, coord):
    src = tmp_path / "photo.jpg"
    src.write_bytes(b"\xff\xd8" + b"x" * 5000)
    sm = _commerce(catalog)
    sm.entry(2).evidence.append(attach(str(src), now=T0))
    res = _export(catalog, tmp_path, sm, with_evidence=True)
    member = next(
        n for n in _members(res.path) if n.startswith("evidence/") and n.endswith("photo.jpg")
    )
    bad = _rezip(res.path, tmp_path / "ev.ccpkg", {member: b"\xff\xd8" + b"y" * 5000})
    _refused(bad, catalog, coord, "photo.jpg", "SHA-256 不符")
    assert not evidence_folder(coord.data_dir, "commerce", MONTH).exists()


def test_unknown_section_month_and_catalog_version(catalog, tmp_path, coord):
    res = _export(catalog, tmp_path)
    m = json.loads(_members(res.path)[MANIFEST])
    _refused(
        _rezip(
            res.path,
            tmp_path / "s.ccpkg",
            {MANIFEST: json.dumps({**m, "section_id": "nosuch"}).encode()},
        ),
        catalog,
        coord,
        "科室编号“nosuch”不在本机的指标目录中",
    )
    _refused(
        _rezip(
            res.path,
            tmp_path / "f.ccpkg",
            {MANIFEST: json.dumps({**m, "month": "2027-01"}).encode()},
        ),
        catalog,
        coord,
        "晚于本月",
    )
    _refused(
        _rezip(
            res.path,
            tmp_path / "bad.ccpkg",
            {MANIFEST: json.dumps({**m, "month": "明年"}).encode()},
        ),
        catalog,
        coord,
        "月份“明年”无法识别",
    )
    _refused(
        _rezip(
            res.path,
            tmp_path / "o.ccpkg",
            {MANIFEST: json.dumps({**m, "month": "2026-10"}).encode()},
        ),
        catalog,
        coord,
        "清单与内容不一致",
    )
    _refused(
        _rezip(
            res.path, tmp_path / "fmt.ccpkg", {MANIFEST: json.dumps({**m, "format": 9}).encode()}
        ),
        catalog,
        coord,
        "请先升级",
    )
    _refused(
        _rezip(
            res.path,
            tmp_path / "nofield.ccpkg",
            {MANIFEST: json.dumps({k: v for k, v in m.items() if k != "created_at"}).encode()},
        ),
        catalog,
        coord,
        "缺少字段“created_at”",
    )
    cv = _rezip(
        res.path,
        tmp_path / "cv.ccpkg",
        {MANIFEST: json.dumps({**m, "catalog_version": "2019.9"}).encode()},
    )
    _refused(cv, catalog, coord, "目录版本不一致：数据包为 2019.9", "--force")
    assert import_package(cv, coord, catalog, NOW, force=True).section_id == "commerce"


def test_zip_slip_member_is_refused(catalog, tmp_path, coord):
    res = _export(catalog, tmp_path)
    for name in (
        "../evil.txt",
        "/etc/evil",
        "evidence/../../evil.txt",
        "C:/evil.txt",
        "evidence\\..\\evil",
    ):
        bad = _rezip(res.path, tmp_path / "slip.ccpkg", extra={name: b"boom"})
        _refused(bad, catalog, coord, "不安全的文件名")
    assert not (tmp_path / "evil.txt").exists()
    assert not (coord.data_dir.parent / "evil.txt").exists()


def test_zip_slip_in_payload_listing_is_refused(catalog, tmp_path, coord):
    res = _export(catalog, tmp_path)
    payload = json.loads(_members(res.path)[PAYLOAD])
    payload["evidence"][0].update(member="evidence/../../../evil.txt", member_sha256="0" * 64)
    data = json.dumps(payload).encode()
    import hashlib

    m = json.loads(_members(res.path)[MANIFEST])
    m["payload_sha256"] = hashlib.sha256(data).hexdigest()
    bad = _rezip(
        res.path, tmp_path / "slip2.ccpkg", {PAYLOAD: data, MANIFEST: json.dumps(m).encode()}
    )
    _refused(bad, catalog, coord, "不安全的文件名")


def test_zip_bomb_and_extra_files_are_refused(catalog, tmp_path, coord):
    res = _export(catalog, tmp_path)
    bomb = _rezip(
        res.path, tmp_path / "bomb.ccpkg", extra={"evidence/x/zeros.bin": b"\0" * (8 * 1024 * 1024)}
    )
    _refused(bomb, catalog, coord, "压缩比异常")
    extra = _rezip(res.path, tmp_path / "extra.ccpkg", extra={"evidence/x/note.txt": b"hello"})
    _refused(extra, catalog, coord, "清单之外的文件")


# ───────────── 新旧比较与审核记录合并 ─────────────


def test_only_newer_package_replaces(catalog, tmp_path, coord):
    sm = _commerce(catalog)
    first = _export(catalog, tmp_path, sm, created=T1, name="a.ccpkg")
    import_package(first.path, coord, catalog, NOW)
    older = _export(catalog, tmp_path, sm, created=T0, name="b.ccpkg")
    _refused(older.path, catalog, coord, "生成于 2026-11-25 10:00", "更旧", "--force")
    same = _export(catalog, tmp_path, sm, created=T1, name="c.ccpkg")
    _refused(same.path, catalog, coord, "相同")

    sm.entry(5).note = "补充说明"
    newer = _export(catalog, tmp_path, sm, created=T2, name="d.ccpkg")
    out = import_package(newer.path, coord, catalog, NOW)
    assert out.replaced and out.previous_created_at == T1
    assert coord.load_month("commerce", MONTH).entry(5).note == "补充说明"
    # --force 允许用旧包替换
    out = import_package(older.path, coord, catalog, NOW, force=True)
    assert coord.load_month("commerce", MONTH).entry(5).note == "第5项说明"


def test_local_record_newer_than_package_is_kept(catalog, tmp_path, coord):
    sm = _commerce(catalog)
    local = SectionMonth.from_dict(sm.to_dict())
    local.entry(9).updated_at = datetime(2026, 11, 28, 8, 0)
    coord.save_month(local)
    pkg = _export(catalog, tmp_path, sm, created=datetime(2026, 11, 27, 16, 0))
    _refused(
        pkg.path,
        catalog,
        coord,
        "最后修改于 2026-11-28 08:00",
        "比这个数据包（生成于 2026-11-27 16:00）新",
    )
    assert import_package(pkg.path, coord, catalog, NOW, force=True).replaced


def test_coordinator_return_survives_a_newer_package(catalog, tmp_path, coord):
    sm = _commerce(catalog)  # 已提交（11-25 09:30）
    import_package(
        _export(catalog, tmp_path, sm, created=T1, name="a.ccpkg").path, coord, catalog, NOW
    )
    coord.record_decision(
        "commerce", MONTH, "return", "体系科李玲", datetime(2026, 11, 25, 15, 0), "请补充第6项材料"
    )

    # 科室改了但没有重新提交就又导出：退回状态与意见保留
    sm.entry(6).note = "已补充"
    out = import_package(
        _export(catalog, tmp_path, sm, created=datetime(2026, 11, 26, 9, 0), name="b.ccpkg").path,
        coord,
        catalog,
        NOW,
    )
    back = coord.load_month("commerce", MONTH)
    assert out.review is ReviewState.RETURNED and back.review is ReviewState.RETURNED
    assert back.last_return_comment == "请补充第6项材料"
    assert back.entry(6).note == "已补充"

    # 科室重新提交后导出：状态回到已提交，记录依时间排列
    sm.review = ReviewState.RETURNED  # 科室那边得知退回后重新提交
    review.submit(sm, "刘琛", datetime(2026, 11, 26, 10, 0))
    import_package(
        _export(catalog, tmp_path, sm, created=datetime(2026, 11, 26, 10, 5), name="c.ccpkg").path,
        coord,
        catalog,
        NOW,
    )
    back = coord.load_month("commerce", MONTH)
    assert back.review is ReviewState.SUBMITTED
    assert [(r.action, r.at.day, r.at.hour) for r in back.history] == [
        ("submit", 25, 9),
        ("return", 25, 15),
        ("submit", 26, 10),
    ]


def test_approved_month_is_not_replaced_without_force(catalog, tmp_path, coord):
    sm = _commerce(catalog)
    import_package(
        _export(catalog, tmp_path, sm, created=T1, name="a.ccpkg").path, coord, catalog, NOW
    )
    coord.record_decision("commerce", MONTH, "approve", "体系科李玲", datetime(2026, 11, 25, 16, 0))
    newer = _export(catalog, tmp_path, sm, created=T2, name="b.ccpkg")
    _refused(newer.path, catalog, coord, "已审核通过并锁定", "重新打开")
    out = import_package(newer.path, coord, catalog, NOW, force=True)
    assert out.review is ReviewState.APPROVED  # 合并后的记录里最后一步仍是审核通过


def test_read_package_returns_validated_content(catalog, tmp_path):
    res = _export(catalog, tmp_path)
    pkg = read_package(res.path, catalog, NOW)
    assert pkg.section_id == "commerce" and pkg.month == Month(2026, 11)
    assert pkg.ledgers == {"licence": LICENCE_ROWS}
    # 商事登记科各项“完成”都带一份本月材料（见 coordination_data），第4项另有 evi1
    assert sorted(e.evidence_id for e in pkg.evidence) == sorted(
        ["evi1", "m2", "m3", "m4", "m6", "m8", "m9", "m10"]
    )
    assert all(e.state == "not-included" for e in pkg.evidence)


def test_output_written_atomically(catalog, tmp_path):
    target = tmp_path / "out" / "x.ccpkg"
    _export(catalog, tmp_path, name="out/x.ccpkg")
    assert target.is_file()
    assert [p.name for p in target.parent.iterdir()] == ["x.ccpkg"]
    assert zipfile.ZipFile(io.BytesIO(target.read_bytes())).testzip() is None
