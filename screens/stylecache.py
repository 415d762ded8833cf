"""解析好的样式规则的缓存：像 Python 的 .pyc 之于 .py，上次运行解析好的样式下次直接用。

为什么：Textual 每次启动都要把样式表（app.tcss 和各部件的 DEFAULT_CSS）逐字解析一遍，画出首页之前
要解析十几份，占启动时的 CPU 近一成（callgrind 数过：约 3,300 万条指令）。解析的结果只取决于样式的
文字、出处和主题变量，所以第一次画好首页时把 Textual 自己的解析缓存存进本机设置文件夹的
``cache/styles.pickle``，下次启动时先放回 Textual 的解析缓存，解析器一条也不必再跑。

保证不变：
- 缓存按“缓存格式、Textual 版本、Python 版本”整体作废，按主题变量逐组对应：换了主题（变量不同）、
  改了样式（文字不同，键就不同）都照常解析；缓存里的只是 Textual 自己对同样输入解析出来的东西。
- 缓存只在本机设置文件夹（从不放在可能共享的数据文件夹）；读不了、坏了、版本不对一律当作没有，
  照常解析并在画好首页后重写；写不了（只读的文件夹）就不写。缓存从不影响程序能否打开。
- 测试和演示（没有给出缓存路径）完全不用缓存。
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from textual.css.stylesheet import Stylesheet

FORMAT = 1
"""缓存格式；改了存法就加一，旧缓存随之作废。"""

MAX_SIZE = 4 * 1024 * 1024
"""缓存文件大于这个（字节）就不读：正常只有几十 KB。"""


def _stamp() -> tuple[Any, ...]:
    """缓存对应的 Textual：解析器和规则所在模块文件的大小与修改时间（升级 Textual 就变）。

    不用 ``textual.__version__``：它要经由 importlib.metadata 读安装信息，比解析样式还慢。"""
    from textual.css import model, parse, styles

    files = []
    for module in (model, parse, styles):
        st = os.stat(module.__file__ or "")
        files.append((module.__name__, st.st_size, st.st_mtime_ns))
    return (FORMAT, sys.version_info[:3], tuple(files))


def variables_key(variables: dict[str, str]) -> str:
    """一组主题变量的写法（同一主题总是同样的文字），作缓存里一组规则的键。"""
    return "\n".join(f"{k}={v}" for k, v in sorted(variables.items()))


class CachedStylesheet(Stylesheet):
    """Textual 的样式表，外加从缓存读出的解析结果：主题变量相同时放进解析缓存，解析器直接命中。

    Textual 换变量（``set_variables``，如启动时、换主题时）会清空解析缓存；这里清空后按新变量重新放回。"""

    def __init__(self, *, variables: dict[str, str], preset: dict[str, dict[Any, Any]]) -> None:
        self._preset = preset
        super().__init__(variables=variables)
        self._fill()

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self._fill()

    def _fill(self) -> None:
        try:
            entries = self._preset.get(variables_key(self._variables), {})
            for key, rules in entries.items():
                self._parse_cache[key] = rules
        except Exception:  # Textual 的内部变了：不用缓存，照常解析
            self._preset = {}

    def parsed(self) -> dict[Any, Any]:
        """Textual 解析缓存里现有的全部结果（键 -> 规则列表）。"""
        cache = self._parse_cache
        return {key: cache[key] for key in list(cache.keys())}


def cached_stylesheet(sheet: Stylesheet, path: Path) -> Stylesheet:
    """换掉 App 刚建好、还没用过的样式表：同样的主题变量，外加缓存里的解析结果。出了任何问题就原样返回。"""
    try:
        return CachedStylesheet(variables=sheet._variables, preset=load(path))
    except Exception:  # Textual 的内部变了（如没有了 _variables）：照常解析
        return sheet


def load(path: Path | None) -> dict[str, dict[Any, Any]]:
    """读缓存：主题变量摘要 -> {解析缓存的键: 规则}。没有、坏了、版本不对时为空。"""
    if path is None:
        return {}
    try:
        if path.stat().st_size > MAX_SIZE:
            return {}
        import pickle

        with open(path, "rb") as f:
            data = pickle.load(f)
        if not isinstance(data, dict) or data.get("stamp") != _stamp():
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}
    except Exception:  # 缓存可有可无：任何问题都当作没有
        return {}


def save(path: Path | None, sheet: Stylesheet) -> bool:
    """把样式表现有的解析结果存进缓存（与已存的相同时不写）。返回写了没有；写不了时不写、不报错。"""
    if path is None or not isinstance(sheet, CachedStylesheet):
        return False
    try:
        key = variables_key(sheet._variables)
        parsed = sheet.parsed()
        if not parsed or set(parsed) <= set(sheet._preset.get(key, {})):
            return False  # 已经都在缓存里了
        import pickle

        data = pickle.dumps(
            {"stamp": _stamp(), "entries": {key: parsed}}, protocol=pickle.HIGHEST_PROTOCOL
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        sheet._preset = {key: parsed}
        return True
    except Exception:  # 只读的设置文件夹、磁盘满、规则存不下……：下次照常解析
        return False
