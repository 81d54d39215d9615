"""The database file under a hostile PC: held by the window, linked, locked by others, read-only, empty, newer."""

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.reportfile import read_report
from db import backups
from db import database as database_module
from db.database import (
    READ_ONLY_FILE,
    READ_ONLY_FOLDER,
    Database,
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseEmpty,
    DatabaseError,
    DatabaseInUse,
    DatabaseTooNew,
)
from db.repository import find_report, list_reports, load_report, set_cells
from main import main
from tests.conftest import SEED_REPORTS
from tests.db_helpers import digest, seeded

ROOT = Path(__file__).resolve().parents[1]
UNIT = "武汉市人力资源和社会保障局"


def files_beside(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()} | {f"backups/{p.name}" for p in backups.backup_dir(path).glob("*")}


@contextlib.contextmanager
def other_process(code: str, ready: str = "ready"):
    """Another program on this PC, holding something until the block ends."""
    child = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == ready
        yield child
    finally:
        child.stdin.close()
        child.wait(timeout=30)


def window_holding(path: Path):
    """Another instance of this program with the database open for writing (as the window has it)."""
    return other_process(
        f"import sys\nfrom db.database import Database\ndb = Database.open({str(path)!r})\n"
        "print('ready', flush=True)\nsys.stdin.read()\ndb.close()"
    )


# -- 1. restore while another instance has the file ------------------------------------------------


