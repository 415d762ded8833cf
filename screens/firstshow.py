"""屏幕第一次显示时少做重复的事：Textual 挂载屏幕时已排好样式，紧接着的 ScreenResume 又把整个屏幕的
样式重算一遍，Resize 加上按窗口大小的样式类（-narrow、-short……）时再算一遍；每一遍都在界面线程上，
首页、体系科各页十几到几十毫秒。``QuickFirstShow`` 的屏幕构造时就加好这些类，第一次恢复时不重算样式。
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.screen import Screen


def preset_breakpoints(screen: Any) -> None:
    """在屏幕挂载之前就按窗口大小加上 -narrow/-wide、-short/-tall 样式类（与 Textual 在 Resize 时加的相同）。

    否则屏幕第一次显示时先按没有这些类排好样式，紧接着的 Resize 加上类，整个屏幕的样式又重算一遍（十几毫秒，
    在界面线程上）；预先加好后 Resize 时类没有变化，不再重算。
    """
    try:
        app = screen.app
    except RuntimeError:  # 没有运行中的 App（NoActiveAppError，单独构造屏幕的测试）：交给 Resize
        return
    width, height = app.size
    classes: dict[str, bool] = {}
    for dimension, own, default in (
        (width, screen.HORIZONTAL_BREAKPOINTS, app.HORIZONTAL_BREAKPOINTS),
        (height, screen.VERTICAL_BREAKPOINTS, app.VERTICAL_BREAKPOINTS),
    ):
        points = (default if own is None else own) or []
        for _, name in points:
            classes[name] = False
        for name in screen._get_breakpoint_classes(dimension, points):
            classes[name] = True
    screen.update_classes(classes, update=False)


class QuickFirstShow(Screen[None]):
    """构造时就按窗口大小加好断点样式类；第一次显示（挂载后紧接着的 ScreenResume）时不再重算整个屏幕的样式。"""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        preset_breakpoints(self)

    _resumed = False
    _first_size: Any = None
    """第一次恢复时窗口的大小（那时已按它排好版）；紧接着的 Resize 还是这个大小时不再重排。"""

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # 只改事件，不调用 super()：Textual 按类的继承顺序接着调用 Screen._on_screen_resume
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False  # 刚挂载时已按同样的样式表、同样的类排好
            self._first_size = self.app.size

    async def _on_resize(self, event: events.Resize) -> None:
        # 屏幕第一次显示时 Textual 先在恢复时按窗口大小排版，紧接着的 Resize 又把本屏和背后的屏幕
        # 整个重排一遍（体系科总览约十毫秒，在界面线程上）。大小没变时断点样式类已预先加好、版面也已排好：
        # 这一次不交给 Screen._on_resize。大小变了（中途拉了窗口）照常重排。
        first, self._first_size = self._first_size, None
        if first is not None and event.size == first:
            event.prevent_default()
            event.stop()
