"""输入文件路径时的自动补全：按已输入的部分列出文件夹里的文件，按右方向键接受建议。"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from textual.suggester import Suggester

from creditcheck.filenames import clean_path_text


class PathSuggester(Suggester):
    """补全文件和文件夹名（文件夹补全后带分隔符，便于继续往下输入）。"""

    def __init__(self, base_dir: Path | None = None, dirs_only: bool = False) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.base_dir = base_dir
        self.dirs_only = dirs_only

    async def get_suggestion(self, value: str) -> str | None:
        text = clean_path_text(value)
        if not text:
            return None
        expanded = os.path.expanduser(text)
        if text.endswith(("/", "\\")):
            folder, prefix = expanded, ""
        else:
            folder, prefix = os.path.split(expanded)
        if not folder:
            folder = str(self.base_dir or Path.cwd())
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return None
        fold = sys.platform == "win32"
        want = prefix.lower() if fold else prefix
        for name in names:
            if name.startswith(".") and not prefix.startswith("."):
                continue
            cand = name.lower() if fold else name
            if not cand.startswith(want) or cand == want:
                continue
            full = os.path.join(folder, name)
            is_dir = os.path.isdir(full)
            if self.dirs_only and not is_dir:
                continue
            rest = name[len(prefix) :]
            return value + rest + (os.sep if is_dir else "")
        return None
