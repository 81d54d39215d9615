"""Opening a workbook file: its format decided by its content, never its name; then its sheets."""

from __future__ import annotations

from pathlib import Path

from core.xlsx_import.limits import MAX_TOTAL_BYTES
from core.xlsx_import.result import WorkbookError
from core.xlsx_import.sheet import SheetCells
from core.xlsx_import.xlsx_file import read_xlsx

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK"


def read_sheets(path: Path) -> list[SheetCells]:
    """Every sheet of the workbook at `path`; WorkbookError (Chinese) when it cannot be read."""
    data = _read_bytes(path)
    name = path.name
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise WorkbookError(
                f"“{name}”设置了打开密码（文件已加密），无法读取。请在 Excel 中打开，"
                "取消“用密码进行加密”后另存为 .xlsx，再导入。"
            )
        raise WorkbookError(
            f"“{name}”是旧版 Excel 97-2003 工作簿（.xls）或其他 Office 文件，请在 Excel 中另存为 .xlsx 后再导入"
        )
    if data.startswith(ZIP_MAGIC):
        return read_xlsx(data, path)
    hint = "（看起来是文本文件，如 CSV）" if _looks_like_text(data[:2048]) else ""
    raise WorkbookError(f"“{name}”不是 Excel 工作簿（.xlsx）{hint}")


def _read_bytes(path: Path) -> bytes:
    name = path.name
    if not path.exists():
        raise WorkbookError(f"找不到文件“{path}”")
    if path.is_dir():
        raise WorkbookError(f"“{path}”是文件夹，不是 Excel 工作簿")
    try:
        size = path.stat().st_size
        if size > MAX_TOTAL_BYTES:
            raise WorkbookError(
                f"“{name}”有 {size / 2**20:,.0f} MB，超过工作簿的上限 {MAX_TOTAL_BYTES // 2**20} MB，未读取"
            )
        return path.read_bytes()
    except OSError as exc:
        raise WorkbookError(f"无法读取“{name}”：{exc.strerror or exc}", detail=str(exc)) from None


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False
