"""What the window's tree keeps on each line, beside its text."""

from PySide6.QtCore import Qt

REPORT_ROLE = Qt.ItemDataRole.UserRole  # a report's id, or `汇总:<department id>:<year>`
TABLE_ROLE = Qt.ItemDataRole.UserRole + 1
SELFEVAL_ROLE = Qt.ItemDataRole.UserRole + 2  # index of a self-evaluation table in the report
UNIT_ROLE = Qt.ItemDataRole.UserRole + 3  # a unit's id (its own line in the tree)
