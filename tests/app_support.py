"""界面测试的公共部分：在 tmp_path 上造一个注入好一切的 App（固定“此刻”，真实的 TinyDB 文件）。"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from creditcheck.catalog import load_builtin
from creditcheck.settings import Settings
from creditcheck.workcal import load_calendar
from screens.app import CreditCheckApp
from screens.context import AppContext
from storage.settings_file import load_settings, save_settings
from storage.store import Store

NOW = datetime(2026, 11, 28, 10, 0)


def open_store(data_dir: Path, section_id: str = "", actor: str = "") -> Store:
    if section_id:
        return Store(data_dir, section_id=section_id, actor=actor, backup_on_open=False)
    return Store(data_dir)


def make_ctx(
    tmp_path: Path,
    settings: Settings | None = None,
    now: datetime = NOW,
    store: Store | None = None,
    opened: list[Path] | None = None,
) -> AppContext:
    data = tmp_path / "data"
    cfg = tmp_path / "config" / "settings.json"
    if settings is None:
        settings = load_settings(cfg)
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)

    def opener(p: Path) -> str | None:
        if opened is not None:
            opened.append(p)
        return None

    return AppContext(
        store=store or open_store(data, settings.section_id, settings.person),
        catalog=load_builtin(),
        calendar=load_calendar(data),
        settings=settings,
        save_settings=lambda s: save_settings(s, cfg),
        now=lambda: now,
        data_dir=data,
        open_store=open_store,
        default_data_dir=data,
        export_dir=docs,
        opener=opener,
    )


def configured(
    section: str = "commerce", person: str = "张三", phone: str = "0531-88888888"
) -> Settings:
    return Settings(section_id=section, person=person, phone=phone)


def make_app(tmp_path: Path, **kw) -> CreditCheckApp:  # type: ignore[no-untyped-def]
    return CreditCheckApp(make_ctx(tmp_path, **kw))


def seed_warnings(data_dir: Path) -> None:
    """商事登记科 2026年11月：逾期（26日的按月报送）、今日到期（48小时的稿件）、即将到期（来函），
    以及体系科退回修改的意见。"""
    from creditcheck import checklist, review
    from creditcheck.models import SectionMonth, Status
    from creditcheck.month import Month

    cat = load_builtin()
    cal = load_calendar(data_dir)
    sm = SectionMonth(
        "commerce", Month(2026, 11), cat.version, person="张三", phone="0531-88888888"
    )
    t = datetime(2026, 11, 20, 9, 0)
    checklist.set_status(sm, cat, 3, Status.DONE, t)
    checklist.add_event(
        sm, cat, cal, 4, "article", "我局推行信用承诺制", datetime(2026, 11, 26, 10, 0), NOW
    )
    checklist.add_event(
        sm, cat, cal, 10, "objection", "某某公司许可信息异议", datetime(2026, 11, 27, 9, 0), NOW
    )
    checklist.add_event(
        sm,
        cat,
        cal,
        6,
        "case",
        "信用承诺容缺受理",
        datetime(2026, 6, 1, 9, 0),
        NOW,
        done_at=datetime(2026, 6, 10, 9, 0),
    )
    checklist.set_count(sm, cat, 8, "credit_checks", 120, t)
    checklist.set_count(sm, cat, 8, "joint_sanctions", 30, t)
    checklist.set_count(sm, cat, 8, "market_entities", 500, t)
    review.submit(sm, "张三", datetime(2026, 11, 25, 9, 0))
    review.return_for_changes(
        sm, "体系科王五", datetime(2026, 11, 26, 9, 0), "第8项缺少市场主体数量，请补充后重新提交"
    )
    from storage.reviews import save_with_decisions

    with Store(data_dir) as store:
        save_with_decisions(store, sm, actor="张三")  # 退回意见进体系科的审核文件


async def type_into(pilot, selector: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """把光标放到输入框里，再填入文字（如同用户点进去输入）。"""
    from textual.widgets import Input

    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    await pilot.pause()
    widget.value = text


async def press(pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """按键，再等界面处理完（推出的对话框、换的屏幕都已画好，后台线程里的读写也已做完）。"""
    await pilot.press(*keys)
    await settle(pilot)


@asynccontextmanager
async def checklist_pilot(
    tmp_path: Path, indicator: int, size: tuple[int, int] = (120, 36), **kw: Any
) -> AsyncIterator[tuple[CreditCheckApp, Any]]:
    """已设为商事登记科张三的 App，启动后打开第 ``indicator`` 项的逐项自查页。"""
    app = make_app(tmp_path, settings=configured(), **kw)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)  # 本月在后台读取
        app.open_checklist(indicator)
        await settle(pilot)
        yield app, pilot


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """等界面安定：待处理的消息处理完，后台线程（读取、保存、导出）都做完，它们发回的消息也处理完。

    界面把读写数据文件夹放在后台线程里；测试等的是这个条件，而不是一段固定的时间。"""
    import asyncio

    await pilot.pause()
    # 文件夹树（DirectoryTree）的载入线程一直在等下一个要展开的文件夹，不会“做完”：不等它
    from textual.worker import WorkerCancelled

    while ours := [w for w in pilot.app.workers if w.group != "_loader" and not w.is_finished]:
        # 期限很宽，只为不让坏掉的测试一直挂着（挂住的测试会拖住整个 CI）。被取消的（换成了更新的一次
        # 检查）也算做完；做完的那些发回的消息可能又发起了新的读写（保存后重读台账……），再等一轮
        try:
            await asyncio.wait_for(pilot.app.workers.wait_for_complete(ours), timeout=120)
        except WorkerCancelled:
            pass
        await pilot.pause()
    await pilot.pause()


async def wait_until(pilot, condition, what: str = "", timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """等到 ``condition()`` 为真（画面上的位置在下一次重绘后才更新、滚动有动画）；超过期限才算失败。

    期限很宽，只为不让坏掉的测试一直挂着；机器再忙，条件一满足就往下走。"""
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    await pilot.pause()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"等了 {timeout:.0f} 秒仍未满足：{what}")
        await pilot.app.animator.wait_until_complete()
        await asyncio.sleep(0.02)
        await pilot.pause()
