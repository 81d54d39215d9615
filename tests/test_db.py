"""Storage on real SQLite files: round trips, migrations, edit log, and every way a file can go wrong."""

import json
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from core.report import AddressError
from core.reportfile import read_report
from db import backups
from db.database import Database, DatabaseCorrupt, DatabaseError, DatabaseInUse, DatabaseTooNew, head_revision
from db.models import STATUS_LOCKED, Base
from db.repository import (
    ReportExists,
    ReportLocked,
    edit_log,
    explanations,
    find_report,
    import_report,
    load_report,
    set_cells,
    set_explanation,
    set_label,
    set_status,
)
from main import main
from tests.conftest import SEED_REPORTS
from tests.db_helpers import digest

WAN = 1_000_000


@pytest.fixture
def db(tmp_path):
    database = Database.open(tmp_path / "juesuan.sqlite")
    yield database
    database.close()


@pytest.fixture
def seed000_id(db):
    report, _ = read_report(SEED_REPORTS["000"])
    return import_report(db, report)


@pytest.mark.parametrize("seed", sorted(SEED_REPORTS))
def test_seed_report_round_trips_through_the_database(tmp_path, seed):
    report, _ = read_report(SEED_REPORTS[seed])
    with Database.open(tmp_path / "a.sqlite") as db:
        report_id = import_report(db, report)
    with Database.open(tmp_path / "a.sqlite") as db:
        assert load_report(db, report_id) == report


def test_export_then_import_gives_back_the_same_report(tmp_path, capsys):
    path = tmp_path / "a.sqlite"
    assert main(["import", str(SEED_REPORTS["003"]), "--db", str(path)]) == 0
    unit = json.loads(SEED_REPORTS["003"].read_text(encoding="utf-8"))["unit"]["name"]
    out = tmp_path / "out.json"
    assert main(["export", "--unit", unit, "--year", "2023", "--db", str(path), "-o", str(out)]) == 0
    assert read_report(out)[0] == read_report(SEED_REPORTS["003"])[0]
    assert main(["import", str(out), "--db", str(path)]) == 2
    assert "--replace" in capsys.readouterr().err
    assert main(["import", str(out), "--db", str(path), "--replace"]) == 0


def test_schema_from_an_empty_file_matches_the_models(tmp_path):
    with Database.open(tmp_path / "new.sqlite") as db:
        assert db.revision() == head_revision()
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_previous_schema_is_backed_up_and_migrated_keeping_its_data(tmp_path):
    path = tmp_path / "old.sqlite"
    with Database.open(path, revision="0001") as db:
        assert db.revision() == "0001"
        with db.engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO units (id, name) VALUES (1, '某局')")
            connection.exec_driver_sql(
                "INSERT INTO reports VALUES (1, 1, 2023, 2023, '万元', '草稿', '2024-01-01', '2024-01-01')"
            )
            connection.exec_driver_sql("INSERT INTO cell_values VALUES (1, '公开01:1:1', 81993540000)")
    with Database.open(path) as db:
        assert db.revision() == head_revision()
        assert load_report(db, 1).cells == {"公开01:1:1": 81_993_540_000}
    (backup,) = backups.list_backups(path)
    with sqlite3.connect(backup) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)


def test_each_edit_is_logged_with_user_old_and_new(db, seed000_id):
    before = len(edit_log(db, seed000_id))
    set_cells(db, seed000_id, [("公开01:1:1", 81_993_550_000)], source="typed")
    set_cells(db, seed000_id, [("公开01:5:1", None), ("公开01:8:1", 1 * WAN)], source="paste")
    set_cells(db, seed000_id, [("公开01:8:1", 1 * WAN)], source="typed")  # no change, nothing logged
    set_label(db, seed000_id, "公开02", "2050201", "学前教育经费")
    log = edit_log(db, seed000_id)[before:]
    assert [(e.address, e.old_value, e.new_value, e.source) for e in log] == [
        ("公开01:1:1", "81993.54", "81993.55", "typed"),
        ("公开01:5:1", "281.95", None, "paste"),
        ("公开01:8:1", "1898.75", "1.00", "paste"),
        ("公开02:2050201:名称", "学前教育", "学前教育经费", "typed"),
    ]
    assert all(e.os_user for e in log)
    report = load_report(db, seed000_id)
    assert report.cells["公开01:1:1"] == 81_993_550_000 and "公开01:5:1" not in report.cells


def test_import_is_all_or_nothing(db, seed000_id):
    before = load_report(db, seed000_id)
    report, _ = read_report(SEED_REPORTS["000"])
    report.cells["公开01:9:1"] = 1  # a blank printed line: not a cell
    with pytest.raises(AddressError):
        import_report(db, report, replace=True)
    with pytest.raises(ReportExists):
        import_report(db, read_report(SEED_REPORTS["000"])[0])
    assert load_report(db, seed000_id) == before


