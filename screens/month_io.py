"""打开哪个月：在后台线程里读取、读好后换上；重读本月；换设置。都经由 ``app.disk``（先发起的先做）。

读的时候首页在月份处写“正在读取……”，右上角也有说明；按键照常可用。连按几次 ] 时只换上最后要的那个月。
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from creditcheck.month import Month
from creditcheck.services.months import MonthSession

from .diskwork import READING, SAVING
from .messages import MonthLoading, MonthSaved

if TYPE_CHECKING:
    from creditcheck.settings import Settings

    from .app import CreditCheckApp


def load(app: CreditCheckApp, month: Month) -> None:
    """在后台读取 ``month`` 并换上。第一次（启动时）先取本科室的占用锁、做打开时的备份。"""
    ctx = app.ctx
    app.wanted = month
    app.screen.post_message(MonthLoading(month))

    def job() -> MonthSession:
        ctx.store.open_session()  # 启动后第一次：取锁、备份（已取过时什么也不做）
        return MonthSession(ctx, month, on_notice=app.storage_notice)

    def failed(message: str) -> None:
        app.notify(message, title="数据读取失败", severity="error", timeout=15)
        if app.wanted == month:
            app.wanted = None
            # 首页写回仍打开着的那个月；启动时就读不出来时写明没读出来
            app.post_message(MonthSaved(app.session.month if app.session else month, redraw=True))

    app.disk.start(job, READING, done=lambda session: loaded(app, session), failed=failed)


def loaded(app: CreditCheckApp, session: MonthSession) -> None:
    """读好了：仍是最后要的那个月时换上，前台屏幕重画。"""
    if session.month != app.wanted:
        return  # 读的时候又按了 ]：等最后那个
    app.wanted = None
    app.session = session
    app.month_changed()


def reload(app: CreditCheckApp) -> None:
    """重读本月（体系科刚对它作了决定、换了设置……）。"""
    session = app.session
    if session is not None:
        app.disk.start(session.reload, READING, done=lambda _: app.month_changed())


def apply_settings(app: CreditCheckApp, new: Settings, then: Callable[[bool], None]) -> None:
    """换上新设置（数据文件夹或科室变了就关掉旧仓库、打开新的）；做完调用 ``then(文件夹变了没有)``。"""
    from creditcheck.services.settings import apply_settings as apply

    app.overview_service = None  # 体系科的读取器属于旧文件夹

    def failed(message: str) -> None:
        app.notify(message, title="设置未生效", severity="error", timeout=15)

    app.disk.start(lambda: apply(app.ctx, new), SAVING, done=then, failed=failed)
