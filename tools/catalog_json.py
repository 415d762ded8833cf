"""由内置目录 ``creditcheck/catalog.toml`` 重新生成它的 JSON 副本 ``creditcheck/catalog.json``。

启动时读 JSON 副本（不必加载 TOML 解析器）；改了 catalog.toml 之后运行 ``python -m tools.catalog_json``，
``tests/test_catalog_json.py`` 核对两者内容相同。
"""

from __future__ import annotations

import json
from pathlib import Path

from creditcheck.catalog import BUILTIN_JSON, builtin_text, toml_loads

TARGET = Path(__file__).resolve().parents[1] / "creditcheck" / BUILTIN_JSON


def render() -> str:
    """catalog.toml 的内容写成 JSON（保留中文、缩进两格、结尾换行）。"""
    return json.dumps(toml_loads(builtin_text()), ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"已写入 {TARGET}")


if __name__ == "__main__":
    main()
