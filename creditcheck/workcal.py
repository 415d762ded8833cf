"""工作日历：国务院节假日安排（含调休上班日）+ 用户导入的安排 + 周一至周五兜底。

来源优先级：用户导入的安排（数据文件夹 ``calendar/`` 下）> chinese-calendar 包 > 周一至周五。
凡依赖兜底的回答都标记 ``weekday-fallback``，界面据此提示“某年节假日安排未导入”。
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import field
from datetime import date, timedelta
from pathlib import Path

from .errors import InputError
from .oserrors import os_reason
from .patterns import lazy
from .records import dataclass

OFFICIAL = "official"
FALLBACK = "weekday-fallback"

SOURCE_PACKAGE = "国务院安排（内置）"
SOURCE_WEEKDAY = "周一至周五（兜底）"


@dataclass(frozen=True)
class DayInfo:
    """某一天的结论：是否工作日、节日名（如有）、来源说明，是否属于兜底。"""

    day: date
    workday: bool
    name: str
    source: str
    fallback: bool


@dataclass(frozen=True)
class DayRule:
    """用户导入的一天：放假或上班。"""

    day: date
    workday: bool
    name: str = ""
    source: str = ""


@functools.lru_cache(maxsize=8192)
def _package_lookup(day: date) -> tuple[bool, str] | None:
    """chinese-calendar 的结论；该年份不在包的范围内时返回 None。

    结果按日缓存：包每次查询都要在整张节假日表上找最早、最晚的日子，汇总时同一天会被问上千次。"""
    try:
        import chinese_calendar as cc  # 延迟导入：只有真正算日子时才加载
    except ImportError:  # pragma: no cover - 依赖缺失时退回兜底
        return None
    try:
        on_holiday, name = cc.get_holiday_detail(day)
        workday = cc.is_workday(day)
    except NotImplementedError:
        return None
    return workday, (name or "") if (on_holiday or (workday and day.weekday() >= 5)) else ""


_HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


@dataclass
class WorkCalendar:
    """判断工作日。``overrides`` 为用户导入的安排，逐日优先于内置数据（其余日子仍按内置安排）；
    ``replaced_years`` 为用户以整年替换方式导入的年份：这些年份不再看内置数据，未列出的日子按周一至周五。"""

    overrides: dict[date, DayRule] = field(default_factory=dict)
    use_package: bool = True
    replaced_years: frozenset[int] = frozenset()

    def info(self, day: date) -> DayInfo:
        hit = self._info_cache.get(day)
        if hit is None:
            hit = self._info_cache[day] = self._info(day)
        return hit

    def _info(self, day: date) -> DayInfo:
        rule = self.overrides.get(day)
        if rule is not None:
            return DayInfo(day, rule.workday, rule.name, rule.source or "用户导入", False)
        if self.use_package and day.year not in self.replaced_years:
            hit = _package_lookup(day)
            if hit is not None:
                workday, name = hit
                return DayInfo(
                    day, workday, _HOLIDAY_NAMES_ZH.get(name, name), SOURCE_PACKAGE, False
                )
        if self._year_overridden(day.year):
            # 用户导入了这一年的安排（内置数据没有这一年，或整年替换）：未列出的日子按周一至周五，
            # 但这是该年安排的一部分，不算兜底。
            return DayInfo(day, day.weekday() < 5, "", "用户导入", False)
        return DayInfo(day, day.weekday() < 5, "", SOURCE_WEEKDAY, True)

    def __post_init__(self) -> None:
        # 每判断一天都要问“这一年有没有导入安排”：年份集合只算一次
        self._override_years = frozenset(d.year for d in self.overrides) | frozenset(
            self.replaced_years
        )
        # 汇总时同一天会被问上千次：结论按日缓存（日历组装好后不再改）
        self._info_cache: dict[date, DayInfo] = {}

    def _year_overridden(self, year: int) -> bool:
        return year in self._override_years

    def builtin_covers(self, year: int) -> bool:
        """内置数据（chinese-calendar）是否有这一年。"""
        return self.use_package and _package_lookup(date(year, 1, 1)) is not None

    def is_workday(self, day: date) -> bool:
        return self.info(day).workday

    def covers(self, year: int) -> bool:
        """这一年的安排是否已知（内置或导入）。"""
        if self._year_overridden(year):
            return True
        return self.builtin_covers(year)

    def fallback_warning(self, year: int) -> str:
        return f"{year}年节假日安排未导入，按周一至周五计算"

    def add_working_days(self, start: date, n: int) -> tuple[date, bool]:
        """``start`` 之后第 n 个工作日；返回（日期，是否用到兜底）。n=0 时为当天或其后的第一个工作日。"""
        fallback = False
        d = start
        if n <= 0:
            while True:
                i = self.info(d)
                fallback |= i.fallback
                if i.workday:
                    return d, fallback
                d += timedelta(days=1)
        count = 0
        while count < n:
            d += timedelta(days=1)
            i = self.info(d)
            fallback |= i.fallback
            if i.workday:
                count += 1
        return d, fallback

    def previous_workday_on_or_before(self, day: date) -> tuple[date, bool]:
        """当天若是工作日即当天，否则向前找最近的工作日。"""
        fallback = False
        d = day
        for _ in range(60):
            i = self.info(d)
            fallback |= i.fallback
            if i.workday:
                return d, fallback
            d -= timedelta(days=1)
        return day, fallback  # pragma: no cover - 不可能连续60天不上班

    def working_days_between(self, start: date, end: date) -> tuple[int, bool]:
        """(start, end] 之间的工作日数，end 早于 start 时为负数。"""
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        count, fallback = 0, False
        d = start
        while d < end:
            d += timedelta(days=1)
            i = self.info(d)
            fallback |= i.fallback
            count += i.workday
        return sign * count, fallback

    def year_schedule(self, year: int) -> list[DayInfo]:
        """某年的放假日与调休上班日（不含普通周末和普通工作日）。"""
        out: list[DayInfo] = []
        d = date(year, 1, 1)
        while d.year == year:
            i = self.info(d)
            weekend = d.weekday() >= 5
            if (
                (not i.workday and not weekend)
                or (i.workday and weekend)
                or (not i.workday and i.name)
            ):
                out.append(i)
            d += timedelta(days=1)
        return out


# ───────────────────────── 用户安排文件 ─────────────────────────

_TYPE_WORDS = {"放假": False, "休息": False, "休": False, "上班": True, "班": True, "工作": True}


def parse_csv(text: str, source: str = "用户导入") -> list[DayRule]:
    """解析 ``日期,类型[,名称]`` 的 CSV（类型为 放假 或 上班）；首行可为表头。"""
    from .dates import parse_date  # 避免循环导入

    rules: list[DayRule] = []
    import csv  # 只在导入、导出节假日文件时用到

    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for lineno, row in enumerate(reader, start=1):
        cells = [c.strip() for c in row]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        if cells[0] in ("日期", "date"):  # 表头（整年替换的文件在说明行之后）
            continue
        if len(cells) < 2:
            raise InputError(f"第{lineno}行应为“日期,类型”，实际为：{','.join(cells)}")
        try:
            day = parse_date(cells[0])
        except InputError as e:
            raise InputError(f"第{lineno}行：{e}") from None
        kind = cells[1]
        if kind not in _TYPE_WORDS:
            raise InputError(f"第{lineno}行：类型应为“放假”或“上班”，实际为“{kind}”")
        name = cells[2] if len(cells) > 2 else ""
        rules.append(DayRule(day, _TYPE_WORDS[kind], name, source))
    if not rules:
        raise InputError("文件中没有任何日期")
    return rules


_SECTION_RE = lazy(r"[一二三四五六七八九十]+、\s*([^：:\n]{1,12})[：:]")
_DATE_RE = lazy(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_RANGE_RE = lazy(
    r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:[（(][^）)]*[）)])?"
    r"(?:\s*[至到—\-~～]\s*(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:[（(][^）)]*[）)])?)?"
)
_TITLE_YEAR_RE = lazy(r"(\d{4})年(?:部分)?节假日安排")


def notice_year(text: str) -> int | None:
    m = _TITLE_YEAR_RE.search(text)
    return int(m.group(1)) if m else None


def parse_notice(
    text: str, year: int | None = None, source: str = "国务院通知（用户导入）"
) -> list[DayRule]:
    """解析国务院办公厅节假日安排通知的原文。

    识别“二、春节：2月15日（…）至23日（…）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。”
    这样的条目。年份取自标题（“关于2026年部分节假日安排的通知”）或参数 ``year``。
    """
    year = year or notice_year(text)
    if year is None:
        raise InputError("无法从通知中确定年份，请用 --year 指定")
    rules: list[DayRule] = []
    parts = _SECTION_RE.split(text)
    # parts = [前言, 名称1, 内容1, 名称2, 内容2, ...]
    for i in range(1, len(parts) - 1, 2):
        name = parts[i].strip()
        body = parts[i + 1]
        for sentence in re.split(r"[。；;\n]", body):
            if "放假" in sentence:
                head = sentence.split("放假")[0]
                for m in _RANGE_RE.finditer(head):
                    y1 = int(m.group(1) or year)
                    start = _mkdate(y1, int(m.group(2)), int(m.group(3)))
                    if m.group(6):
                        y2 = int(m.group(4) or y1)
                        mo2 = int(m.group(5) or start.month)
                        end = _mkdate(y2, mo2, int(m.group(6)))
                        if end < start and not m.group(4):
                            end = _mkdate(y2 + 1, mo2, int(m.group(6)))
                    else:
                        end = start
                    if (end - start).days > 40:
                        raise InputError(f"“{name}”的放假区间不合理：{start}至{end}")
                    d = start
                    while d <= end:
                        rules.append(DayRule(d, False, name, source))
                        d += timedelta(days=1)
            if "上班" in sentence:
                for m in _DATE_RE.finditer(sentence.split("上班")[0]):
                    y = int(m.group(1) or year)
                    rules.append(
                        DayRule(_mkdate(y, int(m.group(2)), int(m.group(3))), True, name, source)
                    )
    if not rules:
        raise InputError(
            "没有在通知中找到任何放假或上班安排（应含“一、元旦：1月1日……放假”这样的条目）"
        )
    return rules


def _mkdate(y: int, m: int, d: int) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise InputError(f"通知中的日期不存在：{y}年{m}月{d}日") from None


def rules_to_csv(rules: Iterable[DayRule]) -> str:
    buf = io.StringIO()
    import csv

    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["日期", "类型", "名称"])
    for r in sorted(rules, key=lambda r: r.day):
        w.writerow([r.day.isoformat(), "上班" if r.workday else "放假", r.name])
    return buf.getvalue()


REPLACE_MARK = "# 方式：整年替换"
"""以 ``--replace`` 导入的文件第一行写这一句：该年不再看内置安排。没有这一句的文件逐日合并到内置安排上。"""


def is_replace_file(text: str) -> bool:
    """文件是否声明为整年替换（首个非空行为 ``REPLACE_MARK``）。"""
    for line in text.lstrip("\ufeff").splitlines():
        if line.strip():
            return line.strip().replace(":", "：") == REPLACE_MARK
    return False


def calendar_file_text(rules: Iterable[DayRule], replace: bool = False) -> str:
    """导入后保存到 ``calendar/<年>.csv`` 的内容；整年替换时首行带 ``REPLACE_MARK``。"""
    body = rules_to_csv(rules)
    return f"{REPLACE_MARK}\n{body}" if replace else body


def merge_rules(existing: Iterable[DayRule], new: Iterable[DayRule]) -> list[DayRule]:
    """逐日合并：新导入的日子覆盖已有的同一天，其余日子保留。"""
    by_day = {r.day: r for r in existing}
    by_day.update({r.day: r for r in new})
    return sorted(by_day.values(), key=lambda r: r.day)


_SPRING_WINDOW = ((1, 20), (2, 25))  # 春节放假总在1月20日至2月25日之间
_NATIONAL_DAYS = ((10, 1), (10, 7))


def _window_has_off_day(
    rules: Iterable[DayRule], year: int, window: tuple[tuple[int, int], tuple[int, int]]
) -> bool:
    lo, hi = date(year, *window[0]), date(year, *window[1])
    return any(not r.workday and lo <= r.day <= hi and r.day.weekday() < 5 for r in rules)


def schedule_warnings(
    rules: Iterable[DayRule], cal: WorkCalendar | None = None, replace: bool = False
) -> list[str]:
    """导入前的提醒：内置数据没有的年份（或整年替换的年份），若文件里没有春节或国庆的放假日，多半不是完整的全年安排。"""
    rules = list(rules)
    cal = cal if cal is not None else WorkCalendar()
    out: list[str] = []
    for year in sorted({r.day.year for r in rules}):
        if cal.builtin_covers(year) and not replace:
            continue
        mine = [r for r in rules if r.day.year == year]
        missing = []
        if not _window_has_off_day(mine, year, _SPRING_WINDOW):
            missing.append("春节")
        if not _window_has_off_day(mine, year, _NATIONAL_DAYS):
            missing.append("国庆节")
        if missing:
            what = "、".join(missing)
            out.append(
                f"{year}年的安排里没有{what}的放假日，可能不是完整的全年安排"
                f"（内置数据没有{year}年，未列出的日子将按周一至周五计算），请核对后重新导入"
                if not cal.builtin_covers(year)
                else f"{year}年的安排里没有{what}的放假日，整年替换后这些日子将按周一至周五计算，请核对"
            )
    return out


def validate_calendar_text(text: str, name: str = "节假日文件") -> list[str]:
    """检查一份节假日安排文件（CSV）的内容：读不懂的行、同一天既放假又上班、明显缺少的节日。
    返回中文问题清单（空表示没有问题）。供 ``doctor`` 检查数据文件夹 ``calendar/`` 下的文件。"""
    try:
        rules = parse_csv(text, source=name)
    except InputError as e:
        return [f"{name}：{e}"]
    out: list[str] = []
    seen: dict[date, DayRule] = {}
    for r in rules:
        prev = seen.get(r.day)
        if prev is not None and prev.workday != r.workday:
            out.append(f"{name}：{r.day.isoformat()} 既写了放假又写了上班")
        seen[r.day] = r
    out += [f"{name}：{w}" for w in schedule_warnings(rules, replace=is_replace_file(text))]
    return out


def read_calendar_text(path: Path) -> str:
    """读一份节假日文件（UTF-8，或记事本、Excel 另存的 GBK）。"""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(f"节假日文件无法读取：{path}（{os_reason(e)}）") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError(f"节假日文件 {path} 既不是 UTF-8 也不是 GBK 编码的文本") from None


def validate_calendar_file(path: Path) -> list[str]:
    """``validate_calendar_text`` 的文件版：读不了时返回一条问题。"""
    try:
        text = read_calendar_text(path)
    except InputError as e:
        return [str(e)]
    return validate_calendar_text(text, f"节假日文件 {path.name}")


def calendar_dir(data_dir: Path) -> Path:
    return data_dir / "calendar"


def load_user_files(data_dir: Path | None) -> Iterator[tuple[Path, list[DayRule], bool]]:
    """数据文件夹 ``calendar/*.csv`` 中用户导入的安排：（文件，各日，是否整年替换）。"""
    if data_dir is None:
        return
    folder = calendar_dir(data_dir)
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.csv")):
        if not path.is_file():  # 命名管道、设备、文件夹：读它会一直等（体检会指出这个文件）
            raise InputError(f"节假日文件 {path} 不是普通文件，请删除它或重新导入")
        text = read_calendar_text(path)
        try:
            rules = parse_csv(text, source=f"用户导入（{path.name}）")
        except InputError as e:
            raise InputError(f"节假日文件 {path} 有误：{e}") from None
        yield path, rules, is_replace_file(text)


def load_user_rules(data_dir: Path | None) -> Iterator[DayRule]:
    """读取数据文件夹 ``calendar/*.csv`` 中用户导入的安排（UTF-8 或 GBK）。"""
    for _path, rules, _replace in load_user_files(data_dir):
        yield from rules


def load_calendar(data_dir: Path | None = None) -> WorkCalendar:
    """按优先级组装日历：数据文件夹里的用户安排逐日覆盖内置数据；整年替换的文件替换该年。"""
    overrides: dict[date, DayRule] = {}
    replaced: set[int] = set()
    for _path, rules, replace in load_user_files(data_dir):
        overrides.update({r.day: r for r in rules})
        if replace:
            replaced |= {r.day.year for r in rules}
    return WorkCalendar(overrides=overrides, replaced_years=frozenset(replaced))
