"""The printed layout of every table, shared by the window, the Excel export and the import."""

from core.layout.sheets import selfeval_sheet_name, selfeval_table_id
from core.layout.tables import (
    AMOUNT,
    BLANK,
    CODE,
    EMPTY,
    LABEL,
    LINE_NO,
    NAME,
    BodyCell,
    Columns,
    HeaderCell,
    PrintedTable,
    is_total,
    place_header,
    printed_table,
    row_name,
    table_columns,
)

__all__ = [
    "AMOUNT",
    "BLANK",
    "CODE",
    "EMPTY",
    "LABEL",
    "LINE_NO",
    "NAME",
    "BodyCell",
    "Columns",
    "HeaderCell",
    "PrintedTable",
    "is_total",
    "place_header",
    "printed_table",
    "row_name",
    "selfeval_sheet_name",
    "selfeval_table_id",
    "table_columns",
]
