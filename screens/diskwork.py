"""读写数据文件夹的事：在后台线程里一件接一件地做（先发起的先做），做的时候屏幕右上角写着
“正在保存……”或“正在读取……”，画面照常响应按键。

保存不会丢、不会乱序：同一时刻只有一件在读写，第二次保存等第一次做完再做；退出时先等正在做的
做完（``CreditCheckApp.action_quit``）。界面线程上从不直接打开数据文件夹里的文件。
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from textual.app import App
from textual.widgets import Static

from creditcheck.errors import CreditCheckError
from creditcheck.oserrors import os_reason

R = TypeVar("R")

SAVING = "正在保存……"
READING = "正在读取……"


class BusyNote(Static):
    """屏幕右上角的“正在保存……”：只在有读写在做时出现，盖在顶栏上，不挤动别的内容。"""

    DEFAULT_CSS = """
    BusyNote {
        layer: _loading;
        dock: right;
        width: auto;
        height: 1;
        padding: 0 1;
        background: $warning;
        color: $text;
    }
    """


class DiskQueue:
    """本窗口读写数据文件夹的队列（每个 App 一个：``DiskQueue.of(app)``）。"""

    @classmethod
    def of(cls, app: App[Any]) -> DiskQueue:
        """这个 App 的队列（第一次用到时建立）。"""
        queue = _QUEUES.get(app)
        if queue is None:
            queue = _QUEUES[app] = cls(app)
        return queue

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._order: asyncio.Lock | None = None
        """按发起的先后排队（asyncio 的锁先来先得）。"""
        self._one = threading.Lock()
        """线程里再保证一次：即使等候的任务被取消，也不会有两件同时写。"""
        self._notes: list[str] = []
        """排着或正在做的几件事的说明（“正在保存……”“正在读取……”）。"""
        self._idle: asyncio.Event | None = None
        """都做完时置位（``drain`` 等它）。"""

    @property
    def busy(self) -> bool:
        """还有读写没做完。"""
        return bool(self._notes)

    async def run(self, job: Callable[[], R], note: str = SAVING) -> R:
        """在后台线程里做 ``job``（排在已发起的之后），返回它的结果；它的异常原样抛出。

        在 App 或屏幕的 async worker 里 ``await``。``note`` 为空时不显示说明（每两分钟的检查）。"""
        if self._order is None:
            self._order = asyncio.Lock()
        self._notes.append(note)
        self._show()

        def guarded() -> R:
            with self._one:
                return job()

        try:
            async with self._order:
                return await asyncio.to_thread(guarded)
        finally:
            self._notes.remove(note)
            self._show()

    def start(
        self,
        job: Callable[[], R],
        note: str = SAVING,
        done: Callable[[R], object] | None = None,
        failed: Callable[[str], object] | None = None,
    ) -> None:
        """从界面发起一件（不等它）：做完在界面线程上调用 ``done(结果)``；出错时调用 ``failed(中文说明)``，
        没给 ``failed`` 时弹出说明（保存失败时记录不变）。"""

        async def go() -> None:
            try:
                result = await self.run(job, note)
            except (CreditCheckError, OSError) as e:
                text = (
                    str(e) if isinstance(e, CreditCheckError) else f"读写数据失败：{os_reason(e)}"
                )
                if failed is not None:
                    failed(text)
                else:
                    title = "未保存" if note == SAVING else "数据读取失败"
                    self.app.notify(text, title=title, severity="error", timeout=10)
                return
            if done is not None:
                done(result)

        self.app.run_worker(go(), group="disk", exit_on_error=False)

    async def drain(self) -> None:
        """等到排着的读写都做完。"""
        while self._notes:
            if self._idle is None:
                self._idle = asyncio.Event()
            self._idle.clear()
            await self._idle.wait()

    def _show(self) -> None:
        """有事在做时在前台屏幕上显示最后发起的那件的说明（说明为空的不显示）；都做完时收起。"""
        if not self._notes and self._idle is not None:
            self._idle.set()
        shown = [n for n in self._notes if n]
        if shown:
            screen = self.app.screen
            notes = list(screen.query(BusyNote))
            if notes:
                notes[0].update(shown[-1])
            else:
                screen.mount(BusyNote(shown[-1]))
            return
        for screen in self.app.screen_stack:
            for note in screen.query(BusyNote):
                note.remove()


_QUEUES: WeakKeyDictionary[App[Any], DiskQueue] = WeakKeyDictionary()
"""每个 App 的队列。"""
