"""Classification catalogues (功能分类, 经济分类): code → official name, from resources/catalogues."""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources

FILES = {"function": "function_classification.csv", "economic": "economic_classification.csv"}
NAMES = {"function": "支出功能分类科目", "economic": "部门预算支出经济分类科目"}

# Printed names differ from the catalogue only in bracket width or spacing; that is not a mismatch.
_SAME = str.maketrans({"(": "（", ")": "）", "\u3000": ""})


class CatalogueError(ValueError):
    """A catalogue file that cannot be used."""


@functools.cache
def load_catalogue(kind: str) -> dict[str, str]:
    """code → name of the `function` or `economic` catalogue."""
    path = resources.files("resources") / "catalogues" / FILES[kind]
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    if reader.fieldnames is None or not {"code", "name"} <= set(reader.fieldnames):
        raise CatalogueError(f"{FILES[kind]}：第一行应为 code,name")
    entries: dict[str, str] = {}
    for line, row in enumerate(reader, start=2):
        code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
        if not code.isdigit() or not name:
            raise CatalogueError(f"{FILES[kind]} 第{line}行：编码“{code}”或名称为空或不对")
        if code in entries:
            raise CatalogueError(f"{FILES[kind]} 第{line}行：编码“{code}”重复")
        entries[code] = name
    return entries


def same_name(printed: str, official: str) -> bool:
    """Whether a printed row name is the catalogue's name, ignoring spaces and bracket width."""

    def norm(text: str) -> str:
        return "".join(text.translate(_SAME).split())

    return norm(printed) == norm(official)
