"""What a read gives back: ImportResult with where each table came from, or WorkbookError saying why not."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

MAX_PROBLEMS_SHOWN = 8


class WorkbookError(ValueError):
    """A workbook that cannot be read; the message says what and where, in Chinese."""

    def __init__(self, message: str, problems: list[str] | None = None, detail: str | None = None):
        super().__init__(message)
        self.problems = problems or [message]
        self.detail = detail  # technical (English) text for a 详细信息 section


@dataclass
class TableSource:
    """Where one table was read."""

    table: str  # 公开01 …
    printed: str  # as printed: 公开01表 / 表1
    sheet: str
    cells_range: str  # e.g. 公开01表!A1:F40
    rows: int  # data rows read
    amounts: int  # amounts read (blank cells not counted)


@dataclass
class SelfEvalSource:
    """Where one self-evaluation table was read."""

    sheet: str
    cells_range: str
    kind: str
    name: str
    indicators: int


@dataclass
class ImportResult:
    """What `read_workbook` read, from where, and what it left out and why (all in Chinese)."""

    path: str
    year: int = 0
    unit_name: str = ""
    amount_unit: str = "万元"
    tables: list[TableSource] = field(default_factory=list)
    selfeval: list[SelfEvalSource] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"从“{Path(self.path).name}”读取 {self.unit_name} {self.year}年度报表（金额单位：{self.amount_unit}）："
        ]
        for t in self.tables:
            lines.append(f"  {t.printed}：{t.cells_range}，{t.rows} 行，{t.amounts} 个金额")
        for s in self.selfeval:
            lines.append(f"  {s.kind}绩效自评表“{s.name}”：{s.cells_range}，{s.indicators} 个指标")
        if self.skipped:
            lines.append("未读取：")
            lines += [f"  {s}" for s in self.skipped]
        if self.notes:
            lines.append("说明：")
            lines += [f"  {n}" for n in self.notes]
        return "\n".join(lines)


def fail(path: Path, problems: list[str]) -> None:
    """Raise WorkbookError listing `problems` (the first few, and how many more)."""
    unique = list(dict.fromkeys(problems))
    shown = unique[:MAX_PROBLEMS_SHOWN]
    more = f"\n（另有 {len(unique) - len(shown)} 处问题未列出）" if len(unique) > len(shown) else ""
    if len(unique) == 1:
        message = f"“{path.name}”无法导入：{unique[0]}"
    else:
        message = (
            f"“{path.name}”无法导入，有 {len(unique)} 处问题：\n"
            + "\n".join(f"{i}. {p}" for i, p in enumerate(shown, 1))
            + more
        )
    raise WorkbookError(message, unique)
