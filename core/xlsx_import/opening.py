"""Opening a workbook file: its format decided by its content (zip: .xlsx; OLE2: .xls/.et), never its name."""

from __future__ import annotations

from pathlib import Path

from core.xlsx_import.limits import MAX_TOTAL_BYTES
from core.xlsx_import.result import WorkbookError
from core.xlsx_import.sheet import SheetCells
from core.xlsx_import.xls_file import read_xls
from core.xlsx_import.xlsx_file import read_xlsx

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK"


def read_sheets(path: Path) -> list[SheetCells]:
    """Every sheet of the workbook at `path`; WorkbookError (Chinese) when it cannot be read."""
    data = _read_bytes(path)
    name = path.name
    if not data:
        raise WorkbookError(f"“{name}”是空文件（0 字节），不是 Excel 工作簿；请重新保存或重新发送")
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:  # an encrypted .xlsx travels in an OLE2 file
            raise WorkbookError(
                f"“{name}”设置了打开密码（文件已加密），无法读取。请在 Excel 中打开，"
                "取消“用密码进行加密”后另存为 .xlsx，再导入。"
            )
        return read_xls(data, path)
    if data.startswith(ZIP_MAGIC):
        return read_xlsx(data, path)
    page = web_page_kind(data)
    if page:
        raise WorkbookError(
            f"“{name}”不是真正的 Excel 工作簿，而是{page}，只是文件名像工作簿（一些系统导出的“Excel 文件”就是这样）："
            "请用 Excel 或 WPS 打开它，另存为 Excel 工作簿（.xlsx 或 .xls）后再导入"
        )
    hint = "（看起来是文本文件，如 CSV）" if _looks_like_text(data[:2048]) else ""
    raise WorkbookError(f"“{name}”不是 Excel 工作簿（.xlsx、.xls 或 WPS 的 .et）{hint}")


def web_page_kind(data: bytes) -> str | None:
    """What a text file saved under a workbook's name is, in Chinese: a web page or an XML spreadsheet; else None."""
    head = data[:4096]
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            text = head.decode(encoding).lstrip().lower()
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    if "urn:schemas-microsoft-com:office:spreadsheet" in text:
        return "“XML 电子表格 2003”文件"
    if text.startswith("mime-version") or "content-type: multipart/related" in text:
        return "单个文件网页（.mht）"
    if text.startswith(("<!doctype html", "<html", "<table", "<meta")) or "<html" in text[:512]:
        return "网页文件（HTML）"
    return None


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
