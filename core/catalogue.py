"""Classification catalogues (功能分类, 经济分类) per year and region: code → official name, from resources/catalogues.

`resources/catalogues/<year>/function.csv` and `economic.csv` are a year's whole catalogue;
`resources/catalogues/<region>/<year>/…` holds only what a region adds or names otherwise. A report
may add codes of its own (`Report.catalogue_additions`), checked by `addition_problem`.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType

from core.status import DEFAULT_REGION

KINDS = ("function", "economic")
FILES = {"function": "function.csv", "economic": "economic.csv"}
NAMES = {"function": "支出功能分类科目", "economic": "部门预算支出经济分类科目"}
#: Digits of a 类, 款 and 项 code of each kind.
CODE_LENGTHS = {"function": (3, 5, 7), "economic": (3, 5)}
#: The longest name a user may give an added code (the longest official name has 30 characters).
MAX_NAME = 60

# Printed names differ from the catalogue only in bracket width or spacing; that is not a mismatch.
_SAME = str.maketrans({"(": "（", ")": "）", "\u3000": ""})


class CatalogueError(ValueError):
    """A catalogue file that cannot be used."""


@functools.cache
def _root() -> Traversable:
    return resources.files("resources") / "catalogues"


def catalogue_years(root: Traversable | None = None) -> list[int]:
    """The years that have a national catalogue folder, ascending."""
    root = root or _root()
    return sorted(int(p.name) for p in root.iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) == 4)


def catalogue_year(year: int, root: Traversable | None = None) -> int:
    """The catalogue a report year uses: its own, else the newest before it, else the oldest there is."""
    years = catalogue_years(root)
    if not years:
        raise CatalogueError("resources/catalogues 下没有任何年度的科目目录")
    earlier = [y for y in years if y <= year]
    return earlier[-1] if earlier else years[0]


def load_catalogue(
    kind: str, year: int | None = None, region: str | None = None, root: Traversable | None = None
) -> Mapping[str, str]:
    """code → name of the `function` or `economic` catalogue of a year (None: the newest) and region."""
    root = root or _root()
    chosen = catalogue_year(year, root) if year is not None else catalogue_years(root)[-1]
    return _load(kind, chosen, region or DEFAULT_REGION, root)


@functools.cache
def _load(kind: str, year: int, region: str, root: Traversable) -> Mapping[str, str]:
    entries = _read(root / str(year) / FILES[kind], f"{year}/{FILES[kind]}", kind, required=True)
    entries.update(_read(root / region / str(year) / FILES[kind], f"{region}/{year}/{FILES[kind]}", kind))
    for code in entries:
        parent = _parent(code)
        if parent and parent not in entries:
            raise CatalogueError(f"科目目录 {year} 年（{region}）：编码“{code}”的上级科目“{parent}”不在目录中")
    return MappingProxyType(entries)


def _read(path: Traversable, name: str, kind: str, required: bool = False) -> dict[str, str]:
    if not path.is_file():
        if required:
            raise CatalogueError(f"找不到科目目录文件 {name}")
        return {}
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    if reader.fieldnames is None or not {"code", "name"} <= set(reader.fieldnames):
        raise CatalogueError(f"{name}：第一行应为 code,name")
    entries: dict[str, str] = {}
    for line, row in enumerate(reader, start=2):
        code, title = (row.get("code") or "").strip(), (row.get("name") or "").strip()
        if not code.isdigit() or len(code) not in CODE_LENGTHS[kind] or not title:
            raise CatalogueError(f"{name} 第{line}行：编码“{code}”或名称为空或不对")
        if code in entries:
            raise CatalogueError(f"{name} 第{line}行：编码“{code}”重复")
        entries[code] = title
    return entries


def _parent(code: str) -> str | None:
    return code[:-2] if len(code) > 3 else None


def with_additions(base: Mapping[str, str], additions: Mapping[str, str] | None) -> Mapping[str, str]:
    """A catalogue with a report's own codes added (the base is shared and never changed)."""
    return MappingProxyType({**base, **additions}) if additions else base


def addition_problem(kind: str, code: str, name: str, base: Mapping[str, str] | None = None) -> str | None:
    """Why a code cannot be added to a report's catalogue, in Chinese (None when it can)."""
    if kind not in KINDS:
        return f"科目目录的种类应为 function（功能分类）或 economic（经济分类），实为“{kind}”"
    lengths = "、".join(map(str, CODE_LENGTHS[kind]))
    if not isinstance(code, str) or not code.isascii() or not code.isdigit() or len(code) not in CODE_LENGTHS[kind]:
        return f"{NAMES[kind]}编码应为 {lengths} 位数字，实为“{code}”"
    if not isinstance(name, str) or not name.strip():
        return f"请填写科目“{code}”的名称"
    if len(name.strip()) > MAX_NAME:
        return f"科目“{code}”的名称超过 {MAX_NAME} 个字"
    if base is not None and code in base:
        return f"科目“{code}”已在目录中（{base[code]}），不必添加"
    return None


def same_name(printed: str, official: str) -> bool:
    """Whether a printed row name is the catalogue's name, ignoring spaces and bracket width."""

    def norm(text: str) -> str:
        return "".join(text.translate(_SAME).split())

    return norm(printed) == norm(official)
