"""换本机设置：数据文件夹或科室变了就关掉旧仓库、打开新的，文件夹变了再重读目录和日历。"""

from __future__ import annotations

from pathlib import Path

from creditcheck.settings import Settings

from .workspace import Workspace


def apply_settings(ws: Workspace, new: Settings) -> bool:
    """换上新设置（调用方已保存它）；返回数据文件夹是否变了。"""
    from creditcheck.catalog import load_catalog
    from creditcheck.workcal import load_calendar

    old_dir = ws.data_dir
    old_section = ws.store.section_id
    ws.settings = new
    new_dir = Path(new.data_dir).expanduser() if new.data_dir else (ws.default_data_dir or old_dir)
    changed = new_dir != old_dir
    if ws.open_store is not None and (changed or old_section != new.section_id):
        ws.store.close()
        ws.store = ws.open_store(new_dir, new.section_id, new.person)
        if changed:
            ws.data_dir = new_dir
            ws.catalog = load_catalog(new_dir)
            ws.calendar = load_calendar(new_dir)
    return changed
