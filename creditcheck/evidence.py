"""佐证材料：附上时记下文件的大小、修改时间与 SHA-256，之后据此判断文件是否缺失或已变更。

只用标准库读文件，不碰数据库。
"""

from __future__ import annotations

import hashlib
import os
import stat
from datetime import date, datetime
from pathlib import Path

from .errors import CreditCheckError
from .models import Evidence
from .oserrors import os_reason

OK = "ok"
MISSING = "missing"
CHANGED = "changed"
UNREADABLE = "unreadable"

STATE_LABELS = {OK: "正常", MISSING: "文件缺失", CHANGED: "已变更", UNREADABLE: "无法读取"}


class EvidenceError(CreditCheckError):
    """佐证文件无法附上（读不了、是文件夹……）。"""


class EvidenceMissing(EvidenceError):
    """路径不存在；界面应请用户确认后才以 ``allow_missing=True`` 记录。"""


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(chunk)
            if not block:
                break
            h.update(block)
    return h.hexdigest()


def resolve(path_text: str, base_dir: Path | None = None) -> Path:
    """用户给的路径 → 绝对路径（去掉首尾空白与引号，展开 ~，相对路径以 base_dir 为准）。"""
    text = (path_text or "").strip().strip('"').strip("'").strip()
    if not text:
        raise EvidenceError("请填写佐证材料的文件路径")
    p = Path(os.path.expandvars(text)).expanduser()
    if not p.is_absolute():
        p = (base_dir or Path.cwd()) / p
    return Path(os.path.abspath(p))


def check_evidence_date(effective_date: date | None, now: datetime) -> None:
    """材料日期不能晚于今天：报送材料里不能出现日期在报送日之后的佐证。"""
    if effective_date is not None and effective_date > now.date():
        raise EvidenceError(
            f"材料日期 {effective_date.isoformat()} 晚于今天（{now.date().isoformat()}），请核对"
        )


def attach(
    path_text: str,
    *,
    now: datetime,
    kind: str = "其他",
    effective_date: date | None = None,
    note: str = "",
    base_dir: Path | None = None,
    allow_missing: bool = False,
) -> Evidence:
    """新建一条佐证材料记录，并记下文件指纹。

    文件不存在时抛出 EvidenceMissing（``allow_missing=True`` 时照样记录，只是没有指纹）；
    是文件夹或读不了时抛出 EvidenceError；材料日期晚于今天时抛出 EvidenceError（先于查文件）。
    """
    check_evidence_date(effective_date, now)
    p = resolve(path_text, base_dir)
    ev = Evidence(
        path=path_text.strip(),
        abs_path=str(p),
        kind=kind,
        effective_date=effective_date,
        note=note,
        attached_at=now,
    )
    if not p.exists():
        if allow_missing:
            return ev
        raise EvidenceMissing(f"文件不存在：{p}")
    if p.is_dir():
        raise EvidenceError(f"这是一个文件夹，不是文件：{p}")
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode):  # 命名管道、设备：读它会一直等或读不完
            raise EvidenceError(f"这不是普通文件（可能是设备或命名管道），不能作为佐证材料：{p}")
        digest = sha256_of(p)
    except OSError as e:
        raise EvidenceError(f"文件无法读取：{p}（{os_reason(e)}）") from None
    ev.size = st.st_size
    ev.mtime = st.st_mtime
    ev.sha256 = digest
    return ev


def evidence_state(ev: Evidence, *, deep: bool = True) -> str:
    """文件现在的状态：ok 正常 / missing 缺失 / changed 已变更 / unreadable 无法读取。

    先比大小与修改时间；``deep`` 时大小相同而时间不同再比 SHA-256（复制文件会改修改时间）。
    """
    p = Path(ev.abs_path or ev.path)
    try:
        st = p.stat()
    except FileNotFoundError:
        return MISSING
    except OSError:
        return UNREADABLE
    if p.is_dir() or not stat.S_ISREG(st.st_mode):
        return UNREADABLE
    if ev.sha256 is None:
        return OK  # 记录时文件还不存在（用户确认过），现在有了
    if ev.size is not None and st.st_size != ev.size:
        return CHANGED
    if ev.mtime is not None and abs(st.st_mtime - ev.mtime) < 1e-6:
        return OK
    if not deep:
        return CHANGED
    try:
        return OK if sha256_of(p) == ev.sha256 else CHANGED
    except OSError:
        return UNREADABLE


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)