def test_replacing_a_report_logs_what_changed(db, seed000_id):
    report, _ = read_report(SEED_REPORTS["000"])
    report.cells["公开01:1:1"] += WAN
    import_report(db, report, replace=True)
    last = edit_log(db, seed000_id)[-1]
    assert (last.address, last.new_value, last.source) == ("公开01:1:1", "81994.54", "import")


def test_explanations_are_kept(db, seed000_id):
    key = "表间.公开06公开09.公务接待费|公开06:30217:1"
    set_explanation(db, seed000_id, key, "表间.公开06公开09.公务接待费", "项目支出中列支的接待费")
    assert explanations(db, seed000_id) == {key: "项目支出中列支的接待费"}
    set_explanation(db, seed000_id, key, "表间.公开06公开09.公务接待费", "")
    assert explanations(db, seed000_id) == {}


def test_a_locked_report_refuses_edits_and_keeps_its_figures(db, seed000_id):
    set_status(db, seed000_id, STATUS_LOCKED)
    with pytest.raises(ReportLocked, match="已锁定"):
        set_cells(db, seed000_id, [("公开01:1:1", 1)])
    with pytest.raises(ReportLocked):
        set_label(db, seed000_id, "公开02", "205", "教育")
    assert load_report(db, seed000_id).cells["公开01:1:1"] == 81_993_540_000


def test_a_second_instance_is_told_who_has_the_file_and_may_read_it(db, seed000_id):
    with pytest.raises(DatabaseInUse) as info:
        Database.open(db.path)
    message = str(info.value)
    assert "正在被使用" in message and info.value.owner.user in message and info.value.owner.since in message
    with Database.open(db.path, read_only=True) as reader:
        assert find_report(reader, "武汉市人力资源和社会保障局", 2023).id == seed000_id
        with pytest.raises(DatabaseError, match="只读"):
            set_cells(reader, seed000_id, [("公开01:1:1", 1)])
    assert load_report(db, seed000_id).cells["公开01:1:1"] == 81_993_540_000


def test_the_lock_is_released_on_close(tmp_path):
    Database.open(tmp_path / "a.sqlite").close()
    Database.open(tmp_path / "a.sqlite").close()


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "future.sqlite"
    Database.open(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    before = digest(path)
    with pytest.raises(DatabaseTooNew, match="更新版本的程序"):
        Database.open(path)
    assert digest(path) == before


def test_a_corrupt_file_is_detected_and_the_newest_good_backup_offered(tmp_path, capsys):
    path = tmp_path / "a.sqlite"
    with Database.open(path) as db:
        report_id = import_report(db, read_report(SEED_REPORTS["003"])[0])
    Database.open(path).close()  # the file changed since: a backup is taken on this open
    (good,) = backups.list_backups(path)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\x00garbage" * 499 + b"\x00" * 4
    path.write_bytes(bytes(data))
    damaged = digest(path)
    with pytest.raises(DatabaseCorrupt) as info:
        Database.open(path)
    assert info.value.backup == good and "备份" in str(info.value) and "不会被删除" in str(info.value)
    assert main(["restore", "--db", str(path)]) == 0
    kept = [p for p in tmp_path.iterdir() if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1 and digest(kept[0]) == damaged  # nothing is lost, not even the damaged file
    with Database.open(path) as db:
        assert load_report(db, report_id) == read_report(SEED_REPORTS["003"])[0]


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("这是一个文本文件", encoding="utf-8")
    with pytest.raises(DatabaseCorrupt, match="不是本程序的数据库文件"):
        Database.open(path)
    assert path.read_text(encoding="utf-8") == "这是一个文本文件"


def test_backups_roll(tmp_path):
    path = tmp_path / "a.sqlite"
    Database.open(path).close()
    for _ in range(backups.KEEP + 3):
        backups.take_backup(path, "timer")
    assert len(backups.list_backups(path)) == backups.KEEP
    with Database.open(path) as db:
        assert db.backup_if_due(interval=0) is None  # nothing edited since the newest backup
        db.after_write()  # an edit was saved
        assert db.backup_if_due(interval=3600) is None
        assert db.backup_if_due(interval=0) is not None


def test_workbook_export_and_import_through_the_database(tmp_path, capsys):
    path = tmp_path / "a.sqlite"
    assert main(["import", str(SEED_REPORTS["000"]), "--db", str(path)]) == 0
    workbook = tmp_path / "out.xlsx"
    assert (
        main(
            ["export", "--unit", "武汉市人力资源和社会保障局", "--year", "2023", "--db", str(path), "-o", str(workbook)]
        )
        == 0
    )
    other = tmp_path / "b.sqlite"
    assert main(["import", str(workbook), "--db", str(other)]) == 0
    with Database.open(other) as db:
        info = find_report(db, "武汉市人力资源和社会保障局", 2023)
        assert load_report(db, info.id).cells == read_report(SEED_REPORTS["000"])[0].cells
