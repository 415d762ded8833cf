"""本机设置：一个有类型的模型，每个字段都有说明。由存储层读写（settings.json）。"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from .records import dataclass

FONT_PROFILES = {
    "standard": "标准（仿宋_GB2312、楷体_GB2312、黑体、方正小标宋简体）",
    "system": "系统自带（仿宋、楷体、黑体、宋体）",
}

LAUNCH_MODES = {
    "terminal": "终端窗口（Windows Terminal 或命令行窗口）",
    "browser": "浏览器标签页（不熟悉终端时用）",
}
"""桌面图标的打开方式（``creditcheck start`` 按它启动）。"""


@dataclass
class Settings:
    section_id: str = ""
    """本机所属科室（目录中的科室 id）；为空表示尚未完成首次设置。"""
    person: str = ""
    """科室专人姓名，写入报送材料。"""
    phone: str = ""
    """联系电话。"""
    data_dir: str = ""
    """数据文件夹；为空时用本机用户数据文件夹。可指向多台电脑共用的共享文件夹。"""
    font_profile: str = "standard"
    """Word 字体方案：standard（_GB2312 字体）或 system（系统自带字体）。"""
    template: str = ""
    """自定义 Word 模板（.docx）路径；为空时用内置版式。"""
    horizon_days: int = 3
    """“即将到期”提前提醒的工作日数。"""
    coordinator: bool = False
    """为真时本机以体系科（汇总审核）身份使用；本机科室为体系科时自动开启。"""
    bureau: str = "济南市历城区行政审批服务局"
    """局名，用于汇总材料标题。"""
    launch_mode: str = "terminal"
    """桌面图标的打开方式：terminal（终端窗口）或 browser（本机浏览器标签页，见 ``creditcheck web``）。"""
    with_requirements: bool = False
    """为真时报送材料在各指标的完成情况后附上实施方案的责任要求原文（命令行 --with-requirements 同）。"""

    @property
    def configured(self) -> bool:
        return bool(self.section_id)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Settings:
        names = {f.name for f in fields(cls)}
        s = cls(**{k: v for k, v in d.items() if k in names})
        if s.font_profile not in FONT_PROFILES:
            s.font_profile = "standard"
        if s.launch_mode not in LAUNCH_MODES:
            s.launch_mode = "terminal"
        s.with_requirements = s.with_requirements is True
        try:
            s.horizon_days = max(0, int(s.horizon_days))
        except (TypeError, ValueError):
            s.horizon_days = 3
        return s
