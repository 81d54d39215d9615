"""Backups and restore that never lose history: full disks, unchanged opens, upgrades, kept files, the -wal."""

import errno
import shutil
import sqlite3
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

import pytest

from db import backups
from db import database as database_module
from db.database import Database, DatabaseError, DatabaseTooNew, DatabaseWalLost, head_revision
from db.repository import load_report, set_cells
from main import main
from tests.conftest import SEED_REPORTS
from tests.db_helpers import digest, seeded

ROOT = Path(__file__).resolve().parents[1]
ADDRESS = "公开01:1:1"
SEED_VALUE = 81_993_540_000
Usage = namedtuple("Usage", "total used free")


def value_in(path: Path, report_id: int) -> int | None:
    with Database.open(path, read_only=True) as db:
        return load_report(db, report_id).cells.get(ADDRESS)


def edit(path: Path, report_id: int, value: int) -> None:
    with Database.open(path) as db:
        set_cells(db, report_id, [(ADDRESS, value)])


def everything_in(folder: Path) -> dict[str, str]:
    """Every file's content, but the lock file's note (who had it last)."""
    return {str(p.relative_to(folder)): digest(p) for p in folder.rglob("*") if p.is_file() and p.suffix != ".lock"}


def little_space(monkeypatch, free: int = 150 * 1024) -> None:
    monkeypatch.setattr(backups.shutil, "disk_usage", lambda _folder: Usage(1 << 40, (1 << 40) - free, free))


def copy_that_fills_the_disk(monkeypatch) -> None:
    """The copy starts, writes part of the file, then the disk is full."""

    def copy(source: Path, target: Path) -> None:
        target.write_bytes(source.read_bytes()[:4096])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backups, "_copy_database", copy)


# -- 7. a full disk ----------------------------------------------------------------------------------


def test_a_backup_on_a_full_disk_takes_no_slot_and_the_database_still_opens(tmp_path, monkeypatch):
    path = tmp_path / "juesuan.sqlite"
    report_id = seeded(path)
    edit(path, report_id, 1)  # changed: the next open would back it up
    before = everything_in(tmp_path)
    little_space(monkeypatch)
    with Database.open(path) as db:
        assert not db.read_only and any("磁盘空间不足" in w for w in db.warnings)
        assert load_report(db, report_id).cells[ADDRESS] == 1
    after = everything_in(tmp_path)
    assert {name for name in after if name.startswith("backups")} == {n for n in before if n.startswith("backups")}


def test_a_backup_that_fails_midway_leaves_no_partial_copy(tmp_path, monkeypatch):
    path = tmp_path / "juesuan.sqlite"
    seeded(path)
    slots = backups.list_backups(path)
    copy_that_fills_the_disk(monkeypatch)
    with pytest.raises(backups.BackupError, match="磁盘空间不足") as info:
        backups.take_backup(path, "timer")
    assert "No space left" in info.value.detail and "No space" not in str(info.value)
    assert backups.list_backups(path) == slots and list(backups.backup_dir(path).glob(".*")) == []


def test_no_upgrade_without_a_good_pre_upgrade_backup(tmp_path, monkeypatch, capsys):
    path = tmp_path / "old.sqlite"
    Database.open(path, revision="0001").close()
    before = digest(path)
    little_space(monkeypatch)
    with pytest.raises(DatabaseError, match="升级前未能备份"):
        Database.open(path)
    assert main(["import", str(SEED_REPORTS["000"]), "--db", str(path)]) == 2
    assert "升级前未能备份" in capsys.readouterr().err
    assert digest(path) == before and backups.list_backups(path) == []


