"""从文件夹树中挑一个文件（或文件夹）。回车选中文件，退格键到上一级，Esc 取消。"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Static

from .text import Plain


class FilePickerModal(ModalScreen[Path | None]):
    """文件夹树选择器。``pick_dir`` 时在文件夹上按 S 选中该文件夹。"""

    BINDINGS = [
        Binding("escape", "cancel", "取消", show=False),
        Binding("backspace", "parent", "上一级", show=False),
        Binding("s", "pick_folder", "选中此文件夹", show=False),
    ]

    def __init__(self, start: Path, pick_dir: bool = False) -> None:
        super().__init__()
        start = start if start.is_dir() else (start.parent if start.parent.is_dir() else Path.home())
        self.root = start
        self.pick_dir = pick_dir

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Static("选择文件夹" if self.pick_dir else "选择文件", classes="dialog-title")
            yield Plain(str(self.root), id="root", classes="hint")
            yield DirectoryTree(self.root, id="tree")
            hint = "上下键移动，回车展开或选中，退格键到上一级，Esc 取消"
            if self.pick_dir:
                hint = "上下键移动，回车展开，S 选中光标所在的文件夹，退格键到上一级，Esc 取消"
            yield Plain(hint, classes="hint")

    def on_mount(self) -> None:
        self.query_one(DirectoryTree).focus()

    @on(DirectoryTree.FileSelected)
    def file_selected(self, event: DirectoryTree.FileSelected) -> None:
        if not self.pick_dir:
            self.dismiss(Path(event.path))

    def action_pick_folder(self) -> None:
        if not self.pick_dir:
            return
        tree = self.query_one(DirectoryTree)
        node = tree.cursor_node
        path = Path(node.data.path) if node is not None and node.data is not None else self.root
        self.dismiss(path if path.is_dir() else path.parent)

    def action_parent(self) -> None:
        parent = self.root.parent
        if parent == self.root:
            return
        self.root = parent
        tree = self.query_one(DirectoryTree)
        tree.path = parent
        self.query_one("#root", Static).update(str(parent))

    def action_cancel(self) -> None:
        self.dismiss(None)
