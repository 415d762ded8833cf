"""体系科的审核决定存在体系科自己的文件（DATA/reviews/）：科室开着程序时也能审核，科室的旧副本不会冲掉决定。

全部用真实文件与真实 Store；“两个进程”一项真的另起一个 Python 进程占用科室的锁。
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest
from app_support import settle
from click.testing import CliRunner
from coordination_data import MONTH, save_records

from creditcheck import review
from creditcheck.cli import main
from creditcheck.models import ReviewRecord, ReviewState, SectionMonth, Status
from creditcheck.review import ReviewConflictError, ReviewError, effective_state, merge_histories
from screens.actions import heartbeat
from storage.store import Store

T = datetime(2026, 11, 28, 9, 0)
LOCKED_MSG = "已由体系科（李玲）于 2026-11-28 09:00 审核通过并锁定，刚才的修改未保存；如需修改请联系体系科重新打开"


def _section_session(data_dir: Path, sid: str = "commerce") -> Store:
    store = Store(data_dir, section_id=sid, actor="刘琛", backup_on_open=False)
    assert store.holds_lock and not store.read_only
    return store


def _month_file(data_dir: Path, sid: str = "commerce") -> Path:
    return data_dir / "sections" / sid / "2026-11.json"


def _decisions(data_dir: Path, sid: str = "commerce") -> dict:
    return json.loads((data_dir / "reviews" / f"{sid}-2026-11.json").read_text("utf-8"))


# ───────────── 状态机：合并与重放 ─────────────


def test_merge_orders_by_what_each_side_had_seen_not_by_clock():
    # 体系科电脑的时钟慢了 20 分钟：审核通过的时间戳早于提交，但它是看到提交之后才做的
    submit = ReviewRecord("submit", datetime(2026, 11, 28, 10, 10), "刘琛", "", seen=0)
    approve = ReviewRecord("approve", datetime(2026, 11, 28, 9, 55), "李玲", "", seen=1)
    merged = merge_histories([submit], [approve])
    assert [r.action for r in merged] == ["submit", "approve"]
    assert effective_state(merged) is ReviewState.APPROVED
    # 旧数据没有 seen：按时间
    old = [
        ReviewRecord("submit", datetime(2026, 11, 20, 9)),
        ReviewRecord("approve", datetime(2026, 11, 21, 9)),
    ]
    assert effective_state(merge_histories(old)) is ReviewState.APPROVED


def test_replay_skips_steps_the_state_machine_does_not_allow():
    # 科室不知道已审核通过又“撤回”（互不知道，时间在后）：撤回跳过，仍是审核通过（锁定）
    h = [
        ReviewRecord("submit", T, seen=0),
        ReviewRecord("approve", T.replace(hour=10), seen=1),
        ReviewRecord("withdraw", T.replace(hour=11), seen=0),
    ]
    merged = merge_histories(h)
    assert [r.action for r in merged] == ["submit", "approve", "withdraw"]
    assert effective_state(merged) is ReviewState.APPROVED
    assert effective_state([], ReviewState.SUBMITTED) is ReviewState.SUBMITTED  # 没有记录时沿用


def test_review_steps_record_what_they_had_seen(catalog):
    sm = SectionMonth("commerce", MONTH, catalog.version)
    review.submit(sm, "刘琛", T)
    review.return_for_changes(sm, "李玲", T, "补材料")
    review.submit(sm, "刘琛", T)
    assert [r.seen for r in sm.history] == [0, 1, 1]
    assert SectionMonth.from_dict(sm.to_dict()).history == sm.history


# ───────────── 科室开着程序时审核 ─────────────


def test_approve_while_section_holds_its_lock_then_stale_copy_is_refused(catalog, data_dir):
    save_records(catalog, data_dir)
    section = _section_session(data_dir)
    stale = section.load_month("commerce", MONTH)  # 科室窗口里读出的本月（已提交）
    before = _month_file(data_dir).read_bytes()

    coord = Store(data_dir, actor="李玲")
    sm = coord.record_decision("commerce", MONTH, "approve", "李玲", T)
    assert sm.review is ReviewState.APPROVED
    assert _month_file(data_dir).read_bytes() == before  # 没有碰科室的文件
    d = _decisions(data_dir)
    assert d["schema"] == 1 and d["section_id"] == "commerce" and d["month"] == "2026-11"
    assert [(x["action"], x["by"], x["at"], x["seen"]) for x in d["decisions"]] == [
        ("approve", "李玲", "2026-11-28T09:00", 1)
    ]
    audit = coord.review_audit(2026)
    assert (audit[-1]["section"], audit[-1]["action"], audit[-1]["who"]) == (
        "commerce",
        "approve",
        "李玲",
    )
    assert audit[-1]["changes"] == [{"path": "review", "old": "已提交", "new": "审核通过"}]

    # 科室窗口里的旧副本改了内容再保存：拒绝，说明原因，什么也没写
    stale.entry(5).note = "刚才又改了一句"
    with pytest.raises(ReviewConflictError) as e:
        section.save_month(stale)
    assert str(e.value) == "2026年11月" + LOCKED_MSG
    assert _month_file(data_dir).read_bytes() == before
    again = Store(data_dir, read_only=True).load_month("commerce", MONTH)
    assert again.review is ReviewState.APPROVED and again.locked
    assert again.entry(5).note != "刚才又改了一句"
    # 没有改内容的保存（例如只是重存一遍）不受影响，并把最新的审核状态带回来
    fresh_copy = section.load_month("commerce", MONTH)
    assert fresh_copy.locked
    assert section.save_month(fresh_copy).changes == []
    section.close()


def test_return_comment_reaches_the_open_section(catalog, data_dir):
    save_records(catalog, data_dir)
    section = _section_session(data_dir)
    sm = section.load_month("commerce", MONTH)
    assert section.refresh_review(sm) is None  # 还没有新决定
    Store(data_dir).record_decision(
        "commerce", MONTH, "return", "李玲", T, "请补充第6项推进情况的材料"
    )

    # 下一次读取就看到
    assert section.load_month("commerce", MONTH).last_return_comment == "请补充第6项推进情况的材料"
    # 定时检查：只看修改时间，变了才重读，并给出一句说明
    news = section.refresh_review(sm)
    assert (
        news
        == "体系科（李玲）于 2026-11-28 09:00 退回修改，意见：请补充第6项推进情况的材料。请按意见修改后重新提交。"
    )
    assert (
        sm.review is ReviewState.RETURNED and sm.last_return_comment == "请补充第6项推进情况的材料"
    )
    assert section.refresh_review(sm) is None

    # 旧副本保存（不是锁定，照常保存）：保存结果里有说明，副本换上最新状态；再提交
    stale = Store(data_dir, read_only=True).load_month("commerce", MONTH)
    stale.history = [r for r in stale.history if r.action != "return"]
    stale.review = ReviewState.SUBMITTED
    stale.entry(6).note = "已补充推进情况"
    result = section.save_month(stale)
    assert [n.kind for n in result.notices] == ["review"]
    assert "退回修改，意见：请补充第6项推进情况的材料" in result.notices[0].message
    assert stale.review is ReviewState.RETURNED
    review.submit(stale, "刘琛", T.replace(hour=11))
    section.save_month(stale)
    back = Store(data_dir, read_only=True).load_month("commerce", MONTH)
    assert back.review is ReviewState.SUBMITTED and back.entry(6).note == "已补充推进情况"
    assert [r.action for r in back.history] == ["submit", "return", "submit"]
    # 月度文件里只有科室自己的操作
    raw = json.loads(_month_file(data_dir).read_text("utf-8"))
    doc = next(iter(raw["months"].values()))
    assert [h["action"] for h in doc["history"]] == ["submit", "submit"]
    section.close()


def test_withdraw_or_submit_refused_after_a_newer_decision(catalog, data_dir):
    save_records(catalog, data_dir)
    section = _section_session(data_dir)
    stale = section.load_month("commerce", MONTH)  # 已提交
    Store(data_dir).record_decision("commerce", MONTH, "approve", "李玲", T)
    review.withdraw(stale, "刘琛", T.replace(hour=10))
    with pytest.raises(ReviewConflictError, match="审核通过并锁定"):
        section.save_month(stale)
    # 重新打开后科室读到“退回修改”；体系科又……不能审核“退回修改”，科室再提交，体系科再审核通过；
    coord = Store(data_dir)
    coord.record_decision("commerce", MONTH, "reopen", "李玲", T.replace(hour=10), "台账有误需更正")
    reopened = section.load_month("commerce", MONTH)
    assert (
        reopened.review is ReviewState.RETURNED and reopened.last_return_comment == "台账有误需更正"
    )
    # 另一份旧副本（重新打开之前读的）在此之后提交：按最新状态核对
    old_copy = Store(data_dir, read_only=True).load_month("commerce", MONTH)
    review.submit(reopened, "刘琛", T.replace(hour=11))
    section.save_month(reopened)
    coord.record_decision("commerce", MONTH, "approve", "李玲", T.replace(hour=12))
    assert old_copy.review is ReviewState.RETURNED
    review.submit(old_copy, "刘琛", T.replace(hour=13))
    with pytest.raises(ReviewConflictError, match="于 2026-11-28 12:00 审核通过并锁定"):
        section.save_month(old_copy)
    final = Store(data_dir, read_only=True).load_month("commerce", MONTH)
    assert final.review is ReviewState.APPROVED
    assert [r.action for r in final.history] == ["submit", "approve", "reopen", "submit", "approve"]
    section.close()


def test_decisions_are_validated_against_the_latest_month(catalog, data_dir):
    save_records(catalog, data_dir)
    coord = Store(data_dir)
    with pytest.raises(ReviewError, match="只有“已提交”的月份可以审核，当前为“未提交”"):
        coord.record_decision("construction", MONTH, "approve", "李玲", T)
    with pytest.raises(ReviewError, match="必须填写意见"):
        coord.record_decision("commerce", MONTH, "return", "李玲", T, "  ")
    assert not (data_dir / "reviews" / "construction-2026-11.json").exists()
    with pytest.raises(Exception, match="只读"):
        Store(data_dir, read_only=True).record_decision("commerce", MONTH, "approve", "李玲", T)
    # 科室在体系科读到之后撤回了：审核通过被拒绝
    section = _section_session(data_dir)
    sm = section.load_month("commerce", MONTH)
    review.withdraw(sm, "刘琛", T)
    section.save_month(sm)
    with pytest.raises(ReviewError, match="当前为“未提交”"):
        coord.record_decision("commerce", MONTH, "approve", "李玲", T)
    section.close()


# ───────────── 旧数据：审核记录写在月度文件里 ─────────────


def _old_format_month(data_dir: Path) -> Path:
    """上一版程序写的文件：体系科的“审核通过”记在科室的月度文件里。"""
    path = _month_file(data_dir)
    path.parent.mkdir(parents=True)
    doc = {
        "schema": 1,
        "section_id": "commerce",
        "month": "2026-11",
        "catalog_version": "2022.1",
        "person": "刘琛",
        "phone": "",
        "review": "审核通过",
        "history": [
            {"action": "submit", "at": "2026-11-25T09:30", "by": "刘琛", "comment": ""},
            {"action": "approve", "at": "2026-11-26T10:00", "by": "体系科李玲", "comment": ""},
        ],
        "entries": {"2": {"indicator_id": 2, "status": "已完成", "note": "原有说明"}},
        "ledgers": {},
        "rev": 2,
        "saved_at": "2026-11-26T10:00:00",
        "saved_by": "体系科李玲",
    }
    path.write_text(
        json.dumps(
            {"months": {"1": doc}, "_meta": {"1": {"kind": "months", "schema": 2}}},
            ensure_ascii=False,
        ),
        "utf-8",
    )
    return path


def test_old_format_month_with_approve_inside_loads_as_approved(data_dir):
    path = _old_format_month(data_dir)
    store = Store(data_dir)
    sm = store.load_month("commerce", MONTH)
    assert sm.review is ReviewState.APPROVED and sm.locked
    assert [(r.action, r.by) for r in sm.history] == [("submit", "刘琛"), ("approve", "体系科李玲")]
    assert [m.review for m in store.months("commerce")] == [ReviewState.APPROVED]
    # 锁定照样生效
    sm.entry(2).note = "想改"
    with pytest.raises(
        ReviewConflictError, match="已由体系科李玲于 2026-11-26 10:00 审核通过并锁定"
    ):
        store.save_month(sm)
    # 体系科重新打开（写进审核文件），科室修改后保存：旧的“审核通过”原样留在月度文件里
    store.record_decision("commerce", MONTH, "reopen", "李玲", T, "台账有误需更正")
    sm = store.load_month("commerce", MONTH)
    assert sm.review is ReviewState.RETURNED and sm.history[-1].seen == 1
    sm.entry(2).note = "已更正"
    store.save_month(sm)
    doc = next(iter(json.loads(path.read_text("utf-8"))["months"].values()))
    assert [h["action"] for h in doc["history"]] == ["submit", "approve"]
    back = Store(data_dir, read_only=True).load_month("commerce", MONTH)
    assert back.review is ReviewState.RETURNED and back.entry(2).note == "已更正"
    assert [r.action for r in back.history] == ["submit", "approve", "reopen"]


# ───────────── 两个进程 ─────────────


SECTION_PROCESS = textwrap.dedent("""
    import sys
    from storage.store import Store
    from creditcheck.month import Month
    store = Store(sys.argv[1], section_id="commerce", actor="刘琛", backup_on_open=False)
    sm = store.load_month("commerce", Month(2026, 11))
    print("ready" if store.holds_lock else "no-lock", sm.review.value, flush=True)
    sys.stdin.readline()            # 等体系科审核
    sm.entry(5).note = "科室窗口里的改动"
    try:
        store.save_month(sm)
        print("saved", flush=True)
    except Exception as e:
        print("refused", type(e).__name__, e, flush=True)
    print("news", store.refresh_review(sm), flush=True)
    store.close()
