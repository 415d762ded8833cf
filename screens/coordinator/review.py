"""体系科：审核各科室提交的材料（通过 / 退回修改 / 重新打开）。"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Static

from creditcheck.coordination import Overview, SectionRow
from creditcheck.freeze import content_changed_note
from creditcheck.models import ReviewState, SectionMonth
from creditcheck.month import Month
from creditcheck.review import ACTION_LABELS
from creditcheck.services.reviews import decide

from ..diskwork import SAVING, DiskQueue
from ..text import AppFooter, Plain, cell_safe, short_dt
from .common import REVIEW_VAR, CoordinatorScreen, cell, reviewer


class ReviewScreen(CoordinatorScreen):
    """各科室的报送状态与提交时间；审核通过、退回修改（写意见）、重新打开（写理由）。"""

    KIND = "审核"
    BINDINGS = [
        # 与逐项自查的 A 添加材料、D 标记完成，首页的 U 提交不重复（同一个人都会用到，见 help.KEYMAP）
        Binding("v", "approve", "审核通过"),
        Binding("b", "return_month", "退回修改"),
        Binding("j", "reopen", "重新打开"),
        Binding("enter", "history", "审核记录", show=False),  # 状态行已写明“回车 查看审核记录”
    ]

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="review", cursor_type="row", zebra_stripes=True)

    def compose_later(self) -> list[Widget]:
        return [Plain("", id="review-detail", classes="coord-legend"), AppFooter()]

    def layout_key(self) -> object:
        return self.app.size.width  # 意见一列占剩下的宽度：宽度一变就重排

    def render_overview(self, ov: Overview) -> None:
        table = self.query_one("#review", DataTable)
        keep = table.cursor_row
        first = table.row_count == 0
        table.clear(columns=True)
        columns = [
            ("科室", "section", 18),
            ("审核状态", "state", 8),
            ("提交时间", "at", 11),
            ("完成", "done", 5),
            ("得分", "score", 5),
            ("逾期", "late", 4),
        ]
        # 意见一列占剩下的宽度（最多 40）：80 列时整张表不必左右滚动，意见全文在下方说明里
        used = (
            sum(w + 2 * table.cell_padding for _, _, w in columns) + 2 + 2
        )  # 表格外边距、竖滚动条
        comment = max(8, min(40, self.app.size.width - used - 2 * table.cell_padding))
        self._drawn_for = self.layout_key()
        title = "最近意见或理由" if comment >= 14 else "意见或理由"
        for label, key, width in [*columns, (title, "comment", comment)]:
            table.add_column(label, key=key, width=width)
        for r in ov.rows:
            table.add_row(
                cell_safe(r.name),
                self._styled(
                    r.review.value, REVIEW_VAR[r.review], bold=r.review is ReviewState.SUBMITTED
                ),
                short_dt(r.submitted_at) if r.submitted_at else "",
                cell(r.completion_label, justify="right"),
                cell(f"{r.score.weighted:.1f}", justify="right"),
                self._styled(
                    str(len(r.overdue)),
                    "error" if r.overdue else "foreground-muted",
                    justify="right",
                ),
                cell_safe(last_comment(r.record)),
                key=r.section_id,
            )
        waiting = [i for i, r in enumerate(ov.rows) if r.review is ReviewState.SUBMITTED]
        if first:
            keep = waiting[0] if waiting else 0
        table.move_cursor(row=min(keep, table.row_count - 1))
        approved = sum(1 for r in ov.rows if r.review is ReviewState.APPROVED)
        self.query_one("#coord-status", Static).update(
            f"待审核 {len(waiting)} 个   审核通过 {approved} 个   未报送 {len(ov.not_submitted)} 个   "
            "（V 审核通过  B 退回修改  J 重新打开  回车 查看审核记录）"
        )
        self._describe_row()
        table.focus()

    def _current(self) -> SectionRow | None:
        if self.overview is None:
            return None
        table = self.query_one("#review", DataTable)
        if table.row_count == 0:
            return None
        return self.overview.rows[table.cursor_row]

    @on(DataTable.RowHighlighted, "#review")
    def _describe_row(self) -> None:
        r = self._current()
        box = self.query_one("#review-detail", Plain)
        if r is None:
            box.update("")
            return
        hint = {
            ReviewState.DRAFT: "尚未提交，不能审核。" + ("本月没有记录。" if not r.stored else ""),
            ReviewState.SUBMITTED: "已提交，等待审核：V 审核通过，B 退回修改（须写意见）。",
            ReviewState.APPROVED: "已审核通过并锁定；确需修改时按 J 重新打开（须写理由）。",
            ReviewState.RETURNED: "已退回修改，等待科室重新提交。",
        }[r.review]
        comment = last_comment(r.record)
        if comment and r.review is not ReviewState.DRAFT:
            hint += f"\n{comment}"  # 表格里放不下的长意见，在这里写全
        changed = content_changed_note(r.record)  # 提交或审核通过后内容又变了（指纹不同）
        if changed:
            hint += f"\n{changed}"
        box.update(f"{r.section.name}：{hint}")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        need = {
            "approve": ReviewState.SUBMITTED,
            "return_month": ReviewState.SUBMITTED,
            "reopen": ReviewState.APPROVED,
        }
        if action in need:
            r = self._current() if self.is_mounted else None
            return None if r is None or r.review is not need[action] else True
        return True

    # ── 操作 ──
    def decision(self, section_id: str, action: str, comment: str) -> Callable[[], object]:
        """记录体系科的一个决定（审核通过 / 退回修改 / 重新打开）的那一步写入；在后台线程里做，
        出错时抛 CreditCheckError（不改任何东西）。

        决定只写体系科自己的审核文件（应用层 ``services.reviews.decide``），不写、也不需要占用该科室的文件：
        科室正开着程序时照样可以审核，科室那边下一次读取（换月、保存、每两分钟的检查）时就会看到。
        """
        ctx, month = self.ctx, self.month
        by, now = reviewer(ctx), ctx.now()
        return lambda: decide(ctx.store, ctx.catalog, section_id, month, action, by, now, comment)

    def decided(self, section_id: str, month: Month, done: str) -> None:
        """决定已写好：本机科室自己的这个月时首页立即用上新的审核状态；重读本页。"""
        if self.on_decided is not None:
            self.on_decided(section_id, month)
        if self.is_attached:
            self.refresh_view()
        self.notify(done)

    async def apply(self, section_id: str, action: str, comment: str, done: str) -> None:
        """记录一个决定并等它写好（排在本窗口已发起的读写之后，写时右上角有“正在保存……”）。"""
        month = self.month
        await DiskQueue.of(self.app).run(self.decision(section_id, action, comment), SAVING)
        self.decided(section_id, month, done)

    def action_approve(self) -> None:
        r = self._current()
        if r is None:
            return
        from ..confirm import ConfirmModal

        month = self.month
        done = f"{r.name}{month.label}已审核通过"

        def answered(yes: bool | None) -> None:
            if yes:
                DiskQueue.of(self.app).start(
                    self.decision(r.section_id, "approve", ""),
                    SAVING,
                    done=lambda _: self.decided(r.section_id, month, done),
                    failed=lambda m: self.notify(m, severity="error", timeout=8),
                )

        self.app.push_screen(
            ConfirmModal(
                "审核通过",
                f"确认{r.section.name}{self.month.label}的材料审核通过？\n"
                "通过后本月对该科室锁定；如需修改，须重新打开并填写理由。",
            ),
            answered,
        )

    def action_return_month(self) -> None:
        r = self._current()
        if r is not None:
            self._decide_with_comment(
                r,
                "return",
                f"退回修改：{r.section.name}{self.month.label}",
                "退回意见（必填，会显示在该科室的首页）",
                "如：请补充第6项推进情况的材料",
                "退回",
                f"已退回{r.name}{self.month.label}的材料",
            )

    def action_reopen(self) -> None:
        r = self._current()
        if r is not None:
            self._decide_with_comment(
                r,
                "reopen",
                f"重新打开：{r.section.name}{self.month.label}",
                "理由（必填，记入审核记录与审计日志）",
                "如：台账数据有误，需要更正",
                "重新打开",
                f"已重新打开{r.name}{self.month.label}",
            )

    def _decide_with_comment(
        self,
        r: SectionRow,
        action: str,
        title: str,
        label: str,
        placeholder: str,
        ok: str,
        done: str,
    ) -> None:
        """先问意见或理由（必填），再记录决定（退回修改 / 重新打开）。"""
        from ..prompt import PromptModal

        async def commit(text: str) -> None:
            await self.apply(r.section_id, action, text, done)

        self.app.push_screen(
            PromptModal(title, label, placeholder=placeholder, commit=commit, ok=ok)
        )

    @on(DataTable.RowSelected, "#review")
    def action_history(self) -> None:
        r = self._current()
        if r is not None:
            self.app.push_screen(HistoryModal(r))


def last_comment(sm: SectionMonth) -> str:
    """最近一条带文字的审核记录：“退回：……”“重新打开：……”。"""
    for h in reversed(sm.history):
        if h.comment and h.action in ("return", "reopen", "approve"):
            return f"{ACTION_LABELS[h.action]}：{h.comment}"
    return ""


class HistoryModal(ModalScreen[None]):
    """一个科室一个月的审核记录（含退回意见与重新打开的理由）。"""

    BINDINGS = [Binding("escape,enter,q", "close", "关闭")]

    def __init__(self, row: SectionRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        r = self.row
        lines = [f"当前状态：{r.review.value}", ""]
        for h in r.record.history:
            who = f"  {h.by}" if h.by else ""
            what = (
                f"  {'理由' if h.action == 'reopen' else '意见'}：{h.comment}" if h.comment else ""
            )
            lines.append(
                f"{h.at:%Y-%m-%d %H:%M}  {ACTION_LABELS.get(h.action, h.action)}{who}{what}"
            )
        if not r.record.history:
            lines.append("还没有审核记录。")
        with Vertical(classes="dialog wide"):
            yield Plain(
                f"审核记录：{r.section.name}  {r.record.month.label}", classes="dialog-title"
            )
            with VerticalScroll(classes="dialog-body"):
                yield Plain("\n".join(lines), id="history")
            yield Static("Esc 或回车关闭。", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
