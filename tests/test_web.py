"""``creditcheck web``：只在本机、页面不向外请求、关闭标签页正常退出，以及在真实的无头 Chromium 里用一遍。

服务在子进程里真实运行（``python -m creditcheck web --no-browser``），数据是 ``creditcheck demo`` 生成的演示数据；
测试等待条件（带期限的轮询），从不按固定时间睡眠。
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from creditcheck.cli import main
from creditcheck.cli.web import FONT_STACK, patched_textual_js, web_command

pytest.importorskip("textual_serve", reason="需要 web 扩展：pip install -e '.[web]'")
aiohttp = pytest.importorskip("aiohttp")

DEADLINE = 90.0
"""等待条件的最长时间（秒）：2 核机器上 8 人同时跑测试时，启动一个程序进程也可能要十几秒。"""


def wait_for(condition: Callable[[], object], what: str, timeout: float = DEADLINE) -> object:
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"等了 {timeout:.0f} 秒仍未{what}")
        time.sleep(0.05)


def holder(data: Path) -> dict[str, object] | None:
    path = data / "sections" / "commerce" / "lock-holder.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def lock_in_use(data: Path) -> bool:
    h = holder(data)
    return h is not None and not h.get("released")


def lock_released(data: Path) -> bool:
    h = holder(data)
    return h is not None and bool(h.get("released"))


@pytest.fixture
def demo_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CREDITCHECK_CONFIG", str(tmp_path / "config"))
    data = tmp_path / "数据 文件夹"  # 中文和空格：程序命令行要正确加引号
    result = CliRunner().invoke(main, ["demo", "--no-tui", "--data", str(data)])
    assert result.exit_code == 0, result.output
    return data


class Served:
    def __init__(self, proc: subprocess.Popen[str], url: str) -> None:
        self.proc = proc
        self.url = url
        parts = urlsplit(url)
        self.port = parts.port or 0
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.ws_url = f"ws://{parts.netloc}{parts.path}ws"


@pytest.fixture
def served(demo_data: Path, tmp_path: Path) -> Iterator[Served]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "CREDITCHECK_CONFIG": str(tmp_path / "config")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "creditcheck",
            "web",
            "--no-browser",
            "--linger",
            "0.3",
            "--data",
            str(demo_data),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        env=env,
    )
    try:
        url = ""
        assert proc.stdout is not None
        for line in proc.stdout:  # 读到地址为止（进程意外退出时循环结束）
            if line.startswith("地址："):
                url = line.split("：", 1)[1].strip()
                break
        assert url, "服务没有显示地址"
        yield Served(proc, url)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}


def outside_urls(text: str) -> list[str]:
    """文本里指向本机以外的 http(s)/ws(s) 地址。"""
    found = re.findall(r"""(?:https?|wss?)://[^\s"'<>)`]+""", text, flags=re.IGNORECASE)
    return [
        u for u in found if (urlsplit(u).hostname or "") not in {"127.0.0.1", "localhost", "::1"}
    ]


# ── 不需要浏览器的部分 ──
def test_web_command_quotes_paths_with_spaces_and_chinese(tmp_path: Path) -> None:
    folder = tmp_path / "数据 文件夹"
    cmd = web_command(folder)
    assert shlex.split(cmd) == [
        sys.executable,
        "-X",
        "utf8",
        "-m",
        "creditcheck",
        "--data",
        str(folder.resolve()),
    ]


def test_served_script_uses_local_cjk_fonts() -> None:
    js = patched_textual_js().decode("utf-8")
    assert f'fontFamily:"{FONT_STACK}"' in js
    assert "Roboto Mono" not in js
    assert "e.textualTerminal=t" in js
    assert "Noto Sans Mono CJK SC" in FONT_STACK and "SimSun" in FONT_STACK


def test_page_requests_nothing_outside_this_pc(served: Served) -> None:
    status, page = fetch(served.url)
    assert status == 200
    assert "信用状况监测自查" in page
    assert outside_urls(page) == []
    assert "fonts.googleapis" not in page
    refs = re.findall(r"""(?:href|src)="([^"]+)\"""", page)
    assert len(refs) == 3  # xterm.css、page.css、textual.js
    for ref in refs:
        assert urlsplit(ref).hostname == "127.0.0.1", ref
        status, body = fetch(ref)
        assert status == 200, ref
        assert outside_urls(body) == [], ref
        assert "@import" not in body and "url(http" not in body
    ws = re.search(r'data-session-websocket-url="([^"]+)"', page)
    assert ws is not None and ws.group(1) == served.ws_url


def test_only_this_pc_can_connect(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=10):
        pass
    # 整个 127.0.0.0/8 都在本机；只绑了 127.0.0.1 时，127.0.0.2 与 ::1 都连不上（绑在 0.0.0.0 或 :: 上就连得上）
    for family, address in ((socket.AF_INET, "127.0.0.2"), (socket.AF_INET6, "::1")):
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
        except OSError:
            continue
        with sock:
            sock.settimeout(10)
            try:
                sock.connect((address, served.port))
            except OSError as e:
                assert e.errno in (errno.ECONNREFUSED, errno.EADDRNOTAVAIL, errno.ENETUNREACH), e
            else:
                pytest.fail(f"{address} 连上了：服务没有只绑在 127.0.0.1 上")
    proc_tcp = Path("/proc/net/tcp")
    if proc_tcp.exists():  # Linux：监听套接字的本地地址就是 127.0.0.1
        port_hex = f"{served.port:04X}"
        listening = [
            line.split()[1]
            for line in proc_tcp.read_text().splitlines()[1:]
            if line.split()[1].endswith(":" + port_hex) and line.split()[3] == "0A"
        ]
        assert listening == [f"0100007F:{port_hex}"]


