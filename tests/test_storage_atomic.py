"""唯一的原子写入（storage.atomic.write_bytes_atomic）：失败不留临时文件、原内容不变；fsync；Windows 上重试。

数据文件夹里的每一种整文件写入（JSON、文本、备份恢复的副本、目录存档）都经过它。
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import atomic as atomic_mod
from storage.atomic import StorageError, write_bytes_atomic, write_json_atomic, write_text_atomic


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_fsync_of_file_and_folder_before_and_after_replace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        kind = "folder" if os.path.isdir(f"/proc/self/fd/{fd}") else "file"
        events.append(f"fsync-{kind}")
        real_fsync(fd)

    def replace(src: object, dst: object) -> None:
        events.append("replace")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic_mod.os, "fsync", fsync)
    monkeypatch.setattr(atomic_mod.os, "replace", replace)
    write_bytes_atomic(tmp_path / "a.json", b"{}")
    assert events == ["fsync-file", "replace", "fsync-folder"]
    assert (tmp_path / "a.json").read_bytes() == b"{}"


def test_write_failure_leaves_no_temp_and_old_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "2026-11.json"
    target.write_bytes(b'{"old":1}')

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_mod.os, "fsync", full)
    with pytest.raises(StorageError) as ei:
        write_json_atomic(target, {"new": 2})
    assert str(target) in str(ei.value) and "磁盘" in str(ei.value)
    assert _names(tmp_path) == ["2026-11.json"]
    assert target.read_bytes() == b'{"old":1}'


def test_interrupt_during_write_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.json"
    target.write_bytes(b"old")

    def interrupted(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic_mod.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_bytes_atomic(target, b"new")
    assert _names(tmp_path) == ["a.json"] and target.read_bytes() == b"old"


def test_replace_failing_for_other_reasons_removes_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.json"
    target.write_bytes(b"old")

    def broken(src: object, dst: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic_mod.os, "replace", broken)
    with pytest.raises(StorageError, match="原文件保持不变"):
        write_bytes_atomic(target, b"new")
    assert _names(tmp_path) == ["a.json"] and target.read_bytes() == b"old"


def test_permission_error_is_retried_on_windows_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.replace
    calls = {"n": 0}

    def held_twice(src: object, dst: object) -> None:
        calls["n"] += 1
        if calls["n"] <= 2:
            raise PermissionError(13, "文件被占用")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic_mod.os, "replace", held_twice)
    monkeypatch.setattr(sys, "platform", "linux")
    with pytest.raises(StorageError, match="被其他程序占用"):
        write_bytes_atomic(tmp_path / "a.json", b"x", delay=0.001)
    assert calls["n"] == 1 and _names(tmp_path) == []
    monkeypatch.setattr(sys, "platform", "win32")
    write_bytes_atomic(tmp_path / "a.json", b"x", delay=0.001)
    assert calls["n"] == 3 and _names(tmp_path) == ["a.json"]  # 第2次仍被占用，第3次成功


def test_temp_names_are_unique_and_in_the_same_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str]] = []
    real = os.replace

    def spy(src: object, dst: object) -> None:
        seen.append((str(src), str(dst)))
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic_mod.os, "replace", spy)
    for i in range(5):
        write_text_atomic(tmp_path / "a.csv", f"第{i}行\n")
    temps = [Path(s) for s, _ in seen]
    assert len(set(temps)) == 5 and all(
        t.parent == tmp_path and t.name.startswith(".a.csv.") for t in temps
    )
    assert (tmp_path / "a.csv").read_text("utf-8") == "第4行\n" and _names(tmp_path) == ["a.csv"]


def test_new_file_permissions_follow_umask_not_mkstemp(tmp_path: Path) -> None:
    if os.name != "posix":
        pytest.skip("POSIX 权限")
    old = os.umask(0o022)
    try:
        write_bytes_atomic(tmp_path / "a.json", b"{}")
    finally:
        os.umask(old)
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o644


@settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    payload=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda kids: (
            st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=5), kids, max_size=4)
        ),
        max_leaves=20,
    ),
    fail_at=st.sampled_from(["none", "write", "fsync", "replace"]),
)
def test_any_payload_either_lands_whole_or_not_at_all(
    tmp_path: Path, payload: object, fail_at: str
) -> None:
    folder = tmp_path / fail_at / str(abs(hash(json.dumps(payload, sort_keys=True))))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "x.json"
    target.write_bytes(b'"old"')
    real_replace, real_fsync = os.replace, os.fsync

    def boom(*a: object) -> None:
        raise OSError(28, "No space left on device")

    with pytest.MonkeyPatch.context() as mp:
        if fail_at == "replace":
            mp.setattr(atomic_mod.os, "replace", boom)
        elif fail_at == "fsync":
            mp.setattr(atomic_mod.os, "fsync", boom)
        elif fail_at == "write":
            mp.setattr(
                atomic_mod.os,
                "fdopen",
                lambda *a, **k: (_ for _ in ()).throw(OSError(28, "No space")),
            )
        try:
            write_json_atomic(target, payload)
            ok = True
        except StorageError:
            ok = False
    assert (real_replace, real_fsync) == (os.replace, os.fsync)
    assert ok is (fail_at == "none")
    assert json.loads(target.read_text("utf-8")) == (payload if ok else "old")
    assert _names(folder) == ["x.json"]
