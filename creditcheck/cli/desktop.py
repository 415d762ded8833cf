"""桌面图标：``creditcheck shortcut`` 放图标，``creditcheck start`` 是图标启动的命令。

- ``start``：按设置里的“桌面图标打开方式”启动：终端窗口（同 ``creditcheck``）或浏览器标签页（同 ``creditcheck web``）。
  设置随时可改（设置页），图标本身不用重建。
- ``shortcut``：离线安装包的 安装.bat / install.sh 装好之后调用它。
  Windows：在虚拟环境文件夹里写一个只含 ASCII 的启动脚本（chcp 65001、PYTHONUTF8=1），桌面上放一个 .lnk
  （PowerShell 的 WScript.Shell）：装有 Windows Terminal（wt.exe）时在其中打开，否则在命令行窗口打开。
  Linux：桌面文件夹（XDG 的桌面目录，否则 ~/Desktop）里放一个 .desktop 文件（Terminal=true），应用菜单里也放一份。
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click

from ..errors import InputError
from .common import data_option, friendly_errors

SHORTCUT_NAME = "信用状况监测自查"
WINDOWS_LAUNCHER = "creditcheck-start.cmd"


def app_script() -> Path:
    """本虚拟环境里的 ``creditcheck`` 可执行文件。"""
    scripts = Path(sys.executable).parent
    exe = scripts / ("creditcheck.exe" if sys.platform == "win32" else "creditcheck")
    return exe


# ── Linux ──
def desktop_dir(home: Path | None = None) -> Path:
    """用户的桌面文件夹：XDG 设置（user-dirs.dirs，如“桌面”），否则 ~/Desktop。"""
    home = home or Path.home()
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "user-dirs.dirs"
    try:
        for line in config.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line.startswith("XDG_DESKTOP_DIR="):
                value = line.split("=", 1)[1].strip().strip('"')
                value = value.replace("$HOME", str(home))
                if value and value.rstrip("/") != str(home):
                    return Path(value)
    except OSError:
        pass
    for name in ("Desktop", "桌面"):
        if (home / name).is_dir():
            return home / name
    return home / "Desktop"


def _desktop_exec_arg(text: str) -> str:
    """.desktop 文件 Exec 行里的一个参数（规范：双引号内转义 " ` $ \\）。"""
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in text)
    return f'"{escaped}"'.replace("%", "%%")


def desktop_entry(exe: Path) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Version=1.0\n"
        f"Name={SHORTCUT_NAME}\n"
        "Comment=信用状况监测月度自查、期限提醒与报送材料\n"
        f"Exec={_desktop_exec_arg(str(exe))} start\n"
        "Terminal=true\n"
        "Icon=accessories-text-editor\n"
        "Categories=Office;\n"
    )


def make_linux_shortcut(exe: Path, home: Path | None = None) -> list[Path]:
    home = home or Path.home()
    text = desktop_entry(exe)
    targets = [desktop_dir(home) / f"{SHORTCUT_NAME}.desktop"]
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    targets.append(data_home / "applications" / f"{SHORTCUT_NAME}.desktop")
    written = []
    for path in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        path.chmod(0o755)
        written.append(path)
    gio = shutil.which("gio")
    if gio:  # GNOME/UOS 桌面：标记为可信，双击直接运行而不是先问
        subprocess.run(
            [gio, "set", str(targets[0]), "metadata::trusted", "true"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    return written


# ── Windows ──
WINDOWS_LAUNCHER_TEXT = (
    "@echo off\r\n"
    "rem creditcheck desktop launcher (written by: creditcheck shortcut)\r\n"
    "chcp 65001 >nul\r\n"
    "set PYTHONUTF8=1\r\n"
    "set PYTHONIOENCODING=utf-8\r\n"
    '"%~dp0Scripts\\creditcheck.exe" start\r\n'
    "if errorlevel 1 pause\r\n"
)
"""只含 ASCII（cmd 按本机代码页读批处理文件）；路径用 %~dp0，装在中文路径下也不怕。"""

POWERSHELL_LNK = (
    "$s = (New-Object -ComObject WScript.Shell).CreateShortcut("
    "(Join-Path ([Environment]::GetFolderPath('Desktop')) ($env:CC_LNK_NAME + '.lnk')));"
    "$s.TargetPath = $env:CC_LNK_TARGET; $s.Arguments = $env:CC_LNK_ARGS;"
    "$s.WorkingDirectory = $env:CC_LNK_DIR; $s.Description = $env:CC_LNK_NAME;"
    "$s.IconLocation = $env:CC_LNK_ICON; $s.Save(); $s.FullName"
)
"""参数经环境变量传入，不必为路径里的空格、引号和中文操心；-Command 不受脚本执行策略限制。"""


def windows_shortcut_spec(venv: Path, wt: str | None) -> dict[str, str]:
    """.lnk 的目标与参数：有 Windows Terminal 时在其中打开，否则直接运行启动脚本（命令行窗口）。"""
    launcher = venv / WINDOWS_LAUNCHER
    if wt:
        target = wt
        args = subprocess.list2cmdline(
            ["--title", SHORTCUT_NAME, "-d", str(venv), "cmd.exe", "/c", str(launcher)]
        )
    else:
        target = str(launcher)
        args = ""
    python = venv / "Scripts" / "python.exe"
    return {
        "CC_LNK_NAME": SHORTCUT_NAME,
        "CC_LNK_TARGET": target,
        "CC_LNK_ARGS": args,
        "CC_LNK_DIR": str(venv),
        "CC_LNK_ICON": f"{python},0",
    }


def make_windows_shortcut() -> str:  # pragma: no cover - Windows only
    venv = Path(sys.prefix)
    (venv / WINDOWS_LAUNCHER).write_bytes(WINDOWS_LAUNCHER_TEXT.encode("ascii"))
    spec = windows_shortcut_spec(venv, shutil.which("wt.exe") or shutil.which("wt"))
    result = subprocess.run(
        ["powershell.exe", "-NoProfile", "-NonInteractive", "-Command", POWERSHELL_LNK],
        env={**os.environ, **spec},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise InputError(f"无法在桌面放置图标（PowerShell 报告：{result.stderr.strip()[:200]}）")
    where = (
        "Windows Terminal"
        if spec["CC_LNK_TARGET"] != str(venv / WINDOWS_LAUNCHER)
        else "命令行窗口"
    )
    return f"已在桌面放置图标“{SHORTCUT_NAME}”（在{where}中打开）：{result.stdout.strip()}"


@click.command()
@friendly_errors
def shortcut() -> None:
    """在桌面放一个“信用状况监测自查”图标（离线安装包安装时自动调用；图标丢了可再运行一次）。"""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        click.echo(make_windows_shortcut())
        return
    for path in make_linux_shortcut(app_script()):
        click.echo(f"已放置图标：{path}")


@click.command()
@data_option
@click.pass_context
def start(ctx: click.Context, data: Path | None) -> None:
    """桌面图标启动的命令：按设置里的“桌面图标打开方式”在终端窗口或浏览器标签页中打开程序。"""
    from .env import read_settings

    root = ctx.find_root().obj or {}
    data = data or root.get("data")
    mode = read_settings().launch_mode
    if mode == "browser":
        from .web import NO_WEB_EXTRA, web_cmd

        try:
            import textual_serve  # noqa: F401
        except ImportError:
            click.echo(NO_WEB_EXTRA + "；这次先在终端窗口中打开。")
        else:
            ctx.invoke(web_cmd, data=data)
            return
    from .launch import launch

    launch(data)


def register(main: click.Group) -> None:
    main.add_command(start)
    main.add_command(shortcut)