""")


def test_section_process_and_coordinator_decision_at_the_same_time(catalog, data_dir):
    save_records(catalog, data_dir)
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [sys.executable, "-c", SECTION_PROCESS, str(data_dir)],
        cwd=root,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline().split() == ["ready", "已提交"]
        # 科室的锁被另一个进程占着：以前这里会“正在使用”而失败
        r = CliRunner().invoke(
            main,
            [
                "review",
                "withdraw",
                "--section",
                "commerce",
                "--month",
                "2026-11",
                "--data",
                str(data_dir),
            ],
        )
        assert r.exit_code != 0 and "现在不能写入" in r.output  # 科室自己的操作仍要科室的锁
        Store(data_dir, actor="李玲", lock_wait=0.2).record_decision(
            "commerce", MONTH, "approve", "李玲", T
        )
        out, err = proc.communicate("go\n", timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    lines = out.splitlines()
    assert lines[0] == "refused ReviewConflictError 2026年11月" + LOCKED_MSG, err
    assert lines[1] == "news 体系科（李玲）于 2026-11-28 09:00 审核通过。本月已锁定，只能查看。"
    sm = Store(data_dir, read_only=True).load_month("commerce", MONTH)
    assert sm.review is ReviewState.APPROVED and sm.entry(5).note != "科室窗口里的改动"


# ───────────── 命令行 ─────────────


@pytest.fixture
def coordinator_pc():
    from creditcheck.locations import settings_path
    from creditcheck.settings import Settings
    from storage.settings_file import save_settings

    save_settings(Settings(section_id="system", person="李玲"), settings_path())


def test_cli_review_commands_while_the_section_app_is_open(catalog, data_dir, coordinator_pc):
    save_records(catalog, data_dir)
    section = _section_session(data_dir)
    d = ["--data", str(data_dir)]
    run = CliRunner().invoke
    r = run(
        main,
        [
            "review",
            "return",
            "--section",
            "商事登记科",
            "--month",
            "2026-11",
            "--comment",
            "请补充第6项材料",
            *d,
        ],
    )
    assert r.exit_code == 0, r.output
    assert "商事登记科2026年11月：已退回修改。当前状态：退回修改" in r.output
    r = run(main, ["review", "approve", "--section", "commerce", "--month", "2026-11", *d])
    assert r.exit_code != 0 and "只有“已提交”的月份可以审核，当前为“退回修改”" in r.output
    sm = section.load_month("commerce", MONTH)
    review.submit(sm, "刘琛", T)
    section.save_month(sm)
    r = run(
        main,
        [
            "review",
            "approve",
            "--section",
            "commerce",
            "--month",
            "2026-11",
            "--comment",
            "材料齐全",
            *d,
        ],
    )
    assert r.exit_code == 0, r.output
    r = run(
        main,
        [
            "review",
            "reopen",
            "--section",
            "commerce",
            "--month",
            "2026-11",
            "--comment",
            "区信用办要求补报",
            *d,
        ],
    )
    assert r.exit_code == 0, r.output
    r = run(main, ["review", "show", "--section", "commerce", "--month", "2026-11", *d])
    assert r.output.splitlines()[0] == "商事登记科2026年11月：退回修改"
    assert "2026-11-28 10:00  审核通过  李玲  意见：材料齐全" in r.output
    assert "2026-11-28 10:00  重新打开  李玲  理由：区信用办要求补报" in r.output
    assert [x["action"] for x in _decisions(data_dir)["decisions"]] == [
        "return",
        "approve",
        "reopen",
    ]
    section.close()


# ───────────── 数据包、体检、备份 ─────────────


def test_package_import_after_a_decision_keeps_it(catalog, data_dir, tmp_path):
    from creditcheck.services.packages import import_package
    from exports.package import read_package, write_package

    save_records(catalog, data_dir)  # 科室的电脑
    coord_dir = tmp_path / "coord"
    coord = Store(coord_dir, actor="李玲")
    sm = Store(data_dir, read_only=True).load_month("social", MONTH)  # 本机看到的是“审核通过”
    assert sm.review is ReviewState.APPROVED
    pkg = write_package(tmp_path / "a.ccpkg", sm, catalog, {}, datetime(2026, 11, 27, 9, 0))
    assert [r.action for r in read_package(pkg.path, catalog, T).record.history] == [
        "submit"
    ]  # 包里只有科室的操作
    out = import_package(pkg.path, coord, catalog, T)
    assert out.review is ReviewState.SUBMITTED
    coord.record_decision("social", MONTH, "return", "李玲", T, "请补充第10项")
    # 科室改了内容又导出（没有重新提交）：退回保留；体系科的决定仍只在审核文件里
    sm.entry(10).note = "补了说明"
    pkg2 = write_package(tmp_path / "b.ccpkg", sm, catalog, {}, datetime(2026, 11, 28, 9, 30))
    out = import_package(pkg2.path, coord, catalog, T.replace(hour=10))
    assert out.review is ReviewState.RETURNED
    back = coord.load_month("social", MONTH)
    assert back.last_return_comment == "请补充第10项" and back.entry(10).note == "补了说明"
    doc = next(
        iter(
            json.loads((coord_dir / "sections/social/2026-11.json").read_text("utf-8"))[
                "months"
            ].values()
        )
    )
    assert [h["action"] for h in doc["history"]] == ["submit"]


def test_doctor_checks_review_files_and_backups_include_them(catalog, data_dir):
    from storage.doctor import diagnose

    save_records(catalog, data_dir)
    Store(data_dir, actor="李玲").record_decision("commerce", MONTH, "approve", "李玲", T)
    rep = diagnose(data_dir, catalog)
    assert rep.sound
    assert any(f.topic == "审核记录" and "共 4 条审核决定" in f.text for f in rep.findings)
    # 全部备份时包括审核文件夹
    store = Store(data_dir, actor="李玲")
    result = store.backup("manual")
    # （其余三个科室的审核文件在上面记录决定前已备份过，没有改动不再复制）
    assert result.files["reviews"] == ["audit-2026.jsonl", "commerce-2026-11.json"]
    # 每个窗口第一次记录决定前，先备份有改动的审核文件
    Store(data_dir, actor="李玲").record_decision(
        "system", MONTH, "return", "李玲", T, "第7项资料未报"
    )
    store.record_decision("commerce", MONTH, "reopen", "李玲", T.replace(hour=10), "补报")
    last = store.backups()[-1]
    assert last.reason == "review" and last.sections == {
        "reviews": ["audit-2026.jsonl", "system-2026-11.json"]
    }
    path = data_dir / "reviews" / "commerce-2026-11.json"
    good = path.read_bytes()
    path.write_bytes(b'{"decisions": [')  # 写坏
    rep = diagnose(data_dir, catalog)
    errors = [f for f in rep.errors if f.topic == "审核记录"]
    assert (
        len(errors) == 1
        and "commerce-2026-11.json 已损坏" in errors[0].text
        and "creditcheck restore" in errors[0].text
    )
    # 读取时不崩溃：按科室自己的记录显示并提示；这时不能记录新的决定
    reader = Store(data_dir, read_only=True)
    assert reader.load_month("commerce", MONTH).review is ReviewState.SUBMITTED
    assert any("审核记录文件已损坏" in n.message for n in reader.take_notices())
    with pytest.raises(Exception, match="审核记录文件已损坏"):
        store.record_decision("commerce", MONTH, "return", "李玲", T, "x")
    # 从备份恢复（全部恢复时包括审核文件夹）：回到重新打开之前（审核通过）
    restored = store.restore(result.id)
    assert path in restored.restored
    assert (
        Store(data_dir, read_only=True).load_month("commerce", MONTH).review is ReviewState.APPROVED
    )
    assert store.review_audit(2026)[-1]["action"] == "restore"
    assert good != path.read_bytes()  # 恢复的是备份时（只有审核通过）的内容


def test_section_set_status_on_approved_month_is_refused_by_the_domain_too(catalog, data_dir):
    from creditcheck.checklist import LockedMonthError, set_status

    save_records(catalog, data_dir)
    sm = Store(data_dir).load_month("office", MONTH)  # 审核通过（在审核文件里）
    assert sm.locked
    with pytest.raises(LockedMonthError):
        set_status(sm, catalog, 2, Status.DONE, T)


# ───────────── 科室的界面 ─────────────


async def test_open_section_app_sees_decisions_and_refuses_edits_after_approval(catalog, tmp_path):
    from app_support import configured, make_app
    from textual.widgets import Static

    from screens.session import SaveError

    data_dir = tmp_path / "data"
    save_records(catalog, data_dir)
    app = make_app(tmp_path, settings=configured("commerce", "刘琛"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)  # 启动时本月在后台读取
        assert app.session is not None and app.ctx.store.holds_lock
        assert app.session.sm.review is ReviewState.SUBMITTED
        # 体系科在自己的电脑上退回（科室的程序一直开着、占用着本科室）
        Store(data_dir).record_decision(
            "commerce", MONTH, "return", "李玲", T, "请补充第6项推进情况的材料"
        )
        heartbeat(app)  # 每两分钟一次的检查（在后台线程里）
        await settle(pilot)
        assert app.session.sm.review is ReviewState.RETURNED
        assert any(
            "退回修改，意见：请补充第6项推进情况的材料" in str(n.message)
            for n in app._notifications
        )
        assert "请补充第6项推进情况的材料" in str(app.screen.query_one("#notices", Static).render())
        # 重新提交，体系科审核通过；科室窗口还没等到下一次检查就改了一项
        app.session.change(lambda sm: review.submit(sm, "刘琛", T.replace(hour=10)))
        Store(data_dir).record_decision("commerce", MONTH, "approve", "李玲", T.replace(hour=11))
        with pytest.raises(SaveError) as e:
            app.session.change(lambda sm: setattr(sm.entry(5), "note", "批准之后的改动"))
        assert (
            str(e.value)
            == "2026年11月已由体系科（李玲）于 2026-11-28 11:00 审核通过并锁定，刚才的修改未保存；如需修改请联系体系科重新打开。"
        )
        assert app.session.sm.locked  # 拒绝之后换上了最新状态，界面随即显示“已锁定”
    sm = Store(data_dir, read_only=True).load_month("commerce", MONTH)
    assert sm.review is ReviewState.APPROVED and sm.entry(5).note != "批准之后的改动"
