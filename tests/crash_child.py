"""Child process of the crash test: applies edits one by one, printing `ack N` after each commit."""

import sys

from db.database import Database
from db.repository import set_cells

EDIT_ADDRESSES = ["公开01:1:1", "公开02:2050201:2", "公开06:30217:1", "公开09:1:12", "公开03:2080199:3"]


def edit(n: int) -> tuple[str, int]:
    """The n-th edit: cycles over a few cells, each value unique to its step."""
    return EDIT_ADDRESSES[n % len(EDIT_ADDRESSES)], (n + 1) * 10_000


def main(path: str, report_id: int, count: int) -> None:
    db = Database.open(path)
    for n in range(count):
        set_cells(db, report_id, [edit(n)], source="typed")
        print(f"ack {n}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
