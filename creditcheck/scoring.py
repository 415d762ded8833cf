"""得分：一个科室一个月所负责指标的加权完成度（权重取自目录）。

已完成记满分；不适用不计入分母；未开始、进行中记 0。百分制，保留一位小数。
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import Catalog
from .models import SectionMonth, Status


@dataclass(frozen=True)
class Score:
    done: int
    total: int  # 应完成（不含不适用）
    not_applicable: int
    in_progress: int
    weighted: float  # 0..100

    @property
    def label(self) -> str:
        return f"{self.done}/{self.total}项，得分{self.weighted:.1f}"


def score(catalog: Catalog, sm: SectionMonth) -> Score:
    done = total = na = prog = 0
    w_done = w_total = 0.0
    for ind in catalog.assigned(sm.section_id):
        entry = sm.entries.get(ind.id)
        st = entry.status if entry else Status.NOT_STARTED
        if st is Status.NOT_APPLICABLE:
            na += 1
            continue
        total += 1
        w_total += ind.weight
        if st is Status.DONE:
            done += 1
            w_done += ind.weight
        elif st is Status.IN_PROGRESS:
            prog += 1
    weighted = round(100.0 * w_done / w_total, 1) if w_total else 100.0
    return Score(done, total, na, prog, weighted)
