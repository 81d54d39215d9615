"""Child process of the crash tests: does one thing over and over, printing `ack N` after each, until killed.

edit DB REPORT_ID COUNT      saves edits one by one (the edit path)
backup DB                    takes backups (only db.backups is imported: a child starts in ~50 ms)
restore DB BACKUP_A BACKUP_B puts A, then B, then A … in place of the database (the file swap itself)
restore-full DB A B          the same through `restore_backup` (instance lock included)
"""

import sys
from pathlib import Path

EDIT_ADDRESSES = ["公开01:1:1", "公开02:2050201:2", "公开06:30217:1", "公开09:1:12", "公开03:2080199:3"]


def edit(n: int) -> tuple[str, int]:
    """The n-th edit: cycles over a few cells, each value unique to its step."""
    return EDIT_ADDRESSES[n % len(EDIT_ADDRESSES)], (n + 1) * 10_000


def edit_loop(path: str, report_id: int, count: int) -> None:
    from db.database import Database
    from db.repository import set_cells

    db = Database.open(path)
    for n in range(count):
        set_cells(db, report_id, [edit(n)], source="typed")
        print(f"ack {n}", flush=True)


def backup_loop(path: str) -> None:
    from db import backups

    print("ready", flush=True)
    for n in range(1_000_000):
        backups.take_backup(Path(path), "timer", keep=3)
        print(f"ack {n}", flush=True)


def restore_loop(path: str, first: str, second: str, full: bool) -> None:
    from db import backups

    if full:
        from db.database import restore_backup
    print("ready", flush=True)
    for n in range(1_000_000):
        source = Path(first if n % 2 == 0 else second)
        if full:
            restore_backup(Path(path), source)
        else:
            backups.restore_file(Path(path), source, "replaced")
        print(f"ack {n}", flush=True)


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "edit":
        edit_loop(args[0], int(args[1]), int(args[2]))
    elif mode == "backup":
        backup_loop(args[0])
    else:
        restore_loop(args[0], args[1], args[2], full=mode == "restore-full")
