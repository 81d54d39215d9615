"""Text in a sheet: matching labels and 表号, cell references, and what counts as blank."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from openpyxl.utils import get_column_letter

from core.money import AmountError, parse_amount

_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")
TABLE_NUMBER = re.compile(r"公开0?([1-9])表?|表([1-9])")
TRAILING_NUMBER = re.compile(r"(.*?)\(?(公开0?[1-9]表?|表[1-9])\)?")
YEAR_AT_END = re.compile(r"(\d{4})年度?$")
YEAR = re.compile(r"(\d{4})\s*年")
UNIT_NAME = re.compile(
    r"(?:部门名称|部门|单位名称|编制单位|填报单位|预算单位)\s*[:：]\s*(.*?)\s*(?=(?:金额)?单位\s*[:：]|$)"
)
PLAIN_UNIT_NAME = re.compile(r"(?<![编制填报预算额])单位\s*[:：]\s*(?!万元|元)(\S.*?)\s*(?=金额单位\s*[:：]|$)")
AMOUNT_UNIT = re.compile(r"单位\s*[:：]\s*(万元|元)")
END_MARK = re.compile(
    r"^(注|说明|备注|填表|填报人|制表|审核人|复核人|单位负责人|财务负责人|主管会计|经办人|联系人|联系电话|报送日期)"
    r"|(?:行|栏|栏各行)[=—＝]"
)
CODE_AND_NAME = re.compile(r"^(\d{3,7})\s*([^\d\s].*)$", re.S)


def nfkc(text: str) -> str:
    """Text in NFKC (full-width digits, letters and punctuation as ASCII)."""
    return unicodedata.normalize("NFKC", text)


def norm(value: Any) -> str:
    """Text for matching labels: NFKC, no whitespace, no quotes."""
    if value is None:
        return ""
    return "".join(nfkc(str(value)).split()).translate(_QUOTES)


def int_like(value: Any) -> int | None:
    """A small whole number (栏次, 行次) a cell holds as a number or text; else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = norm(value)
        return int(text) if text.isdigit() and len(text) <= 3 else None
    return None


def cell_text(value: Any) -> str:
    """A cell's content as text, for fields kept as text (names, self-evaluation values)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def sheet_ref(sheet: str) -> str:
    """A sheet name as a reference shows it: quoted when it holds anything but letters and digits."""
    return sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"


def cell_ref(sheet: str, row: int, col: int) -> str:
    """A cell reference as Excel shows it: Sheet!C12."""
    return f"{sheet_ref(sheet)}!{get_column_letter(col)}{row}"


def is_blank(value: Any) -> bool:
    """Whether a figure's cell is blank: empty, or a blank marker units type (“-”, “—”, “－”, “/”, spaces)."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    try:
        return parse_amount(value) is None
    except AmountError:
        return False
