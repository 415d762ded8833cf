"""在真实办公电脑上会遇到的输入：Windows 路径、带引号的“复制为路径”、非法文件名字符、
记事本存的带 BOM 的 catalog.toml、没有图形桌面的信创 Linux、本地化的“文档”文件夹。"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from app_support import settle
from click.testing import CliRunner

from creditcheck.catalog import builtin_text, load_catalog, parse_catalog
from creditcheck.cli import main
from creditcheck.evidence import resolve
from creditcheck.filenames import clean_path_text, safe_file_name
from creditcheck.models import Evidence
from creditcheck.month import Month
from exports.submission import default_filename

# ───────────────────────── 文件名 ─────────────────────────


@pytest.mark.parametrize(
    "text,expected",
    [
        ("商事登记科", "商事登记科"),
        ('办公室/综合:科*?"<>|\\', "办公室_综合_科_______"),
        ("  局名. . ", "局名"),
        ("第一行\n第二行\t", "第一行_第二行_"),
        ("CON", "_CON"),
        ("nul.docx", "_nul.docx"),
        ("Com1", "_Com1"),
        ("CONTROL", "CONTROL"),
        ("...", "未命名"),
        ("", "未命名"),
    ],
)
def test_safe_file_name(text: str, expected: str) -> None:
    assert safe_file_name(text) == expected


def test_safe_file_name_is_bounded_and_never_ends_in_dot() -> None:
    name = safe_file_name("信用" * 200 + ".")
    assert len(name) == 100 and not name.endswith((".", " "))
    assert safe_file_name("a" * 99 + ". xyz") == "a" * 99


def test_submission_default_filename_from_user_catalog() -> None:
    text = builtin_text().replace('short = "办公室"', 'short = "办公室/综合:科"', 1)
    cat = parse_catalog(text, "catalog.toml")
    assert (
        default_filename(cat, "office", Month(2026, 11))
        == "办公室_综合_科-2026年11月信用监测报送材料.docx"
    )
    assert (
        default_filename(load_catalog(None), "commerce", Month(2026, 11))
        == "商事登记科-2026年11月信用监测报送材料.docx"
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("robust")
    data, config = base / "数据", base / "config"
    config.mkdir()
    (config / "settings.json").write_text(
        '{"section_id": "system", "person": "张三", "bureau": "历城区/行政审批:服务局"}',
        encoding="utf-8",
    )
    env = {
        "CREDITCHECK_CONFIG": str(config),
        "CREDITCHECK_DATA": str(data),
        "CREDITCHECK_TODAY": "2026-11-28T10:00",
    }
    r = CliRunner().invoke(main, ["demo", "--no-tui", "--data", str(data)], env=env)
    assert r.exit_code == 0, r.output
    user = builtin_text().replace('short = "商事登记科"', 'short = "商事/登记:科"', 1)
    (data / "catalog.toml").write_text(user, encoding="utf-8")
    return env


@pytest.mark.parametrize(
    "args,expected",
    [
        (
            ["export", "ledgers", "--section", "commerce", "--month", "2026-11"],
            "工作台账-商事_登记_科-2026年11月.xlsx",
        ),
        (
            ["export", "submission", "--section", "commerce", "--month", "2026-11"],
            "商事_登记_科-2026年11月信用监测报送材料.docx",
        ),
        (
            ["export", "summary", "--month", "2026-11"],
            "历城区_行政审批_服务局关于2026年11月信用状况监测工作情况的报告.docx",
        ),
    ],
)
def test_default_export_names_are_legal_windows_names(
    demo: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    expected: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, [*args, "--data", demo["CREDITCHECK_DATA"]], env=demo)
    assert r.exit_code == 0, r.output
    made = [p.name for p in tmp_path.iterdir()]
    assert made == [expected]
    assert not any(c in made[0] for c in '\\/:*?"<>|')


# ───────────────────────── 路径 ─────────────────────────


@pytest.mark.parametrize(
    "stored,name",
    [
        (r"C:\Users\张三\Desktop\学习记录.docx", "学习记录.docx"),
        (r"\\server\共享\信用自查\佐证\会议 纪要.pdf", "会议 纪要.pdf"),
        ("C:/Users/张三/Desktop/制度清单.xlsx", "制度清单.xlsx"),
        (r"Z:\信用自查/混合\分隔符.docx", "分隔符.docx"),
        ("/home/user/文档/台账.xlsx", "台账.xlsx"),
        ("只有文件名.docx", "只有文件名.docx"),
    ],
)
def test_evidence_file_name_handles_both_separators(stored: str, name: str) -> None:
    assert Evidence(path=stored, abs_path=stored).file_name == name
    assert Evidence(path=stored, abs_path="").file_name == name


@pytest.mark.parametrize(
    "typed",
    [
        '"{p}"',  # 资源管理器“复制为路径”
        "  {p}   ",  # 首尾空格
        "'{p}' ",  # Linux 终端里拖入文件
        '"{p}"\t',
    ],
)
def test_resolve_strips_quotes_and_spaces(tmp_path: Path, typed: str) -> None:
    target = tmp_path / "张三 的材料" / "学习 记录.docx"
    assert resolve(typed.format(p=target)) == target


@pytest.mark.parametrize(
    "typed,clean",
    [
        ('"C:\\Users\\张三\\Desktop\\学习记录.docx"', "C:\\Users\\张三\\Desktop\\学习记录.docx"),
        ('Z:\\信用自查"', "Z:\\信用自查"),  # cmd：--data "Z:\信用自查\" 实际收到的参数
        ("  \\\\server\\共享\\信用自查  ", "\\\\server\\共享\\信用自查"),
        ("'/media/共享/信用自查' ", "/media/共享/信用自查"),
        ("C:/Users/张三/文档", "C:/Users/张三/文档"),
        ('""', ""),
    ],
)
def test_clean_path_text(typed: str, clean: str) -> None:
    assert clean_path_text(typed) == clean


def test_resolve_relative_and_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve("材料/a.docx", base_dir=tmp_path) == tmp_path / "材料" / "a.docx"
    assert resolve("~/桌面/a.docx") == tmp_path / "桌面" / "a.docx"


# ───────────────────────── 记事本存的目录文件 ─────────────────────────


def test_user_catalog_saved_with_bom(tmp_path: Path) -> None:
    """Windows 记事本“UTF-8 带 BOM”另存的 catalog.toml 照样能读（tomllib 本身不认 BOM）。"""
    text = builtin_text().replace('short = "办公室"', 'short = "办公室（BOM）"', 1)
    (tmp_path / "catalog.toml").write_bytes(
        b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    )
    cat = load_catalog(tmp_path)
    assert cat.section_by_id("office").short == "办公室（BOM）"


# ───────────────────────── 用默认程序打开 ─────────────────────────

linux_only = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Linux 桌面的打开方式")


def _stub(folder: Path, name: str, log: Path) -> None:
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\n', encoding="utf-8")
    script.chmod(0o755)


def _wait_for(log: Path) -> list[str]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if log.exists() and log.read_text(encoding="utf-8").strip():
            return log.read_text(encoding="utf-8").splitlines()
        time.sleep(0.02)
    raise AssertionError("打开程序没有被调用")


@linux_only
def test_open_without_display_explains_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screens.system import open_path

    doc = tmp_path / "报送材料.docx"
    doc.write_bytes(b"x")
    log = tmp_path / "called.txt"
    _stub(tmp_path / "bin", "xdg-open", log)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    msg = open_path(doc)
    assert msg is not None and "没有图形桌面" in msg and str(doc) in msg
    assert not log.exists()


@linux_only
def test_open_uses_xdg_open_then_gio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from screens.system import open_path

    doc = tmp_path / "张三 的材料.docx"
    doc.write_bytes(b"x")
    monkeypatch.setenv("DISPLAY", ":0")
    log = tmp_path / "gio.txt"
    _stub(tmp_path / "gio-bin", "gio", log)
    monkeypatch.setenv("PATH", str(tmp_path / "gio-bin"))
    assert open_path(doc) is None
    assert _wait_for(log) == ["open", str(doc)]

    log = tmp_path / "xdg.txt"
    _stub(tmp_path / "gio-bin", "xdg-open", log)
    assert open_path(tmp_path) is None
    assert _wait_for(log) == [str(tmp_path)]


@linux_only
def test_open_without_any_opener_or_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from screens.system import open_path

    doc = tmp_path / "a.docx"
    doc.write_bytes(b"x")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    msg = open_path(doc)
    assert msg is not None and "没有可用的打开程序" in msg
    assert open_path(tmp_path / "没有.docx") == f"文件不存在：{tmp_path / '没有.docx'}"


@linux_only
def test_export_folder_is_the_localized_documents_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """统信 UOS、麒麟的中文桌面上“文档”文件夹是 ~/文档，不是 ~/Documents。"""
    from screens.context import _home_documents

    monkeypatch.setenv("HOME", str(tmp_path))
    for var in ("XDG_CONFIG_HOME", "XDG_DOCUMENTS_DIR"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / ".config").mkdir()
    (tmp_path / ".config" / "user-dirs.dirs").write_text(
        'XDG_DOCUMENTS_DIR="$HOME/文档"\n', encoding="utf-8"
    )
    assert _home_documents() == tmp_path  # 还没有这个文件夹
    (tmp_path / "文档").mkdir()
    assert _home_documents() == tmp_path / "文档"
    os.rename(tmp_path / ".config" / "user-dirs.dirs", tmp_path / ".config" / "x")
    (tmp_path / "Documents").mkdir()
    assert _home_documents() == tmp_path / "Documents"


# ───────────────────────── 首次设置：数据文件夹 ─────────────────────────


async def test_setup_refuses_relative_data_folder_and_strips_quotes(tmp_path: Path) -> None:
    """相对路径（或只写 Z:）会随启动时所在的文件夹变化，下次数据就“不见了”：要求写完整路径。"""
    import json

    from app_support import make_app
    from textual.widgets import Input, Static

    from screens.setup import SetupScreen

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await pilot.press("enter")
        await pilot.press(*"李四", "enter")
        field = app.screen.query_one("#data-dir", Input)
        field.value = "信用自查"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert "请填写完整的文件夹路径" in str(app.screen.query_one("#error", Static).render())
        assert not (Path.cwd() / "信用自查").exists()
        target = tmp_path / "共享 文件夹" / "信用自查"
        field.value = f"  '{target}' "
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, SetupScreen)
    saved = json.loads((tmp_path / "config" / "settings.json").read_text(encoding="utf-8"))
    assert saved["data_dir"] == str(target) and target.is_dir()


async def test_path_suggestion_accepts_quoted_paths(tmp_path: Path) -> None:
    from screens.path_input import PathSuggester

    (tmp_path / "学习记录 2026.docx").write_bytes(b"x")
    s = PathSuggester()
    assert await s.get_suggestion(f"'{tmp_path}/学习") == f"'{tmp_path}/学习记录 2026.docx"
    assert await s.get_suggestion(f'"{tmp_path}/学习') == f'"{tmp_path}/学习记录 2026.docx'
