"""用例：导入科室交来的数据包（全有或全无），命令行与界面共用。

顺序：
1. 读取并校验整个包（``exports.package.read_package``：zip 结构、清单、SHA-256、科室、月份、
   目录版本、本月记录的结构、台账种类与行数、佐证条目的文件名），再核对每个佐证原件的 SHA-256；
2. 核对来源：包是谁、在哪台电脑上生成的；与上次收到的该科室数据包来自不同电脑，
   或包里写的科室名称与科室编号对不上时，先问（``confirm``）；不确认就不导入；
3. 核对新旧（比已导入的更新、本机没有更新的修改、该月未锁定），``force`` 时跳过；
4. 在 ``storage.rollback.FolderGuard`` 里写入：解出佐证原件（先解到临时文件夹，核对后一次换入）、
   本月记录、各种台账、导入记录。任何一步失败（磁盘已满、没有权限……），
   数据文件夹恢复成开始前逐字节相同的样子，再给出一句中文原因。

佐证路径：包里写的路径（可能是 ``/etc/shadow`` 或 ``\\\\host\\share\\x.exe``）从不使用。随包附了原件的，
指向解出的文件；没有附原件的，指向它在本机“应在”的位置（数据包文件夹内，不存在，显示为缺失）。
存下的都是绝对路径（数据文件夹用相对路径给出时也一样），从别的文件夹运行也找得到。
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from creditcheck.catalog import Catalog
from creditcheck.models import ReviewState, SectionMonth
from creditcheck.review import effective_state, is_decision
from exports.package import (
    EVIDENCE_DIR,
    ImportResult,
    Package,
    PackageError,
    _extract_evidence,
    _safe_part,
    _verify_evidence,
    evidence_folder,
    read_package,
    registry_path,
)
from storage.atomic import CorruptFileError, StorageError, read_json, write_json_atomic
from storage.rollback import FolderGuard
from storage.schema import check_registry

from ..records import dataclass

__all__ = ["Provenance", "import_package", "provenance", "load_registry"]


@dataclass(frozen=True)
class Provenance:
    """数据包的来源（清单里写的），以及导入前需要用户确认的理由。"""

    section_id: str
    section_name: str
    person: str
    machine: str
    created_at: datetime
    questions: tuple[str, ...] = ()

    def describe(self) -> str:
        who = self.person or "（未注明姓名）"
        where = self.machine or "（未注明电脑，旧版本生成的包）"
        return f"{self.section_name}，由 {who} 在电脑 {where} 上于 {self.created_at:%Y-%m-%d %H:%M} 生成"


def load_registry(data_dir: Path) -> dict[str, Any]:
    """导入记录 packages/imports.json；损坏时说明怎么办（不崩溃，也不当作空的悄悄覆盖）。"""
    path = registry_path(data_dir)
    try:
        data = read_json(path)
        check_registry(path, data)
    except CorruptFileError as e:
        raise PackageError(
            f"数据包导入记录已损坏：{path}（{e.detail}）。请把它改名保留后重新导入"
            "（之后导入时不再比较新旧）"
        ) from None
    return data if isinstance(data, dict) else {}


def provenance(pkg: Package, catalog: Catalog, registry: dict[str, Any]) -> Provenance:
    """包的来源，以及与上次收到的该科室数据包相比需要确认的地方。"""
    m = pkg.manifest
    section = catalog.section_by_id(pkg.section_id)
    claimed, person, machine = (
        str(m.get(k)) if isinstance(m.get(k), str) else ""
        for k in ("section_name", "created_by", "machine")
    )
    questions: list[str] = []
    if claimed and claimed not in (section.name, section.short):
        questions.append(
            f"包里写的科室名称是“{claimed[:40]}”，与科室编号 {pkg.section_id} 对应的“{section.name}”不符"
        )
    last = _last_from_section(registry, pkg.section_id)
    if last is not None:
        prev_machine = str(last.get("machine") or "")
        if prev_machine and machine != prev_machine:
            prev_person = str(last.get("person") or "")
            questions.append(
                f"上次收到的{section.short}数据包来自电脑 {prev_machine}"
                f"{f'（{prev_person}）' if prev_person else ''}，这次来自 {machine or '未注明的电脑'}"
                f"{f'（{person}）' if person else ''}"
            )
    return Provenance(
        pkg.section_id, section.name, person, machine, pkg.created_at, tuple(questions)
    )


def _last_from_section(registry: dict[str, Any], section_id: str) -> dict[str, Any] | None:
    entries = [
        v
        for k, v in registry.items()
        if isinstance(v, dict) and str(k).startswith(f"{section_id}/")
    ]
    if not entries:
        return None
    return max(entries, key=lambda v: str(v.get("imported_at") or ""))


def _latest_edit(sm: SectionMonth) -> datetime | None:
    stamps = [e.updated_at for e in sm.entries.values() if e.updated_at]
    return max(stamps) if stamps else None


def import_package(
    path: Path,
    store: Any,
    catalog: Catalog,
    now: datetime,
    *,
    force: bool = False,
    actor: str = "",
    confirm: Callable[[Provenance], bool] | None = None,
) -> ImportResult:
    """校验并导入数据包（``store`` 为 storage.Store）。任何问题都抛 PackageError（或 StorageError），
    数据文件夹不变。

    已导入过同一科室同一月份的包时，只接受生成时间更晚的；本机已有的记录比包还新、
    或本机该月已审核通过（锁定）时也拒收。``force`` 跳过这些比较（以及目录版本检查），
    但不跳过来源的确认。``confirm`` 在来源需要确认时被调用（返回 True 才导入）；为 None 时拒收并说明。

    审核记录：包里只取科室自己的操作（提交、撤回），存入科室的月度文件并与本机已有的合并；
    体系科的决定一直在本机的审核文件里，不会被包冲掉。
    """
    pkg = read_package(path, catalog, now, force=force)
    _check_record(pkg)
    data_dir = Path(store.data_dir).absolute()
    FolderGuard.recover(data_dir)  # 上次被强行中断的导入：先撤销，再看本机现在的样子
    key = f"{pkg.section_id}/{pkg.month}"
    registry = load_registry(data_dir)
    prov = provenance(pkg, catalog, registry)
    if prov.questions:
        if confirm is None or not confirm(prov):
            raise PackageError(
                "数据包来源需要确认，未导入："
                + "；".join(prov.questions)
                + "。确认无误后可加 --yes 导入"
            )
    prev = registry.get(key) if isinstance(registry.get(key), dict) else None
    prev_created: datetime | None = None
    if prev:
        with contextlib.suppress(TypeError, ValueError):
            prev_created = datetime.fromisoformat(prev.get("created_at", ""))
    section = catalog.section_by_id(pkg.section_id)
    stored = [m for m in store.months(pkg.section_id) if m.month == pkg.month]
    existing = stored[0] if stored else None
    if not force:
        when = f"{pkg.created_at:%Y-%m-%d %H:%M}"
        if prev_created is not None and pkg.created_at <= prev_created:
            raise PackageError(
                f"已导入过{section.short}{pkg.month.label}生成于 {prev_created:%Y-%m-%d %H:%M} 的数据包，"
                f"这个包（生成于 {when}）{'相同' if pkg.created_at == prev_created else '更旧'}，未导入；"
                "确需替换请加 --force"
            )
        if existing is not None and existing.locked:
            raise PackageError(
                f"本机{section.short}{pkg.month.label}已审核通过并锁定，未导入；"
                "如需用新数据替换，请先重新打开（需填写理由），或加 --force"
            )
        latest = _latest_edit(existing) if existing is not None else None
        if prev_created is None and latest is not None and latest > pkg.created_at:
            raise PackageError(
                f"本机已有{section.short}{pkg.month.label}的记录，最后修改于 {latest:%Y-%m-%d %H:%M}，"
                f"比这个数据包（生成于 {when}）新，未导入；确需替换请加 --force"
            )
    _verify_evidence(pkg)  # 先核对全部原件，再动本机的任何文件
    record = pkg.record
    package_state = record.review
    own = [r for r in record.history if not is_decision(r)]
    record.history = own
    record.review = effective_state(own, package_state if not own else ReviewState.DRAFT)
    roots = [
        data_dir / "sections" / pkg.section_id,
        data_dir / "packages",
        data_dir / "backups" / pkg.section_id,
    ]
    with FolderGuard(data_dir, roots):
        n_files = _extract_evidence(pkg, data_dir, record)
        _neutralise_paths(pkg, data_dir, record)
        # 是否锁定上面已经查过（--force 时有意替换）；科室的操作按包原样并入，状态由合并后的记录重放得出
        store.save_month(record, actor=actor or f"导入数据包 {pkg.path.name}", force=True)
        for kind, rows in pkg.ledgers.items():
            store.save_ledger(
                pkg.section_id, pkg.month, kind, rows, {"source": f"数据包 {pkg.path.name}"}
            )
        registry[key] = {
            "created_at": pkg.created_at.isoformat(timespec="seconds"),
            "payload_sha256": pkg.payload_sha256,
            "imported_at": now.isoformat(timespec="seconds"),
            "file": pkg.path.name,
            "person": prov.person,
            "machine": prov.machine,
        }
        write_json_atomic(registry_path(data_dir), registry)
    notes: list[str] = []
    if any(i.state == "missing" for i in pkg.evidence):
        notes.append("部分佐证材料在导出电脑上已找不到，包里没有这些原件")
    if record.review is not package_state:
        notes.append(f"按审核记录合并后，本月状态为“{record.review.value}”")
    return ImportResult(
        pkg.section_id,
        pkg.month,
        pkg.created_at,
        existing is not None or prev is not None,
        prev_created,
        n_files,
        tuple(pkg.ledgers),
        record.review,
        tuple(notes),
        created_by=prov.person,
        machine=prov.machine,
    )


def _check_record(pkg: Package) -> None:
    """本月记录与本机数据文件同样严格的结构校验（能解析但类型不对的包在写入之前就拒收）。"""
    from storage.schema import check_data_file

    doc = pkg.record.to_dict()
    try:
        check_data_file(pkg.path, {"months": {"1": doc}}, "months")
    except CorruptFileError as e:
        raise PackageError(f"数据包中的本月记录内容不对（{e.detail}），已拒收") from None
    except StorageError as e:  # pragma: no cover - 结构校验只抛 CorruptFileError
        raise PackageError(str(e)) from None


def _neutralise_paths(pkg: Package, data_dir: Path, record: SectionMonth) -> None:
    """每份佐证材料的 abs_path 都指向数据包文件夹内：随包附了原件的指向解出的文件，
    没有附的指向它“应在”的位置（不存在）。包里写的路径只留在 ``path`` 里给人看，从不打开。"""
    target = evidence_folder(data_dir, pkg.section_id, pkg.month)
    extracted = {(i.indicator_id, i.evidence_id): i for i in pkg.evidence if i.member}
    for iid, entry in record.entries.items():
        for ev in entry.evidence:
            found = extracted.get((iid, ev.id))
            if found is not None and found.member:
                rel = PurePosixPath(found.member).relative_to(EVIDENCE_DIR)
                ev.abs_path = str(target.joinpath(*rel.parts))
            else:
                ev.abs_path = str(
                    target
                    / "未随包附原件"
                    / _safe_part(ev.id, "x")
                    / _safe_part(ev.file_name, "file")
                )
