"""命令面板（Ctrl+P）：每个操作都能在这里用几个字、全拼或拼音首字母找到（“dc”找到“导出”）。"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider

from .text import cell_safe


def warm_pinyin() -> None:
    """在后台线程里导入 pypinyin（第一次约 0.3–1 秒）；已导入时什么也不做。"""
    import sys
    import threading

    if "pypinyin" in sys.modules:
        return

    def load() -> None:
        from creditcheck.pinyin_match import spell

        spell("导出")

    threading.Thread(target=load, name="warm-pinyin", daemon=True).start()


def open_palette(app: App[None]) -> None:
    """打开中文的命令面板（拼音表先在后台线程里载入，打字时不卡）。"""
    warm_pinyin()
    app.push_screen(
        ZhCommandPalette(
            placeholder="输入几个字或拼音查找操作，如：导出、dc、cailiao……", id="--command-palette"
        )
    )


class ZhCommandPalette(CommandPalette):
    """Textual 的命令面板，按键说明与提示换成中文（英文的“No matches found”不出现）。"""

    BINDINGS = [
        Binding("ctrl+end, shift+end", "command_list('last')", "到最后", show=False),
        Binding("ctrl+home, shift+home", "command_list('first')", "到最前", show=False),
        Binding("down", "cursor_down", "下一个", show=False),
        Binding("escape", "escape", "关闭命令面板"),
        Binding("pagedown", "command_list('page_down')", "下一页", show=False),
        Binding("pageup", "command_list('page_up')", "上一页", show=False),
        Binding("up", "command_list('cursor_up')", "上一个", show=False),
    ]

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """没找到时由 CreditCheckCommands 给出一行中文说明，这里不再加英文的“No matches found”。"""


class CreditCheckCommands(Provider):
    """本应用的全部操作；在逐项自查页还包括本页的操作和“打开第几项”。"""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        app = self.app
        run = app.run_action
        yield "逐项自查", "按本科室负责的指标逐项填写", partial(run, "checklist")
        yield "上一个月", "切换到上一个月", partial(run, "month(-1)")
        yield "下一个月", "切换到下一个月", partial(run, "month(1)")
        yield "回到本月", "切换到当前月份", partial(run, "this_month")
        yield (
            "沿用上月材料",
            "把上月的制度文件清单、学习记录、信易批推进情况带到本月",
            partial(run, "copy_previous"),
        )
        yield "提交本月", "把本月自查提交给体系科审核", partial(run, "submit_month")
        yield "导出 Word 报送材料", "生成本月报送体系科的 Word 文件", partial(run, "export_word")
        yield (
            "导出日历提醒（.ics）",
            "把未完成的期限写成日历文件，导入 Outlook、WPS 或手机日历",
            partial(run, "export_ics"),
        )
        yield "设置", "本机科室、专人姓名电话、数据文件夹、Word 字体方案", partial(run, "settings")
        yield "帮助：全部按键", "列出每个按键的作用", partial(run, "help")
        yield "切换配色", "在浅色、深色等配色之间切换", partial(run, "change_theme")
        yield "退出", "关闭本程序（所有修改都已保存）", partial(run, "quit")
        ctx = getattr(app, "ctx", None)
        if ctx is not None and ctx.is_coordinator:
            yield (
                "体系科：各科室总览",
                "各科室 × 各指标的完成情况",
                partial(run, "coordinator('OverviewScreen')"),
            )
            yield (
                "体系科：审核",
                "审核各科室提交的材料（通过或退回修改）",
                partial(run, "coordinator('ReviewScreen')"),
            )
            yield (
                "体系科：排名",
                "按完成度给各科室排名",
                partial(run, "coordinator('RankingScreen')"),
            )
        screen = self.screen
        if screen.__class__.__name__ == "ChecklistScreen":
            srun = screen.run_action
            yield "标记本项已完成", "", partial(srun, "mark_done")
            yield (
                "设置本项状态",
                "未开始、进行中、已完成、不适用（须写理由）",
                partial(srun, "set_status"),
            )
            yield "添加佐证材料", "文件路径、材料日期、说明", partial(srun, "add_evidence")
            yield "打开选中的材料", "用系统默认程序打开", partial(srun, "open_evidence")
            yield "删除选中的材料或事件", "", partial(srun, "remove")
            yield "写备注", "", partial(srun, "note")
            yield "下一项", "", partial(srun, "step(1)")
            yield "上一项", "", partial(srun, "step(-1)")
            yield "跳转到某一项", "", partial(srun, "jump")
            ind = getattr(screen, "ind", None)
            if ind is not None and ind.event_kinds:
                yield "记录事件", "", partial(srun, "add_event")
                yield "填写事件完成时间", "", partial(srun, "finish_event")
            if ind is not None and ind.counts:
                yield (
                    "填写本月数字",
                    "信用核查、联合奖惩应用次数，市场主体数量",
                    partial(srun, "counts"),
                )
            if ind is not None and ind.ledger:
                yield "导入台账", "导入 Excel 台账", partial(srun, "import_ledger")
        session = getattr(app, "session", None)  # 打开着的月份按它自己的目录版本列出各项
        catalog = session.catalog if session is not None else ctx.catalog if ctx else None
        if ctx is not None and catalog is not None and ctx.settings.section_id:
            for ind in catalog.assigned(ctx.settings.section_id):
                yield (
                    f"打开第{ind.id}项 {cell_safe(ind.short)}",
                    cell_safe(ind.title),
                    partial(app.open_checklist, ind.id),  # type: ignore[attr-defined]
                )

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        from creditcheck.pinyin_match import score as pinyin_score

        matcher = self.matcher(query)
        found = False
        for name, help_text, callback in self._commands():
            score = max(matcher.match(name), matcher.match(help_text) * 0.8)
            by_pinyin = (
                max(pinyin_score(query, name), pinyin_score(query, help_text) * 0.8)
                if query.isascii()
                else 0.0
            )
            if score > 0 or by_pinyin > 0:
                found = True
                shown = matcher.highlight(name) if score >= by_pinyin else name
                yield Hit(max(score, by_pinyin), shown, callback, help=help_text)
        if not found and query.strip():
            # 代替 Textual 的英文“No matches found”：说明没找到，并指向全部按键
            yield Hit(
                0.01,
                f"没有找到「{cell_safe(query.strip())}」",
                partial(self.app.run_action, "help"),
                help="换几个字再试，如：导出、材料、提交、事件；或按回车查看全部按键（F1）",
            )
