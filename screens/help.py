"""帮助：列出每个按键。按键表 KEYMAP 也是 docs/app.zh.md 的来源。"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from .text import Plain

ONE_SCHEME = (
    "一套按键，处处同义：同一个字母在哪一页都只有一个意思（首页、逐项自查、体系科各页都一样）；"
    "对话框里另有 Y / N、回车、Esc，写在按钮上。"
)

KEYMAP: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "任何地方",
        [
            ("F1 或 ?", "显示本帮助"),
            ("Ctrl+P", "命令面板：输入几个字或拼音（如 dc 找“导出”）查找任何操作"),
            ("Tab / Shift+Tab", "在各栏、各列表之间移动"),
            ("[  ]", "上一个 / 下一个（首页和体系科各页：月份；逐项自查：指标）"),
            ("Esc", "返回上一页；在对话框里：取消"),
            ("Ctrl+Q", "退出"),
        ],
    ),
    (
        "首页",
        [
            ("上下键、回车", "在期限提醒中选一项，回车打开该指标"),
            ("C", "逐项自查（从第一项未完成的开始）"),
            ("T", "回到本月"),
            ("P", "沿用上月材料（制度文件清单、学习记录、信易批推进情况）"),
            ("U", "提交本月（提交给体系科审核；已提交尚未审核时可撤回）"),
            ("E", "导出 Word 报送材料"),
            ("X", "写「存在问题和下步打算」（写入 Word 正文第三部分）"),
            ("I", "导出日历提醒（.ics，可导入 Outlook、WPS、手机日历）"),
            ("S", "设置（科室、专人、数据文件夹、字体方案）"),
            ("Q", "退出"),
        ],
    ),
    (
        "逐项自查",
        [
            ("G", "跳转到某一项（可打指标序号或拼音）"),
            ("D", "标记本项已完成，并转到下一项未完成的"),
            ("Z", "设置状态（未开始、进行中、已完成、不适用；不适用须写理由）"),
            ("A", "添加佐证材料（可一次添加几个文件；从上次的文件夹开始）"),
            ("回车", "在材料表上：用默认程序打开选中的材料"),
            (
                "N",
                "记录事件（信用动态稿件、活动、来函、重错码……）；填了完成时间时可顺带标记本项完成",
            ),
            ("F", "给选中的事件填写完成时间"),
            ("Delete", "删除选中的材料或事件（先确认）"),
            ("H", "填写本月数字（信用核查、联合奖惩、市场主体数量）"),
            ("M", "写情况说明（多行，可粘贴）"),
            ("L", "导入 Excel 台账（双公示等）；台账的问题逐条列在“台账”一栏"),
            ("W", "在原台账文件旁另存一份标出问题的副本"),
            ("P / U / E", "与首页相同：沿用上月 / 提交本月 / 导出 Word"),
        ],
    ),
    (
        "体系科",
        [
            ("O / R / K", "各科室总览 / 审核 / 排名（首页和体系科各页都可按）"),
            ("V", "审核页：审核通过"),
            ("B", "审核页：退回修改（驳回，须写意见）"),
            ("J", "审核页：重新打开已审核通过的月份（解锁，须写理由）"),
            ("回车", "查看所选科室的详情或审核记录"),
        ],
    ),
    (
        "对话框",
        [
            ("回车", "到下一栏；在最后一栏时保存（多行的情况说明里回车是换行）"),
            ("Ctrl+S", "保存"),
            ("右方向键", "接受路径补全"),
            ("F2", "从文件夹树中选择文件"),
            ("空格", "在文件夹树里标记几个文件，回车一起添加"),
            (
                "打字",
                "在选择列表和文件夹树里打汉字或拼音（全拼、首字母，如 xxjl 找到“学习记录”）查找",
            ),
            ("Y / N", "确认 / 取消"),
            ("Esc", "取消并关闭"),
        ],
    ),
    (
        "日期和时间的写法",
        [
            (
                "日期",
                "2026-11-28、2026/11/28、2026.11.28、2026年11月28日、11-28（今年）、今天、昨天",
            ),
            ("时间", "15:00、15点、下午3点、下午3点半；日期和时间之间空一格，如：昨天 下午3点"),
        ],
    ),
]


def keymap_markdown() -> str:
    """KEYMAP 写成 docs/app.zh.md 里“全部按键”一节的表格（测试核对两者一致）。"""
    out: list[str] = [ONE_SCHEME, ""]
    for group, keys in KEYMAP:
        out += [f"### {group}", "", "| 按键 | 作用 |", "|---|---|"]
        out += [f"| {k} | {d} |" for k, d in keys]
        out.append("")
    return "\n".join(out)


class HelpScreen(ModalScreen[None]):
    """全部按键。Esc、F1 或 ? 关闭。"""

    BINDINGS = [Binding("escape,f1,question_mark", "close", "关闭")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static("帮助：全部按键", classes="dialog-title")
            yield Plain(ONE_SCHEME, classes="hint")
            with VerticalScroll(id="help-body"):
                for group, keys in KEYMAP:
                    yield Static(f"[b]{group}[/b]", classes="section-title")
                    for k, d in keys:
                        # 按键一栏、说明一栏：说明在窄窗口里折行时仍对齐在说明栏内
                        with Horizontal(classes="help-row"):
                            yield Plain(k, classes="help-key")
                            yield Plain(d, classes="help-desc")
            yield Static("上下键滚动，Esc 关闭。", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
