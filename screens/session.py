"""当前打开的那个月：读出、在副本上修改、立即保存；保存失败时原记录不变，界面保留用户填写的内容。

业务规则都在 creditcheck.checklist / review 里；这里只负责“改一份副本 → 写盘 → 成功后换上”。
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TypeVar

from creditcheck.catalog import Catalog
from creditcheck.completion import MonthStanding, assess
from creditcheck.errors import CreditCheckError
from creditcheck.models import SectionMonth
from creditcheck.month import Month
from creditcheck.obligations import Obligation, QuotaLine, obligations_for, quota_lines
from creditcheck.oserrors import os_reason

from .context import AppContext

R = TypeVar("R")


class SaveError(CreditCheckError):
    """保存失败（只读、磁盘错误……）；消息为中文。"""


class MonthSession:
    """本机科室某个月的记录。"""

    def __init__(self, ctx: AppContext, month: Month, on_notice: Callable[[str], None] | None = None) -> None:
        self.ctx = ctx
        self.month = month
        self.on_notice = on_notice
        """存储层需要告诉用户的事（文件损坏已移开、占用被接管……）交给界面显示。"""
        self.sm = self._load(month)

    def _load(self, month: Month) -> SectionMonth:
        sid = self.ctx.settings.section_id
        base = self._base_catalog()
        try:
            sm = self.ctx.store.load_month(sid, month, base.version)
        except OSError as e:
            raise SaveError(f"读取数据失败：{os_reason(e)}") from None
        finally:
            self._notices()
        self._use_catalog_of(sm, base)
        if not sm.person:
            sm.person = self.ctx.settings.person
            sm.phone = self.ctx.settings.phone
        return sm

    def _base_catalog(self) -> Catalog:
        """启动时加载的目录（当前施行的版本）；翻到旧月份时 ctx.catalog 会换成那个月的版本。"""
        base = getattr(self.ctx, "_base_catalog", None)
        if base is None:
            base = self.ctx.catalog
            self.ctx._base_catalog = base  # type: ignore[attr-defined]
        return base

    def _use_catalog_of(self, sm: SectionMonth, base: Catalog) -> None:
        """每个月按它填报时所用的目录版本显示、计算和导出（权重、分工调整后，旧月份不受影响）。"""
        stored = sm.catalog_version if (sm.entries or sm.history) else ""
        if (stored and stored != base.version) or (not stored and sm.month < base.effective):
            from creditcheck.catalog import catalog_for_month

            cat = catalog_for_month(self.ctx.data_dir, sm.month, stored)
        else:
            cat = base
        self.ctx.catalog = cat
        if not stored:
            sm.catalog_version = cat.version

    def _notices(self) -> None:
        take = getattr(self.ctx.store, "take_notices", None)
        if take is None or self.on_notice is None:
            return
        for n in take():
            if getattr(n, "kind", "") not in ("locked", "stale-lock"):  # 这两种由只读横幅说明
                self.on_notice(str(n))

    def reload(self) -> None:
        self.sm = self._load(self.month)

    def change(self, mutate: Callable[[SectionMonth], R]) -> R:
        """在副本上执行修改并保存；任何一步出错都抛出中文错误，已保存的记录不受影响。"""
        open_session = getattr(self.ctx.store, "open_session", None)
        if open_session is not None and open_session():
            # 仓库是推迟打开的（首页画好后才取锁）而这是取锁后的第一次修改：按锁内的盘上内容重读
            self.sm = self._load(self.month)
        if self.ctx.read_only:
            raise SaveError("只读：" + self.ctx.read_only_reason)
        draft = copy.deepcopy(self.sm)
        outcome = mutate(draft)
        draft.person = self.ctx.settings.person or draft.person
        draft.phone = self.ctx.settings.phone or draft.phone
        try:
            result = self.ctx.store.save_month(draft, actor=self.ctx.settings.person)
        except CreditCheckError as e:
            self._notices()
            from creditcheck.review import ReviewConflictError

            if isinstance(e, ReviewConflictError):
                # 体系科在此期间作了决定（如已审核通过并锁定）：换上最新的审核状态，原样说明
                refresh = getattr(self.ctx.store, "refresh_review", None)
                if refresh is not None:
                    try:
                        refresh(self.sm)
                    except (CreditCheckError, OSError):
                        pass
                raise SaveError(f"{e}。") from None
            raise SaveError(f"保存失败：{e}。您填写的内容仍在，可稍后重试。") from None
        except OSError as e:
            raise SaveError(
                f"保存失败：{os_reason(e)}（{getattr(e, 'filename', '') or self.ctx.data_dir}）。"
                "您填写的内容仍在，可稍后重试。"
            ) from None
        self.sm = draft
        for n in getattr(result, "notices", None) or []:
            if self.on_notice is not None:
                self.on_notice(str(n))
        self._notices()
        return outcome

    def previous(self) -> SectionMonth:
        return self._load(self.month.prev())

    def all_months(self) -> list[SectionMonth]:
        """该科室已保存的各月（本月用内存中的最新记录）。"""
        try:
            months = self.ctx.store.months(self.ctx.settings.section_id)
        except (CreditCheckError, OSError):
            months = []
        out = [m for m in months if m.month != self.month]
        out.append(self.sm)
        return sorted(out, key=lambda m: m.month)

    def obligations(self) -> list[Obligation]:
        return obligations_for(self.ctx.catalog, self.ctx.calendar, self.sm, self.ctx.now(),
                               self.ctx.settings.horizon_days, records=self.all_months())

    def standing(self) -> MonthStanding:
        """本月的事实：义务、各指标完成情况、得分（与总览、文档同一计算）。"""
        return assess(self.ctx.catalog, self.ctx.calendar, self.sm, self.ctx.now(), self.all_months(),
                      self.ctx.settings.horizon_days)

    def quota_lines(self) -> list[QuotaLine]:
        return quota_lines(self.ctx.catalog, self.ctx.settings.section_id, self.all_months(), self.month)
