"""某科室某个月的记录：读出、在副本上修改、立即保存；保存失败时原记录不变，界面保留用户填写的内容。

业务规则都在 creditcheck.checklist / review 里；这里只负责“改一份副本 → 写盘 → 成功后换上”，
以及按月份选目录版本、把存储层的提示交给界面。界面的首页、逐项自查和命令行都经由这里读写本科室的月份。

读盘的只有：构造（读这个月和科室的各月）、``reload``、``refresh_months``、``previous``、``change``、
``refresh_review``、``import_ledger``；界面在后台线程里调用它们。其余（``all_months``、``standing``、
``obligations``……）只用内存里的，界面线程上随时可以调用，不碰数据文件夹。
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from creditcheck.completion import MonthStanding, assess
from creditcheck.errors import CreditCheckError, StaleRecordError
from creditcheck.models import SectionMonth
from creditcheck.month import Month
from creditcheck.obligations import Obligation, QuotaLine, obligations_for, quota_lines
from creditcheck.oserrors import os_reason

from .stamps import Stamp, section_stamp
from .workspace import Workspace

if TYPE_CHECKING:
    from creditcheck.ledger import LedgerResult

R = TypeVar("R")

QUIET_NOTICES = ("locked", "stale-lock")
"""这两种存储提示由只读横幅说明，不再另外弹出。"""


class SaveError(CreditCheckError):
    """保存失败（只读、磁盘错误……）；消息为中文。"""


class MonthSession:
    """本机科室某个月的记录。

    ``catalog`` 是这个月填报时所用的目录版本（换月不改 ``Workspace.catalog``：每个屏幕从它显示的
    月份取目录，旧月份的版本不会漏到新月份上）。

    ``all_months()`` 是科室的全部月份（读好放在内存里）；``refresh_months()`` 在科室文件夹里的文件
    有变化（文件戳不同）时才重读，``reads`` 数着真正读盘的次数（没有改动时不读）。"""

    def __init__(
        self,
        ws: Workspace,
        month: Month,
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        self.ws = ws
        self.month = month
        self.catalog = ws.catalog
        """这个月所用的目录版本（读出后按该月记下的版本定）。"""
        self.on_notice = on_notice
        """存储层需要告诉用户的事（文件损坏已移开、占用被接管……）交给界面显示。"""
        self.reads = 0
        """真正读取科室全部月份的次数（基准测试与测试用）。"""
        self._months: tuple[Stamp, list[SectionMonth]] | None = None
        self._ledgers: dict[tuple[str, str], dict[str, Any] | None] = {}
        """读过的台账导入记录：（种类, 导入时间）→ 记录；再导入一次（时间变了）才重读。"""
        self.sm = self._load(month)
        self.refresh_months()

    # ── 读 ──
    def _load(self, month: Month) -> SectionMonth:
        ws = self.ws
        sid = ws.settings.section_id
        base = ws.catalog
        try:
            sm = ws.store.load_month(sid, month, base.version)
        except OSError as e:
            raise SaveError(f"读取数据失败：{os_reason(e)}") from None
        finally:
            self.deliver_notices()
        stored = sm.catalog_version if (sm.entries or sm.history) else ""
        cat = ws.catalog_for(sm.month, stored)
        if month == self.month:  # 上个月（沿用上月材料）只读来看，不换目录
            self.catalog = cat  # 这个月按它填报时所用的目录版本显示、计算和导出
        if not stored:
            sm.catalog_version = cat.version
        if not sm.person:
            sm.person = ws.settings.person
            sm.phone = ws.settings.phone
        return sm

    def deliver_notices(self) -> None:
        """存储层攒下的提示（文件损坏已移开、占用被接管……）交给 ``on_notice``。"""
        if self.on_notice is None:
            return
        for n in self.ws.store.take_notices():
            if n.kind not in QUIET_NOTICES:
                self.on_notice(str(n))

    def reload(self) -> None:
        """重读这个月（与科室的各月，文件变了才读）。读盘：在后台线程里调用。"""
        self.sm = self._load(self.month)
        self.refresh_months()

    def previous(self) -> SectionMonth:
        return self._load(self.month.prev())

    def refresh_months(self) -> None:
        """科室文件夹里的文件变了（文件戳不同）时重读科室的各月；没变时一个文件也不读。读盘。"""
        sid = self.ws.settings.section_id
        store = self.ws.store
        stamp = section_stamp(store, sid)
        if self._months is None or self._months[0] != stamp:
            try:
                months = store.months(sid)
            except (CreditCheckError, OSError):
                months = []
            self.reads += 1
            self._months = (stamp, months)

    def all_months(self) -> list[SectionMonth]:
        """该科室已保存的各月（本月用内存中的最新记录）。不读盘：用上次 ``refresh_months`` 读到的。"""
        known = self._months[1] if self._months is not None else []
        out = [m for m in known if m.month != self.month]
        out.append(self.sm)
        return sorted(out, key=lambda m: m.month)

    def obligations(self) -> list[Obligation]:
        ws = self.ws
        return obligations_for(
            self.catalog,
            ws.calendar,
            self.sm,
            ws.now(),
            ws.settings.horizon_days,
            records=self.all_months(),
        )

    def standing(self) -> MonthStanding:
        """本月的事实：义务、各指标完成情况、得分（与总览、文档同一计算）。"""
        ws = self.ws
        return assess(
            self.catalog,
            ws.calendar,
            self.sm,
            ws.now(),
            self.all_months(),
            ws.settings.horizon_days,
        )

    def quota_lines(self) -> list[QuotaLine]:
        return quota_lines(self.catalog, self.ws.settings.section_id, self.all_months(), self.month)

    def ledger_record(self, kind: str) -> tuple[bool, dict[str, Any] | None]:
        """本月这种台账的导入记录（含各行与问题）：（读过没有, 记录）。不读盘。"""
        key = (kind, str((self.sm.ledgers.get(kind) or {}).get("imported_at", "")))
        return (key in self._ledgers, self._ledgers.get(key))

    def load_ledger_record(self, kind: str) -> dict[str, Any] | None:
        """读本月这种台账的导入记录并记下（读不了时为 None）。读盘：在后台线程里调用。"""
        key = (kind, str((self.sm.ledgers.get(kind) or {}).get("imported_at", "")))
        try:
            record = self.ws.store.load_ledger_record(self.sm.section_id, self.month, kind)
        except (CreditCheckError, OSError):
            record = None
        self._ledgers[key] = record
        return record

    def refresh_review(self) -> str | None:
        """体系科在此期间作了新决定时换上新的审核状态，返回给用户看的一句话；没变化时不读文件。"""
        return self.ws.store.refresh_review(self.sm)

    # ── 写 ──
    def import_ledger(self, kind: str, path: Path, sheet: str | None = None) -> LedgerResult:
        """导入本月的一份 Excel 台账（与命令行 ``ledger import`` 存成同样的记录）。可在后台线程里调用。"""
        from .ledgers import read_ledger, record_import

        ws = self.ws
        now = ws.now()
        result = read_ledger(
            path,
            kind,
            self.catalog,
            ws.calendar,
            now.date(),
            sheet,
            data_dir=ws.data_dir,
            month=self.month,
        )
        self.change(
            lambda draft: record_import(ws.store, draft, result, path, now, ws.settings.person)
        )
        return result

    def change(self, mutate: Callable[[SectionMonth], R]) -> R:
        """在副本上执行修改并保存；任何一步出错都抛出中文错误，已保存的记录不受影响。"""
        ws = self.ws
        if ws.store.open_session():
            # 仓库是推迟打开的（首页画好后才取锁）而这是取锁后的第一次修改：按锁内的盘上内容重读
            self.sm = self._load(self.month)
        if ws.read_only:
            raise SaveError("只读：" + ws.read_only_reason)
        draft = copy.deepcopy(self.sm)
        outcome = mutate(draft)
        draft.person = ws.settings.person or draft.person
        draft.phone = ws.settings.phone or draft.phone
        try:
            result = ws.store.save_month(draft, actor=ws.settings.person)
        except StaleRecordError as e:
            # 别处在此期间保存过这个月：换上盘上最新的一版，请用户在它之上再改一次（什么也没写）
            self.deliver_notices()
            try:
                self.sm = self._load(self.month)
            except (CreditCheckError, OSError):
                pass
            raise SaveError(
                "该月数据已在别处更改，已重新载入最新内容；刚才的修改未保存，请再改一次。"
            ) from e
        except CreditCheckError as e:
            self.deliver_notices()
            from creditcheck.review import ReviewConflictError

            if isinstance(e, ReviewConflictError):
                # 体系科在此期间作了决定（如已审核通过并锁定）：换上最新的审核状态，原样说明
                try:
                    ws.store.refresh_review(self.sm)
                except (CreditCheckError, OSError):
                    pass
                raise SaveError(f"{e}。") from None
            raise SaveError(f"保存失败：{e}。您填写的内容仍在，可稍后重试。") from None
        except OSError as e:
            raise SaveError(
                f"保存失败：{os_reason(e)}（{getattr(e, 'filename', '') or ws.data_dir}）。"
                "您填写的内容仍在，可稍后重试。"
            ) from None
        self.sm = draft
        for n in result.notices or []:
            if self.on_notice is not None:
                self.on_notice(str(n))
        self.deliver_notices()
        self.refresh_months()  # 自己刚写的文件：各月随之更新（仍在调用者的线程里）
        return outcome
