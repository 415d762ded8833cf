"""首页与逐项自查里本月的操作：沿用上月、提交与撤回、导出 Word 与日历、导入台账、接管占用。

每个操作只做界面上的事（问路径、确认、显示进度和结果）；读写数据文件夹都交给应用层
（creditcheck/services/），并在后台线程里按发起的先后做（``app.disk``，费时的在 ``TaskModal`` 里），
画面照常响应按键。
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from creditcheck.errors import CreditCheckError, InputError
from creditcheck.filenames import clean_path_text
from creditcheck.models import ReviewState

from .diskwork import SAVING

if TYPE_CHECKING:
    from creditcheck.catalog import Indicator
    from creditcheck.completion import IndicatorStanding, MonthStanding
    from creditcheck.ledger import LedgerResult
    from creditcheck.models import SectionMonth
    from creditcheck.month import Month
    from creditcheck.settings import Settings

    from .app import CreditCheckApp


def on_app(
    do: Callable[[CreditCheckApp], None],
    *,
    session: bool = True,
    edit: bool = False,
    submitting: bool = False,
) -> Callable[[CreditCheckApp], None]:
    """把这里的一个操作做成 App 的动作：先确认打开了月份（``session``）、能修改（``edit``），不能时已说明。"""

    def action(app: CreditCheckApp) -> None:
        if (not session or has_session(app)) and (not edit or can_edit(app, submitting=submitting)):
            do(app)

    action.__doc__ = do.__doc__
    return action


def save(app: CreditCheckApp, mutate: Callable[[SectionMonth], object], success: str = "") -> None:
    """在后台线程里保存本月的一次修改（排在已发起的保存之后）；成功时提示 ``success`` 并重画，
    失败时说明原因，记录不变。"""
    session = app.current

    def done(_: object) -> None:
        if success:
            app.notify(success, timeout=5)
        app.month_changed()

    app.disk.start(
        lambda: session.change(mutate), SAVING, done=done, failed=lambda m: unsaved(app, m)
    )


def unsaved(app: CreditCheckApp, message: str) -> None:
    """保存失败的说明（已保存的记录不变）。"""
    app.notify(message, title="未保存", severity="error", timeout=10)


class NothingToCopy(InputError):
    """上月没有可沿用的材料（不是错误：说明原因，什么也不改）。"""


def copy_previous(app: CreditCheckApp) -> None:
    """把上月可沿用的材料（制度文件清单、学习记录、信易批推进情况）抄到本月还空着的项目。

    读上月、改本月、保存都在后台线程里做；没有可沿用的时说明原因，什么也不改。"""
    from creditcheck.checklist import copy_from_previous

    session = app.current
    now = app.ctx.now()
    prev_label = session.month.prev().label

    def job() -> list[int] | str:
        prev = session.previous()
        copied: list[int] = []

        def mutate(sm: SectionMonth) -> None:
            copied.extend(copy_from_previous(prev, sm, session.catalog, now))
            if not copied:
                raise NothingToCopy(
                    f"{prev.month.label}没有记录，没有可沿用的材料。"
                    if not prev.entries
                    else f"{prev.month.label}没有可沿用的制度文件清单、学习记录或信易批推进情况，"
                    "或本月这些项目已经有内容（已有的不会被覆盖）。"
                )

        try:
            session.change(mutate)
        except NothingToCopy as e:
            return str(e)
        return copied

    def done(copied: list[int] | str) -> None:
        if isinstance(copied, str):
            app.notify(copied, title="沿用上月", severity="warning", timeout=8)
            return
        names = "、".join(f"第{i}项" for i in copied)
        app.notify(
            f"已从{prev_label}沿用：{names}。请逐项核对后标记完成。",
            title="已沿用上月材料",
            timeout=8,
        )
        app.month_changed()

    app.disk.start(job, SAVING, done=done, failed=lambda m: unsaved(app, m))


def submit_month(app: CreditCheckApp) -> None:
    """提交本月（先确认）；已提交、尚未审核时改为问要不要撤回。"""
    from creditcheck import review

    from .confirm import ConfirmModal

    session = app.session
    assert session is not None
    sm = session.sm
    ctx = app.ctx
    if sm.review is ReviewState.SUBMITTED:
        # 已提交、尚未审核：不用再提交；发现还要修改时可以撤回，改好后再按 U 提交
        at = sm.submitted_at
        when = f"已于{at.month}月{at.day}日 {at.hour:02d}:{at.minute:02d}提交" if at else "已提交"
        who = ctx.settings.person

        def withdraw(yes: bool | None) -> None:
            if yes:
                save(
                    app,
                    lambda s: review.withdraw(s, who, ctx.now()),
                    f"{sm.month.label}已撤回，修改后按 U 重新提交",
                )

        app.push_screen(
            ConfirmModal(
                "已提交",
                f"{sm.month.label}{when}，正在等待体系科审核，不用再提交。\n\n"
                "如果发现还要修改，可以撤回提交：撤回后修改，改好再按 U 提交。要撤回吗？",
                yes="撤回提交",
                no="不撤回",
            ),
            withdraw,
        )
        return
    month = session.standing()  # 与首页、总览、Word 报送材料同一计算
    sc = month.score
    left = sc.total - sc.done
    body = f"{sm.month.label}：已完成 {sc.done}/{sc.total} 项，得分 {sc.weighted:.1f}。"
    if sm.review is ReviewState.RETURNED and sm.last_return_comment:
        body += f"\n体系科退回意见：{sm.last_return_comment}（请确认已按意见修改）"
    if left:
        body += f"\n还有 {left} 项未完成，提交后体系科可能退回修改：\n" + "\n".join(
            unfinished_lines(session.catalog.assigned(sm.section_id), month)
        )
    body += "\n\n提交后由体系科审核。确定提交吗？"
    now = ctx.now()
    by = ctx.settings.person

    def answer(yes: bool | None) -> None:
        if yes:
            save(
                app, lambda s: review.submit(s, by, now), f"{sm.month.label}已提交，等待体系科审核"
            )

    app.push_screen(ConfirmModal("提交本月", body, yes="提交"), answer)


SUBMIT_LIST_MAX = 6
"""提交确认里最多逐条列出几项未完成的指标（再多时写“另有 N 项”，对话框在 80×24 的窗口里也放得下）。"""


def only_confirm(st: IndicatorStanding) -> str:
    """这一项只差专人确认时的说法（按 D 标记完成即可）；还差别的时为空。"""
    from creditcheck.completion import CellState

    if st.ready_to_confirm:
        return "该办的都已办结，只差确认"
    ind = st.indicator
    if (
        ind.confirmation_only
        and not st.open
        and st.state in (CellState.NOT_STARTED, CellState.IN_PROGRESS)
    ):
        what = "；".join(r.what for r in ind.reminder_rules) or "确认本月情况"
        return f"只需{what}" if what.startswith("确认") else f"只需确认：{what}"
    return ""


def unfinished_lines(
    indicators: Iterable[Indicator], month: MonthStanding, limit: int = SUBMIT_LIST_MAX
) -> list[str]:
    """提交确认里的未完成指标，一项一行：只差确认的在前（写明按 D 确认），其余写明状态。"""
    from creditcheck.completion import CellState

    ready: list[str] = []
    others: list[str] = []
    for ind in indicators:
        st = month.indicator(ind.id)
        if not st.counts or st.state is CellState.DONE:
            continue
        confirm = only_confirm(st)
        if confirm:
            ready.append(f"· 第{ind.id}项 {ind.short}：{confirm}")
        else:
            others.append(f"· 第{ind.id}项 {ind.short}：{st.label}")
    lines = ready + others
    if len(lines) > limit:
        rest = len(lines) - (limit - 1)
        lines = lines[: limit - 1] + [f"· 另有 {rest} 项（按 C 逐项自查查看）"]
    if ready:
        lines.append("只差确认的：按 C 逐项自查，到这一项时按 D 标记完成。")
    return lines


# ── 导出 ──
def target_path(text: str, suffix: str, default_name: str = "") -> Path:
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


def ask_save_path(
    app: CreditCheckApp, title: str, default: Path, suffix: str, then: Callable[[Path], None]
) -> None:
    """问保存路径：文件夹不存在时替用户新建；文件已存在时先确认覆盖。"""
    from .confirm import ConfirmModal
    from .path_input import PathSuggester
    from .prompt import PromptModal

    def check(text: str) -> None:
        p = target_path(text, suffix, default.name)
        if (
            not p.parent.is_dir()
        ):  # 写了一个还没有的文件夹：替用户新建（失败时说明原因，输入留在框里）
            from .text import os_reason

            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise InputError(
                    f"文件夹 {p.parent} 不存在，也无法新建（{os_reason(e)}）"
                ) from None

    def chosen(text: str | None) -> None:
        if text is None:
            return
        path = target_path(text, suffix, default.name)
        if path.exists():
            app.push_screen(
                ConfirmModal(
                    "文件已存在",
                    f"{path}\n已经存在。要覆盖它吗？（若该文件正在 Word/WPS 中打开，请先关闭）",
                    yes="覆盖",
                    danger=True,
                ),
                lambda yes: then(path) if yes else None,
            )
        else:
            then(path)

    app.push_screen(
        PromptModal(
            title,
            "保存到",
            str(default),
            hint="可改路径或文件名；右方向键接受补全；文件夹不存在时自动新建。",
            commit=check,
            suggester=PathSuggester(),
            ok="保存",
            guard=False,
        ),
        chosen,
    )


def export_word(app: CreditCheckApp) -> None:
    """导出本月的 Word 报送材料：与命令行 ``export submission`` 是同一个实现（services.documents）。"""
    from creditcheck.services import documents

    from .task import TaskModal

    session = app.session
    assert session is not None
    ctx = app.ctx
    sid, month = session.sm.section_id, session.month
    name = documents.submission_file_name(session.catalog, sid, month)

    def run(path: Path) -> None:
        def job() -> Path:
            return documents.export_submission(
                ctx.store,
                ctx.catalog,
                ctx.data_dir,
                ctx.calendar,
                ctx.settings,
                sid,
                month,
                path,
                ctx.now(),
            ).path

        app.push_screen(
            TaskModal(
                "导出 Word 报送材料",
                job,
                ctx.open,
                "正在生成 Word 文件，请稍候……",
                disk=app.disk,
            )
        )

    ask_save_path(app, "导出 Word 报送材料", ctx.export_dir / name, ".docx", run)


def export_ics(app: CreditCheckApp) -> None:
    """把本月的期限导出成日历文件（.ics）。"""
    from creditcheck.services import documents

    from .task import TaskModal

    session = app.session
    assert session is not None
    ctx = app.ctx
    sm = session.sm
    sec = ctx.section
    name = documents.calendar_file_name(sec.short if sec else sm.section_id, sm.month)

    def run(path: Path) -> None:
        obligations = session.obligations()

        def job() -> Path:
            return documents.export_calendar(path, obligations, session.catalog, ctx.now())

        app.push_screen(TaskModal("导出日历提醒", job, ctx.open, "正在写日历文件……"))

    ask_save_path(app, "导出日历提醒（.ics）", ctx.export_dir / name, ".ics", run)


def import_ledger(app: CreditCheckApp, kind: str, initial: str | None = None) -> None:
    """导入 Excel 台账：在线程里读、检查并存入（services.ledgers，与命令行 ``ledger import`` 同一种记录）。

    读不了（不是 Excel、表头不对……）时，关掉说明后重新打开路径对话框，刚才写的路径还在，改一下再导入。"""
    from .path_input import PathSuggester
    from .prompt import PromptModal
    from .task import TaskModal

    session = app.session
    assert session is not None
    ctx = app.ctx

    def chosen(text: str | None) -> None:
        if not text:
            return
        path = Path(clean_path_text(text)).expanduser()

        results: list[LedgerResult] = []

        def job() -> Path:
            results.append(session.import_ledger(kind, path))
            return path

        def said(done: Path) -> str:
            sec = ctx.section
            where = f"{sec.short if sec else ''} {session.month.label} ".lstrip()
            return imported_text(results[-1], done, where) if results else f"已导入：\n{done}"

        def finished(result: Path | None) -> None:
            app.month_changed()
            if result is None:
                import_ledger(app, kind, text)

        app.push_screen(
            TaskModal(
                "导入台账",
                job,
                ctx.open,
                "正在读取并检查 Excel 台账……",
                said,
                disk=app.disk,
                opens_by_default=False,  # 回车是“知道了”：刚导入的文件不必再打开
            ),
            finished,
        )

    def check(text: str) -> None:
        p = Path(clean_path_text(text)).expanduser()
        if not p.is_file():
            raise InputError(f"文件不存在：{p}")

    app.push_screen(
        PromptModal(
            "导入台账",
            "台账文件（.xlsx/.xls/.et/.ods/.csv；右方向键接受路径补全）",
            initial if initial is not None else str(ctx.export_dir) + os.sep,
            commit=check,
            suggester=PathSuggester(),
            ok="导入",
            guard=False,
        ),
        chosen,
    )


def imported_text(result: LedgerResult, path: Path, where: str = "") -> str:
    """导入台账后对话框里的说明：与命令行 ``ledger import`` 说法相同（同一个导入结果的
    ``rows_in_month`` / ``rows_other_months``，其他月份的行放在一边时说清楚），再加上注意事项。"""
    lines = [f"已导入：{where}{result.spec.title}，{result.rows_text}。"]
    lines += [f"注意：{note}" for note in result.notes]
    n = len(result.problems)
    lines.append(
        f"发现 {n} 个问题，逐条列在本页“台账”一栏。"
        if n
        else "没有发现问题；各项比率见本页“台账”一栏。"
    )
    lines.append(f"文件：{path}")
    return "\n".join(lines)


def take_over(app: CreditCheckApp) -> None:
    """接管失效的占用（对方程序已不在运行）：先说明占用者和失效的原因，确认后接管。"""
    from .confirm import ConfirmModal

    ctx = app.ctx
    if not ctx.lock_stale:
        return

    def taken(_: object) -> None:
        app.notify("已接管，本窗口现在可以修改", timeout=5)
        app.month_changed()

    def answer(yes: bool | None) -> None:
        if yes:
            app.disk.start(
                ctx.store.take_over,
                SAVING,
                done=taken,
                failed=lambda m: app.notify(m, severity="error", timeout=10),
            )

    holder, why = ctx.store.lock_holder, ctx.store.lock_stale_reason
    if holder and why:
        body = (
            f"本科室的数据登记为{holder}。\n这个占用看来已失效：{why}。\n\n"
            "请确认那台电脑上的程序已经关闭，再接管。接管后本窗口可以修改；"
            "对方的程序若其实还开着，它之后的保存会被拒绝，不会覆盖您的修改。"
        )
    else:
        body = ctx.read_only_reason + "\n\n请确认那台电脑上的程序已经关闭，再接管。"
    app.push_screen(ConfirmModal("接管数据", body, yes="接管"), answer)


# ── 守卫与设置 ──
def has_session(app: CreditCheckApp) -> bool:
    """打开了月份没有（首次设置完成之前、启动时读好之前没有）；没有时说明。"""
    if app.session is None:
        if app.wanted is not None:
            app.notify("正在读取本月的记录，请稍候", timeout=3)
        elif not app.ctx.settings.configured:
            app.notify("请先完成本机设置", severity="warning")
        else:
            app.notify(
                "本月的记录没有读出来（原因见刚才的提示）；按 T 重新读取", severity="warning"
            )
    return app.session is not None


def can_edit(app: CreditCheckApp, submitting: bool = False) -> bool:
    """本窗口能不能修改本月：只读（别处占用）或已审核通过锁定时，先说明，不打开表单（免得填完才知道存不了）。"""
    ctx = app.ctx
    if ctx.read_only:
        take = "；对方的程序看来已关闭时，可在首页按 Ctrl+T 接管" if ctx.lock_stale else ""
        app.notify(
            ctx.read_only_reason + take, title="只读，不能修改", severity="warning", timeout=10
        )
        return False
    if app.session is not None and app.session.sm.locked:
        app.notify(
            "本月已审核通过并锁定，只能查看；如需修改，请体系科重新打开。",
            title="不能修改",
            severity="warning",
            timeout=8,
        )
        return False
    if (
        not submitting
        and app.session is not None
        and app.session.sm.review is ReviewState.SUBMITTED
    ):
        # 提交即冻结：说明已提交，并提出先撤回（与 U 在已提交时的做法一样）
        submit_month(app)
        return False
    return True


def first_open_indicator(app: CreditCheckApp) -> int | None:
    """逐项自查从哪一项开始：第一个既没完成、也没标为不适用的本科室指标。"""
    from creditcheck.models import Status

    session = app.current
    entries = session.sm.entries
    for ind in session.catalog.assigned(app.ctx.settings.section_id):
        e = entries.get(ind.id)
        if e is None or e.status not in (Status.DONE, Status.NOT_APPLICABLE):
            return ind.id
    return None


def open_settings(app: CreditCheckApp) -> None:
    """设置对话框；保存后换上新设置（数据文件夹或科室变了就重新打开数据），重读本月。"""
    from . import month_io
    from .messages import SettingsSaved
    from .setup import SetupScreen

    def applied(changed: bool) -> None:
        if app.session is not None:
            month_io.load(app, app.session.month)  # 按新设置（科室、文件夹）重读
        else:
            app.start()
        app.notify("设置已保存" + ("，已改用新的数据文件夹" if changed else ""), timeout=4)
        app.post_message(SettingsSaved(changed))

    def done(new: Settings | None) -> None:
        if new is not None:
            app.apply_settings(new, applied)

    app.push_screen(SetupScreen(app.ctx, first_run=False), done)


# ── 体系科与心跳 ──
def open_coordinator(app: CreditCheckApp, name: str) -> None:
    """打开体系科的总览、审核或排名（O / R / K）；三个屏幕共用一个读取器。"""
    from creditcheck.services.overview import OverviewService

    from .coordinator import SCREENS

    ctx = app.ctx
    if not ctx.is_coordinator:
        app.notify("本机不是体系科，没有这个功能", severity="warning")
        return
    if app.overview_service is None:
        app.overview_service = OverviewService(ctx.store, ctx.catalog, ctx.calendar, ctx.data_dir)

    def decided(section_id: str, month: Month) -> None:
        # 是本机科室正打开的这个月时重读它：首页立即用上新的审核状态，之后的保存也不会覆盖它
        if (
            section_id == ctx.settings.section_id
            and app.session is not None
            and app.session.month == month
        ):
            app.reload_month()

    month = app.session.month if app.session is not None else None
    app.push_screen(SCREENS[name](ctx, month, overview=app.overview_service, on_decided=decided))


def heartbeat(app: CreditCheckApp) -> None:
    """在后台线程里（排在本窗口的读写之后）：刷新占用心跳；体系科作了新决定时换上新的审核状态并提示（审核文件没变时不读）。"""

    def beat() -> str | None:
        try:
            app.ctx.store.heartbeat()
        except (CreditCheckError, OSError):
            pass  # 心跳失败不影响使用；下次保存时存储层会说明
        session = app.session
        if session is None:
            return None
        try:
            news = session.refresh_review()
            session.refresh_months()  # 科室的文件变了才重读（如别处接管后保存过）
        except (CreditCheckError, OSError):
            return None  # 读不到时下次再看；保存时存储层还会再核对一次
        return news

    def done(news: str | None) -> None:
        if news:
            app.notify(news, title="体系科审核", severity="warning", timeout=30)
            app.month_changed()

    if not app.disk.busy:  # 上一次还没做完（共享文件夹很慢）时不再排一次
        app.disk.start(beat, "", done=done)  # 与保存同一个队列：不会在保存的同时改本月的审核状态