def test_wrong_address_token_host_or_origin_is_refused(served: Served) -> None:
    assert fetch(f"{served.origin}/")[0] == 404
    assert fetch(f"{served.origin}/wrong-token/")[0] == 404
    status, _ = fetch(served.url, headers={"Host": f"evil.example:{served.port}"})
    assert status == 403  # DNS 重绑定
    status, text = fetch(
        served.url.rstrip("/") + "/ws",
        headers={
            "Origin": "http://evil.example",
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        },
    )
    assert status == 403
    assert "本页面" in text


def test_closing_the_tab_ends_the_app_and_releases_the_lock(
    served: Served, demo_data: Path
) -> None:
    async def session() -> bytes:
        received = b""
        async with (
            aiohttp.ClientSession() as client,
            client.ws_connect(served.ws_url + "?width=120&height=36", origin=served.origin) as ws,
        ):
            end = time.monotonic() + DEADLINE
            # 首页画好之后，程序才取得本科室的占用锁（Store 的 defer_lock）
            while not (lock_in_use(demo_data) and "信用状况监测自查".encode() in received):
                assert time.monotonic() < end, "等不到首页画好（占用锁）"
                try:
                    message = await ws.receive(timeout=0.5)
                except asyncio.TimeoutError:
                    continue
                if message.type == aiohttp.WSMsgType.BINARY:
                    received += message.data
                elif message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    raise AssertionError("程序意外退出")
        return received  # 离开 async with：WebSocket 关闭，就像关掉标签页

    screen = asyncio.run(session())
    assert "信用状况监测自查".encode() in screen
    wait_for(lambda: lock_released(demo_data), "释放占用锁")
    # 最后一个标签页关了，服务自己结束（桌面图标打开的窗口随之关闭）
    assert served.proc.wait(timeout=DEADLINE) == 0


def test_quitting_in_the_app_closes_the_page_and_the_server(
    served: Served, demo_data: Path
) -> None:
    """在程序里按 Q：程序退出、网页显示“已退出”（WebSocket 被服务端关闭）、服务随之结束。"""

    async def session() -> str:
        async with (
            aiohttp.ClientSession() as client,
            client.ws_connect(served.ws_url + "?width=120&height=36", origin=served.origin) as ws,
        ):
            end = time.monotonic() + DEADLINE
            sent = False
            while True:
                assert time.monotonic() < end, "按 Q 之后程序没有退出"
                if not sent and lock_in_use(demo_data):
                    await ws.send_json(["stdin", "q"])
                    sent = True
                try:
                    message = await ws.receive(timeout=0.5)
                except asyncio.TimeoutError:
                    continue
                if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                    return "closed" if sent else "closed too early"

    assert asyncio.run(session()) == "closed"
    wait_for(lambda: lock_released(demo_data), "释放占用锁")
    assert served.proc.wait(timeout=DEADLINE) == 0


# ── 真实的无头 Chromium ──
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def terminal_text(driver) -> str:  # type: ignore[no-untyped-def]
    return str(
        driver.execute_script(
            "const el = document.getElementById('terminal');"
            "if (!el || !el.textualTerminal) return '';"
            "const b = el.textualTerminal.terminal.buffer.active; const rows = [];"
            "for (let i = 0; i < b.length; i++) { const l = b.getLine(i); if (l) rows.push(l.translateToString(true)); }"
            "return rows.join('\\n');"
        )
    )


@pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="没有 chromium 与 chromedriver（Debian：apt-get install chromium chromium-driver；.ci/run 会安装）",
)
def test_in_headless_chromium(served: Served, demo_data: Path, tmp_path: Path) -> None:
    webdriver = pytest.importorskip("selenium.webdriver", reason="需要 selenium（测试依赖）")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,800",
        f"--user-data-dir={tmp_path / 'chromium'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        driver.get(served.url)
        wait_for(lambda: "已完成" in terminal_text(driver) and lock_in_use(demo_data), "画出首页")
        home = terminal_text(driver)
        assert "信用状况监测自查" in home and "商事登记科" in home
        shots = Path(os.environ.get("CREDITCHECK_SCREENSHOTS", tmp_path))
        driver.save_screenshot(str(shots / "web-home.png"))
        # 按 F1：帮助页打开，说明按键经浏览器到了程序
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea").send_keys(Keys.F1)
        wait_for(
            lambda: "按键" in terminal_text(driver) and terminal_text(driver) != home, "打开帮助"
        )
        driver.save_screenshot(str(shots / "web-help.png"))
    finally:
        driver.quit()  # 关掉浏览器：标签页随之关闭
    wait_for(lambda: lock_released(demo_data), "释放占用锁")
    assert served.proc.wait(timeout=DEADLINE) == 0
