"""离线安装包：``python -m tools.bundle`` 在能连上软件包索引的电脑上生成 ``dist/creditcheck-<版本>-offline.zip``。

包里有本项目的 wheel 和全部依赖（含 ``[web]`` 扩展）的 wheel：Windows x86-64、Linux x86-64 与 aarch64，
Python 3.10–3.13 各一套（纯 Python 的 wheel 各平台共用一份）；还有 安装.bat、install.sh 和中文的 使用说明.txt。
依赖一律从 ``pyproject.toml`` 读（先把本项目打成 wheel，再让 pip 按它的元数据解析），不在这里另列清单。

步骤：
1. ``pip wheel --no-deps .`` 打出本项目的 wheel。
2. 对每个平台 × Python 版本：``pip download --only-binary=:all: --platform ... --python-version ...``，
   pip 求值环境标记时用目标电脑的环境（见 pip_for_target.py）。只有源码包的纯 Python 依赖先在本机打成 wheel。
3. 逐个目标核对：从 ``creditcheck[web]`` 出发，按目标的环境标记与 wheel 标签找齐每个依赖，缺一个就报错，
   不让一个装不上的包离开这台电脑。
4. 写进 zip：顶层文件夹 ``creditcheck-offline/``（不带版本号：新版本解压到同一位置覆盖旧的，再运行一次安装即可）。
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from email.parser import Parser
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

try:
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.tags import Tag, compatible_tags, cpython_tags
    from packaging.utils import canonicalize_name, parse_wheel_filename
    from packaging.version import Version
except ModuleNotFoundError:  # pragma: no cover - 只有 pip 的环境
    from pip._vendor.packaging.requirements import Requirement  # type: ignore
    from pip._vendor.packaging.specifiers import SpecifierSet  # type: ignore
    from pip._vendor.packaging.tags import Tag, compatible_tags, cpython_tags  # type: ignore
    from pip._vendor.packaging.utils import canonicalize_name, parse_wheel_filename  # type: ignore
    from pip._vendor.packaging.version import Version  # type: ignore

ROOT = Path(__file__).resolve().parents[2]
FILES = Path(__file__).resolve().parent / "files"
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
EXTRAS = ("web",)
TOP = "creditcheck-offline"
"""zip 里的顶层文件夹：不带版本号，新版本解压到同一位置即覆盖旧版本。"""

# 信创 Linux（统信 UOS、麒麟 V10）的 glibc 是 2.28：只收 manylinux_2_28 及更早的 wheel
_GLIBC_MINORS = range(28, 16, -1)


def _manylinux(arch: str) -> list[str]:
    return [f"manylinux_2_{m}_{arch}" for m in _GLIBC_MINORS] + [
        f"manylinux2014_{arch}",
        f"manylinux2010_{arch}",
        f"manylinux1_{arch}",
    ]


@dataclass(frozen=True)
class Target:
    """一种目标电脑：pip 的 --platform 列表与求值环境标记用的值。"""

    name: str
    label: str
    platforms: tuple[str, ...]
    markers: dict[str, str] = field(hash=False)

    def environment(self, python: str) -> dict[str, str]:
        return {
            **self.markers,
            "python_version": python,
            "python_full_version": f"{python}.0",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "implementation_version": f"{python}.0",
        }

    def tags(self, python: str) -> set[Tag]:
        major, minor = (int(x) for x in python.split("."))
        version = (major, minor)
        abis = [f"cp{major}{minor}", "abi3", "none"]
        tags = set(cpython_tags(version, abis, list(self.platforms)))
        tags |= set(compatible_tags(version, f"cp{major}{minor}", list(self.platforms)))
        return tags


_LINUX = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"}
TARGETS = {
    "win_amd64": Target(
        "win_amd64",
        "Windows x86-64",
        ("win_amd64",),
        {
            "sys_platform": "win32",
            "platform_system": "Windows",
            "os_name": "nt",
            "platform_machine": "AMD64",
        },
    ),
    "linux_x86_64": Target(
        "linux_x86_64",
        "Linux x86-64",
        tuple(_manylinux("x86_64")),
        {**_LINUX, "platform_machine": "x86_64"},
    ),
    "linux_aarch64": Target(
        "linux_aarch64",
        "Linux aarch64",
        tuple(_manylinux("aarch64")),
        {**_LINUX, "platform_machine": "aarch64"},
    ),
}


class BundleError(Exception):
    """打包失败：一行说明。"""


def host_target() -> str:
    """本机对应的目标（测试只为本机打包）。"""
    machine = platform.machine().lower()
    if sys.platform == "win32" and machine in ("amd64", "x86_64"):
        return "win_amd64"
    if sys.platform.startswith("linux") and machine in ("x86_64", "amd64"):
        return "linux_x86_64"
    if sys.platform.startswith("linux") and machine in ("aarch64", "arm64"):
        return "linux_aarch64"
    raise BundleError(f"本机（{sys.platform} {platform.machine()}）不是离线安装包支持的平台")


def project_metadata(root: Path = ROOT) -> tuple[str, str]:
    """pyproject.toml 里的项目名与版本。"""
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"]["name"], data["project"]["version"]


def _run(
    args: list[str], env: dict[str, str] | None = None, log: bool = True
) -> subprocess.CompletedProcess[str]:
    if log:
        print("+", " ".join(args[:8]) + (" …" if len(args) > 8 else ""), flush=True)
    return subprocess.run(
        args,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )


def build_project_wheel(root: Path, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    result = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(root)]
    )
    if result.returncode != 0:
        raise BundleError("本项目的 wheel 打不出来：\n" + result.stderr[-2000:])
    name, version = project_metadata(root)
    wheels = sorted(out.glob(f"{canonicalize_name(name).replace('-', '_')}-{version}-*.whl"))
    if not wheels:
        raise BundleError(f"找不到刚打出的 wheel（{name} {version}）")
    return wheels[-1]


_NO_MATCH = re.compile(
    r"No matching distribution found for ([A-Za-z0-9_.\-]+(?:\[[^\]]*\])?[^\s]*)"
)


def _wheel_from_sdist(requirement: str, work: Path, wheelhouse: Path) -> Path:
    """只有源码包的依赖：在本机下载源码包、打成 wheel；只接受纯 Python 的（py3-none-any）。"""
    sdists = work / "sdists"
    result = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--quiet",
            "-d",
            str(sdists),
            requirement,
        ]
    )
    if result.returncode != 0:
        raise BundleError(
            f"{requirement} 既没有适合的 wheel，也下载不到源码包：\n{result.stderr[-1500:]}"
        )
    built = work / "built"
    before = set(built.glob("*.whl")) if built.exists() else set()
    name = canonicalize_name(Requirement(requirement).name)
    sources = [
        p
        for p in sdists.iterdir()
        if canonicalize_name(re.split(r"-\d", p.name, maxsplit=1)[0]) == name
    ]
    if not sources:
        raise BundleError(f"下载的源码包里找不到 {requirement}")
    result = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(built),
            str(sources[-1]),
        ]
    )
    if result.returncode != 0:
        raise BundleError(f"{requirement} 的源码包打不成 wheel：\n{result.stderr[-1500:]}")
    new = sorted(set(built.glob("*.whl")) - before) or sorted(
        built.glob(f"{name.replace('-', '_')}-*.whl")
    )
    wheel = new[-1]
    _, _, _, tags = parse_wheel_filename(wheel.name)
    if not all(t.abi == "none" and t.platform == "any" for t in tags):
        raise BundleError(
            f"{requirement} 只有源码包，且含有需要编译的代码（{wheel.name}），无法为其他平台打包"
        )
    shutil.copy2(wheel, wheelhouse / wheel.name)
    return wheel


def download(requirement: str, target: Target, python: str, wheelhouse: Path, work: Path) -> None:
    """为一个目标（平台 × Python 版本）下载 requirement 及全部依赖的 wheel 到 wheelhouse。"""
    env = {
        **os.environ,
        "CREDITCHECK_BUNDLE_MARKERS": json.dumps(target.environment(python)),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("PIP_NO_INDEX", None)
    args = [
        sys.executable,
        "-m",
        "tools.bundle.pip_for_target",
        "download",
        "--quiet",
        "--only-binary=:all:",
        "--implementation",
        "cp",
        "--python-version",
        python,
        "--find-links",
        str(wheelhouse),
        "-d",
        str(wheelhouse),
    ]
    for plat in target.platforms:
        args += ["--platform", plat]
    args.append(requirement)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    for _ in range(10):
        result = _run(args, env=env)
        if result.returncode == 0:
            return
        missing = _NO_MATCH.search(result.stderr)
        if missing is None:
            raise BundleError(
                f"{target.label} Python {python} 的依赖下载失败：\n{result.stderr[-2500:]}"
            )
        wheel = _wheel_from_sdist(missing.group(1), work, wheelhouse)
        print(
            f"  {missing.group(1)} 只有源码包，已打成纯 Python 的 wheel：{wheel.name}", flush=True
        )
    raise BundleError(f"{target.label} Python {python}：只有源码包的依赖太多")


def _wheel_index(wheelhouse: Path) -> dict[str, list[tuple[Path, str, frozenset[Tag]]]]:
    index: dict[str, list[tuple[Path, str, frozenset[Tag]]]] = {}
    for wheel in wheelhouse.glob("*.whl"):
        name, version, _, tags = parse_wheel_filename(wheel.name)
        index.setdefault(canonicalize_name(name), []).append((wheel, str(version), tags))
    return index


@functools.cache
def _requires(wheel: Path) -> tuple[list[str], str]:
    with zipfile.ZipFile(wheel) as zf:
        meta = next(
            n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1
        )
        msg = Parser().parsestr(zf.read(meta).decode("utf-8"))
    return msg.get_all("Requires-Dist") or [], msg.get("Requires-Python") or ""


def _fits_python(requires_python: str, python: str) -> bool:
    return not requires_python or SpecifierSet(requires_python).contains(
        f"{python}.0", prereleases=True
    )


def verify(wheelhouse: Path, root_requirement: str, target: Target, python: str) -> list[str]:
    """核对一个目标能否只用 wheelhouse 装上：返回会装上的包（名==版本）；缺少或冲突时报错。"""
    index = _wheel_index(wheelhouse)
    tags = target.tags(python)
    env = target.environment(python)
    specs: dict[str, SpecifierSet] = {}
    chosen: dict[str, tuple[str, Path]] = {}
    walked: set[tuple[str, str, str]] = set()
    todo = [Requirement(root_requirement)]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        specs[name] = specs.get(name, SpecifierSet()) & req.specifier
        candidates = [
            (Version(v), w)
            for w, v, t in index.get(name, [])
            if t & tags and specs[name].contains(v, prereleases=True)
        ]
        if not candidates:
            raise BundleError(
                f"{target.label} Python {python}：缺少 {name}{specs[name]}（包里没有适合这个平台的 wheel）"
            )
        # 同一个包的新版本可能不再支持旧的 Python（如 platformdirs 4.14 要求 3.11）：pip 会为 3.10 另下旧版本
        fitting = [(v, w) for v, w in candidates if _fits_python(_requires(w)[1], python)]
        if not fitting:
            newest = max(candidates)[1]
            raise BundleError(
                f"{target.label} Python {python}：{newest.name} 要求 Python {_requires(newest)[1]}，包里没有适合的版本"
            )
        version, wheel = max(fitting)
        chosen[name] = (str(version), wheel)
        requires, _ = _requires(wheel)
        for extra in ["", *req.extras]:
            key = (name, str(version), extra)
            if key in walked:
                continue
            walked.add(key)
            for line in requires:
                dep = Requirement(line)
                if dep.marker is None or dep.marker.evaluate({**env, "extra": extra}):
                    todo.append(dep)
    return sorted(f"{n}=={v}" for n, (v, _) in chosen.items())


def _text_file(name: str, version: str, python_range: str) -> str:
    text = (FILES / name).read_text(encoding="utf-8")
    return text.replace("@VERSION@", version).replace("@PYTHONS@", python_range)


def write_zip(
    out: Path, wheelhouse: Path, version: str, targets: list[Target], pythons: list[str]
) -> Path:
    """写 zip：安装脚本（安装.bat 用 GBK 与 CRLF：中文 Windows 的 cmd 按 936 代码页读）、说明、wheels/。"""
    python_range = f"{pythons[0]}–{pythons[-1]}" if len(pythons) > 1 else pythons[0]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:

        def add(name: str, data: bytes, mode: int = 0o644) -> None:
            info = zipfile.ZipInfo(f"{TOP}/{name}", date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # 记下 Unix 权限：install.sh 解压后可直接运行
            zf.writestr(info, data)

        bat = (
            _text_file("安装.bat", version, python_range)
            .replace("\r\n", "\n")
            .replace("\n", "\r\n")
        )
        add("安装.bat", bat.encode("gbk"))
        add("install.sh", _text_file("install.sh", version, python_range).encode("utf-8"), 0o755)
        readme = _text_file("使用说明.txt", version, python_range)
        readme += (
            "\n本包所含平台："
            + "、".join(t.label for t in targets)
            + f"；Python {python_range}。\n"
        )
        add(
            "使用说明.txt", ("\ufeff" + readme.replace("\n", "\r\n")).encode("utf-8")
        )  # 记事本认 BOM
        for wheel in sorted(wheelhouse.glob("*.whl")):
            add(f"wheels/{wheel.name}", wheel.read_bytes())
    tmp.replace(out)
    return out


def build(
    *,
    root: Path = ROOT,
    out_dir: Path | None = None,
    targets: list[str] | None = None,
    pythons: list[str] | None = None,
) -> Path:
    name, version = project_metadata(root)
    chosen = [TARGETS[t] for t in (targets or list(TARGETS))]
    pythons = pythons or list(PYTHONS)
    out = (out_dir or root / "dist") / f"{name}-{version}-offline.zip"
    with tempfile.TemporaryDirectory(prefix="creditcheck-bundle-") as tmp:
        work = Path(tmp)
        wheelhouse = work / "wheels"
        wheelhouse.mkdir()
        project = build_project_wheel(root, work / "project")
        shutil.copy2(project, wheelhouse / project.name)
        requirement = f"{name}[{','.join(EXTRAS)}]=={version}"
        # 直接指向刚打出的 wheel：索引上即使有同名的包，也不会被拿来顶替
        local = f"{name}[{','.join(EXTRAS)}] @ {(wheelhouse / project.name).as_uri()}"
        for target in chosen:
            for python in pythons:
                print(f"{target.label} · Python {python}", flush=True)
                download(local, target, python, wheelhouse, work)
        for target in chosen:
            for python in pythons:
                verify(wheelhouse, requirement, target, python)
        write_zip(out, wheelhouse, version, chosen, pythons)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bundle", description="生成离线安装包（需要能连上软件包索引）"
    )
    parser.add_argument(
        "--target",
        action="append",
        choices=[*TARGETS, "host"],
        help="只为某个平台打包（可重复；host 为本机平台）；默认三个平台都打",
    )
    parser.add_argument(
        "--python", action="append", choices=PYTHONS, help="只为某个 Python 版本打包（可重复）"
    )
    parser.add_argument("--out", type=Path, default=None, help="输出文件夹（默认 dist/）")
    args = parser.parse_args(argv)
    try:
        targets = (
            [host_target() if t == "host" else t for t in args.target] if args.target else None
        )
        path = build(out_dir=args.out, targets=targets, pythons=args.python)
    except BundleError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    size = path.stat().st_size / 1024 / 1024
    print(f"已生成：{path}（{size:.1f} MB）")
    return 0
