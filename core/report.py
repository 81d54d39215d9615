"""One unit-year: the value of every cell, row labels, and the self-evaluation tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.money import shorten
from core.templates import DEFAULT_REGION, TemplateSet


class AddressError(ValueError):
    """A cell address that does not exist in the year's tables; the message is in Chinese."""


@dataclass(frozen=True)
class Address:
    table: str
    row: str
    col: int

    def __str__(self) -> str:
        return f"{self.table}:{self.row}:{self.col}"


def parse_address(text: str, templates: TemplateSet) -> Address:
    """Read `table:row:col` and check that the cell takes figures in this year's layout."""
    parts = str(text).strip().split(":")
    text = shorten(str(text))  # only for messages: a key of thousands of characters is not quoted whole
    if len(parts) != 3 or not parts[2].isdecimal() or len(parts[2]) > 4:
        raise AddressError(f"单元格地址“{text}”应为“表:行:栏”，例如 公开01:27:1")
    table_id, row, col = parts[0], parts[1], int(parts[2])
    if table_id not in templates.tables:
        raise AddressError(f"单元格地址“{text}”中的表“{table_id}”不存在（应为{'、'.join(templates.tables)}之一）")
    table = templates.tables[table_id]
    if table.kind == "lines" and row in table.lines and not table.lines[row].columns:
        raise AddressError(f"{table.printed}第{row}行是印刷表上的空行，不填数（地址“{text}”）")
    if not table.is_row(row):
        what = "科目编码" if table.kind == "classification" else "行次"
        raise AddressError(f"{table.printed}没有{what}“{row}”（地址“{text}”）")
    if col not in table.row_columns(row):
        raise AddressError(f"{table.printed}第“{row}”行没有第{col}栏（地址“{text}”）")
    return Address(table_id, row, col)


def parse_row_key(text: str, templates: TemplateSet) -> tuple[str, str]:
    """Read a `table:row` label key."""
    parts = str(text).strip().split(":")
    text = shorten(str(text))
    if len(parts) != 2 or parts[0] not in templates.tables:
        raise AddressError(f"行名称的键“{text}”应为“表:行”，例如 公开02:2050201")
    table = templates.tables[parts[0]]
    if not table.is_row(parts[1]):
        raise AddressError(f"{table.printed}没有行“{parts[1]}”（键“{text}”）")
    return parts[0], parts[1]


@dataclass
class Report:
    """Figures of one unit and year; amounts are integers of 分."""

    unit_name: str
    year: int
    amount_unit: str = "万元"
    unit_code: str | None = None
    cells: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    selfeval: list[dict[str, Any]] = field(default_factory=list)
    #: 部门 or 单位, as the tables print it before the name (部门：… / 单位：…); None when not known.
    unit_kind: str | None = None
    #: Whose layout the report is in (resources/templates/<region>/<year>.yaml).
    region: str = DEFAULT_REGION
    #: Codes the user added to this report's catalogues: {"function"|"economic": {code: name}}.
    catalogue_additions: dict[str, dict[str, str]] = field(default_factory=dict)
    #: table id → the variant of its layout the report prints (公开01: 26行); a table not named prints the default.
    variants: dict[str, str] = field(default_factory=dict)
    #: The 情况说明's supplementary answers (what the tables lack), flat keys → text (core.narrative.form).
    narrative: dict[str, str] = field(default_factory=dict)
