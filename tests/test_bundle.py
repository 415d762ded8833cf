"""离线安装包（tools.bundle）、安装脚本、桌面图标与“桌面图标打开方式”设置。

最后一个测试真的为本机平台打包（需要连上软件包索引），再以 PIP_NO_INDEX=1 装进新的虚拟环境并运行；
它耗时几分钟，只在设置了 CREDITCHECK_BUNDLE_TEST=1 时运行（.ci/run 会设置）。
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from app_support import settle
from click.testing import CliRunner

from creditcheck.cli import main
from creditcheck.cli.desktop import (
    SHORTCUT_NAME,
    WINDOWS_LAUNCHER,
    WINDOWS_LAUNCHER_TEXT,
    desktop_dir,
    desktop_entry,
    make_linux_shortcut,
    windows_shortcut_spec,
)
from creditcheck.settings import Settings
from tools import bundle
from tools.bundle import TARGETS, BundleError, verify, write_zip

ROOT = Path(__file__).resolve().parents[1]
FILES = ROOT / "tools" / "bundle" / "files"


# ── 依赖核对：按目标电脑的环境标记与 wheel 标签 ──
def fake_wheel(
    folder: Path,
    name: str,
    version: str,
    tag: str = "py3-none-any",
    requires: tuple[str, ...] = (),
    requires_python: str = "",
) -> Path:
    path = folder / f"{name}-{version}-{tag}.whl"
    meta = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if requires_python:
        meta.append(f"Requires-Python: {requires_python}")
    meta += [f"Requires-Dist: {r}" for r in requires]
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name}-{version}.dist-info/METADATA", "\n".join(meta) + "\n")
    return path


@pytest.fixture
def wheelhouse(tmp_path: Path) -> Path:
    house = tmp_path / "wheels"
    house.mkdir()
    fake_wheel(
        house,
        "app",
        "1.0",
        requires=("clicky>=8", 'tomlish; python_version < "3.11"', 'webby; extra == "web"'),
    )
    fake_wheel(house, "clicky", "8.1", requires=('colour; platform_system == "Windows"',))
    fake_wheel(house, "webby", "2.0", "cp312-cp312-manylinux_2_17_x86_64")
    return house


def test_verify_follows_markers_of_the_target_not_of_this_pc(wheelhouse: Path) -> None:
    linux = verify(wheelhouse, "app[web]==1.0", TARGETS["linux_x86_64"], "3.12")
    assert linux == ["app==1.0", "clicky==8.1", "webby==2.0"]
    # Windows 需要 colour（只在 Windows 上依赖），Python 3.10 需要 tomlish：包里没有就报错
    with pytest.raises(BundleError, match="Windows x86-64 Python 3.12：缺少 colour"):
        verify(wheelhouse, "app==1.0", TARGETS["win_amd64"], "3.12")
    with pytest.raises(BundleError, match="缺少 tomlish"):
        verify(wheelhouse, "app==1.0", TARGETS["linux_x86_64"], "3.10")


def test_verify_checks_wheel_tags_and_python_version(wheelhouse: Path) -> None:
    # webby 只有 CPython 3.12 的 x86-64 wheel：aarch64 与 3.13 都不行
    with pytest.raises(BundleError, match="Linux aarch64 Python 3.12：缺少 webby"):
        verify(wheelhouse, "app[web]==1.0", TARGETS["linux_aarch64"], "3.12")
    with pytest.raises(BundleError, match="缺少 webby"):
        verify(wheelhouse, "app[web]==1.0", TARGETS["linux_x86_64"], "3.13")
    fake_wheel(wheelhouse, "colour", "1.0", requires_python=">=3.13")
    with pytest.raises(
        BundleError, match="colour-1.0-py3-none-any.whl 要求 Python >=3.13，包里没有适合的版本"
    ):
        verify(wheelhouse, "app==1.0", TARGETS["win_amd64"], "3.12")
    # 新版本不再支持旧的 Python 时，用包里为它准备的旧版本
    fake_wheel(wheelhouse, "colour", "0.9", requires_python=">=3.10")
    assert "colour==0.9" in verify(wheelhouse, "app==1.0", TARGETS["win_amd64"], "3.12")
    assert "colour==1.0" in verify(wheelhouse, "app==1.0", TARGETS["win_amd64"], "3.13")


def test_targets_allow_the_glibc_of_uos_and_kylin() -> None:
    tags = {str(t) for t in TARGETS["linux_aarch64"].tags("3.10")}
    assert "cp310-cp310-manylinux_2_28_aarch64" in tags
    assert "cp310-abi3-manylinux_2_17_aarch64" in tags
    assert "py3-none-any" in tags
    assert not any("manylinux_2_34" in t for t in tags)  # glibc 2.28 的电脑装不上
    assert TARGETS["win_amd64"].environment("3.13")["platform_system"] == "Windows"


def test_dependencies_come_from_pyproject() -> None:
    name, version = bundle.project_metadata()
    assert name == "creditcheck"
    from creditcheck import __version__

    assert version == __version__
    assert "{" not in (FILES / "安装.bat").read_text(encoding="utf-8").replace(
        "%%V", ""
    )  # 没有漏掉的占位符写法
    assert "textual" not in (FILES / "install.sh").read_text(encoding="utf-8")  # 不另列依赖清单


# ── zip 里的安装脚本与说明 ──
def test_zip_layout_and_installers(tmp_path: Path, wheelhouse: Path) -> None:
    out = write_zip(
        tmp_path / "dist" / "x-offline.zip",
        wheelhouse,
        "9.8.7",
        [TARGETS["win_amd64"], TARGETS["linux_x86_64"]],
        ["3.10", "3.13"],
    )
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert {
            "creditcheck-offline/安装.bat",
            "creditcheck-offline/install.sh",
            "creditcheck-offline/使用说明.txt",
            "creditcheck-offline/wheels/app-1.0-py3-none-any.whl",
        } <= names
        bat_bytes = zf.read("creditcheck-offline/安装.bat")
        sh = zf.read("creditcheck-offline/install.sh").decode("utf-8")
        readme = zf.read("creditcheck-offline/使用说明.txt").decode("utf-8-sig")
        mode = zf.getinfo("creditcheck-offline/install.sh").external_attr >> 16
    # 中文 Windows 的 cmd 按 936 代码页读批处理：GBK、CRLF，先切到 936
    bat = bat_bytes.decode("gbk")
    assert b"\r\n" in bat_bytes and b"\n" not in bat_bytes.replace(b"\r\n", b"")
    assert bat.splitlines()[:2] == ["@echo off", "chcp 936 >nul"]
    for script in (bat, sh):
        assert "--no-index" in script and "--find-links" in script
        assert "creditcheck[web]==9.8.7" in script
        assert " shortcut" in script
        assert "@VERSION@" not in script and "@PYTHONS@" not in script
        assert "3.10–3.13" in script
    assert "py -%%V" in bat and ".venv" in bat
    # 汉字的 GBK 第二字节不与 cmd 的特殊字符相撞（万一 cmd 没按双字节解析，也不会把它当成 | 或 ^）
    risky = [
        c for c in set(bat) if ord(c) > 127 and any(b in b'|&<>^()%!"\\' for b in c.encode("gbk"))
    ]
    assert risky == []
    assert mode & 0o111  # install.sh 解压后可执行
    for heading in ("一、先请信息技术人员准备 Python", "二、安装（两步）", "四、升级", "五、卸载"):
        assert heading in readme
    assert "Python 3.10–3.13" in readme and "数据和设置" in readme
    assert "本包所含平台：Windows x86-64、Linux x86-64；Python 3.10–3.13。" in readme


def test_install_sh_is_valid_posix_shell() -> None:
    result = subprocess.run(["sh", "-n", str(FILES / "install.sh")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ── 桌面图标 ──
def test_linux_shortcut_goes_to_the_xdg_desktop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    (home / ".config" / "user-dirs.dirs").write_text(
        'XDG_DESKTOP_DIR="$HOME/桌面"\n', encoding="utf-8"
    )
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert desktop_dir(home) == home / "桌面"
    exe = tmp_path / "安装 目录" / ".venv" / "bin" / "creditcheck"
    written = make_linux_shortcut(exe, home)
    assert written == [
        home / "桌面" / f"{SHORTCUT_NAME}.desktop",
        home / ".local" / "share" / "applications" / f"{SHORTCUT_NAME}.desktop",
    ]
    text = written[0].read_text(encoding="utf-8")
    assert f'Exec="{exe}" start\n' in text
    assert "Terminal=true\n" in text and f"Name={SHORTCUT_NAME}\n" in text
    assert written[0].stat().st_mode & 0o111


def test_desktop_exec_escapes_special_characters() -> None:
    assert 'Exec="/opt/a\\$b\\"c/100%%/creditcheck" start' in desktop_entry(
        Path('/opt/a$b"c/100%/creditcheck')
    )
    assert desktop_dir(Path("/nonexistent-home")) == Path("/nonexistent-home/Desktop")


def test_windows_shortcut_uses_windows_terminal_when_installed() -> None:
    venv = Path("D:/信用 自查/.venv")
    spec = windows_shortcut_spec(venv, "C:/Users/u/AppData/Local/Microsoft/WindowsApps/wt.exe")
    assert spec["CC_LNK_TARGET"].endswith("wt.exe")
    assert spec["CC_LNK_ARGS"].startswith(f"--title {SHORTCUT_NAME} -d ")
    assert (
        f'"{venv / WINDOWS_LAUNCHER}"' in spec["CC_LNK_ARGS"]
        and "cmd.exe /c" in spec["CC_LNK_ARGS"]
    )
    console = windows_shortcut_spec(venv, None)
    assert console["CC_LNK_TARGET"] == str(venv / WINDOWS_LAUNCHER) and console["CC_LNK_ARGS"] == ""
    assert console["CC_LNK_NAME"] == SHORTCUT_NAME
    # 启动脚本只含 ASCII（cmd 按本机代码页读），输出 UTF-8
    WINDOWS_LAUNCHER_TEXT.encode("ascii")
    assert "chcp 65001" in WINDOWS_LAUNCHER_TEXT and "set PYTHONUTF8=1" in WINDOWS_LAUNCHER_TEXT
    assert '"%~dp0Scripts\\creditcheck.exe" start' in WINDOWS_LAUNCHER_TEXT


# ── 桌面图标按设置的打开方式启动 ──
@pytest.mark.parametrize("mode", ["terminal", "browser"])
def test_start_follows_the_launch_mode_setting(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDITCHECK_CONFIG", str(tmp_path / "config"))
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text(
        json.dumps(Settings(section_id="office", person="李四", launch_mode=mode).to_dict()),
        encoding="utf-8",
    )
    calls: list[tuple[str, object]] = []
    monkeypatch.setattr(
        "creditcheck.cli.launch.launch", lambda data: calls.append(("terminal", data))
    )
    monkeypatch.setattr(
        "creditcheck.cli.web.serve_in_browser", lambda data, **kw: calls.append(("browser", data))
    )
    result = CliRunner().invoke(main, ["start", "--data", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert calls == [(mode, tmp_path / "d")]


def test_without_the_web_extra_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDITCHECK_CONFIG", str(tmp_path / "config"))
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # 没装 [web] 扩展
    result = CliRunner().invoke(main, ["web", "--no-browser", "--data", str(tmp_path / "d")])
    assert result.exit_code == 2
    assert result.output.strip() == (
        '错误：浏览器模式需要 web 扩展，请先安装：pip install "creditcheck[web]"'
        "（离线安装包已包含）"
    )
    # 桌面图标设成浏览器模式却没有扩展：说明一句，改在终端窗口中打开
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text(
        json.dumps(Settings(section_id="office", person="李四", launch_mode="browser").to_dict()),
        encoding="utf-8",
    )
    calls: list[object] = []
    monkeypatch.setattr("creditcheck.cli.launch.launch", calls.append)
    result = CliRunner().invoke(main, ["start"])
    assert result.exit_code == 0, result.output
    assert "这次先在终端窗口中打开" in result.output
    assert calls == [None]


def test_unknown_launch_mode_falls_back_to_terminal() -> None:
    assert Settings.from_dict({"launch_mode": "kiosk"}).launch_mode == "terminal"
    assert Settings.from_dict({}).launch_mode == "terminal"


async def test_settings_screen_offers_the_launch_mode(tmp_path: Path) -> None:
    from app_support import configured, make_app, press
    from textual.widgets import OptionList

    from screens.setup import SetupScreen
    from storage.settings_file import load_settings

    app = make_app(tmp_path, settings=configured())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        await press(pilot, "s")
        assert isinstance(app.screen, SetupScreen)
        launch = app.screen.query_one("#launch", OptionList)
        assert launch.highlighted == 0
        launch.focus()
        await press(pilot, "down")
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, SetupScreen)
    assert app.ctx.settings.launch_mode == "browser"
    assert load_settings(tmp_path / "config" / "settings.json").launch_mode == "browser"


# ── 真的打包、离线安装、运行 ──
@pytest.mark.bundle
@pytest.mark.skipif(
    os.environ.get("CREDITCHECK_BUNDLE_TEST") != "1",
    reason="真实打包需要连上软件包索引、耗时几分钟：设 CREDITCHECK_BUNDLE_TEST=1 运行（.ci/run 会设）",
)
@pytest.mark.skipif(sys.platform == "win32", reason="本测试运行 install.sh（Linux）")
def test_offline_bundle_installs_without_the_index(tmp_path: Path) -> None:
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.bundle",
            "--target",
            "host",
            "--python",
            python,
            "--out",
            str(tmp_path / "dist"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    version = bundle.project_metadata()[1]
    zip_path = tmp_path / "dist" / f"creditcheck-{version}-offline.zip"
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(tmp_path / "解压 位置")
    folder = tmp_path / "解压 位置" / "creditcheck-offline"
    wheels = {p.name.split("-")[0].lower() for p in (folder / "wheels").glob("*.whl")}
    assert {
        "creditcheck",
        "textual",
        "textual_serve",
        "aiohttp",
        "python_docx",
        "openpyxl",
        "tinydb",
    } <= wheels

    # 一台“不能上网”的电脑：不用索引、不用本机的 pip 设置与 wheel 缓存，桌面在临时的主文件夹里
    home = tmp_path / "home"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PIP_", "VIRTUAL_ENV", "CREDITCHECK_"))
    }
    env.update(
        PIP_NO_INDEX="1",
        PIP_CONFIG_FILE=os.devnull,
        PIP_NO_CACHE_DIR="1",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
    )
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p
    )
    env["PATH"] = (
        str(Path(sys.executable).resolve().parent) + os.pathsep + env["PATH"]
    )  # 本机的 python3
    installed = subprocess.run(
        ["sh", str(folder / "install.sh")], env=env, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "安装完成" in installed.stdout
    assert (home / "Desktop" / f"{SHORTCUT_NAME}.desktop").is_file()

    app = folder / ".venv" / "bin" / "creditcheck"
    shown = subprocess.run([str(app), "--version"], env=env, capture_output=True, text=True)
    assert shown.stdout.strip() == f"creditcheck {version}"
    demo = subprocess.run(
        [str(app), "demo", "--no-tui", "--data", str(tmp_path / "演示")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert demo.returncode == 0, demo.stderr
    assert "演示数据已生成" in demo.stdout
    assert (tmp_path / "演示" / "sections" / "commerce").is_dir()
    web = subprocess.run(
        [str(folder / ".venv" / "bin" / "python"), "-c", "import textual_serve, aiohttp"], env=env
    )
    assert web.returncode == 0  # [web] 扩展也装上了
