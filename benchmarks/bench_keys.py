"""按键数：商事登记科一个月的逐项自查走一遍要按几个键、打几个字（issue 14“少按几个键”）。

同一件事（8 个指标各自的材料、事件、数字、情况说明，全部标记完成，最后提交）按本版的按键走一遍，
真的在 Pilot 里按，最后核对 8 项都已完成、已提交。旧版（提交 93a5166）的走法写在 BEFORE 里，
是同一件事在旧版里必须多按的键（标记完成后要按 ] 翻页；事件保存后要回清单按 D；每份材料都要写完整路径，
两份材料要走两遍添加）。运行：python -m benchmarks keys
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
from datetime import datetime
from pathlib import Path

FOLDER_NAME = "信用自查材料"


def _steps(folder: Path) -> list[tuple[str, object]]:
    """本版的步骤：("key", 键) 或 ("type", (选择器, 文字))。"""
    f = str(folder) + "/"
    return [
        ("key", "c"),  # 首页：逐项自查（从第2项开始）
        # 第2项 双公示：一份台账文件，完整路径（第一次）
        ("key", "a"),
        ("type", ("#path", f + "双公示台账.xlsx")),
        ("key", "ctrl+s"),
        ("key", "d"),
        # 第3项 信用承诺：路径一栏已是上次的文件夹，只写文件名
        ("key", "a"),
        ("append", ("#path", "承诺台账.xlsx")),
        ("key", "ctrl+s"),
        ("key", "d"),
        # 第4项 信用动态：记一篇稿件（填了上报时间，表单顺带标记完成并翻到下一项）
        ("key", "n"),
        ("type", ("#title", "我局推行信用承诺制")),
        ("type", ("#occurred", "11-26 10:00")),
        ("type", ("#done", "11-27 9:00")),
        ("key", "ctrl+s"),
        # 第5项 重错码：一条已清理的
        ("key", "n"),
        ("type", ("#title", "某某公司")),
        ("type", ("#occurred", "11-20")),
        ("type", ("#done", "11-21")),
        ("key", "ctrl+s"),
        # 第6项 信易批：两份材料，F2 里空格标记两个文件一次添加
        ("mark", "start"),
        ("key", "a"),
        ("key", "f2"),
        ("wait_tree", None),
        ("mark_files", 2),
        ("key", "enter"),
        ("key", "ctrl+s"),
        ("mark", "end"),
        ("key", "d"),
        # 第8项 数字
        ("key", "h"),
        ("type", ("#c-credit_checks", "120")),
        ("type", ("#c-joint_sanctions", "30")),
        ("type", ("#c-market_entities", "500")),
        ("key", "ctrl+s"),
        ("key", "d"),
        # 第9项 严防严重失信：情况说明
        ("key", "m"),
        ("area", "零存量、零增量"),
        ("key", "ctrl+s"),
        ("key", "d"),
        # 第10项 异议：一件已处理的来函
        ("key", "n"),
        ("type", ("#title", "某某公司许可信息异议")),
        ("type", ("#occurred", "11-26")),
        ("type", ("#done", "11-27")),
        ("key", "ctrl+s"),
        # 回首页提交
        ("key", "escape"),
        ("key", "u"),
        ("key", "y"),
    ]


def _before(keys: int, chars: int, item6_keys: int, folder: Path) -> tuple[int, int]:
    """旧版（93a5166）做同一件事的按键与字数：本版的计数加上旧版必须多按的，减去本版才有的走法。"""
    f = str(folder) + "/"
    keys += 5  # 第2、3、6、8、9项按 D 之后，旧版停在原处，要再按 ] 翻到下一项
    keys += 3 + 2  # 第4、5、10项：事件保存后旧版要按 D 标记完成，第4、5项还要按 ] 翻页
    chars += len(f)  # 第3项：旧版路径一栏是空的，要再写一遍完整的文件夹
    # 第6项：旧版一次添加一个文件，A、完整路径、Ctrl+S 走两遍，代替本版的 A、F2、移动、空格、回车、Ctrl+S
    keys += 2 * 3 - item6_keys
    chars += 2 * len(f) + len("信易批案例.docx") + len("推进情况.docx")
    return keys, chars


async def _walk() -> tuple[int, int, int, Path]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from app_support import configured, make_app  # type: ignore[import-not-found]
    from textual.widgets import Input, TextArea
    from textual.worker import WorkerCancelled

    from creditcheck.models import ReviewState, Status

    tmp = Path(tempfile.mkdtemp(prefix="creditcheck-keys-"))
    folder = tmp / FOLDER_NAME
    folder.mkdir()
    for name in ("双公示台账.xlsx", "承诺台账.xlsx", "信易批案例.docx", "推进情况.docx"):
        (folder / name).write_bytes(b"demo")
    app = make_app(tmp, settings=configured(), now=datetime(2026, 11, 28, 10, 0))
    keys = chars = 0
    item6 = 0

    async def settle() -> None:
        """等按键的结果：读写数据文件夹在后台线程里（文件夹树的载入线程一直开着，不等它）。"""
        await pilot.pause()
        while busy := [w for w in app.workers if w.group != "_loader" and not w.is_finished]:
            with contextlib.suppress(WorkerCancelled):  # 换成了更新的一次检查：也算做完
                await app.workers.wait_for_complete(busy)
            await pilot.pause()

    async with app.run_test(size=(120, 36)) as pilot:
        await settle()
        for kind, arg in _steps(folder):
            if kind == "mark":
                item6 = keys if arg == "start" else keys - item6
                continue
            if kind == "key":
                keys += 1
                await pilot.press(str(arg))
            elif kind in ("type", "append"):
                sel, text = arg  # type: ignore[misc]
                w = app.screen.query_one(sel, Input)
                w.focus()
                w.value = (w.value if kind == "append" else "") + text
                chars += len(text)
            elif kind == "area":
                app.screen.query_one(TextArea).insert(str(arg))
                chars += len(str(arg))
            elif kind == "wait_tree":
                loop = asyncio.get_running_loop()
                deadline = loop.time() + 30
                while len(app.screen.query_one("#tree").root.children) < 4:  # type: ignore[attr-defined]
                    assert loop.time() < deadline
                    await pilot.pause(0.02)
            elif kind == "mark_files":
                for _ in range(int(arg)):  # type: ignore[call-overload]
                    tree = app.screen.query_one("#tree")
                    while not Path(tree.cursor_node.data.path).name.startswith(("信易批", "推进")):  # type: ignore[attr-defined]
                        keys += 1
                        await pilot.press("down")
                    keys += 1
                    await pilot.press("space")
            await settle()
        sm = app.session.sm  # type: ignore[union-attr]
        done = [
            i.id
            for i in app.ctx.catalog.assigned("commerce")
            if sm.entries.get(i.id) is not None and sm.entries[i.id].status is Status.DONE
        ]
        assert len(done) == 8, done
        assert sm.review is ReviewState.SUBMITTED
        assert len(sm.entries[6].evidence) == 2
    return keys, chars, item6, folder


def main() -> None:
    keys, chars, item6, folder = asyncio.run(_walk())
    before_keys, before_chars = _before(keys, chars, item6, folder)
    print(
        f"商事登记科一个月（8 项全部完成并提交）：本版 {keys} 个键、{chars} 个字；"
        f"旧版同样的事约 {before_keys} 个键、{before_chars} 个字。"
    )


if __name__ == "__main__":
    main()
