"""The record of who changed what: every change to what a report says is in the edit log, before and after."""

import copy
import json
import sqlite3

import pytest

from app.storage import restore
from core.reportfile import read_report
from db.database import Database, DatabaseError
from db.lock import current_user
from db.models import STATUS_DRAFT, STATUS_LOCKED, STATUS_REVIEWED
from db.repository import (
    DatabaseReadOnly,
    ReportLocked,
    create_report,
    database_log,
    edit_log,
    explanations,
    import_report,
    list_reports,
    load_report,
    log_restore,
    record_restore,
    set_cells,
    set_explanation,
    set_selfeval,
    set_status,
)
from main import main
from tests.conftest import SEED_REPORTS
from tests.db_helpers import digest

WAN = 1_000_000
FIRST_PROJECT = 1  # seed 000: 整体 first, then 2023年机关业务工作经费项目
PROJECT = "项目绩效自评:2023年机关业务工作经费项目"
KEY = "表间.公开06公开09.公务接待费|公开06:30217:1"
RULE = "表间.公开06公开09.公务接待费"


@pytest.fixture
def db(tmp_path):
    database = Database.open(tmp_path / "juesuan.sqlite")
    yield database
    database.close()


@pytest.fixture
def report_id(db):
    return import_report(db, read_report(SEED_REPORTS["000"])[0])


def load_report_ids(db):
    return [r.id for r in list_reports(db)]


def data_total():
    return json.loads(SEED_REPORTS["000"].read_text(encoding="utf-8"))["selfeval"][FIRST_PROJECT]["total"]


def new_entries(db, report_id, before):
    return [(e.address, e.old_value, e.new_value, e.source) for e in edit_log(db, report_id)[before:]]


def test_an_explanation_written_changed_and_removed_is_logged(db, report_id):
    before = len(edit_log(db, report_id))
    set_explanation(db, report_id, KEY, RULE, "项目支出中列支的接待费")
    set_explanation(db, report_id, KEY, RULE, "项目支出中列支的接待费，已核对凭证")
    set_explanation(db, report_id, KEY, RULE, "项目支出中列支的接待费，已核对凭证")  # unchanged: nothing logged
    set_explanation(db, report_id, KEY, RULE, "  ")
    assert new_entries(db, report_id, before) == [
        (f"说明:{KEY}", None, "项目支出中列支的接待费", "typed"),
        (f"说明:{KEY}", "项目支出中列支的接待费", "项目支出中列支的接待费，已核对凭证", "typed"),
        (f"说明:{KEY}", "项目支出中列支的接待费，已核对凭证", None, "typed"),
    ]
    assert all(e.os_user == current_user() and e.at for e in edit_log(db, report_id)[before:])
    assert explanations(db, report_id) == {}


def test_status_changes_lock_and_unlock_included_are_logged(db, report_id):
    before = len(edit_log(db, report_id))
    set_status(db, report_id, STATUS_REVIEWED)
    set_status(db, report_id, STATUS_LOCKED)
    set_status(db, report_id, STATUS_LOCKED)  # no change, no entry
    set_status(db, report_id, STATUS_DRAFT)
    assert new_entries(db, report_id, before) == [
        ("状态", "草稿", "已审核", "typed"),
        ("状态", "已审核", "已锁定", "typed"),
        ("状态", "已锁定", "草稿", "typed"),
    ]


def test_a_locked_report_takes_no_explanation(db, report_id, tmp_path):
    set_explanation(db, report_id, KEY, RULE, "锁定前写的说明")
    set_status(db, report_id, STATUS_LOCKED)
    before = len(edit_log(db, report_id))
    with pytest.raises(ReportLocked, match="已锁定"):
        set_explanation(db, report_id, KEY, RULE, "锁定后想改的说明")
    with pytest.raises(ReportLocked):
        set_explanation(db, report_id, KEY, RULE, "")
    assert explanations(db, report_id) == {KEY: "锁定前写的说明"}
    assert len(edit_log(db, report_id)) == before


def test_a_self_evaluation_edit_logs_the_field_that_changed_before_and_after(db, report_id):
    tables = load_report(db, report_id).selfeval
    changed = copy.deepcopy(tables)
    indicator = changed[FIRST_PROJECT]["goals"][0]["groups"][0]["groups"][0]["indicators"][0]
    indicator["actual"] = "390件"
    changed[0]["header"]["基本支出总额"] = "46675.71"
    before = len(edit_log(db, report_id))
    assert set_selfeval(db, report_id, changed) == 2
    assert new_entries(db, report_id, before) == [
        ("整体绩效自评:表头:基本支出总额", "46675.73", "46675.71", "typed"),
        (f"{PROJECT}:第1个指标“行政复议应诉案件办理量”:实际完成值", "382件", "390件", "typed"),
    ]
    assert all(e.address != "绩效自评表" for e in edit_log(db, report_id)), "no “n 张” without content"
    set_selfeval(db, report_id, changed)  # the same tables again: nothing changed, nothing logged
    assert len(edit_log(db, report_id)) == before + 2


