"""从文件夹树中挑一个文件（或文件夹）。回车选中文件，退格键到上一级，Esc 取消。

``multi`` 时可以一次挑几个文件：空格键标记 / 取消标记光标所在的文件，回车把标记的（连同光标所在的）
文件一起交回（list[Path]）。"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Static

from .text import Plain


class FilePickerModal(ModalScreen[Any]):
    """文件夹树选择器。``pick_dir`` 时在文件夹上按 S 选中该文件夹。"""

    BINDINGS = [
        Binding("escape", "cancel", "取消", show=False),
        Binding("backspace", "parent", "上一级", show=False),
        Binding("s", "pick_folder", "选中此文件夹", show=False),
        Binding("space", "mark", "标记", show=False, priority=True),
    ]

    def __init__(self, start: Path, pick_dir: bool = False, multi: bool = False) -> None:
        super().__init__()
        start = (
            start if start.is_dir() else (start.parent if start.parent.is_dir() else Path.home())
        )
        self.root = start
        self.pick_dir = pick_dir
        self.multi = multi
        self.marked: list[Path] = []
        """空格键标记的文件（按标记的先后）。"""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Static("选择文件夹" if self.pick_dir else "选择文件", classes="dialog-title")
            yield Plain(str(self.root), id="root", classes="hint")
            yield DirectoryTree(self.root, id="tree")
            hint = "上下键移动，回车展开或选中，退格键到上一级，Esc 取消"
            if self.multi:
                hint = "上下键移动；空格键标记几个文件，回车一起选中；退格键到上一级，Esc 取消"
                yield Plain("", id="marked", classes="hint")
            if self.pick_dir:
                hint = "上下键移动，回车展开，S 选中光标所在的文件夹，退格键到上一级，Esc 取消"
            yield Plain(hint, classes="hint")

    def on_mount(self) -> None:
        self.query_one(DirectoryTree).focus()

    @on(DirectoryTree.FileSelected)
    def file_selected(self, event: DirectoryTree.FileSelected) -> None:
        if self.pick_dir:
            return
        path = Path(event.path)
        if self.multi:
            self.dismiss(self.marked + ([path] if path not in self.marked else []))
        else:
            self.dismiss(path)

    def action_mark(self) -> None:
        """空格：文件上标记 / 取消标记（一次添加几个文件）；文件夹上照常展开或收起。"""
        tree = self.query_one(DirectoryTree)
        node = tree.cursor_node
        path = Path(node.data.path) if node is not None and node.data is not None else None
        if not self.multi or path is None or path.is_dir():
            tree.action_toggle_node()
            return
        if path in self.marked:
            self.marked.remove(path)
        else:
            self.marked.append(path)
        self._show_marked()
        tree.action_cursor_down()

    def _show_marked(self) -> None:
        names = "、".join(p.name for p in self.marked)
        self.query_one("#marked", Static).update(
            f"已标记 {len(self.marked)} 个：{names}" if self.marked else ""
        )

    query_text = ""
    """在文件夹树上打的查找文字（汉字、全拼或拼音首字母）。"""

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        """在树上直接打字：光标跳到第一个名称相符的文件或文件夹（“xxjl”找到“学习记录.docx”）。"""
        from creditcheck.pinyin_match import score

        ch = event.character
        if event.key == "backspace" and self.query_text:
            self.query_text = self.query_text[:-1]
        elif (
            ch
            and len(ch) == 1
            and ch.isprintable()
            and not ch.isspace()
            and (ch.isalnum() or ord(ch) > 127)
        ):
            if self.pick_dir and ch.lower() == "s" and not self.query_text:
                return  # S 选中文件夹
            self.query_text += ch
        else:
            if event.key in ("up", "down", "enter", "escape"):
                self.query_text = ""
            return
        event.stop()
        event.prevent_default()
        tree = self.query_one(DirectoryTree)
        best = None
        line = 0
        while (node := tree.get_node_at_line(line)) is not None:
            s = score(self.query_text, str(node.label)) if self.query_text else 0
            if s > 0 and (best is None or s > best[0]):
                best = (s, line)
            line += 1
        if best is not None:
            tree.move_cursor_to_line(best[1])
        tree.border_subtitle = f"查找：{self.query_text}" if self.query_text else ""

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
