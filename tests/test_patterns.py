"""creditcheck.patterns.lazy：与 re.compile 相同，第一次用到时才编译（只编译一次）。"""

from __future__ import annotations

import re
import threading

from hypothesis import given
from hypothesis import strategies as st

from creditcheck import patterns
from creditcheck.patterns import lazy

PATTERNS = [
    (r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日", 0),
    (r"^(con|prn|aux|nul)(\..*)?$", re.IGNORECASE),
    (r"[\\/:*?\"<>|]", 0),
]


@given(text=st.text(alphabet="0123456789年月日CONprnaux.\\/:*?x ", max_size=20))
def test_same_answers_as_re_compile(text: str) -> None:
    for pattern, flags in PATTERNS:
        eager, late = re.compile(pattern, flags), lazy(pattern, flags)
        for method in ("match", "search", "fullmatch"):
            a, b = getattr(eager, method)(text), getattr(late, method)(text)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups()))
        assert eager.sub("_", text) == late.sub("_", text)
        assert eager.split(text) == late.split(text)
        assert [m.span() for m in eager.finditer(text)] == [m.span() for m in late.finditer(text)]
        assert late.pattern == pattern and late.flags == eager.flags


def test_compiled_on_first_use_only_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    real = re.compile

    def counting(pattern, flags=0):  # type: ignore[no-untyped-def]
        calls.append(pattern)
        return real(pattern, flags)

    monkeypatch.setattr(patterns.re, "compile", counting)
    p = lazy(r"ab+c")
    assert calls == []  # 定义时不编译
    barrier = threading.Barrier(8)
    results: list[bool] = []

    def use() -> None:
        barrier.wait()
        results.append(bool(p.match("abbc")))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 8 and calls == [r"ab+c"]