def test_an_indicator_added_and_removed_is_logged_field_by_field(db, report_id):
    tables = load_report(db, report_id).selfeval
    changed = copy.deepcopy(tables)
    group = changed[FIRST_PROJECT]["goals"][0]["groups"][0]["groups"][0]
    count = sum(
        len(s["indicators"]) for g in changed[FIRST_PROJECT]["goals"] for l1 in g["groups"] for s in l1["groups"]
    )
    removed = group["indicators"].pop()
    before = len(edit_log(db, report_id))
    set_selfeval(db, report_id, changed, source="typed")
    log = new_entries(db, report_id, before)
    # Every later indicator moves up one place: the log says what each place held before and after.
    last_name = tables[FIRST_PROJECT]["goals"][-1]["groups"][-1]["groups"][-1]["indicators"][-1]["name"]
    assert (f"{PROJECT}:第{count}个指标:名称", last_name, None, "typed") in log
    assert any(e[1] == removed["name"] for e in log)
    set_selfeval(db, report_id, tables, source="undo")
    assert load_report(db, report_id).selfeval == tables
    assert {e[3] for e in new_entries(db, report_id, before + len(log))} == {"undo"}


@pytest.mark.parametrize("kept", [False, True], ids=["read back", "as the session holds them"])
def test_a_self_evaluation_edit_in_place_or_rebuilt_reads_back_as_written(db, report_id, tmp_path, kept):
    """A value typed (same shape: rows updated in place, at every level: table, header, goal, 一级, 二级,
    indicator) and an indicator added, a header key added and a table added (new shape: rebuilt) all read
    back exactly as given, here and in a fresh import; whether the stored tables are read back to compare
    or given by the caller (`stored`, as an open report's session does), and only the edited rows change."""

    def rows(table: str) -> int:
        with db.reading() as session:
            return session.connection().exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()

    tables = load_report(db, report_id).selfeval
    indicators = rows("selfeval_indicators")
    typed = copy.deepcopy(tables)
    first = typed[FIRST_PROJECT]["goals"][0]["groups"][0]["groups"][0]
    first["indicators"][0]["score"] = "1.5"
    first["points"] = "99"
    typed[FIRST_PROJECT]["goals"][0]["name"] = "改过的年度目标"
    typed[FIRST_PROJECT]["goals"][0]["groups"][-1]["points"] = "7"
    last = typed[FIRST_PROJECT]["goals"][-1]["groups"][-1]["groups"][-1]["indicators"][-1]
    last["actual"] = "改过的实际完成值"
    typed[FIRST_PROJECT]["header"]["主管部门"] = "另一个部门"
    typed[FIRST_PROJECT]["total"] = None
    before = len(edit_log(db, report_id))
    stored = tables if kept else None
    assert set_selfeval(db, report_id, typed, positions={FIRST_PROJECT}, stored=stored) == 7
    assert load_report(db, report_id).selfeval == [{k: v for k, v in t.items() if v is not None} for t in typed]
    assert rows("selfeval_indicators") == indicators
    assert {e[0].rsplit(":", 1)[-1] for e in new_entries(db, report_id, before)} == {
        "得分", "分值", "主管部门", "总分", "名称", "实际完成值"
    }  # fmt: skip
    other = copy.deepcopy(load_report(db, report_id).selfeval)
    other[FIRST_PROJECT + 1]["goals"][0]["groups"][0]["groups"][0]["indicators"][0]["score"] = "0.5"
    set_selfeval(
        db,
        report_id,
        other,
        positions={FIRST_PROJECT + 1},
        stored=load_report(db, report_id).selfeval if kept else None,
    )
    assert load_report(db, report_id).selfeval == other  # the other table's rows, not the first's, took it
    grown = copy.deepcopy(load_report(db, report_id).selfeval)
    grown[FIRST_PROJECT]["goals"][0]["groups"][0]["groups"][0]["indicators"].append({"name": "新指标", "weight": "1"})
    grown[FIRST_PROJECT]["header"]["新表头"] = "值"
    grown.append(copy.deepcopy(grown[FIRST_PROJECT]))
    set_selfeval(db, report_id, grown)
    assert load_report(db, report_id).selfeval == grown
    assert rows("selfeval_indicators") == indicators + 1 + len(list(_indicators(grown[-1])))
    set_selfeval(db, report_id, tables, source="undo")
    assert load_report(db, report_id).selfeval == tables
    assert rows("selfeval_indicators") == indicators
    with Database.open(tmp_path / "fresh.sqlite") as fresh:
        assert load_report(fresh, import_report(fresh, load_report(db, report_id))).selfeval == tables


def _indicators(table):
    return (i for g in table["goals"] for l1 in g["groups"] for l2 in l1["groups"] for i in l2["indicators"])


