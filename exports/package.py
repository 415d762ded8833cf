"""科室数据包：没有共享文件夹时，科室把一个月的自查记录打成一个文件交给体系科导入。

数据包是一个 zip 文件（扩展名 .ccpkg，可用任何解压软件查看）::

    manifest.json   清单：格式、科室、月份、目录版本、生成时间、payload.json 的 SHA-256
    payload.json    本月自查记录（SectionMonth）、台账行、佐证材料清单（含指纹）
    evidence/<编号>/<文件名>   佐证材料原件（导出时加 --with-evidence 才有）

导入时逐项校验：zip 能读、清单格式、内容的 SHA-256、科室在目录中、月份、目录版本、
每个佐证文件的 SHA-256；文件名不许跳出目标文件夹（zip-slip），条目数与解压后大小有上限
（zip 炸弹）。任何一项不过都整包拒收，给出一句中文原因，本机数据不变。

同一科室同一月份的包，只有比上次导入的更新（生成时间更晚）才替换，除非 ``force``。
导入记录放在数据文件夹的 ``packages/imports.json``，导入的佐证原件放在
``packages/<科室id>/<年-月>/evidence/`` 下。导入本身（全有或全无、来源核对）在
``creditcheck/services/packages.py``；本模块只负责包的写出、读取与校验，不碰数据文件夹。

清单还记下是谁、在哪台电脑上生成的（``created_by``、``machine``），导入时显示出来，
并在与上次收到的该科室数据包来自不同电脑时先问一声。

SHA-256 只能发现传输中的损坏和无意的改动，不能防止有人同时改内容和清单（没有密钥）。
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from creditcheck import __version__
from creditcheck.catalog import Catalog
from creditcheck.errors import CreditCheckError
from creditcheck.models import Evidence, ReviewState, SectionMonth
from creditcheck.month import Month
from creditcheck.records import dataclass
from creditcheck.review import effective_state, is_decision

SCHEMA = "creditcheck-package"
FORMAT = 1
SUFFIX = ".ccpkg"
MANIFEST = "manifest.json"
PAYLOAD = "payload.json"
EVIDENCE_DIR = "evidence"

MAX_ENTRIES = 5000
MAX_MANIFEST = 64 * 1024
MAX_PAYLOAD = 64 * 1024 * 1024
MAX_FILE = 512 * 1024 * 1024
MAX_TOTAL = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # 解压后 / 压缩后；只对 1 MB 以上的条目检查
MAX_LEDGER_ROWS = 200_000
"""一种台账最多的行数（与 exports/input_safety.py 的台账上限相同）。"""
_CHUNK = 1 << 20


class PackageError(CreditCheckError):
    """数据包不能导出或不能导入；消息即原因。"""


@dataclass(frozen=True)
class EvidenceItem:
    """佐证材料清单中的一项。``member`` 为包内文件名（未附原件时为 None）。"""

    indicator_id: int
    evidence_id: str
    file_name: str
    recorded_sha256: str | None
    size: int | None
    state: str  # ok / missing / changed / not-included
    member: str | None = None
    member_sha256: str | None = None
    member_size: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator_id": self.indicator_id,
            "evidence_id": self.evidence_id,
            "file_name": self.file_name,
            "recorded_sha256": self.recorded_sha256,
            "size": self.size,
            "state": self.state,
            "member": self.member,
            "member_sha256": self.member_sha256,
            "member_size": self.member_size,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EvidenceItem:
        return cls(
            indicator_id=int(d["indicator_id"]),
            evidence_id=str(d["evidence_id"]),
            file_name=str(d.get("file_name", "")),
            recorded_sha256=d.get("recorded_sha256"),
            size=d.get("size"),
            state=str(d.get("state", "")),
            member=d.get("member"),
            member_sha256=d.get("member_sha256"),
            member_size=d.get("member_size"),
        )


@dataclass(frozen=True)
class ExportResult:
    path: Path
    payload_sha256: str
    created_at: datetime
    evidence_included: int
    warnings: tuple[str, ...] = ()


@dataclass
class Package:
    """校验通过的数据包内容（佐证原件还在包里，导入时才解出）。"""

    path: Path
    manifest: dict[str, Any]
    record: SectionMonth
    ledgers: dict[str, list[dict[str, Any]]]
    evidence: list[EvidenceItem]
    created_at: datetime
    payload_sha256: str

    @property
    def section_id(self) -> str:
        return self.record.section_id

    @property
    def month(self) -> Month:
        return self.record.month


@dataclass(frozen=True)
class ImportResult:
    section_id: str
    month: Month
    created_at: datetime
    replaced: bool
    previous_created_at: datetime | None
    evidence_files: int
    ledgers: tuple[str, ...]
    review: ReviewState
    notes: tuple[str, ...] = field(default_factory=tuple)
    created_by: str = ""
    """生成数据包的人（包的清单里写的）。"""
    machine: str = ""
    """生成数据包的电脑（包的清单里写的；旧版本生成的包没有）。"""


# ───────────────────────── 导出 ─────────────────────────


def default_file_name(section_id: str, month: Month) -> str:
    """默认文件名只用科室 id（英文），不用中文科室名。"""
    return f"creditcheck-{section_id}-{month}{SUFFIX}"


def _safe_part(text: str, fallback: str) -> str:
    name = re.sub(r'[\x00-\x1f<>:"/\\|?*]', "_", text or "").strip().strip(".")
    return name[:120] or fallback


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def ledger_kinds(catalog: Catalog, sm: SectionMonth) -> list[str]:
    """本科室可能有台账的种类：目录中所负责指标的 ledger，加上记录里已有摘要的种类。"""
    kinds = [i.ledger for i in catalog.assigned(sm.section_id) if i.ledger]
    return list(dict.fromkeys([*kinds, *sm.ledgers]))


def write_package(
    path: Path,
    sm: SectionMonth,
    catalog: Catalog,
    ledgers: dict[str, list[dict[str, Any]]],
    created_at: datetime,
    *,
    with_evidence: bool = False,
    created_by: str = "",
    machine: str | None = None,
) -> ExportResult:
    """把一个科室一个月的记录写成数据包（临时文件 + os.replace）。

    数据包只带科室自己的审核记录（提交、撤回）：体系科的决定留在体系科的审核文件里，不随包来回传。
    """
    catalog.section_by_id(sm.section_id)
    record = sm.to_dict()
    own = [r for r in sm.history if not is_decision(r)]
    record["history"] = [r.to_dict() for r in own]
    record["review"] = effective_state(
        own, sm.review if not sm.history else ReviewState.DRAFT
    ).value
    if not record.get("catalog_version"):
        record["catalog_version"] = catalog.version
    warnings: list[str] = []
    items: list[EvidenceItem] = []
    files: list[tuple[str, Path]] = []
    used: set[str] = set()
    for iid, entry in sorted(sm.entries.items()):
        for ev in entry.evidence:
            item, src = _evidence_item(iid, ev, with_evidence, used, warnings)
            items.append(item)
            if src is not None and item.member:
                files.append((item.member, src))
    payload = {
        "section_month": record,
        "ledgers": {k: v for k, v in ledgers.items() if v is not None},
        "evidence": [i.to_dict() for i in items],
    }
    payload_bytes = json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True).encode(
        "utf-8"
    )
    digest = hashlib.sha256(payload_bytes).hexdigest()
    section = catalog.section_by_id(sm.section_id)
    manifest = {
        "schema": SCHEMA,
        "format": FORMAT,
        "section_id": sm.section_id,
        "section_name": section.name,
        "month": str(sm.month),
        "catalog_version": catalog.version,
        "created_at": created_at.isoformat(timespec="seconds"),
        "created_by": created_by,
        "machine": machine if machine is not None else _machine(),
        "app_version": __version__,
        "payload": PAYLOAD,
        "payload_sha256": digest,
        "payload_size": len(payload_bytes),
        "evidence_files": len(files),
    }
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            zf.writestr(PAYLOAD, payload_bytes)
            for member, src in files:
                zf.write(src, member)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return ExportResult(path, digest, created_at, len(files), tuple(warnings))


def _machine() -> str:
    import socket

    try:
        return socket.gethostname() or ""
    except OSError:
        return ""


def _evidence_item(
    iid: int,
    ev: Evidence,
    with_evidence: bool,
    used: set[str],
    warnings: list[str],
) -> tuple[EvidenceItem, Path | None]:
    src = Path(ev.abs_path) if ev.abs_path else None
    base = EvidenceItem(iid, ev.id, ev.file_name, ev.sha256, ev.size, "not-included")
    if not with_evidence:
        return base, None
    if src is None or not src.is_file():
        warnings.append(f"第{iid}项的佐证材料“{ev.file_name}”找不到（{ev.abs_path}），未放入数据包")
        return _with(base, state="missing"), None
    digest = _sha256_file(src)
    state = "ok"
    if ev.sha256 and digest != ev.sha256:
        state = "changed"
        warnings.append(
            f"第{iid}项的佐证材料“{ev.file_name}”在登记后被修改过，已按现在的内容放入数据包"
        )
    member = f"{EVIDENCE_DIR}/{_safe_part(ev.id, 'x')}/{_safe_part(ev.file_name, 'file')}"
    n = 2
    while member in used:
        member = f"{EVIDENCE_DIR}/{_safe_part(ev.id, 'x')}-{n}/{_safe_part(ev.file_name, 'file')}"
        n += 1
    used.add(member)
    return _with(
        base, state=state, member=member, member_sha256=digest, member_size=src.stat().st_size
    ), src


def _with(item: EvidenceItem, **changes: Any) -> EvidenceItem:
    from dataclasses import replace

    return replace(item, **changes)


# ───────────────────────── 读取与校验 ─────────────────────────


def _check_member_name(name: str) -> None:
    bad = (
        not name
        or name.startswith(("/", "\\"))
        or "\\" in name
        or "\x00" in name
        or re.match(r"^[A-Za-z]:", name) is not None
        or any(part in ("", ".", "..") for part in name.rstrip("/").split("/"))
    )
    if bad:
        raise PackageError(
            f"数据包里有不安全的文件名“{name}”（可能试图写到目标文件夹之外），已拒收"
        )


def _read_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limit: int,
    sink: IO[bytes] | io.RawIOBase | None = None,
) -> tuple[bytes, str]:
    """读出一个条目（不超过 limit 字节），返回（内容或空，SHA-256）。``sink`` 不为空时写入其中。"""
    h = hashlib.sha256()
    chunks: list[bytes] = []
    total = 0
    try:
        with zf.open(info) as f:
            while True:
                block = f.read(_CHUNK)
                if not block:
                    break
                total += len(block)
                if total > limit:
                    raise PackageError(f"数据包中的“{info.filename}”超过大小上限，已拒收")
                h.update(block)
                if sink is not None:
                    sink.write(block)
                else:
                    chunks.append(block)
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:
        raise PackageError(f"数据包已损坏：“{info.filename}”无法解压或校验失败（{e}）") from None
    return b"".join(chunks), h.hexdigest()


def _check_limits(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise PackageError(f"数据包里的文件太多（{len(infos)} 个，上限 {MAX_ENTRIES}），已拒收")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise PackageError("数据包里有重名的文件，已拒收")
    total = 0
    for info in infos:
        _check_member_name(info.filename)
        if info.flag_bits & 0x1:
            raise PackageError("数据包里有加密的文件，无法导入")
        if info.file_size > MAX_FILE:
            raise PackageError(
                f"数据包中的“{info.filename}”过大（解压后 {info.file_size} 字节），已拒收"
            )
        if info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise PackageError(f"数据包中的“{info.filename}”压缩比异常（疑似“zip 炸弹”），已拒收")
        total += info.file_size
    if total > MAX_TOTAL:
        raise PackageError("数据包解压后总大小超过上限，已拒收")


def _json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackageError(f"数据包中的{what}不是有效的 JSON，可能已损坏") from None


def _manifest_field(m: dict[str, Any], key: str, typ: type) -> Any:
    v = m.get(key)
    if not isinstance(v, typ) or isinstance(v, bool) and typ is not bool:
        raise PackageError(f"数据包清单缺少字段“{key}”或类型不对，可能已损坏")
    return v


def read_package(path: Path, catalog: Catalog, now: datetime, *, force: bool = False) -> Package:
    """打开并校验数据包，返回内容；任何问题都抛 PackageError（一句中文原因）。

    ``force`` 只放宽目录版本不一致这一项（其余校验不放宽）。
    """
    path = Path(path)
    if not path.is_file():
        raise PackageError(f"找不到数据包：{path}")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise PackageError(
            f"数据包已损坏或不完整（无法读取 zip 结构：{e}），请重新导出或重新拷贝"
        ) from None
    with zf:
        infos = zf.infolist()
        _check_limits(infos)
        by_name = {i.filename: i for i in infos}
        if MANIFEST not in by_name or PAYLOAD not in by_name:
            raise PackageError("这不是 creditcheck 数据包（缺少 manifest.json 或 payload.json）")
        manifest = _json(_read_member(zf, by_name[MANIFEST], MAX_MANIFEST)[0], "清单 manifest.json")
        if not isinstance(manifest, dict) or manifest.get("schema") != SCHEMA:
            raise PackageError("这不是 creditcheck 数据包（清单格式不对）")
        fmt = _manifest_field(manifest, "format", int)
        if fmt > FORMAT:
            raise PackageError(
                f"数据包由更新版本的程序生成（格式 {fmt}），请先升级本机的 creditcheck"
            )
        sid = _manifest_field(manifest, "section_id", str)
        month_text = _manifest_field(manifest, "month", str)
        cat_version = _manifest_field(manifest, "catalog_version", str)
        created_text = _manifest_field(manifest, "created_at", str)
        expected = _manifest_field(manifest, "payload_sha256", str)
        try:
            created_at = datetime.fromisoformat(created_text)
        except ValueError:
            raise PackageError(f"数据包清单中的生成时间“{created_text}”无法识别") from None
        try:
            month = Month.parse(month_text)
        except CreditCheckError:
            raise PackageError(f"数据包清单中的月份“{month_text}”无法识别") from None
        try:
            catalog.section_by_id(sid)
        except CreditCheckError:
            raise PackageError(f"数据包的科室编号“{sid}”不在本机的指标目录中") from None
        if month > Month.of(now.date()):
            raise PackageError(f"数据包的月份 {month.label} 晚于本月，请核对导出电脑的日期")
        if cat_version != catalog.version and not force:
            raise PackageError(
                f"目录版本不一致：数据包为 {cat_version}，本机为 {catalog.version}。"
                "请两台电脑使用相同的指标目录后重新导出；确认无误可加 --force 导入"
            )
        payload_bytes, digest = _read_member(zf, by_name[PAYLOAD], MAX_PAYLOAD)
        if digest != expected.lower():
            raise PackageError(
                "数据包内容与清单中的 SHA-256 不符：文件在传输中损坏或被修改过，已拒收"
            )
        payload = _json(payload_bytes, "内容 payload.json")
        record, ledgers, evidence = _parse_payload(payload, catalog)
        if record.section_id != sid or record.month != month:
            raise PackageError("数据包清单与内容不一致（科室或月份不同），已拒收")
        members = {i.member for i in evidence if i.member}
        for name in by_name:
            if name in (MANIFEST, PAYLOAD) or name.endswith("/"):
                continue
            if name not in members:
                raise PackageError(f"数据包里有清单之外的文件“{name}”，已拒收")
        for item in evidence:
            if item.member and item.member not in by_name:
                raise PackageError(f"数据包不完整：缺少佐证材料“{item.file_name}”")
        return Package(path, manifest, record, ledgers, evidence, created_at, digest)


def _parse_payload(
    payload: Any, catalog: Catalog
) -> tuple[SectionMonth, dict[str, list[dict[str, Any]]], list[EvidenceItem]]:
    if not isinstance(payload, dict) or not isinstance(payload.get("section_month"), dict):
        raise PackageError("数据包内容格式不对（缺少本月记录）")
    try:
        record = SectionMonth.from_dict(payload["section_month"])
        evidence = [EvidenceItem.from_dict(d) for d in payload.get("evidence", [])]
    except (KeyError, TypeError, ValueError, AttributeError, AssertionError, CreditCheckError) as e:
        raise PackageError(f"数据包内容格式不对（{type(e).__name__}: {e}）") from None
    for iid in record.entries:
        try:
            catalog.indicator(iid)
        except CreditCheckError:
            raise PackageError(f"数据包里有本机目录中没有的第{iid}项指标，请核对目录版本") from None
    ledgers_raw = payload.get("ledgers", {})
    if not isinstance(ledgers_raw, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(r, dict) for r in v)
        for k, v in ledgers_raw.items()
    ):
        raise PackageError("数据包中的台账格式不对")
    from creditcheck.ledger import KINDS

    for kind, rows in ledgers_raw.items():
        if kind not in KINDS:  # 种类成为文件名的一部分：只认识目录里的几种（挡住 ../../evil 之类）
            shown = kind if len(kind) <= 40 else kind[:40] + "…"
            raise PackageError(
                f"数据包里有不认识的台账种类“{shown}”，已拒收（本机认识：{'、'.join(KINDS)}）"
            )
        if len(rows) > MAX_LEDGER_ROWS:
            raise PackageError(
                f"数据包里的台账“{kind}”有 {len(rows):,} 行，超过 {MAX_LEDGER_ROWS:,} 行的上限，已拒收"
            )
    for item in evidence:
        if item.member is not None:
            _check_member_name(item.member)
            if not item.member.startswith(EVIDENCE_DIR + "/") or not item.member_sha256:
                raise PackageError(f"数据包中佐证材料“{item.file_name}”的登记有误")
    return record, dict(ledgers_raw), evidence


# ───────────────────────── 导入 ─────────────────────────


def registry_path(data_dir: Path) -> Path:
    return Path(data_dir) / "packages" / "imports.json"


def evidence_folder(data_dir: Path, section_id: str, month: Month) -> Path:
    return Path(data_dir) / "packages" / section_id / str(month) / EVIDENCE_DIR


def _verify_evidence(pkg: Package) -> None:
    items = [i for i in pkg.evidence if i.member]
    if not items:
        return
    with zipfile.ZipFile(pkg.path) as zf:
        for item in items:
            assert item.member is not None
            _, digest = _read_member(zf, zf.getinfo(item.member), MAX_FILE, sink=_NullSink())
            if digest != item.member_sha256:
                raise PackageError(
                    f"佐证材料“{item.file_name}”与清单中的 SHA-256 不符，数据包已被修改或损坏，已拒收"
                )


class _NullSink(io.RawIOBase):
    def write(self, b: Any) -> int:
        return len(b)


def _extract_evidence(pkg: Package, data_dir: Path, record: SectionMonth) -> int:
    """把包里的佐证原件解到 packages/<科室>/<月>/evidence/，逐个核对 SHA-256；并把记录里
    对应材料的 abs_path 指到解出的文件（``path`` 保留科室电脑上的原路径）。全部核对通过才替换旧文件夹。"""
    items = [i for i in pkg.evidence if i.member]
    target = evidence_folder(data_dir, pkg.section_id, pkg.month)
    if not items:
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".evidence-", dir=target.parent))
    try:
        with zipfile.ZipFile(pkg.path) as zf:
            for item in items:
                assert item.member is not None
                rel = PurePosixPath(item.member).relative_to(EVIDENCE_DIR)
                dest = staging.joinpath(*rel.parts)
                if not dest.resolve().is_relative_to(staging.resolve()):
                    raise PackageError(f"数据包里有不安全的文件名“{item.member}”，已拒收")
                dest.parent.mkdir(parents=True, exist_ok=True)
                with open(dest, "wb") as out:
                    _, digest = _read_member(zf, zf.getinfo(item.member), MAX_FILE, sink=out)
                if digest != item.member_sha256:
                    raise PackageError(
                        f"佐证材料“{item.file_name}”与清单中的 SHA-256 不符，数据包已被修改或损坏，已拒收"
                    )
        old = None
        if target.exists():
            old = target.with_name(f".old-{target.name}-{os.getpid()}")
            os.replace(target, old)
        os.replace(staging, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    where = {(i.indicator_id, i.evidence_id): i for i in items}
    for iid, entry in record.entries.items():
        for ev in entry.evidence:
            found = where.get((iid, ev.id))
            if found is not None and found.member:
                rel = PurePosixPath(found.member).relative_to(EVIDENCE_DIR)
                ev.abs_path = str(target.joinpath(*rel.parts))
    return len(items)


def describe(items: Iterable[EvidenceItem]) -> str:
    items = list(items)
    inc = sum(1 for i in items if i.member)
    return f"佐证材料 {len(items)} 份，其中随包附原件 {inc} 份"