@pytest.mark.parametrize("failure", ["little space", "copy fails"])
def test_restore_on_a_full_disk_leaves_the_database_as_it_was(tmp_path, monkeypatch, capsys, failure):
    path = tmp_path / "juesuan.sqlite"
    report_id = seeded(path)
    edit(path, report_id, 1)
    before = everything_in(tmp_path)
    if failure == "little space":
        little_space(monkeypatch)
    else:
        copy_that_fills_the_disk(monkeypatch)
    assert main(["restore", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "磁盘空间不足" in err and "数据库未作改动" in err and "Traceback" not in err
    assert everything_in(tmp_path) == before  # no partial copy, nothing moved aside
    assert value_in(path, report_id) == 1


# -- 8. back up only what changed; keep pre-upgrade copies; the timed backup --------------------------------


def test_opening_an_unchanged_database_takes_no_new_backup(tmp_path):
    path = tmp_path / "juesuan.sqlite"
    report_id = seeded(path)
    for _ in range(11):
        Database.open(path).close()
    (only,) = backups.list_backups(path)
    assert value_in(only, report_id) == SEED_VALUE
    edit(path, report_id, 1)
    Database.open(path).close()
    newest, oldest = backups.list_backups(path)
    assert oldest == only and value_in(newest, report_id) == 1


def test_pre_upgrade_copies_are_never_rotated_away(tmp_path):
    path = tmp_path / "old.sqlite"
    with Database.open(path, revision="0001") as db, db.engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO units (id, name) VALUES (1, '某局')")
        connection.exec_driver_sql(
            "INSERT INTO reports VALUES (1, 1, 2023, 2023, '万元', '草稿', '2024-01-01', '2024-01-01')"
        )
        connection.exec_driver_sql(f"INSERT INTO cell_values VALUES (1, '{ADDRESS}', 5)")
    Database.open(path).close()
    (pre_upgrade,) = backups.list_backups(path)
    assert pre_upgrade.stem.endswith("pre-upgrade")
    for n in range(backups.KEEP + 3):
        edit(path, 1, n + 10)
        Database.open(path).close()
    assert len(backups.rolling_backups(path)) == backups.KEEP
    assert pre_upgrade in backups.list_backups(path)
    with sqlite3.connect(pre_upgrade) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)


def test_refused_starts_on_a_newer_database_take_no_backups(tmp_path):
    path = tmp_path / "future.sqlite"
    Database.open(path, revision="0001").close()
    Database.open(path).close()  # upgraded: the pre-upgrade copy the README points to
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    kept = everything_in(tmp_path / "backups")
    for _ in range(10):
        with pytest.raises(DatabaseTooNew):
            Database.open(path)
    assert everything_in(tmp_path / "backups") == kept


def test_the_timed_backup_is_taken_while_editing_and_holds_the_edit(tmp_path, monkeypatch):
    path = tmp_path / "juesuan.sqlite"
    report_id = seeded(path)
    with Database.open(path) as db:
        set_cells(db, report_id, [(ADDRESS, 7)])
        assert len(backups.list_backups(path)) == 1  # not due yet
        monkeypatch.setattr(database_module, "BACKUP_INTERVAL", 0)
        set_cells(db, report_id, [(ADDRESS, 8)])
        (timed,) = [p for p in backups.list_backups(path) if p.stem.endswith("timer")]
        assert db.backup_if_due() is None  # nothing edited since
    assert value_in(timed, report_id) == 8


def test_a_failed_timed_backup_never_fails_the_edit(tmp_path, monkeypatch):
    path = tmp_path / "juesuan.sqlite"
    report_id = seeded(path)
    monkeypatch.setattr(database_module, "BACKUP_INTERVAL", 0)
    with Database.open(path) as db:
        little_space(monkeypatch)
        set_cells(db, report_id, [(ADDRESS, 9)])
        assert any("磁盘空间不足" in w for w in db.warnings)
    assert value_in(path, report_id) == 9 and len(backups.list_backups(path)) == 1


# -- 9. kept files never collide -----------------------------------------------------------------------


def test_two_restores_within_one_second_keep_both_old_files(tmp_path, capsys):
    path = tmp_path / "juesuan.sqlite"
    report_id = seeded(path)
    edit(path, report_id, 1)
    first = digest(path)
    assert main(["restore", "--db", str(path)]) == 0
    edit(path, report_id, 2)
    second = digest(path)
    assert main(["restore", "--db", str(path)]) == 0
    kept = sorted(tmp_path.glob("juesuan.sqlite.replaced-*"))
    assert len(kept) == 2 and {digest(p) for p in kept} == {first, second}
    assert value_in(path, report_id) == SEED_VALUE
    assert "原文件保存为" in capsys.readouterr().out


def test_kept_names_are_unique_even_when_the_clock_repeats(tmp_path, monkeypatch):
    path = tmp_path / "juesuan.sqlite"
    seeded(path)
    monkeypatch.setattr(backups, "_stamp", lambda: "20240101-000000-000000")
    (good,) = backups.list_backups(path)
    kept = [database_module.restore_backup(path, good)[1] for _ in range(3)]
    assert len(set(kept)) == 3 and all(p.exists() for p in kept)


# -- 10. the -wal file -----------------------------------------------------------------------------------


def test_a_copy_of_the_file_alone_taken_while_idle_holds_every_edit(tmp_path):
    path = tmp_path / "juesuan.sqlite"
    report_id = seeded(path)
    usb = tmp_path / "usb"
    usb.mkdir()
    with Database.open(path) as db:
        set_cells(db, report_id, [(ADDRESS, 123)])
        db.checkpoint(truncate=False)  # what the window does once it sits idle after an edit
        shutil.copyfile(path, usb / "juesuan.sqlite")  # the program sits idle with the file open
        set_cells(db, report_id, [(ADDRESS, 456)])
        assert db.checkpoint() is True
        shutil.copyfile(path, usb / "after-checkpoint.sqlite")
    assert value_in(usb / "juesuan.sqlite", report_id) == 123
    assert value_in(usb / "after-checkpoint.sqlite", report_id) == 456
    assert not Path(str(path) + "-wal").exists()  # closed: everything is in the file itself


def crashed_session_with_edits_only_in_the_wal(path: Path, report_id: int, edits: int) -> Path:
    """A session that saved edits while a reader kept them from being copied into the file, then died."""
    code = (
        "import os, sqlite3, sys\n"
        "from db.database import Database\nfrom db.repository import set_cells\n"
        f"db = Database.open({str(path)!r})\n"
        f"reader = sqlite3.connect({str(path)!r})\nreader.execute('BEGIN')\n"
        "reader.execute('SELECT count(*) FROM reports').fetchall()\n"
        f"for n in range({edits}):\n    set_cells(db, {report_id}, [({ADDRESS!r}, 1000 + n)])\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    wal = Path(str(path) + "-wal")
    assert wal.stat().st_size > 0
    assert value_in(path, report_id) == 1000 + edits - 1  # the edits are there, with their -wal
    return wal


def test_a_deleted_wal_is_reported_once_not_dropped_silently(tmp_path, capsys):
    path = tmp_path / "juesuan.sqlite"
    report_id = seeded(path)
    wal = crashed_session_with_edits_only_in_the_wal(path, report_id, edits=3)
    wal.unlink()
    Path(str(path) + "-shm").unlink(missing_ok=True)
    before = digest(path)
    assert main(["import", str(SEED_REPORTS["001"]), "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "预写日志文件" in err and "缺失" in err and "3 次修改" in err and "restore" in err
    assert digest(path) == before
    with Database.open(path) as db:  # reported: the next open goes on with what the file holds
        assert load_report(db, report_id).cells[ADDRESS] == SEED_VALUE


def test_a_damaged_wal_is_reported_and_kept_as_it_was(tmp_path):
    path = tmp_path / "juesuan.sqlite"
    report_id = seeded(path)
    wal = crashed_session_with_edits_only_in_the_wal(path, report_id, edits=2)
    data = bytearray(wal.read_bytes())
    data[40:] = b"\xff" * (len(data) - 40)  # every frame's checksum now fails
    wal.write_bytes(bytes(data))
    Path(str(path) + "-shm").unlink(missing_ok=True)
    with pytest.raises(DatabaseWalLost, match="已损坏") as info:
        Database.open(path)
    assert "2 次修改" in str(info.value) and "has 1" in info.value.detail
    (kept,) = tmp_path.glob("juesuan.sqlite-wal.damaged-*")
    assert kept.read_bytes() == bytes(data)
    Database.open(path).close()


def test_a_crash_with_its_wal_intact_opens_without_a_word(tmp_path):
    path = tmp_path / "juesuan.sqlite"
    report_id = seeded(path)
    crashed_session_with_edits_only_in_the_wal(path, report_id, edits=2)
    with Database.open(path) as db:
        assert load_report(db, report_id).cells[ADDRESS] == 1001 and db.warnings == []
        assert db.revision() == head_revision()