def test_import_replace_logs_labels_and_self_evaluation_contents(tmp_path):
    path = tmp_path / "cli.sqlite"
    assert main(["import", str(SEED_REPORTS["000"]), "--db", str(path)]) == 0
    data = json.loads(SEED_REPORTS["000"].read_text(encoding="utf-8"))
    data["labels"]["公开02:2050201"] = "学前教育经费"
    del data["labels"]["公开02:20502"]
    data["selfeval"][FIRST_PROJECT]["total"] = "97"
    data["selfeval"][FIRST_PROJECT]["reason"] = "部分项目延期。"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with Database.open(path) as db:
        report_id = load_report_ids(db)[0]
        before = len(edit_log(db, report_id))
        old_reason = load_report(db, report_id).selfeval[FIRST_PROJECT].get("reason")
    assert main(["import", str(changed), "--db", str(path), "--replace"]) == 0
    with Database.open(path) as db:
        log = new_entries(db, report_id, before)
    assert log == [
        ("公开02:20502:名称", "普通教育", None, "import"),
        ("公开02:2050201:名称", "学前教育", "学前教育经费", "import"),
        (f"{PROJECT}:总分", data_total(), "97", "import"),
        (f"{PROJECT}:原因分析", old_reason, "部分项目延期。", "import"),
    ]


def test_import_over_a_locked_report_is_refused_from_the_command_line(tmp_path, capsys):
    path = tmp_path / "cli.sqlite"
    assert main(["import", str(SEED_REPORTS["000"]), "--db", str(path)]) == 0
    with Database.open(path) as db:
        set_status(db, load_report_ids(db)[0], STATUS_LOCKED)
    before = digest(path)
    capsys.readouterr()
    assert main(["import", str(SEED_REPORTS["000"]), "--db", str(path), "--replace"]) == 2
    assert "已锁定" in capsys.readouterr().err
    assert digest(path) == before


def test_a_new_report_is_logged_as_created(db):
    report_id = create_report(db, "某区人社局", 2024)
    ((address, old, new, source),) = new_entries(db, report_id, 0)
    assert (address, old, source) == ("报表", None, "typed") and "某区人社局" in new


def test_a_read_only_database_refuses_every_write_with_its_reason(tmp_path):
    path = tmp_path / "ro.sqlite"
    with Database.open(path) as db:
        report_id = import_report(db, read_report(SEED_REPORTS["000"])[0])
    before = digest(path)
    with Database.open(path, read_only=True) as db:
        db.read_only_reason = "另一程序正在使用该数据库"
        for write in (
            lambda: set_cells(db, report_id, [("公开01:1:1", 1)]),
            lambda: set_explanation(db, report_id, KEY, RULE, "说明"),
            lambda: set_status(db, report_id, STATUS_LOCKED),
            lambda: set_selfeval(db, report_id, []),
        ):
            with pytest.raises(DatabaseReadOnly, match="只读（另一程序正在使用该数据库）"):
                write()
    assert digest(path) == before


def test_an_amount_too_large_for_the_database_is_refused_in_chinese(db, report_id):
    before = load_report(db, report_id)
    with pytest.raises(DatabaseError) as refused:
        set_cells(db, report_id, [("公开01:1:1", 10**30)])
    assert "金额超出可保存的范围" in str(refused.value)
    assert "int" not in str(refused.value) and "too large" in (refused.value.detail or "")
    assert load_report(db, report_id) == before


# -- restore ---------------------------------------------------------------------------------


def test_a_restore_notes_itself_and_the_entries_the_replaced_file_held(tmp_path):
    path = tmp_path / "juesuan.sqlite"
    with Database.open(path) as db:
        report_id = import_report(db, read_report(SEED_REPORTS["000"])[0])
        backup = db.backup_now("manual")
        set_cells(db, report_id, [("公开01:1:1", 1 * WAN)])
        set_cells(db, report_id, [("公开01:2:1", 2 * WAN), ("公开01:3:1", 3 * WAN)])
        set_status(db, report_id, STATUS_REVIEWED)
        in_backup = len(edit_log(db, report_id)) - 4
    restored = restore(path, backup)
    kept, note = restored.kept, restored.note
    with Database.open(path) as db:
        log = edit_log(db, report_id)
        (event,) = database_log(db)
    assert len(log) == in_backup + 1
    assert (log[-1].address, log[-1].source, log[-1].old_value) == ("数据库", "restore", None)
    assert backup.name in log[-1].new_value and kept.name in log[-1].new_value
    assert "4 条备份之后的修改记录" in note and "其中本报表 4 条" in log[-1].new_value
    assert (event.event, event.detail, event.os_user) == ("restore", note, current_user())
    assert kept.exists(), "the replaced file is kept as it was"


def test_a_restore_with_an_unreadable_replaced_file_says_the_count_is_unknown(tmp_path):
    path = tmp_path / "juesuan.sqlite"
    with Database.open(path) as db:
        report_id = import_report(db, read_report(SEED_REPORTS["001"])[0])
        backup = db.backup_now("manual")
    damaged = tmp_path / "juesuan.sqlite.damaged"
    damaged.write_bytes(b"not a database at all")
    with Database.open(path) as db:
        note = record_restore(db, backup, damaged)
        assert "不知道其中有多少条" in note
        assert log_restore(db, backup.name, None, 7).endswith(
            "被替换的文件中有 7 条备份之后的修改记录未包含在恢复的数据中"
        )
        assert [e.source for e in edit_log(db, report_id)[-2:]] == ["restore", "restore"]
        assert len(database_log(db)) == 2
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
