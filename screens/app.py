"""信用状况监测自查的终端界面：App 只负责接线（打开哪个屏幕、切换月份、导出），规则都在领域层。

一切外部依赖由 ``AppContext`` 注入（见 screens/context.py），测试在 tmp_path 上运行。

体系科屏幕的接口：若模块 ``screens.coordinator`` 存在，并提供 ``OverviewScreen``、``ReviewScreen``、
``RankingScreen``，本机为体系科时首页的 O / R / K 键与命令面板会以 ``cls(ctx: AppContext)`` 构造并
push 它们（懒加载；模块不存在时提示“尚未提供”）。它们可读 ``self.app.ctx``，不要改 ``app.session``。
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette

from creditcheck.errors import CreditCheckError, InputError
from creditcheck.filenames import clean_path_text, safe_file_name
from creditcheck.month import Month

from .context import AppContext
from .messages import MonthSaved, SettingsSaved
from .session import MonthSession

if TYPE_CHECKING:
    from creditcheck.settings import Settings

# 首页以外的屏幕、对话框和操作用到的模块在第一次用到时才导入，首页出来得快。


def _commands():  # type: ignore[no-untyped-def]
    from .commands import CreditCheckCommands

    return CreditCheckCommands


class CreditCheckApp(App[None]):
    """信用状况监测自查。"""

    CSS_PATH = "app.tcss"
    TITLE = "信用状况监测自查"
    COMMANDS = {_commands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    """窗口宽度决定屏幕的样式类：-narrow（如 80 列）时样式表收起次要的提示。"""
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    """窗口高度：-short（如 24 行）时对话框里的表单区域更矮，按钮总在屏幕内。"""
    BINDINGS = [
        Binding("f1,question_mark", "help", "帮助", key_display="F1"),
        Binding("ctrl+p", "command_palette", "命令", show=False, priority=True),
        Binding("ctrl+q", "quit", "退出", show=False, priority=True),
    ]

    def __init__(self, ctx: AppContext, *, exit_after_paint: bool = False,
                 on_first_paint: Callable[[], None] | None = None) -> None:
        super().__init__()
        from .textwrap_zh import install

        install()  # 折行守禁则：行首没有“，。」”，行末没有“（「”
        self.ctx = ctx
        self.exit_after_paint = exit_after_paint
        """基准测试用：首页第一次画好后立即退出。"""
        self._on_first_paint = on_first_paint
        """第一屏画好后调用一次（入口用它在启动后重新打开垃圾回收）。"""
        self.session: MonthSession | None = None
        """当前打开的月份（首页与逐项自查共用）。"""

    # ── 启动 ──
    def on_mount(self) -> None:
        self.set_interval(120, self._heartbeat)
        if self.ctx.settings.configured and self.ctx.section is not None:
            self._start()  # 首页画好后由 HomeScreen 调用 home_painted()
        else:
            from .setup import SetupScreen

            self.push_screen(SetupScreen(self.ctx, first_run=True), self._first_run_done)
            self.call_after_refresh(self._after_first_paint)

    def home_painted(self) -> None:
        """首页画好了（HomeScreen.on_mount 安排在它第一次刷新之后）。"""
        self._first_paint_done()
        if self.exit_after_paint:
            self.exit()  # 基准测试只量到这里：启动到首页画好
            return
        self._open_session()

    def _after_first_paint(self) -> None:
        """第一屏画好之后才做的事：不影响第一屏，却是修改数据之前必须做的。"""
        self._first_paint_done()
        self._open_session()

    def _first_paint_done(self) -> None:
        hook, self._on_first_paint = self._on_first_paint, None
        if hook is not None:
            hook()

    def _open_session(self) -> None:
        """本科室仓库推迟的“取占用锁 + 打开时备份”（见 Store(defer_lock=True)）。

        取到锁后按锁内的盘上内容重读本月（第一屏是取锁之前读的）；拿不到锁时首页显示只读横幅，
        说明由谁占用。仓库不是推迟打开的（测试、设置后重新打开）时什么也不做。
        """
        open_session = getattr(self.ctx.store, "open_session", None)
        if open_session is None or not open_session():
            return
        if self.session is not None:
            try:
                self.session.reload()
            except CreditCheckError as e:
                self.notify(str(e), title="数据读取失败", severity="error", timeout=15)
        else:
            self._take_store_notices()
        self._refresh_screen()

    def _take_store_notices(self) -> None:
        take = getattr(self.ctx.store, "take_notices", None)
        for n in take() if take is not None else []:
            if getattr(n, "kind", "") not in ("locked", "stale-lock"):  # 这两种由只读横幅说明
                self._storage_notice(str(n))

    def _first_run_done(self, settings: Settings | None) -> None:
        if settings is None:
            self.exit()
            return
        self._apply_settings(settings)
        self._start()

    def _start(self) -> None:
        from .home import HomeScreen

        try:
            self.session = self._session(Month.of(self.ctx.today))
        except CreditCheckError as e:
            self.notify(str(e), title="数据读取失败", severity="error", timeout=15)
            self.session = None
            return
        self.push_screen(HomeScreen(self.ctx))

    def _session(self, month: Month) -> MonthSession:
        return MonthSession(self.ctx, month, on_notice=self._storage_notice)

    def _storage_notice(self, message: str) -> None:
        self.notify(message, title="数据提示", severity="warning", timeout=20)

    def _heartbeat(self) -> None:
        beat = getattr(self.ctx.store, "heartbeat", None)
        if beat is not None:
            try:
                beat()
            except (CreditCheckError, OSError):
                pass  # 心跳失败不影响使用；下次保存时存储层会说明
        self._check_review()

    def _check_review(self) -> None:
        """体系科在本窗口打开期间作了新决定（退回修改、审核通过、重新打开）：换上新的审核状态并提示。
        只看一下审核文件的修改时间，没有变化时不读文件。"""
        refresh = getattr(self.ctx.store, "refresh_review", None)
        if refresh is None or self.session is None:
            return
        try:
            news = refresh(self.session.sm)
        except (CreditCheckError, OSError):
            return  # 读不到时下次再看；保存时存储层还会再核对一次
        if news:
            self.notify(news, title="体系科审核", severity="warning", timeout=30)
            self._refresh_screen()

    def action_take_over(self) -> None:
        """接管失效的占用（对方程序已不在运行）。"""
        from .confirm import ConfirmModal

        if not self.ctx.lock_stale:
            return

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.ctx.store.take_over()
            except CreditCheckError as e:
                self.notify(str(e), severity="error", timeout=10)
                return
            self.notify("已接管，本窗口现在可以修改", timeout=5)
            self._refresh_screen()

        store = self.ctx.store
        holder = getattr(store, "lock_holder", None)
        why = getattr(store, "lock_stale_reason", None)
        if holder and why:
            body = (f"本科室的数据登记为{holder}。\n这个占用看来已失效：{why}。\n\n"
                    "请确认那台电脑上的程序已经关闭，再接管。接管后本窗口可以修改；"
                    "对方的程序若其实还开着，它之后的保存会被拒绝，不会覆盖您的修改。")
        else:
            body = self.ctx.read_only_reason + "\n\n请确认那台电脑上的程序已经关闭，再接管。"
        self.push_screen(ConfirmModal("接管数据", body, yes="接管"), answer)

    def _apply_settings(self, new: Settings) -> bool:
        """换上新设置；数据文件夹变了就打开新仓库、重读目录和日历。返回文件夹是否变了。"""
        from creditcheck.catalog import load_catalog
        from creditcheck.workcal import load_calendar

        old_dir = self.ctx.data_dir
        old_section = getattr(self.ctx.store, "section_id", None)
        self.ctx.settings = new
        new_dir = Path(new.data_dir).expanduser() if new.data_dir else (self.ctx.default_data_dir or old_dir)
        changed = new_dir != old_dir
        if self.ctx.open_store is not None and (changed or old_section != new.section_id):
            close = getattr(self.ctx.store, "close", None)
            if close is not None:
                close()
            self.ctx.store = self.ctx.open_store(new_dir, new.section_id, new.person)
            if changed:
                self.ctx.data_dir = new_dir
                self.ctx.catalog = load_catalog(new_dir)
                self.ctx.calendar = load_calendar(new_dir)
        return changed

    # ── 屏幕之间 ──
    def _refresh_screen(self) -> None:
        screen = self.screen
        for method in ("refresh_view", "render_page"):
            fn = getattr(screen, method, None)
            if fn is not None:
                fn()

    def on_month_saved(self, message: MonthSaved) -> None:
        """记录已保存：其余屏幕在回到前台时（on_screen_resume）自行刷新，这里只记日志。"""
        self.log(f"已保存 {message.month}")

    def on_settings_saved(self, message: SettingsSaved) -> None:
        self._refresh_screen()

    def get_key_display(self, binding: Binding) -> str:  # type: ignore[override]
        """底栏里的按键写法：Ctrl+S、F2、Esc、Delete（不用 ^s、f2 这种程序员写法）。"""
        if binding.key_display:
            return binding.key_display
        _, key = binding.parse_key()
        return _KEY_NAMES.get(key) or _key_words(binding.key.split(",")[0])

    def action_help(self) -> None:
        from .help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):  # type: ignore[arg-type]
            from .commands import ZhCommandPalette, warm_pinyin

            warm_pinyin()  # 拼音表在后台线程里先载入（约 0.3 秒），打字时不卡

            self.push_screen(ZhCommandPalette(placeholder="输入几个字或拼音查找操作，如：导出、dc、cailiao……",
                                              id="--command-palette"))

    def action_help_quit(self) -> None:
        """Ctrl+C：Textual 自带的是英文提示（Do you want to quit?），换成中文。"""
        self.notify("要退出请按 Ctrl+Q（首页也可按 Q）；所有修改都已自动保存。", title="要退出吗？", timeout=6)

    def get_system_commands(self, screen):  # type: ignore[no-untyped-def, override]
        return iter(())

    def _has_session(self) -> bool:
        if self.session is None:
            self.notify("请先完成本机设置", severity="warning")
            return False
        return True

    def can_edit(self) -> bool:
        """本窗口能不能修改本月：只读（别处占用）或已审核通过锁定时，先说明，不打开表单（免得填完才知道存不了）。"""
        if self.ctx.read_only:
            take = "；对方的程序看来已关闭时，可在首页按 Ctrl+T 接管" if self.ctx.lock_stale else ""
            self.notify(self.ctx.read_only_reason + take, title="只读，不能修改", severity="warning", timeout=10)
            return False
        if self.session is not None and self.session.sm.locked:
            self.notify("本月已审核通过并锁定，只能查看；如需修改，请体系科重新打开。", title="不能修改",
                        severity="warning", timeout=8)
            return False
        return True

    def action_checklist(self) -> None:
        if not self._has_session():
            return
        assert self.session is not None
        sm = self.session.sm
        from creditcheck.models import Status

        first = None
        for ind in self.ctx.catalog.assigned(self.ctx.settings.section_id):
            e = sm.entries.get(ind.id)
            if e is None or e.status not in (Status.DONE, Status.NOT_APPLICABLE):
                first = ind.id
                break
        self.open_checklist(first)

    def open_checklist(self, indicator_id: int | None) -> None:
        from .checklist import ChecklistScreen

        if not self._has_session():
            return
        screen = self.screen
        if isinstance(screen, ChecklistScreen):
            ids = [i.id for i in screen.indicators]
            if indicator_id in ids:
                screen.index = ids.index(indicator_id)
            return
        self.push_screen(ChecklistScreen(self.ctx, indicator_id))

    def action_month(self, delta: int) -> None:
        if not self._has_session():
            return
        assert self.session is not None
        self._open_month(self.session.month.shift(delta))

    def action_this_month(self) -> None:
        if self._has_session():
            self._open_month(Month.of(self.ctx.today))

    def _open_month(self, month: Month) -> None:
        try:
            self.session = self._session(month)
        except CreditCheckError as e:
            self.notify(str(e), title="数据读取失败", severity="error", timeout=10)
            return
        self._refresh_screen()

    def action_settings(self) -> None:
        from .setup import SetupScreen

        def done(new: Settings | None) -> None:
            if new is None:
                return
            changed = self._apply_settings(new)
            if self.session is not None:
                self._open_month(self.session.month)
            else:
                self._start()
            self.notify("设置已保存" + ("，已改用新的数据文件夹" if changed else ""), timeout=4)
            self.post_message(SettingsSaved(changed))

        self.push_screen(SetupScreen(self.ctx, first_run=False), done)

    # ── 本月的操作 ──
    def _change(self, mutate, success: str) -> bool:  # type: ignore[no-untyped-def]
        assert self.session is not None
        try:
            self.session.change(mutate)
        except CreditCheckError as e:
            self.notify(str(e), title="未保存", severity="error", timeout=10)
            return False
        self.notify(success, timeout=5)
        self._refresh_screen()
        return True

    def action_copy_previous(self) -> None:
        from creditcheck.checklist import copy_from_previous

        if not self._has_session() or not self.can_edit():
            return
        assert self.session is not None
        session = self.session
        try:
            prev = session.previous()
        except CreditCheckError as e:
            self.notify(str(e), severity="error")
            return
        now = self.ctx.now()
        copied: list[int] = []

        class NothingToCopy(InputError):
            pass

        def mutate(sm) -> None:  # type: ignore[no-untyped-def]
            copied.extend(copy_from_previous(prev, sm, self.ctx.catalog, now))
            if not copied:
                raise NothingToCopy("")

        try:
            session.change(mutate)
        except NothingToCopy:
            # 不是错误：说明为什么没有可沿用的，什么也没改
            why = (f"{prev.month.label}没有记录，没有可沿用的材料。" if not prev.entries else
                   f"{prev.month.label}没有可沿用的制度文件清单、学习记录或信易批推进情况，"
                   "或本月这些项目已经有内容（已有的不会被覆盖）。")
            self.notify(why, title="沿用上月", severity="warning", timeout=8)
            return
        except CreditCheckError as e:
            self.notify(str(e), title="未保存", severity="error", timeout=10)
            return
        names = "、".join(f"第{i}项" for i in copied)
        self.notify(f"已从{prev.month.label}沿用：{names}。请逐项核对后标记完成。", title="已沿用上月材料", timeout=8)
        self._refresh_screen()

    def action_submit_month(self) -> None:
        from creditcheck import review
        from creditcheck.models import ReviewState
        from creditcheck.scoring import score

        from .confirm import ConfirmModal

        if not self._has_session() or not self.can_edit():
            return
        assert self.session is not None
        sm = self.session.sm
        if sm.review is ReviewState.SUBMITTED:
            # 已提交、尚未审核：不用再提交；发现还要修改时可以撤回，改好后再按 U 提交
            at = sm.submitted_at
            when = f"已于{at.month}月{at.day}日 {at.hour:02d}:{at.minute:02d}提交" if at else "已提交"
            who = self.ctx.settings.person

            def withdraw(yes: bool | None) -> None:
                if yes:
                    self._change(lambda s: review.withdraw(s, who, self.ctx.now()),
                                 f"{sm.month.label}已撤回，修改后按 U 重新提交")

            self.push_screen(ConfirmModal(
                "已提交",
                f"{sm.month.label}{when}，正在等待体系科审核，不用再提交。\n\n"
                "如果发现还要修改，可以撤回提交：撤回后修改，改好再按 U 提交。要撤回吗？",
                yes="撤回提交", no="不撤回"), withdraw)
            return
        sc = score(self.ctx.catalog, sm)
        left = sc.total - sc.done
        body = f"{sm.month.label}：已完成 {sc.done}/{sc.total} 项，得分 {sc.weighted:.1f}。"
        if sm.review is ReviewState.RETURNED and sm.last_return_comment:
            body += f"\n体系科退回意见：{sm.last_return_comment}（请确认已按意见修改）"
        if left:
            body += f"\n还有 {left} 项未完成，提交后体系科可能退回修改。"
        body += "\n\n提交后由体系科审核。确定提交吗？"
        now = self.ctx.now()
        by = self.ctx.settings.person

        def answer(yes: bool | None) -> None:
            if yes:
                self._change(lambda s: review.submit(s, by, now), f"{sm.month.label}已提交，等待体系科审核")

        self.push_screen(ConfirmModal("提交本月", body, yes="提交"), answer)

    # ── 导出 ──
    def _ask_path(self, title: str, default: Path, suffix: str, then) -> None:  # type: ignore[no-untyped-def]
        """问保存路径：文件夹必须存在；文件已存在时先确认覆盖。"""
        from .confirm import ConfirmModal
        from .path_input import PathSuggester
        from .prompt import PromptModal

        def check(text: str) -> None:
            p = self._target(text, suffix, default.name)
            if not p.parent.is_dir():  # 写了一个还没有的文件夹：替用户新建（失败时说明原因，输入留在框里）
                from .text import os_reason

                try:
                    p.parent.mkdir(parents=True, exist_ok=True)
                except OSError as e:
                    raise InputError(f"文件夹 {p.parent} 不存在，也无法新建（{os_reason(e)}）") from None

        def chosen(text: str | None) -> None:
            if text is None:
                return
            path = self._target(text, suffix, default.name)
            if path.exists():
                self.push_screen(
                    ConfirmModal("文件已存在", f"{path}\n已经存在。要覆盖它吗？（若该文件正在 Word/WPS 中打开，请先关闭）",
                                 yes="覆盖", danger=True),
                    lambda yes: then(path) if yes else None,
                )
            else:
                then(path)

        self.push_screen(PromptModal(title, "保存到", str(default),
                                     hint="可改路径或文件名；右方向键接受补全；文件夹不存在时自动新建。",
                                     commit=check, suggester=PathSuggester(), ok="保存", guard=False), chosen)

    @staticmethod
    def _target(text: str, suffix: str, default_name: str = "") -> Path:
        """用户写的保存路径；只写了文件夹（已有的文件夹，或以 \\ / 结尾）时存到其中，用默认文件名。"""
        t = clean_path_text(text)
        if not t:
            raise InputError("请填写保存路径")
        p = Path(t).expanduser()
        if default_name and (t.endswith(("/", "\\")) or p.is_dir()):
            p = p / default_name
        if p.suffix.lower() != suffix:
            p = p.with_name(p.name + suffix)
        return p

    def action_export_word(self) -> None:
        if not self._has_session():
            return
        assert self.session is not None
        import importlib.util

        if importlib.util.find_spec("exports.submission") is None:
            self.notify("Word 导出功能尚未安装（exports.submission）", severity="warning", timeout=8)
            return
        sm = self.session.sm
        ctx = self.ctx
        name = _default_docx_name(ctx, sm)
        year = [m for m in self.session.all_months() if m.month.year == sm.month.year and m.month < sm.month]

        def run(path: Path) -> None:
            from .task import TaskModal

            def job() -> Path:
                from exports.submission import export_submission

                backup = getattr(ctx.store, "backup", None)
                if backup is not None and not ctx.store.read_only:
                    try:  # 导出前备份本科室有改动的数据文件；备份失败不妨碍导出
                        backup("export", sections=[sm.section_id])
                    except (CreditCheckError, OSError):
                        pass

                ledger_rows: dict[str, list[dict]] = {}  # type: ignore[type-arg]
                for kind in sm.ledgers:
                    try:
                        rows = ctx.store.load_ledger(sm.section_id, sm.month, kind)
                    except (CreditCheckError, OSError):
                        rows = None
                    if rows is not None:
                        ledger_rows[kind] = rows
                out = export_submission(ctx.catalog, ctx.calendar, sm, ctx.settings, path, now=ctx.now(),
                                        template=Path(ctx.settings.template) if ctx.settings.template else None,
                                        ledger_rows=ledger_rows, year_months=year)
                return Path(out)

            self.push_screen(TaskModal("导出 Word 报送材料", job, ctx.open, "正在生成 Word 文件，请稍候……"))

        self._ask_path("导出 Word 报送材料", ctx.export_dir / name, ".docx", run)

    def action_export_ics(self) -> None:
        if not self._has_session():
            return
        assert self.session is not None
        sm = self.session.sm
        ctx = self.ctx
        sec = ctx.section
        name = safe_file_name(f"信用自查期限提醒-{sec.short if sec else sm.section_id}-{sm.month}") + ".ics"

        def run(path: Path) -> None:
            from .task import TaskModal

            obligations = self.session.obligations() if self.session else []

            def job() -> Path:
                from exports.ics import write_ics

                return write_ics(path, obligations, ctx.catalog, now=ctx.now())

            self.push_screen(TaskModal("导出日历提醒", job, ctx.open, "正在写日历文件……"))

        self._ask_path("导出日历提醒（.ics）", ctx.export_dir / name, ".ics", run)

    def import_ledger(self, kind: str, initial: str | None = None) -> None:
        """导入 Excel 台账（exports.ledger_io）：在线程里读和检查，存入台账文件与本月摘要。

        读不了（不是 Excel、表头不对……）时，关掉说明后重新打开路径对话框，刚才写的路径还在，改一下再导入。"""
        from .path_input import PathSuggester
        from .prompt import PromptModal

        if not self._has_session() or not self.can_edit():
            return
        assert self.session is not None
        ctx = self.ctx
        session = self.session

        def chosen(text: str | None) -> None:
            if not text:
                return
            path = Path(clean_path_text(text)).expanduser()
            from .task import TaskModal

            def job() -> Path:
                from exports.ledger_io import import_ledger

                now = ctx.now()
                result = import_ledger(path, kind, ctx.catalog, ctx.calendar, now.date())
                imported_at = now.isoformat(timespec="seconds")
                meta = {"file": path.name, "path": str(path.resolve()), "sheet": result.sheet, "imported_at": imported_at,
                        "header_row": result.header_row,
                        "problems": [p.to_json() | {"kind": p.kind} for p in result.problems]}
                ctx.store.save_ledger(session.sm.section_id, session.month, kind, result.rows, meta)
                summary = result.summary(path.name, imported_at)
                self.call_from_thread(self._store_ledger_summary, kind, summary)
                return path

            def finished(result: Path | None) -> None:
                self._refresh_screen()
                if result is None:
                    self.import_ledger(kind, text)

            self.push_screen(TaskModal("导入台账", job, ctx.open, "正在读取并检查 Excel 台账……",
                                       "已导入并检查完毕（行数、问题和各项比率见本页“台账”一栏）："), finished)

        def check(text: str) -> None:
            p = Path(clean_path_text(text)).expanduser()
            if not p.is_file():
                raise InputError(f"文件不存在：{p}")

        self.push_screen(PromptModal("导入台账", "Excel 台账文件（.xlsx；右方向键接受路径补全）",
                                     initial if initial is not None else str(ctx.export_dir) + os.sep,
                                     commit=check, suggester=PathSuggester(),
                                     ok="导入", guard=False), chosen)

    def _store_ledger_summary(self, kind: str, summary: dict) -> None:  # type: ignore[type-arg]
        def mutate(sm) -> None:  # type: ignore[no-untyped-def]
            sm.ledgers[kind] = dict(summary)

        self._change(mutate, "台账已导入")

    # ── 体系科 ──
    def action_coordinator(self, name: str) -> None:
        if not self.ctx.is_coordinator:
            self.notify("本机不是体系科，没有这个功能", severity="warning")
            return
        try:
            module = importlib.import_module("screens.coordinator")
        except ModuleNotFoundError as e:
            if e.name and e.name.startswith("screens.coordinator"):
                self.notify("体系科的总览、审核、排名尚未提供", severity="warning", timeout=6)
                return
            raise
        cls = getattr(module, name, None)
        if cls is None:
            self.notify("该功能尚未提供", severity="warning", timeout=6)
            return
        self.push_screen(cls(self.ctx))


_KEY_NAMES = {"escape": "Esc", "delete": "Delete", "enter": "回车", "backspace": "退格",
              "left_square_bracket": "[", "right_square_bracket": "]", "question_mark": "?"}


def _key_words(key: str) -> str:
    """ctrl+s -> Ctrl+S，f2 -> F2，d -> d。"""
    parts = key.split("+")
    out = [p.capitalize() for p in parts[:-1]]
    last = parts[-1]
    last = _KEY_NAMES.get(last) or (last.upper() if len(last) == 1 and out or last.startswith("f") and last[1:].isdigit()
                                    else last)
    return "+".join([*out, last])


def _default_docx_name(ctx: AppContext, sm) -> str:  # type: ignore[no-untyped-def]
    try:
        from exports.submission import default_filename

        return default_filename(ctx.catalog, sm.section_id, sm.month)
    except ImportError:
        pass
    sec = ctx.section
    return f"{sec.short if sec else sm.section_id}{sm.month.label}信用状况监测自查材料.docx"

