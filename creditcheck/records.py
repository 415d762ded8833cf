"""本项目的数据类：``from creditcheck.records import dataclass``，用法与标准库的 ``dataclasses.dataclass``
完全相同，得到的也是同样的类，只是 ``__init__``、``__repr__``、``__eq__``、排序与 ``__hash__`` 推迟到
第一次用到（通常是第一次新建对象）时才生成。

为什么：标准库在定义类的那一刻就用 ``exec`` 编译这些方法，在办公电脑上每个类要 1 毫秒多；打开首页
之前要定义近 30 个数据类（目录、日历、设置、记录……），光这一项就占去启动时间的一成。推迟之后，
定义一个类只需约 0.1 毫秒，首页画好之前用不到的类（大多数）完全不必生成这些方法。

怎样保证与标准库一致：定义类时先用标准库登记字段（``init=False, repr=False, eq=False`` 等，不编译
任何方法），于是 ``dataclasses.fields``、``asdict``、``replace``、``is_dataclass`` 照常可用；
第一次用到时，用标准库按原来的参数处理一个同样内容的“影子类”，把它生成的方法原样装到本类上。
所以生成的代码与标准库逐字相同。新建对象只用到 ``__init__``：第一次新建时只生成它（影子类关掉
repr/eq/排序，``__init__`` 的代码与这些参数无关），其余的等第一次打印、比较或哈希时再一起生成。冻结（frozen）类的 ``__setattr__``/``__delattr__`` 在定义时
就装好（不用编译，行为与标准库相同），对象一建好就不能改字段。

不推迟、直接交给标准库的情况（结果与标准库完全一样）：``slots=True``、``unsafe_hash=True``、
冻结的类继承数据类或数据类继承冻结的类（先把基类的方法生成好）、类里自己写了排序方法或
``__setattr__``/``__delattr__``。不冻结的数据类继承不冻结的数据类照样推迟（生成时先生成基类的）。

类型检查（mypy）看到的就是标准库的 ``dataclass``。
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

__all__ = ["dataclass", "materialize"]

_OPTIONS = ("init", "repr", "eq", "order", "unsafe_hash", "frozen")
"""会让标准库编译方法的参数；其余参数（kw_only、match_args……）第一遍就原样交给标准库。"""

_GENERATED = ("__init__", "__repr__", "__eq__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__")
"""推迟生成的方法。"""

_ORDER = ("__lt__", "__le__", "__gt__", "__ge__")

_PENDING: dict[type, tuple[dict[str, Any], dict[str, Any], str | None]] = {}
"""还没生成方法的类 → (定义时的类体、dataclass 参数、原来的文档字符串)。"""

_LOCK = threading.RLock()


def materialize(cls: type) -> None:
    """现在就为 ``cls``（及其基类）生成推迟的方法；已生成或不是本模块定义的类时什么也不做。"""
    if cls not in _PENDING:
        return
    with _LOCK:
        spec = _PENDING.pop(cls, None)
        if spec is None:
            return  # 另一个线程刚刚做完
        ns, options, doc = spec
        shadow = _shadow(cls, ns, options)
        for name in _GENERATED:
            if name in shadow.__dict__ and shadow.__dict__[name] is not ns.get(name, _stub):
                setattr(cls, name, shadow.__dict__[name])  # 标准库生成的（类里自己写的原样不动）
        if doc is None:
            cls.__doc__ = shadow.__doc__
        cls.__dataclass_params__ = shadow.__dataclass_params__  # type: ignore[attr-defined]


def _materialize_init(cls: type) -> None:
    """只生成 ``__init__``（新建对象时只用到它；``__repr__``、``__eq__``、排序与 ``__hash__`` 等到
    第一次用到时由 ``materialize`` 生成）。``__init__`` 的代码只取决于字段、``frozen`` 与 ``kw_only``，
    所以按原参数、只关掉 repr/eq/排序让标准库处理影子类，得到的 ``__init__`` 与一次全部生成的逐字相同。"""
    with _LOCK:
        spec = _PENDING.get(cls)
        if spec is None or not getattr(cls.__dict__.get("__init__"), "_records_stub", False):
            return  # 已生成（另一个线程刚做完，或已全部生成）
        ns, options, _ = spec
        only = options | {"repr": False, "eq": False, "order": False, "unsafe_hash": False}
        type.__setattr__(cls, "__init__", _shadow(cls, ns, only).__dict__["__init__"])


def _shadow(cls: type, ns: dict[str, Any], options: dict[str, Any]) -> Any:
    """按 ``options`` 让标准库处理一个与 ``cls`` 同样内容的影子类（基类先全部生成，标准库据此核对参数）。"""
    for base in cls.__mro__[1:]:
        materialize(base)
    return dataclasses.dataclass(type(cls)(cls.__name__, cls.__bases__, dict(ns)), **options)


def _stub(cls: type, name: str) -> Callable[..., Any]:
    def stub(self: Any, *args: Any, **kwargs: Any) -> Any:
        if name == "__init__":
            _materialize_init(cls)
        else:
            materialize(cls)
        return getattr(cls, name)(self, *args, **kwargs)

    stub.__name__ = name
    stub.__qualname__ = f"{cls.__qualname__}.{name}"
    stub._records_stub = True  # type: ignore[attr-defined]
    return stub


def _frozen_methods(cls: type) -> None:
    """冻结类的 ``__setattr__``/``__delattr__``：与标准库生成的代码同样的判断、同样的错误。"""
    names = frozenset(f.name for f in dataclasses.fields(cls))
    owner: Any = cls

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(owner, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(owner, self).__delattr__(name)

    for fn in (__setattr__, __delattr__):
        fn.__qualname__ = f"{cls.__qualname__}.{fn.__name__}"
        setattr(cls, fn.__name__, fn)


def _frozen(cls: type) -> bool:
    """数据类 ``cls`` 是否冻结（还没生成方法的按定义时的参数）。"""
    if cls in _PENDING:
        return bool(_PENDING[cls][1].get("frozen", False))
    return bool(cls.__dataclass_params__.frozen)  # type: ignore[attr-defined]


def _lazy(cls: type, kw: dict[str, Any]) -> type:
    opts = {"init": True, "repr": True, "eq": True, "order": False, "unsafe_hash": False}
    opts |= {"frozen": False} | {k: v for k, v in kw.items() if k in _OPTIONS}
    ns = {k: v for k, v in cls.__dict__.items() if k not in ("__dict__", "__weakref__")}
    bases = [b for b in cls.__mro__[1:] if "__dataclass_fields__" in b.__dict__]
    if (
        (bases and (opts["frozen"] or any(_frozen(b) for b in bases)))
        or kw.get("slots")
        or opts["unsafe_hash"]
        or (opts["order"] and any(n in ns for n in _ORDER))
        or (opts["frozen"] and ("__setattr__" in ns or "__delattr__" in ns))
    ):
        for b in bases:
            materialize(b)
        return dataclasses.dataclass(cls, **kw)  # type: ignore[no-any-return]
    doc = cls.__doc__
    if (
        doc is None
    ):  # 不然标准库要用 inspect.signature 给类写说明（首次还要编译 tokenize 的大正则，~3 毫秒）
        cls.__doc__ = cls.__name__  # 生成方法时换成标准库写的说明
    rest = {k: v for k, v in kw.items() if k not in _OPTIONS}
    dataclasses.dataclass(cls, init=False, repr=False, eq=False, order=False, frozen=False, **rest)
    _PENDING[cls] = (ns, kw, doc)
    if opts["frozen"]:
        _frozen_methods(cls)
    explicit_hash = "__hash__" in ns and not (ns["__hash__"] is None and "__eq__" in ns)
    if opts["eq"] and not explicit_hash:
        hash_fn = _stub(cls, "__hash__") if opts["frozen"] else None
        type.__setattr__(cls, "__hash__", hash_fn)  # 与标准库相同：可变的数据类不能作字典的键
    wanted = [
        n for n, on in (("__init__", "init"), ("__repr__", "repr"), ("__eq__", "eq")) if opts[on]
    ]
    for name in wanted + (list(_ORDER) if opts["order"] else []):
        if name not in ns:
            setattr(cls, name, _stub(cls, name))
    return cls


if TYPE_CHECKING:
    from dataclasses import dataclass as dataclass
else:

    def dataclass(cls=None, /, **kw):
        """与 ``dataclasses.dataclass`` 相同（见模块说明）。"""

        def wrap(c):
            return _lazy(c, kw)

        return wrap if cls is None else wrap(cls)
