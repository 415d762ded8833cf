"""所有数据路径集中在这里。导入时不创建任何文件夹。"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "creditcheck"
ENV_DATA = "CREDITCHECK_DATA"
ENV_CONFIG = "CREDITCHECK_CONFIG"


def default_data_dir() -> Path:
    """默认数据文件夹：环境变量 CREDITCHECK_DATA，否则本机用户数据文件夹。"""
    env = os.environ.get(ENV_DATA)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """本机设置所在的文件夹（与数据文件夹分开：数据文件夹可能是共享的）。"""
    env = os.environ.get(ENV_CONFIG)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    return config_dir() / "settings.json"
