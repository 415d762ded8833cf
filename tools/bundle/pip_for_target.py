"""以“目标电脑”的环境标记运行 pip（``python -m tools.bundle.pip_for_target download ...``）。

``pip download --platform ... --python-version ...`` 只按目标挑选 wheel 文件，依赖上的环境标记
（``colorama; platform_system == "Windows"``、``tomli; python_version < "3.11"``）却仍按本机求值，
在 Linux 上为 Windows 打包就会漏掉 colorama。这里把 pip 求值标记用的环境换成目标电脑的
（环境变量 ``CREDITCHECK_BUNDLE_MARKERS``，JSON），其余一切照常交给 pip。打包之后
``tools.bundle`` 还会逐个核对每个目标的依赖是否齐全，不单靠这一步。
"""

from __future__ import annotations

import json
import os
import runpy
import sys


def main() -> None:
    target = json.loads(os.environ["CREDITCHECK_BUNDLE_MARKERS"])
    from pip._vendor.packaging import markers

    original = markers.default_environment

    def target_environment():  # type: ignore[no-untyped-def]
        env = dict(original())
        env.update(target)
        return env

    markers.default_environment = target_environment  # type: ignore[assignment]
    sys.argv = ["pip", *sys.argv[1:]]
    runpy.run_module("pip", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
