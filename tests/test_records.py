"""creditcheck.records.dataclass 与标准库 dataclasses.dataclass 的行为逐项相同（方法推迟生成）。

同一个类体分别交给两者，比较新建、默认值、__post_init__、repr、相等、排序、哈希、冻结、
replace/asdict/fields、深拷贝，以及多线程同时第一次用到。
"""

from __future__ import annotations

import copy
import dataclasses
import re
import threading
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditcheck import records


def _both(body: dict[str, Any], **options: Any) -> tuple[type, type]:
    """同一个类体：一个交给标准库，一个交给 records。"""

    def make(deco: Any) -> type:
        ns = {k: (copy.copy(v) if isinstance(v, dataclasses.Field) else v) for k, v in body.items()}
        cls = type("Rec", (), dict(ns, __module__=__name__, __qualname__="Rec"))
        return deco(cls, **options)  # type: ignore[no-any-return]

    return make(dataclasses.dataclass), make(records.dataclass)


def _body() -> dict[str, Any]:
    def __post_init__(self: Any) -> None:
        object.__setattr__(self, "total", self.a + len(self.tags))

    return {
        "__annotations__": {
            "a": "int",
            "b": "str",
            "tags": "list[str]",
            "total": "int",
            "kind": "ClassVar[str]",
        },
        "b": "默认",
        "tags": dataclasses.field(default_factory=list),
        "total": dataclasses.field(default=0, init=False, compare=False, repr=False),
        "kind": "记录",
        "__post_init__": __post_init__,
    }


OPTIONS = [
    {},
    {"frozen": True},
    {"order": True},
    {"frozen": True, "order": True},
    {"eq": False},
    {"repr": False},
    {"kw_only": True},
]


def _outcome(fn: Any) -> tuple[str, Any]:
    try:
        return "ok", fn()
    except Exception as e:  # 比较两边抛出的错误类型与消息
        return type(e).__name__, str(e)


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "默认")
@given(
    a=st.integers(-5, 5),
    b=st.text(max_size=3),
    c=st.integers(-5, 5),
    tags=st.lists(st.text(max_size=2), max_size=2),
)
def test_same_behaviour_as_the_standard_library(
    options: dict[str, Any], a: int, b: str, c: int, tags: list[str]
) -> None:
    std, rec = _both(_body(), **options)
    kw = options.get("kw_only", False)
    for cls in (std, rec):
        x = cls(a=a, b=b, tags=list(tags)) if kw else cls(a, b, list(tags))
        y = cls(a=c, b=b) if kw else cls(c, b)
        cls.x, cls.y = x, y  # type: ignore[attr-defined]

    def same(expr: Any) -> None:
        assert _outcome(lambda: expr(std)) == _outcome(lambda: expr(rec))

    same(lambda k: re.sub(r" at 0x[0-9a-f]+", "", repr(k.x)))
    same(lambda k: (k.x.a, k.x.b, k.x.tags, k.x.total, k.kind))
    same(lambda k: (k.x == k.y, k.x == k.x, k.x != k.y, k.x == 1))
    same(lambda k: (k.x < k.y, k.x <= k.y, k.x > k.y, k.x >= k.y))
    same(lambda k: hash(k.x) == hash(copy.deepcopy(k.x)))
    same(lambda k: k.__hash__ is None)
    same(lambda k: setattr(k.x, "a", 9))
    same(lambda k: delattr(k.x, "b"))
    same(lambda k: setattr(k.x, "other", 1))
    same(lambda k: re.sub(r" at 0x[0-9a-f]+", "", repr(dataclasses.replace(k.y, a=a))))
    same(lambda k: dataclasses.asdict(k.x))
    same(lambda k: [(f.name, f.init, f.compare) for f in dataclasses.fields(k)])
    same(lambda k: k.__match_args__)
    same(lambda k: k(1, 2, 3, 4))
    same(lambda k: k())
    same(lambda k: k.__doc__)


def test_deepcopy_before_first_use_then_methods_work() -> None:
    """深拷贝不经 __init__：比较、哈希与 repr 也会先生成方法。"""
    _, rec = _both(_body(), frozen=True, order=True)
    proto = object.__new__(rec)
    object.__setattr__(proto, "a", 1)
    object.__setattr__(proto, "b", "x")
    object.__setattr__(proto, "tags", [])
    object.__setattr__(proto, "total", 1)
    twin = copy.deepcopy(proto)
    assert twin == proto and not twin < proto
    assert "a=1" in repr(twin)
    with pytest.raises(dataclasses.FrozenInstanceError):
        twin.a = 2  # type: ignore[attr-defined]


