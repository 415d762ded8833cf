"""本机设置文件（settings.json，UTF-8，原子写入）。"""

from __future__ import annotations

from pathlib import Path

from creditcheck.settings import Settings

from .atomic import CorruptFileError, read_json, write_json_atomic


def load_settings(path: Path) -> Settings:
    """读设置；文件不存在时返回默认设置；损坏时改名保留并返回默认设置（不覆盖原文件）。"""
    try:
        data = read_json(path)
    except CorruptFileError:
        from datetime import datetime

        aside = path.with_name(f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")
        path.replace(aside)
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    return Settings.from_dict(data)


def save_settings(settings: Settings, path: Path) -> None:
    write_json_atomic(path, settings.to_dict())