def test_restore_is_refused_while_the_window_has_the_database(tmp_path, capsys):
    path = tmp_path / "juesuan.sqlite"
    seeded(path)
    before, beside = digest(path), files_beside(path)
    with window_holding(path):
        assert main(["restore", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "正在被使用" in err and "请先关闭" in err and "进程" in err and " 起" in err
    assert digest(path) == before and files_beside(path) == beside  # nothing kept aside, nothing copied


def test_restore_names_who_holds_the_file_and_since_when(tmp_path):
    path = tmp_path / "juesuan.sqlite"
    seeded(path)
    with Database.open(path) as holder:
        with pytest.raises(DatabaseInUse) as info:
            database_module.restore_backup(path)
        owner = holder._lock._owner
    assert owner.user in str(info.value) and owner.since in str(info.value) and str(owner.pid) in str(info.value)


# -- 2. the lock follows the file, not its name ----------------------------------------------------


def test_a_hard_link_to_an_open_database_is_in_use(tmp_path, capsys):
    path = tmp_path / "juesuan.sqlite"
    seeded(path)
    link = tmp_path / "copy-by-link.sqlite"
    os.link(path, link)
    with window_holding(path):
        with pytest.raises(DatabaseInUse, match="正在被使用") as info:
            Database.open(link)
        assert info.value.owner.pid not in (0, os.getpid())  # the other instance's note was found
        assert main(["import", str(SEED_REPORTS["001"]), "--db", str(link)]) == 2
    assert "正在被使用" in capsys.readouterr().err
    with Database.open(path, read_only=True) as db:
        assert [r.unit_name for r in list_reports(db)] == [UNIT]


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need extra rights on Windows")
def test_a_symbolic_link_to_an_open_database_is_in_use(tmp_path):
    folder = tmp_path / "real"
    folder.mkdir()
    path = folder / "juesuan.sqlite"
    seeded(path)
    link = tmp_path / "elsewhere.sqlite"
    link.symlink_to(path)
    with window_holding(path):
        with pytest.raises(DatabaseInUse) as info:
            Database.open(link)
    assert info.value.owner.pid not in (0, os.getpid())
    with Database.open(link) as db:  # free again: the link opens the same file, its backups beside it
        assert find_report(db, UNIT, 2023) is not None
    assert not (tmp_path / "backups").exists()


def test_two_openers_in_one_process_through_a_hard_link_are_refused(tmp_path):
    path = tmp_path / "juesuan.sqlite"
    seeded(path)
    link = tmp_path / "other-name.sqlite"
    os.link(path, link)
    with Database.open(path):
        with pytest.raises(DatabaseInUse):
            Database.open(link)


# -- 3. a file another program holds locked --------------------------------------------------------


def exclusive_holder(path: Path):
    return other_process(
        "import sqlite3, sys\n"
        f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
        "c.execute('BEGIN EXCLUSIVE')\nprint('ready', flush=True)\nsys.stdin.read()\nc.execute('ROLLBACK')"
    )


@pytest.fixture
def short_waits(monkeypatch):
    monkeypatch.setattr(backups, "BUSY_WAIT", 0.2)
    monkeypatch.setattr(database_module, "EDIT_BUSY_WAIT", 0.2)


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_file_another_program_holds_locked_is_in_use_not_damaged(tmp_path, capsys, short_waits, journal):
    path = tmp_path / "juesuan.sqlite"
    seeded(path)
    if journal == "delete":
        with sqlite3.connect(path) as connection:
            connection.execute("PRAGMA journal_mode=DELETE")
    before, beside = digest(path), files_beside(path)
    with exclusive_holder(path):
        with pytest.raises(DatabaseBusy, match="正被其他程序占用") as info:
            Database.open(path)
        assert not isinstance(info.value, DatabaseCorrupt) and "locked" in info.value.detail
        assert "locked" not in str(info.value)  # SQLite's words only behind 详细信息
        assert main(["import", str(SEED_REPORTS["001"]), "--db", str(path)]) == 2
        assert main(["restore", "--db", str(path)]) == 2  # a busy file is never replaced
    err = capsys.readouterr().err
    assert err.count("正被其他程序占用") == 2 and "损坏" not in err
    assert digest(path) == before and files_beside(path) == beside


def test_check_file_tells_a_locked_file_from_a_damaged_one(tmp_path, short_waits):
    path = tmp_path / "juesuan.sqlite"
    seeded(path)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    with exclusive_holder(path), pytest.raises(backups.FileBusy):
        backups.check_file(path)
    assert backups.check_file(path) is None


def test_the_window_offers_no_restore_for_a_busy_file(tmp_path, short_waits, monkeypatch):
    import ui.app

    path = tmp_path / "juesuan.sqlite"
    seeded(path)
    shown = []
    monkeypatch.setattr(
        ui.app,
        "ask",
        lambda _p, kind, title, text, detail=None, question=False: shown.append((kind, text, detail, question)) or True,
    )
    with exclusive_holder(path):
        assert ui.app.open_database(str(path)) is None
    ((kind, text, detail, question),) = shown
    assert kind == "critical" and "正被其他程序占用" in text and not question and "恢复" not in text
    assert "locked" in detail


def test_an_edit_while_another_program_holds_the_file_says_so(tmp_path, short_waits):
    path = tmp_path / "juesuan.sqlite"
    report_id = seeded(path)
    with Database.open(path) as db:
        with exclusive_holder(path), pytest.raises(DatabaseBusy, match="正被其他程序占用"):
            set_cells(db, report_id, [("公开01:1:1", 1)])
        assert load_report(db, report_id).cells["公开01:1:1"] == 81_993_540_000


# -- 4. a read-only file or folder -----------------------------------------------------------------


def _immutable_works(probe: Path) -> bool:
    probe.touch()
    made = subprocess.run(["chattr", "+i", str(probe)], capture_output=True).returncode == 0
    if made:
        subprocess.run(["chattr", "-i", str(probe)], check=True)
    probe.unlink()
    return made


@contextlib.contextmanager
def unwritable(target: Path, monkeypatch):
    """Make `target` (file or folder) truly unwritable for this process, also when running as root.

    Not root: file modes. Root ignores modes, so the immutable attribute (chattr +i) is used where the
    file system and the container allow it; yields the way it was done.
    """
    if os.name != "nt" and os.geteuid() != 0:
        mode = target.stat().st_mode
        target.chmod(0o555 if target.is_dir() else 0o444)
        try:
            yield "mode"
        finally:
            target.chmod(mode)
        return
    if os.name != "nt" and _immutable_works(target.parent / ".probe"):
        subprocess.run(["chattr", "+i", str(target)], check=True)
        try:
            yield "immutable"
        finally:
            subprocess.run(["chattr", "-i", str(target)], check=True)
        return
    pytest.skip("running as root where chattr +i is not allowed: no way to make a file unwritable here")


def test_a_read_only_file_opens_read_only_and_says_why(tmp_path, monkeypatch, capsys):
    path = tmp_path / "juesuan.sqlite"
    report_id = seeded(path)
    before, beside = digest(path), files_beside(path)
    with unwritable(path, monkeypatch):
        with Database.open(path) as db:
            assert db.read_only and db.read_only_reason == READ_ONLY_FILE
            assert load_report(db, report_id).cells["公开01:1:1"] == 81_993_540_000
            with pytest.raises(DatabaseError, match="只读"):
                set_cells(db, report_id, [("公开01:1:1", 1)])
        assert main(["import", str(SEED_REPORTS["001"]), "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "只读" in err and "Traceback" not in err and "损坏" not in err
    assert digest(path) == before and files_beside(path) - beside <= {"juesuan.sqlite-shm", "juesuan.sqlite-wal"}


def test_a_read_only_folder_opens_read_only_and_says_why(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "share"
    folder.mkdir()
    path = folder / "juesuan.sqlite"
    report_id = seeded(path)
    before, beside = digest(path), files_beside(path)
    with unwritable(folder, monkeypatch):
        with Database.open(path) as db:
            assert db.read_only and db.read_only_reason == READ_ONLY_FOLDER
            assert load_report(db, report_id).cells["公开01:1:1"] == 81_993_540_000
        assert main(["import", str(SEED_REPORTS["001"]), "--db", str(path)]) == 2
        assert main(["restore", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    imported, restored = err.splitlines()[:2]
    assert "只读" in imported and "文件夹只读" in restored, "each refusal says why: the folder is read-only"
    assert "Traceback" not in err and "损坏" not in err
    assert digest(path) == before and files_beside(path) == beside


def test_a_file_sqlite_cannot_write_though_it_looks_writable_opens_read_only(tmp_path, monkeypatch):
    """A read-only share or an ACL that os.access does not see: SQLite's refusal is the signal."""
    path = tmp_path / "juesuan.sqlite"
    report_id = seeded(path)
    before = digest(path)
    with unwritable(path, monkeypatch):
        monkeypatch.setattr(database_module, "write_problem", lambda _path: None)
        with Database.open(path) as db:
            assert db.read_only and db.read_only_reason == READ_ONLY_FILE
            assert find_report(db, UNIT, 2023).id == report_id
    assert digest(path) == before


def test_a_new_database_in_a_read_only_folder_is_refused_without_a_traceback(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "share"
    folder.mkdir()
    with unwritable(folder, monkeypatch):
        assert main(["import", str(SEED_REPORTS["001"]), "--db", str(folder / "new.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "无法新建" in err and "Traceback" not in err
    assert list(folder.iterdir()) == []


# -- 6. a zero-length file -------------------------------------------------------------------------


def test_a_zero_length_file_is_refused_kept_and_restore_is_pointed_to(tmp_path, capsys):
    path = tmp_path / "juesuan.sqlite"
    report_id = seeded(path)
    (good,) = backups.list_backups(path)
    path.write_bytes(b"")
    with pytest.raises(DatabaseEmpty, match="长度为零") as info:
        Database.open(path)
    assert info.value.backup == good and "restore" in str(info.value)
    assert main(["import", str(SEED_REPORTS["001"]), "--db", str(path)]) == 2
    assert "长度为零" in capsys.readouterr().err
    assert path.read_bytes() == b""
    assert main(["restore", "--db", str(path)]) == 0
    (kept,) = tmp_path.glob("juesuan.sqlite.damaged-*")
    assert kept.read_bytes() == b""
    with Database.open(path) as db:
        assert load_report(db, report_id) == read_report(SEED_REPORTS["000"])[0]


def test_a_new_database_is_never_left_as_an_empty_file(tmp_path, monkeypatch):
    path = tmp_path / "juesuan.sqlite"

    def crash(*_args, **_kwargs):
        raise KeyboardInterrupt  # stands for a kill while the new file is being built

    monkeypatch.setattr(database_module.command, "upgrade", crash)
    with pytest.raises(KeyboardInterrupt):
        Database.open(path)
    assert not path.exists() and not list(tmp_path.glob(".*.tmp"))


# -- 11. a newer schema is refused before anything is changed ------------------------------------------


@pytest.mark.parametrize("read_only", [False, True])
def test_a_newer_rollback_journal_file_is_refused_byte_for_byte_untouched(tmp_path, read_only):
    path = tmp_path / "future.sqlite"
    seeded(path)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    before, beside = digest(path), files_beside(path)
    assert path.read_bytes()[18:20] == b"\x01\x01"  # rollback journal
    for _ in range(3):
        with pytest.raises(DatabaseTooNew, match="文件未作任何改动"):
            Database.open(path, read_only=read_only)
    assert digest(path) == before and files_beside(path) == beside
