"""每一种数据文件能解析、但内容不对（或超出解析上限）时：一句中文、文件原样保留或改名保留、
给出恢复办法，绝不出现调用栈。命令在进程内用 CliRunner 运行，数据都是 tmp_path 下的真文件。"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from creditcheck.cli import main
from creditcheck.month import Month
from storage import Store
from storage.atomic import CorruptFileError, read_json
from storage.doctor import WARN, diagnose
from storage.notices import DamagedFileError
from storage.schema import MAX_DEPTH, ShapeError, check_data_file, loads

NOV = Month(2026, 11)


def _run(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(main, list(args))
    out = r.output
    assert "Traceback" not in out, out
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise AssertionError(f"{type(r.exception).__name__}: {r.exception}\n{out}")
    return r.exit_code, out


def _seed(data_dir: Path) -> Store:
    store = Store(data_dir, actor="张三")
    for sid in ("office", "commerce"):
        for m in (Month(2026, 10), NOV):
            sm = store.load_month(sid, m, "2022.1")
            sm.entry(1).note = f"{sid} {m}"
            store.save_month(sm)
    store.save_ledger("commerce", NOV, "licence", [{"行政相对人名称": "甲公司"}])
    store.backup()
    return store


# ───────────── 解析上限 ─────────────


def test_parse_limits_reject_deep_nesting_and_long_numbers() -> None:
    with pytest.raises(ShapeError, match="嵌套"):
        loads("[" * 100_000)
    with pytest.raises(ShapeError, match="嵌套"):
        loads('{"a":' * (MAX_DEPTH + 5) + "1" + "}" * (MAX_DEPTH + 5))
    with pytest.raises(ShapeError, match="5000 位"):
        loads('{"a": ' + "9" * 5000 + "}")
    with pytest.raises(ShapeError, match="不允许"):
        loads('{"a": NaN}')
    with pytest.raises(ShapeError, match="超出范围"):
        loads('{"a": 1e999}')
    assert loads('{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}


@pytest.mark.parametrize(
    "content,detail",
    [
        (b"[" * 100_000, "嵌套"),
        (b'{"months": {"1": ' + b"9" * 5000 + b"}}", "5000 位"),
        (b'{"months": 5}', "months 应为表"),
        (
            b'{"months": {"1": {"section_id": "office", "month": "2026-11", "entries": "x"}}}',
            "entries 应为表",
        ),
        (b'{"months": {"1": {"section_id": "office", "month": "2026-13"}}}', "无法识别"),
        (
            b'{"months": {"1": {"section_id": "office", "month": "2026-11", "entries": {"1": {"indicator_id": 1, '
            b'"evidence": [{"path": 7}]}}}}}',
            "path 应为文字",
        ),
        (b"[1, 2]", "不是对象"),
    ],
)
def test_damaged_month_file_everywhere(data_dir: Path, content: bytes, detail: str) -> None:
    _seed(data_dir)
    path = data_dir / "sections/office/2026-11.json"
    path.write_bytes(content)
    # 读取：DamagedFileError（带恢复办法），不是 AttributeError / RecursionError / ValueError
    viewer = Store(data_dir, read_only=True)
    with pytest.raises(DamagedFileError) as ei:
        viewer.load_month("office", NOV)
    assert detail in str(ei.value) and "完好备份" in str(ei.value)
    assert path.read_bytes() == content  # 只读：原样不动
    assert [str(m.month) for m in viewer.months("office")] == ["2026-10"]
    # 体检：损坏，给出恢复命令，退出码 1
    code, out = _run("doctor", "--data", str(data_dir))
    assert code == 1 and "2026-11.json 已损坏" in out and "creditcheck restore" in out
    # 各命令：一句中文，不崩溃
    code, out = _run(
        "review", "show", "--section", "office", "--month", "2026-11", "--data", str(data_dir)
    )
    assert code == 2 and "已损坏" in out
    code, out = _run("overview", "--month", "2026-11", "--data", str(data_dir))
    assert code in (0, 2)
    code, out = _run("restore", "--data", str(data_dir))
    assert code == 0 and "共 1 次备份" in out
    code, out = _run("backup", "--data", str(data_dir))
    assert code == 0
    # 写入时：改名保留，另写新文件
    writer = Store(data_dir, actor="李四")
    sm = writer.load_month("office", Month(2026, 10), "2022.1")
    sm.entry(2).note = "x"
    writer.save_month(sm)
    with pytest.raises(DamagedFileError) as ei:
        writer.load_month("office", NOV)
    moved = ei.value.notice.moved_to
    assert moved is not None and moved.read_bytes() == content and not path.exists()


def test_restore_with_hostile_current_files(data_dir: Path) -> None:
    """恢复时当前文件是 10 万层的 [ 或 5000 位的数字：照常恢复，不崩溃。"""
    store = _seed(data_dir)
    bid = store.backups()[-1].id
    (data_dir / "sections/office/2026-11.json").write_bytes(b"[" * 100_000)
    (data_dir / "sections/office/2026-10.json").write_bytes(b'{"a": ' + b"1" * 5000 + b"}")
    code, out = _run("restore", bid, "--data", str(data_dir))
    assert code == 0 and "已恢复" in out, out
    assert (
        Store(data_dir, read_only=True).load_month("office", NOV).entry(1).note == "office 2026-11"
    )


@pytest.mark.parametrize(
    "content",
    [
        b'{"imports": "x"}',
        b'{"imports": {"1": {"month": "2026-11", "rows": "x"}}}',
        b'{"imports": {"1": {"month": "2026-11", "rows": [5]}}}',
    ],
)
def test_damaged_ledger_file(data_dir: Path, content: bytes) -> None:
    _seed(data_dir)
    path = data_dir / "sections/commerce/ledger-licence-2026.json"
    path.write_bytes(content)
    with pytest.raises(DamagedFileError):
        Store(data_dir, read_only=True).load_ledger("commerce", NOV, "licence")
    code, out = _run(
        "export",
        "ledgers",
        "--section",
        "commerce",
        "--month",
        "2026-11",
        "--data",
        str(data_dir),
        "-o",
        str(data_dir.parent / "l.xlsx"),
    )
    assert code == 2 and "已损坏" in out
    # 导出时（可写）已把损坏的文件改名保留：体检提醒它，并给出恢复命令
    kept = list((data_dir / "sections/commerce").glob("ledger-licence-2026.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == content
    rep = diagnose(data_dir)
    assert rep.exit_code == 3
    assert any(
        "ledger-licence-2026.json 曾经损坏" in f.text and "creditcheck restore" in f.text
        for f in rep.warnings
    )


@pytest.mark.parametrize(
    "content",
    [
        b'{"decisions": "x"}',
        b'{"decisions": [{"action": 5, "at": "2026-11-20"}]}',
        b'{"decisions": [], "rev": "x"}',
    ],
)
def test_damaged_review_file(data_dir: Path, content: bytes) -> None:
    _seed(data_dir)
    path = data_dir / "reviews/office-2026-11.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    code, out = _run(
        "review", "show", "--section", "office", "--month", "2026-11", "--data", str(data_dir)
    )
    assert "Traceback" not in out
    rep = diagnose(data_dir)
    assert any("reviews/office-2026-11.json" in f.text for f in rep.errors)


@pytest.mark.parametrize(
    "content",
    [
        b'{"data_dir": 7}',
        b'{"horizon_days": "x"}',
        b'{"coordinator": "yes"}',
        b'{"person": ["x"]}',
        b"[" * 100_000,
    ],
)
def test_settings_that_do_not_fit_are_moved_aside(
    tmp_path: Path, data_dir: Path, content: bytes
) -> None:
    cfg = tmp_path / "config"
    cfg.mkdir()
    (cfg / "settings.json").write_bytes(content)
    code, out = _run("catalog")
    assert code == 0 and "本机设置文件已损坏" in out
    kept = list(cfg.glob("settings.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == content


def test_settings_check_in_doctor(tmp_path: Path, data_dir: Path) -> None:
    _seed(data_dir)
    cfg = tmp_path / "config"
    cfg.mkdir()
    (cfg / "settings.json").write_text('{"data_dir": 7}', encoding="utf-8")
    rep = diagnose(data_dir, settings_file=cfg / "settings.json")
    assert any(
        f.topic == "本机设置" and f.level == WARN and "data_dir" in f.text for f in rep.findings
    )
    assert rep.exit_code == 3


def test_truncated_backup_manifest_is_not_ok_and_restore_refuses(data_dir: Path) -> None:
    store = _seed(data_dir)
    bid = store.backups()[-1].id
    manifest = data_dir / "backups" / "office" / bid / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:20])
    (data_dir / "sections/office/2026-11.json").write_text(
        '{"_meta": {}, "months": {}}', encoding="utf-8"
    )
    rep = diagnose(data_dir)
    bad = [f for f in rep.findings if "清单已损坏" in f.text]
    assert bad and all(f.level == WARN for f in bad) and rep.exit_code != 0
    assert not any(
        f.level == "正常" and "办公室" in f.text and "备份" in f.topic and bid in f.text
        for f in rep.findings
    )
    code, out = _run("restore", bid, "--data", str(data_dir))
    assert code != 0 and "清单已损坏" in out and "当前数据与该备份相同" not in out


def test_check_data_file_accepts_what_the_store_writes(data_dir: Path) -> None:
    _seed(data_dir)
    for p in (data_dir / "sections").rglob("*.json"):
        data = read_json(p)
        kind = "ledger" if p.name.startswith("ledger-") else "months"
        check_data_file(p, data, kind)
    with pytest.raises(CorruptFileError):
        check_data_file(Path("x.json"), {"months": {"1": {"section_id": "o"}}}, "months")


def test_a_fifo_named_like_a_data_file_does_not_block(data_dir: Path) -> None:
    import os

    if not hasattr(os, "mkfifo"):
        pytest.skip("没有命名管道")
    _seed(data_dir)
    target = data_dir / "sections/office/2026-09.json"
    os.mkfifo(target)
    rep = diagnose(data_dir)
    assert any("2026-09.json" in f.text and "不是普通文件" in f.text for f in rep.errors)
    assert [str(m.month) for m in Store(data_dir, read_only=True).months("office")] == [
        "2026-10",
        "2026-11",
    ]


def test_payload_json_written_by_store_round_trips(data_dir: Path) -> None:
    """写出的文件解析时不超上限（本程序自己的数据永远读得回来）。"""
    _seed(data_dir)
    raw = (data_dir / "sections/office/2026-11.json").read_text(encoding="utf-8")
    assert loads(raw) == json.loads(raw)
