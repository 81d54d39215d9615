"""The words a report's life is told in: its status, the kind of unit, where an edit came from."""

#: Report statuses as the users name them.
STATUS_DRAFT, STATUS_REVIEWED, STATUS_LOCKED = "草稿", "已审核", "已锁定"
STATUSES = (STATUS_DRAFT, STATUS_REVIEWED, STATUS_LOCKED)

#: A 部门 (department) has 单位 (units); both keep reports.
UNIT, DEPARTMENT = "单位", "部门"

#: Where an edit came from, as written in the edit log.
SOURCES = ("typed", "paste", "import", "undo", "redo", "formula", "restore")

#: The region of a report that does not say (every report before regions existed was Wuhan's).
DEFAULT_REGION = "武汉市"
