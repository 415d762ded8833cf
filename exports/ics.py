"""未完成的期限 → iCalendar（RFC 5545）文件，可导入 Outlook、WPS 日历和手机日历。

- UTF-8、CRLF 换行，超过 75 字节的行按字节折行（不切断汉字）；
- 按日期的期限（每月26日前、N个工作日内……）写成全天事件，按小时的期限写成定时事件
  （北京时间，附 VTIMEZONE）；
- 每个事件带一个提前一天的提醒（全天事件为前一天上午9点）；
- UID 由科室、月份、指标、规则、事件决定，同一期限再次导出时日历程序会更新而不是重复添加。

纯函数，不导入 Textual；不读系统时钟（``now`` 由调用方给出）。
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path

from creditcheck.catalog import Catalog
from creditcheck.obligations import Obligation

TZID = "Asia/Shanghai"
PRODID = "-//creditcheck//信用状况监测自查//ZH"

_VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "TZNAME:CST",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape_text(text: str) -> str:
    """TEXT 值的转义：反斜杠、分号、逗号、换行。"""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str, limit: int = 75) -> list[str]:
    """按 UTF-8 字节折行：每行不超过 75 字节，续行以一个空格开头，不切断多字节字符。"""
    out: list[str] = []
    current = ""
    size = 0
    budget = limit
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > budget:
            out.append(current)
            current, size, budget = " ", 1, limit
        current += ch
        size += n
    out.append(current)
    return out


def uid_for(o: Obligation) -> str:
    """同一期限每次导出都得到同一个 UID。"""
    key = "|".join(
        [
            o.section_id,
            str(o.month or ""),
            str(o.indicator_id),
            o.rule,
            o.event_id or "",
            "" if o.event_id else o.what,
        ]
    )
    return f"{hashlib.sha1(key.encode('utf-8')).hexdigest()[:20]}@creditcheck"


def _utc_stamp(now: datetime) -> str:
    # 本程序按北京时间记录“此刻”；DTSTAMP 须为 UTC。
    if now.tzinfo is not None:
        now = now.astimezone(tz=None).replace(tzinfo=None)
        return now.strftime("%Y%m%dT%H%M%SZ")
    return (now - timedelta(hours=8)).strftime("%Y%m%dT%H%M%SZ")


def _rule_label(rule: str) -> str:
    """期限规则的中文说法（“1个工作日内”）；目录里写的规则读不懂时原样写出。"""
    from creditcheck.errors import CreditCheckError
    from creditcheck.rules import DeadlineRule

    try:
        return DeadlineRule.parse(rule).label
    except CreditCheckError:
        return rule


def _event_lines(o: Obligation, catalog: Catalog, stamp: str) -> list[str]:
    ind = catalog.indicator(o.indicator_id)
    due = o.effective_due
    # 本软件自己的提醒（目录 reminder）不是实施方案的期限：写成“提醒”，不写“截止”“到期”
    kind = "提醒" if o.reminder else "截止"
    summary = f"信用自查{'提醒' if o.reminder else ''}：第{ind.id}项 {ind.short}，{o.what}"
    desc_lines = [
        f"指标：{ind.id}. {ind.title}",
        f"事项：{o.what}",
        f"期限规则：{_rule_label(o.rule)}"
        if not o.reminder
        else f"本软件的提醒（{_rule_label(o.rule)}），不是实施方案规定的期限，专人确认即可",
    ]
    if isinstance(due, datetime):
        desc_lines.append(
            f"{kind}：{due.year}年{due.month}月{due.day}日 {due.hour:02d}:{due.minute:02d}"
        )
    else:
        desc_lines.append(
            f"{kind}：{due.year}年{due.month}月{due.day}日"
            + ("" if o.reminder else "（当天下班前）")
        )
    if o.effective_due != o.due:
        d = o.due
        desc_lines.append(f"原定 {d.month}月{d.day}日不是工作日，提前到此前最后一个工作日")
    if o.fallback:
        desc_lines.append("注意：该年节假日安排未导入，按周一至周五计算")
    desc_lines.append("由 creditcheck（信用状况监测自查）生成")
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid_for(o)}",
        f"DTSTAMP:{stamp}",
    ]
    if isinstance(due, datetime):
        start = due - timedelta(minutes=30)
        lines += [
            f"DTSTART;TZID={TZID}:{start:%Y%m%dT%H%M%S}",
            f"DTEND;TZID={TZID}:{due:%Y%m%dT%H%M%S}",
        ]
        trigger = "-P1D"
    else:
        day: date = due
        lines += [
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
            "TRANSP:TRANSPARENT",
        ]
        trigger = "-PT15H"  # 全天事件从当天0点算起，-15小时即前一天上午9点
    lines += [
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(chr(10).join(desc_lines))}",
        "CATEGORIES:信用自查",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape_text(('明天请确认：' if o.reminder else '明天到期：') + summary)}",
        f"TRIGGER:{trigger}",
        "END:VALARM",
        "END:VEVENT",
    ]
    return lines


def build_ics(
    obligations: Iterable[Obligation],
    catalog: Catalog,
    *,
    now: datetime,
    name: str = "信用自查期限",
) -> str:
    """未完成的期限（已完成的会被跳过）写成一个 VCALENDAR 文本（CRLF 换行、已折行）。"""
    stamp = _utc_stamp(now)
    items = [o for o in obligations if not o.done]
    has_timed = any(isinstance(o.effective_due, datetime) for o in items)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{TZID}",
    ]
    if has_timed:
        lines += _VTIMEZONE
    seen: set[str] = set()
    for o in items:
        uid = uid_for(o)
        if uid in seen:
            continue
        seen.add(uid)
        lines += _event_lines(o, catalog, stamp)
    lines.append("END:VCALENDAR")
    folded: list[str] = []
    for line in lines:
        folded += fold(line)
    return "\r\n".join(folded) + "\r\n"


def write_ics(
    path: Path,
    obligations: Iterable[Obligation],
    catalog: Catalog,
    *,
    now: datetime,
    name: str = "信用自查期限",
) -> Path:
    """写出 .ics 文件（UTF-8，无 BOM），返回路径。先写临时文件再替换，写到一半不会留下坏文件。"""
    text = build_ics(obligations, catalog, now=now, name=name)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(text.encode("utf-8"))
    tmp.replace(path)
    return path
