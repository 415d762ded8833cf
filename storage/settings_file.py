"""本机设置文件（settings.json，UTF-8，原子写入）。放在本机的设置文件夹，不放在可能共享的数据文件夹。"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from creditcheck.settings import Settings

from .atomic import CorruptFileError, StorageError, read_json, write_json_atomic
from .notices import SETTINGS_DAMAGED, Notice
from .schema import check_settings


def load_settings(path: Path, notices: list[Notice] | None = None) -> Settings:
    """读设置；文件不存在时返回默认设置。

    文件损坏（或内容不是设置）时：改名保留（settings.json.damaged-时间），返回默认设置，
    并在 ``notices`` 里加一条中文提示（调用方应显示给用户）。从不覆盖损坏的原文件。
    """
    try:
        data = read_json(path)
        if data is not None and not isinstance(data, dict):
            raise CorruptFileError(path, "内容不是设置")
        check_settings(path, data)  # 字段类型不对（如 {"data_dir": 7}）同样算损坏
    except CorruptFileError as e:
        aside = path.with_name(f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")
        try:
            path.replace(aside)
            where = f"已把它改名为 {aside.name} 保留"
        except OSError:
            where = "无法改名，原文件保持不动"
        if notices is not None:
            notices.append(
                Notice(
                    SETTINGS_DAMAGED,
                    f"本机设置文件已损坏（{e.detail}），{where}；现在使用默认设置，请在“设置”中重新填写本科室和联系人。",
                    path=path,
                    moved_to=aside if where.startswith("已") else None,
                )
            )
        return Settings()
    except StorageError as e:
        if notices is not None:
            notices.append(Notice(SETTINGS_DAMAGED, f"{e}；现在使用默认设置。", path=path))
        return Settings()
    if data is None:
        return Settings()
    return Settings.from_dict(data)


def save_settings(settings: Settings, path: Path) -> None:
    write_json_atomic(path, settings.to_dict())
