"""底栏与帮助里的按键写法：Ctrl+S、F2、Esc、Delete（不用 ^s、f2 这种程序员写法）。"""

from __future__ import annotations

from textual.binding import Binding

KEY_NAMES = {
    "escape": "Esc",
    "delete": "Delete",
    "enter": "回车",
    "backspace": "退格",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "question_mark": "?",
}


def key_words(key: str) -> str:
    """ctrl+s -> Ctrl+S，f2 -> F2，d -> d。"""
    parts = key.split("+")
    out = [p.capitalize() for p in parts[:-1]]
    last = parts[-1]
    last = KEY_NAMES.get(last) or (
        last.upper()
        if len(last) == 1 and out or last.startswith("f") and last[1:].isdigit()
        else last
    )
    return "+".join([*out, last])


def key_display(binding: Binding) -> str:
    if binding.key_display:
        return binding.key_display
    _, key = binding.parse_key()
    return KEY_NAMES.get(key) or key_words(binding.key.split(",")[0])
