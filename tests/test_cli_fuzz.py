"""命令行模糊测试：随机（含恶意）的参数与数据文件内容，任何命令都只给一句话，不出现调用栈、不卡住。

命令在进程内用 click 的 CliRunner 运行（快）；每个例子都有时间上限（POSIX 上用 SIGALRM 打断卡住的命令，
比如读 FIFO、算 99999999 个工作日），例子数不多，整个文件在负载下也只要几十秒。
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creditcheck.cli import main
from creditcheck.month import Month
from storage import Store

PER_EXAMPLE_SECONDS = 60
"""一个例子（一条命令）最多运行的秒数；超过即判为“卡住”。远大于正常耗时，只为抓住死循环与阻塞。"""

NOV = Month(2026, 11)
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(*_a: object) -> None:
        raise TimeoutError(f"命令运行超过 {seconds} 秒（卡住了）")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _invoke(args: list[str]) -> tuple[int, str]:
    with _time_limit(PER_EXAMPLE_SECONDS):
        r = CliRunner().invoke(main, args)
    out = r.output
    assert "Traceback" not in out, (args, out)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise AssertionError(f"{args!r} → {type(r.exception).__name__}: {r.exception}")
    assert r.exit_code in (0, 1, 2, 3), (args, r.exit_code, out)
    return r.exit_code, out


@pytest.fixture(scope="module")
def seed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("fuzz-seed") / "data"
    store = Store(base, actor="张三")
    for sid in ("office", "commerce"):
        sm = store.load_month(sid, NOV, "2022.1")
        sm.entry(1).note = "备注"
        store.save_month(sm)
    store.save_ledger(
        "commerce", NOV, "licence", [{"行政相对人名称": "甲公司", "许可决定日期": "2026-11-03"}]
    )
    store.backup()
    return base


@contextlib.contextmanager
def _copy(seed: Path) -> Iterator[Path]:
    work = Path(tempfile.mkdtemp(prefix="cc-fuzz-"))
    try:
        data = work / "data"
        shutil.copytree(seed, data)
        yield data
    finally:
        shutil.rmtree(work, ignore_errors=True)


HOSTILE = [
    "",
    " ",
    ".",
    "-",
    "--",
    "0",
    "-1",
    "99999",
    "9" * 5000,
    "\x00",
    "\u202e",
    "../../evil",
    "/dev/zero",
    "/dev/null",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "2026-13",
    "2026-11",
    "2026-11-28",
    "2026-11-28T25:00",
    "今天",
    "商事登记科",
    "commerce",
    "office",
    "不存在的科室",
    "working-days:99999999",
    "natural-days:99999999999",
    "hours:99999999999999",
    "monthly:0",
    "quota:3/decade",
    "working-days:" + "9" * 5000,
    "immediate",
    "C:\\\\con\\\\aux",
    "\\\\\\\\host\\\\share\\\\x.exe",
    "%s%n",
    "{{正文}}",
    "😀" * 50,
]
VALUE = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
OUTPUT = st.sampled_from(
    [
        "",
        ".",
        "/dev/null",
        "DATA/sections/office/2026-11.json",
        "DATA",
        "OUT/x.xlsx",
        "OUT/x",
        "OUT/子目录/不存在/x.xlsx",
        "OUT/\u202e.docx",
        "OUT/" + "长" * 300,
    ]
)


def _commands(v1: str, v2: str, out: str) -> list[list[str]]:
    return [
        ["due", v1, "--rule", v2],
        ["due", "2026-09-30", "--rule", v1],
        ["calendar", "show", v1],
        ["review", "show", "--section", v1, "--month", v2],
        ["overview", "--month", v1],
        ["restore", v1],
        ["ledger", "template", "-o", out],
        ["calendar", "ics", "--section", v1, "--month", v2, "-o", out],
        ["export", "ledgers", "--section", v1, "--month", v2, "-o", out],
        ["export", "submission", "--section", v1, "--month", v2, "-o", out],
        ["export", "package", "--section", v1, "--month", v2, "-o", out],
        ["ledger", "check", v1],
        ["calendar", "import", v1],
        ["import", "package", v1],
        ["catalog", "--data", v1],
        ["doctor", "--data", v1],
    ]


@FUZZ
@given(which=st.integers(min_value=0, max_value=15), v1=VALUE, v2=VALUE, out=OUTPUT)
def test_fuzz_arguments(seed_dir: Path, which: int, v1: str, v2: str, out: str) -> None:
    with _copy(seed_dir) as data:
        outdir = data.parent / "out"
        outdir.mkdir()
        out = out.replace("DATA", str(data)).replace("OUT", str(outdir))
        args = _commands(v1, v2, out)[which]
        if "--data" not in args:
            args = [*args, "--data", str(data)]
        _invoke(args)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


def _month_like(doc: object) -> bytes:
    return json.dumps(
        {"_meta": {"1": {"schema": 2}}, "months": {"1": doc}}, ensure_ascii=False
    ).encode()


CONTENT = st.one_of(
    st.binary(max_size=200),
    JSON.map(lambda v: json.dumps(v).encode()),
    JSON.map(_month_like),
    st.fixed_dictionaries(
        {
            "section_id": st.sampled_from(["office", 5, None]),
            "month": st.sampled_from(["2026-11", "2026-13", 7]),
            "entries": JSON,
            "history": JSON,
            "review": JSON,
        }
    ).map(_month_like),
    st.sampled_from(
        [
            b"[" * 100_000,
            b'{"months": ' + b"9" * 5000 + b"}",
            b'{"months": 5}',
            b"\x00" * 64,
            b'{"imports": {"1": {"month": "2026-11", "rows": "x"}}}',
            b'{"decisions": [{"action": 5}]}',
        ]
    ),
)
TARGETS = [
    "sections/office/2026-11.json",
    "sections/commerce/ledger-licence-2026.json",
    "reviews/office-2026-11.json",
    "packages/imports.json",
    "calendar/2026.csv",
    "catalog.toml",
    "MANIFEST",
    "SETTINGS",
]
READERS = [
    ["review", "show", "--section", "office", "--month", "2026-11"],
    ["overview", "--month", "2026-11"],
    ["doctor"],
    ["restore"],
    ["export", "ledgers", "--section", "commerce", "--month", "2026-11", "-o", "OUT/l.xlsx"],
    ["export", "submission", "--section", "office", "--month", "2026-11", "-o", "OUT/s.docx"],
    ["due", "2026-09-30", "--rule", "working-days:3"],
    ["backup"],
]


@FUZZ
@given(
    target=st.sampled_from(TARGETS), content=CONTENT, reader=st.sampled_from(range(len(READERS)))
)
def test_fuzz_data_file_contents(
    seed_dir: Path, monkeypatch: pytest.MonkeyPatch, target: str, content: bytes, reader: int
) -> None:
    with _copy(seed_dir) as data:
        outdir = data.parent / "out"
        outdir.mkdir()
        if target == "MANIFEST":
            path = next((data / "backups" / "office").glob("*/manifest.json"))
        elif target == "SETTINGS":
            cfg = data.parent / "config"
            cfg.mkdir()
            path = cfg / "settings.json"
            monkeypatch.setenv("CREDITCHECK_CONFIG", str(cfg))
        else:
            path = data / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        args = [a.replace("OUT", str(outdir)) for a in READERS[reader]]
        code, out = _invoke([*args, "--data", str(data)])
        if (
            args[0] == "doctor"
            and target not in ("SETTINGS", "packages/imports.json")
            and code == 0
        ):
            # 体检说“一切正常”时，被改写的文件确实读得通（内容恰好合法，例如空白的 CSV）
            assert "一切正常" in out or "提醒" in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="没有命名管道")
def test_fifo_inputs_never_block(seed_dir: Path) -> None:
    with _copy(seed_dir) as data:
        fifo = data.parent / "fifo.docx"
        os.mkfifo(fifo)
        for args in (
            ["ledger", "check", str(fifo)],
            ["calendar", "import", str(fifo)],
            ["import", "package", str(fifo)],
            [
                "export",
                "submission",
                "--section",
                "office",
                "--month",
                "2026-11",
                "--template",
                str(fifo),
                "-o",
                str(data.parent / "s.docx"),
            ],
        ):
            code, out = _invoke([*args, "--data", str(data)])
            assert code != 0 and ("命名管道" in out or "普通文件" in out), (args, out)
