"""issue 14：一套按键，处处同义。同一个人（体系科也有自己的清单）在首页、逐项自查、体系科各页用到的
每个字母只有一个意思；帮助里的按键表就是 docs/app.zh.md 里的那张。"""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding

from screens.app import CreditCheckApp
from screens.checklist import ChecklistScreen
from screens.help import KEYMAP, keymap_markdown
from screens.home import HomeScreen

ROOT = Path(__file__).resolve().parent.parent
SAME_EVERYWHERE = {"escape", "enter", "left_square_bracket", "right_square_bracket"}
"""这几个键在各页的意思相同但对象不同（返回、打开所选、上一个 / 下一个），帮助里写明了。"""


def _screens() -> list[type]:
    import screens.coordinator as coord

    out: list[type] = [CreditCheckApp, HomeScreen, ChecklistScreen]
    for name in dir(coord):
        obj = getattr(coord, name)
        if isinstance(obj, type) and obj.__module__ == coord.__name__ and hasattr(obj, "BINDINGS"):
            from textual.screen import ModalScreen

            if not issubclass(obj, ModalScreen):
                out.append(obj)
    return out


def test_one_letter_one_meaning() -> None:
    meanings: dict[str, set[str]] = {}
    for cls in _screens():
        for b in cls.BINDINGS:
            assert isinstance(b, Binding)
            for key in b.key.split(","):
                key = key.strip()
                if key in SAME_EVERYWHERE:
                    continue
                meanings.setdefault(key, set()).add(b.description)
    twice = {k: v for k, v in meanings.items() if len(v) > 1}
    assert not twice, twice
    # 体系科审核页不再用逐项自查的 A / D 和首页的 U
    from screens.coordinator import ReviewScreen

    review = {b.key: b.description for b in ReviewScreen.BINDINGS if isinstance(b, Binding)}
    assert (
        review.get("v") == "审核通过"
        and review.get("b") == "退回修改"
        and review.get("j") == "重新打开"
    )


def test_help_lists_every_screen_key() -> None:
    """首页与逐项自查的每个单字母按键都写在帮助里。"""
    written = {
        k.strip().lower()
        for _, keys in KEYMAP
        for ks, _ in keys
        for k in ks.replace("/", " ").split()
    }
    for cls in (HomeScreen, ChecklistScreen):
        for b in cls.BINDINGS:
            assert isinstance(b, Binding)
            if len(b.key) == 1:
                assert b.key in written, (cls.__name__, b.key, b.description)


def test_docs_keymap_is_the_help_keymap() -> None:
    doc = (ROOT / "docs" / "app.zh.md").read_text(encoding="utf-8")
    assert keymap_markdown().strip() in doc
