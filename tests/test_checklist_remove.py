"""删除一条佐证材料或一个事件：删掉的正是那一条，其余不动，更新时间记上；编号不存在时一行中文。"""

from __future__ import annotations

from datetime import datetime

import pytest

from creditcheck import checklist
from creditcheck.errors import InputError
from creditcheck.models import Evidence, SectionMonth
from creditcheck.month import Month

T0 = datetime(2026, 11, 20, 9, 0)
T1 = datetime(2026, 11, 21, 9, 0)


def test_remove_event_and_evidence(catalog, cal) -> None:  # type: ignore[no-untyped-def]
    sm = SectionMonth("commerce", Month(2026, 11), catalog.version)
    checklist.add_event(sm, catalog, cal, 4, "article", "第一篇", T0, T0)
    checklist.add_event(sm, catalog, cal, 4, "article", "第二篇", T0, T0)
    first, second = sm.entries[4].events
    assert checklist.remove_event(sm, catalog, 4, first.id, T1) is first
    assert sm.entries[4].events == [second]
    assert sm.entries[4].updated_at == T1
    with pytest.raises(InputError, match="^找不到这个事件$"):
        checklist.remove_event(sm, catalog, 4, first.id, T1)

    ev = Evidence(path="学习记录.docx", abs_path="/tmp/学习记录.docx", kind="学习记录")
    checklist.add_evidence(sm, catalog, 2, ev, T0)
    assert checklist.remove_evidence(sm, catalog, 2, ev.id, T1) is ev
    assert sm.entries[2].evidence == []
    assert sm.entries[2].updated_at == T1
    with pytest.raises(InputError, match="^找不到这条佐证材料$"):
        checklist.remove_evidence(sm, catalog, 2, ev.id, T1)
