"""``creditcheck web``：在本机浏览器的一个标签页里使用程序（textual-serve，可选的 ``[web]`` 扩展）。

- 只在 127.0.0.1 上、一个空闲端口上服务（先绑好套接字再交给 aiohttp，没有“查到空闲端口到用上它”之间的空档）；
  别的电脑连不上。地址里带一个随机口令，网页和 WebSocket 都要核对口令、Host 与 Origin：
  本机浏览器里打开的其他网站猜不到口令，也借不了本机地址（DNS 重绑定）来操作程序。
- 网页用自己的模板（``web_page/``），不用 textual-serve 自带的那份：它从互联网加载网页字体，内网电脑上会卡住页面。
  终端网格的字体换成本机已有的中文等宽字体，汉字正好占两格。页面不向本机以外请求任何东西。
- 关闭标签页：WebSocket 断开，程序收到退出指令，像按 Q 一样正常退出（释放本科室的占用锁）；
  最后一个标签页关闭后稍等片刻（刷新页面会马上重连），服务也随之结束，桌面图标打开的窗口自己关掉。
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import shlex
import socket
import subprocess
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import InputError
from .common import data_option, friendly_errors

if TYPE_CHECKING:
    from aiohttp import web

HOST = "127.0.0.1"

FONT_STACK = (
    "'Sarasa Mono SC', 'Sarasa Term SC', 'Noto Sans Mono CJK SC', 'WenQuanYi Micro Hei Mono', "
    "'Microsoft YaHei Mono', 'NSimSun', 'SimSun', monospace"
)
"""终端网格的字体：本机已有的中文等宽字体（西文半角、汉字全角正好两格），没有网络字体。"""

_JS_FONT = "fontFamily:\"'Roboto Mono', Monaco, 'Courier New', monospace\""
_JS_INSTANCE = "const t=new w(e,{ping:r});"
"""textual-serve 1.1.3 的 textual.js 里要替换的两处：终端字体；把终端对象挂到页面元素上（测试读屏幕文字用）。"""

NO_WEB_EXTRA = (
    '浏览器模式需要 web 扩展，请先安装：pip install "creditcheck[web]"（离线安装包已包含）'
)


def web_command(data: Path | None) -> str:
    """每个标签页启动的程序命令行（textual-serve 用 shell 启动它）。"""
    args = [sys.executable, "-X", "utf8", "-m", "creditcheck"]
    if data is not None:
        args += ["--data", str(data.expanduser().resolve())]
    if sys.platform == "win32":
        return subprocess.list2cmdline(args)
    return shlex.join(args)


def patched_textual_js() -> bytes:
    """textual-serve 的前端脚本，换上本机中文等宽字体（改不到时原样返回，测试会发现）。"""
    text = (
        resources.files("textual_serve")
        .joinpath("static/js/textual.js")
        .read_text(encoding="utf-8")
    )
    text = text.replace(_JS_FONT, f'fontFamily:"{FONT_STACK}"')
    text = text.replace(_JS_INSTANCE, _JS_INSTANCE[:-1] + ";e.textualTerminal=t;")
    return text.encode("utf-8")


def _page_file(name: str) -> str:
    return (
        resources.files("creditcheck.cli")
        .joinpath("web_page")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )


def bind_loopback(port: int = 0) -> socket.socket:
    """在 127.0.0.1 上绑一个（空闲）端口，只有本机能连。"""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if sys.platform != "win32":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    sock.listen(16)
    sock.setblocking(False)
    return sock


STOP_TIMEOUT = 30.0
"""程序收到退出指令后最多等多久（秒）；还不退出就结束进程（占用锁会在下次打开时按失效处理）。"""


async def stop_app(service: Any) -> None:
    """让一个标签页的程序像按 Q 一样正常退出（释放占用锁）；卡住不退时结束进程。"""
    try:
        await asyncio.wait_for(asyncio.shield(service.stop()), STOP_TIMEOUT)
    except asyncio.TimeoutError:
        process = getattr(service, "_process", None)
        if process is not None and process.returncode is None:
            process.kill()


class WebServer:
    """一个本机网页服务：每个标签页一个程序进程（textual-serve 的 AppService）。"""

    def __init__(
        self, command: str, *, linger: float = 5.0, echo: Callable[[str], None] = print
    ) -> None:
        self.command = command
        self.linger = linger
        """最后一个标签页关闭后再等多少秒（刷新页面会立刻重连）才结束服务。"""
        self.echo = echo
        self.token = secrets.token_urlsafe(18)
        self.port = 0
        self.sessions: set[Any] = set()
        self._done = asyncio.Event()
        self._idle: asyncio.Task[None] | None = None
        self._js: bytes | None = None

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.origin}/{self.token}/"

    def make_app(self) -> web.Application:
        from aiohttp import web
        from textual_serve.download_manager import DownloadManager

        self.downloads = DownloadManager()
        app = web.Application(middlewares=[self._only_this_page])
        app.add_routes(
            [
                web.get("/{token}/", self.handle_index),
                web.get("/{token}/ws", self.handle_websocket),
                web.get("/static/{name}", self.handle_static),
                web.get("/download/{key}", self.handle_download),
            ]
        )
        return app

    @property
    def _only_this_page(self):  # type: ignore[no-untyped-def]
        from aiohttp import web

        @web.middleware
        async def check(request: web.Request, handler: Any) -> web.StreamResponse:
            # DNS 重绑定：别的网站把自己的域名指向 127.0.0.1 时，Host 就不是这里的地址
            if request.host not in (f"{HOST}:{self.port}", f"localhost:{self.port}"):
                raise web.HTTPForbidden(text="只接受本机地址的访问")
            token = request.match_info.get("token")
            if token is not None and not secrets.compare_digest(token, self.token):
                raise web.HTTPNotFound(text="地址不对：请从启动时显示的地址打开")
            return await handler(request)

        return check

    async def handle_index(self, request: web.Request) -> web.Response:
        from aiohttp import web

        font_size = request.query.get("fontsize", "16")
        page = _page_file("index.html").format(
            static=f"{self.origin}/static/",
            websocket=f"ws://{HOST}:{self.port}/{self.token}/ws",
            font_size=int(font_size) if font_size.isdigit() and 8 <= int(font_size) <= 40 else 16,
        )
        return web.Response(
            text=page,
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": "no-store"},
        )

    async def handle_static(self, request: web.Request) -> web.Response:
        from aiohttp import web

        name = request.match_info["name"]
        if name == "textual.js":
            if self._js is None:
                self._js = patched_textual_js()
            return web.Response(
                body=self._js, content_type="application/javascript", charset="utf-8"
            )
        if name == "xterm.css":
            css = (
                resources.files("textual_serve")
                .joinpath("static/css/xterm.css")
                .read_text(encoding="utf-8")
            )
            # 注释里有项目主页的地址：不是请求，但页面里不留任何指向本机以外的地址（版权说明见 textual-serve 包）
            css = "/* xterm.css from textual-serve (MIT) */\n" + re.sub(
                r"/\*.*?\*/", "", css, flags=re.DOTALL
            )
            return web.Response(text=css, content_type="text/css", charset="utf-8")
        if name == "page.css":
            return web.Response(
                text=_page_file("page.css"), content_type="text/css", charset="utf-8"
            )
        raise web.HTTPNotFound()

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """程序交给浏览器下载的文件（textual 的 deliver_file；本程序目前不用，保留以免出错）。"""
        from aiohttp import web

        try:
            meta = await self.downloads.get_download_metadata(request.match_info["key"])
        except KeyError:
            raise web.HTTPNotFound() from None
        response = web.StreamResponse()
        response.content_type = meta.mime_type
        await response.prepare(request)
        async for chunk in self.downloads.download(request.match_info["key"]):
            await response.write(chunk)
        await response.write_eof()
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        from aiohttp import WSMsgType, web
        from textual_serve.app_service import AppService

        if request.headers.get("Origin") != self.origin:
            raise web.HTTPForbidden(text="只接受本页面的连接")
        websocket = web.WebSocketResponse(heartbeat=15)

        def size(name: str, default: int) -> int:
            value = request.query.get(name, "")
            return max(10, min(int(value), 1000)) if value.isdigit() else default

        await websocket.prepare(request)

        async def close() -> None:
            await websocket.close()

        service = AppService(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.downloads,
        )
        self._session_started(service)
        try:
            await service.start(size("width", 120), size("height", 36))
            async for message in websocket:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    kind, payload = message.json()
                except (ValueError, TypeError):
                    continue
                if kind == "stdin" and isinstance(payload, str):
                    await service.send_bytes(payload.encode("utf-8"))
                elif kind == "resize" and isinstance(payload, dict):
                    with contextlib.suppress(KeyError, TypeError, ValueError):
                        await service.set_terminal_size(
                            int(payload["width"]), int(payload["height"])
                        )
                elif kind == "ping":
                    await websocket.send_json(["pong", payload])
                elif kind == "blur":
                    await service.blur()
                elif kind == "focus":
                    await service.focus()
        finally:
            # 标签页关了（或刷新、或程序自己退出了）：让程序像按 Q 一样正常退出，释放占用锁
            await asyncio.shield(self._stop(service))
        return websocket

    async def _stop(self, service: Any) -> None:
        try:
            await stop_app(service)
        finally:
            self.sessions.discard(service)
            if not self.sessions:
                self._idle = asyncio.ensure_future(self._exit_when_idle())

    def _session_started(self, service: Any) -> None:
        self.sessions.add(service)
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None

    async def _exit_when_idle(self) -> None:
        await asyncio.sleep(self.linger)
        if not self.sessions:
            self._done.set()

    def stop(self) -> None:
        """结束服务（Ctrl+C）：各标签页的程序先正常退出。"""
        self._done.set()

    async def serve(
        self, sock: socket.socket, on_ready: Callable[[str], None] | None = None
    ) -> None:
        from aiohttp import web

        self.port = sock.getsockname()[1]
        runner = web.AppRunner(self.make_app(), handle_signals=False, access_log=None)
        await runner.setup()
        try:
            site = web.SockSite(runner, sock, shutdown_timeout=2)
            await site.start()
            if on_ready is not None:
                on_ready(self.url)
            await self._done.wait()
        finally:
            for service in list(self.sessions):
                with contextlib.suppress(Exception):
                    await stop_app(service)
            await runner.cleanup()


def serve_in_browser(data: Path | None, *, open_browser: bool = True, linger: float = 5.0) -> None:
    """启动本机网页服务并打开浏览器，直到最后一个标签页关闭（或 Ctrl+C）。"""
    try:
        import aiohttp  # noqa: F401
        import textual_serve  # noqa: F401
    except ImportError:
        raise InputError(NO_WEB_EXTRA) from None
    server = WebServer(web_command(data), linger=linger)
    try:
        sock = bind_loopback()
    except OSError as e:
        raise InputError(f"无法在本机开启浏览器模式的端口：{e}") from None

    def ready(url: str) -> None:
        click.echo("信用状况监测自查（浏览器模式）")
        click.echo(f"地址：{url}")
        click.echo(
            "只有本机能打开这个地址。关闭浏览器标签页（或在程序里按 Q 退出）即可结束，本窗口随后自动关闭。"
        )
        if open_browser:
            import webbrowser

            if not webbrowser.open(url):
                click.echo("没能自动打开浏览器：请把上面的地址复制到浏览器地址栏打开。")
        sys.stdout.flush()

    async def main() -> None:
        import signal

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, server.stop)
        await server.serve(sock, ready)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:  # Windows：Ctrl+C 不经信号处理器
        pass
    click.echo("浏览器模式已结束。")


@click.command(name="web")
@data_option
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器，只显示地址。")
@click.option("--linger", type=float, default=5.0, hidden=True)
@click.pass_context
@friendly_errors
def web_cmd(ctx: click.Context, data: Path | None, no_browser: bool, linger: float) -> None:
    """在本机浏览器的标签页里使用程序（不熟悉终端窗口时用）。

    只在本机（127.0.0.1）开一个空闲端口，别的电脑连不上；网页不向本机以外请求任何东西。
    关闭标签页即正常退出程序。需要 web 扩展：pip install "creditcheck[web]"（离线安装包已包含）。

    例：creditcheck web
    """
    root = ctx.find_root().obj or {}
    serve_in_browser(data or root.get("data"), open_browser=not no_browser, linger=max(0.0, linger))


def register(main: click.Group) -> None:
    main.add_command(web_cmd)