def test_many_threads_first_use_at_once() -> None:
    _, rec = _both(_body(), frozen=True)
    start = threading.Barrier(8)
    made: list[Any] = []

    def worker(n: int) -> None:
        start.wait()
        made.append(rec(n, "x"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(m.a for m in made) == list(range(8))
    assert rec.__init__.__code__.co_name == "__init__"  # 装上的是标准库生成的方法，不再是占位的


def test_subclass_of_a_lazy_frozen_record() -> None:
    """基类是推迟生成的冻结数据类：子类（也冻结）照标准库处理，行为相同。"""

    @records.dataclass(frozen=True)
    class Base:
        a: int

    @records.dataclass(frozen=True)
    class Child(Base):
        b: int = 2

    class Plain(Base):  # 不是数据类的子类：用基类的方法
        pass

    assert Child(1) == Child(1, 2) and hash(Child(1)) == hash(Child(1, 2))
    assert repr(Child(1)) == "test_subclass_of_a_lazy_frozen_record.<locals>.Child(a=1, b=2)"
    assert Plain(3).a == 3 and Base(3) != Plain(3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Child(1).b = 3  # type: ignore[misc]


def test_user_methods_are_kept() -> None:
    @records.dataclass(frozen=True)
    class Named:
        name: str
        note: str = ""

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Named) and other.name == self.name

        def __repr__(self) -> str:
            return f"<{self.name}>"

        kind: ClassVar[str] = "k"

    assert Named("a", "x") == Named("a", "y") and repr(Named("a")) == "<a>"
    assert {Named("a"): 1}[Named("a")] == 1


def test_project_classes_are_deferred_until_first_use() -> None:
    """项目里的数据类都用 records：定义时只登记字段，方法在第一次新建对象时生成。"""
    from creditcheck.month import Month

    assert dataclasses.is_dataclass(Month)
    m = Month(2026, 11)
    assert Month.__init__.__qualname__.endswith("__init__") and m < Month(2026, 12)
    assert Month not in records._PENDING


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "默认")
def test_new_object_generates_only_init_and_it_is_the_standard_librarys(
    options: dict[str, Any],
) -> None:
    """新建对象只生成 __init__（与标准库一次全部生成的逐字相同）；repr、比较、哈希等到第一次用到。"""
    std, rec = _both(_body(), **options)
    x = rec(1, "x") if not options.get("kw_only") else rec(a=1, b="x")
    assert rec in records._PENDING  # 其余方法还没生成
    assert rec.__init__.__code__.co_code == std.__init__.__code__.co_code
    assert rec.__init__.__code__.co_names == std.__init__.__code__.co_names
    assert rec.__init__.__code__.co_varnames == std.__init__.__code__.co_varnames
    assert rec.__init__.__defaults__ == std.__init__.__defaults__
    assert rec.__init__.__kwdefaults__ == std.__init__.__kwdefaults__
    assert x.total == 1
    assert x == x and re.sub(" at 0x[0-9a-f]+", "", repr(x))  # 第一次比较、打印：其余方法生成
    assert rec not in records._PENDING


def test_mutable_subclass_of_a_mutable_record_is_deferred_too() -> None:
    """如界面的 AppContext 继承应用层的 Workspace：子类也推迟生成，行为与标准库相同。"""

    def pair(deco: Any) -> tuple[Any, Any]:
        @deco
        class Base:
            a: int
            tags: list[str] = dataclasses.field(default_factory=list)

        @deco
        class Child(Base):
            note: str = "无"

        return Base, Child

    (std_base, std_child), (rec_base, rec_child) = (
        pair(dataclasses.dataclass),
        pair(records.dataclass),
    )
    assert rec_child in records._PENDING and rec_base in records._PENDING
    for base, child in ((std_base, std_child), (rec_base, rec_child)):
        c = child(1, ["x"], "备注")
        assert (c.a, c.tags, c.note) == (1, ["x"], "备注")
        assert repr(c).endswith("Child(a=1, tags=['x'], note='备注')")
        assert c == child(1, ["x"], "备注") and c != base(1, ["x"]) and child.__hash__ is None
        assert [f.name for f in dataclasses.fields(child)] == ["a", "tags", "note"]
        assert dataclasses.replace(c, note="改").note == "改"
        assert base(2).tags == [] and base(2).tags is not base(2).tags
    assert rec_base not in records._PENDING  # 生成子类时先生成了基类


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "默认")
def test_class_level_answers_before_first_use(options: dict[str, Any]) -> None:
    """还没新建过对象时，类上能看到的（能否作键、字段、比较方法有没有）也与标准库相同。"""
    import collections.abc

    std, rec = _both(_body(), **options)
    assert rec in records._PENDING
    for name in ("__hash__", "__eq__", "__lt__", "__setattr__"):
        assert (getattr(std, name) is None) == (getattr(rec, name) is None), name
        assert (name in std.__dict__) == (name in rec.__dict__), name
    assert issubclass(std, collections.abc.Hashable) == issubclass(rec, collections.abc.Hashable)

    def spec(k: type) -> list[tuple[str, Any, bool]]:
        return [(f.name, f.default, f.init) for f in dataclasses.fields(k)]

    assert spec(std) == spec(rec)
