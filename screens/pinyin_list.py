"""可以“打字查找”的选项列表：在列表上直接打汉字、全拼或拼音首字母，光标跳到第一个相符的选项。

例：科室列表上打 shang 或 ss，光标到“商事登记科”。打的字显示在列表下边框上；退格删一个字，
Esc 先清掉打的字（再按一次才关闭对话框）。数字键留给对话框的快捷键（选第几项）。
"""

from __future__ import annotations

from textual import events
from textual.widgets import OptionList


class PinyinOptionList(OptionList):
    """OptionList + 拼音查找。"""

    query_text = ""
    """已经打的查找文字。"""

    def _labels(self) -> list[str]:
        return [str(getattr(o.prompt, "plain", o.prompt)) for o in self.options]

    def find(self, text: str) -> int | None:
        """第一个与 ``text`` 相符的（可选的）选项的位置，按相符程度取最好的。"""
        from creditcheck.pinyin_match import score

        best: tuple[float, int] | None = None
        for i, (label, opt) in enumerate(zip(self._labels(), self.options, strict=True)):
            if opt.disabled:
                continue
            s = score(text, label)
            if s > 0 and (best is None or s > best[0]):
                best = (s, i)
        return best[1] if best else None

    def _show_query(self) -> None:
        self.border_subtitle = f"查找：{self.query_text}" if self.query_text else ""

    def on_key(self, event: events.Key) -> None:
        ch = event.character
        if event.key == "backspace" and self.query_text:
            self.query_text = self.query_text[:-1]
        elif event.key == "escape" and self.query_text:
            self.query_text = ""
        elif (
            ch
            and len(ch) == 1
            and (ch.isalpha() or (ch == " " and self.query_text))
            and ch.isprintable()
        ):
            text = self.query_text + ch
            if self.find(text) is None and self.find(ch) is not None:
                text = ch  # 接着打的字对不上时，从这个字重新开始
            self.query_text = text
        else:
            if event.key in ("up", "down", "enter", "pageup", "pagedown", "home", "end"):
                self.query_text = ""
                self._show_query()
            return
        event.stop()
        event.prevent_default()
        self._show_query()
        if self.query_text:
            found = self.find(self.query_text)
            if found is not None:
                self.highlighted = found
            else:
                self.app.bell()
