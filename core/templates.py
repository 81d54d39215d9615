"""Table templates per region and report year, loaded from resources/templates/<region>/<year>.yaml and validated."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from core.rules.syntax import RuleSpec, RuleSyntaxError, parse_rule
from core.status import DEFAULT_REGION

KINDS = ("lines", "classification", "single")
SEVERITIES = ("error", "warning")
CATALOGUES = ("function", "economic")
TOTAL_POSITIONS = ("first", "last")


class TemplateError(ValueError):
    """A template file that cannot be used; the message says where and why, in Chinese."""


@dataclass(frozen=True)
class Line:
    """One 行次 of a lines table (公开01/04)."""

    number: int
    label: str | None  # None: a blank printed line that takes no figures
    columns: tuple[int, ...]
    class_code: str | None = None
    total: bool = False  # declared `total: true`: printed bold as a total line
    aliases: tuple[str, ...] = ()  # other printings of the label an import accepts
    variant_labels: tuple[tuple[str, str], ...] = ()  # (variant name, label printed in that variant)

    def label_in(self, variant: str | None) -> str | None:
        """The label as printed in `variant` (None: the default printing)."""
        return dict(self.variant_labels).get(variant or "", self.label)

    @property
    def printings(self) -> tuple[str, ...]:
        """Every label this line is printed with: its own, its aliases, its labels in variants."""
        own = (self.label,) if self.label else ()
        return own + self.aliases + tuple(label for _, label in self.variant_labels)


@dataclass(frozen=True)
class Variant:
    """One way a region prints a table (24 or 26 expense lines): the lines it leaves out."""

    name: str
    omit: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Panel:
    """A side-by-side block of a printed table (收入 | 支出, or the three blocks of 公开06)."""

    title: str
    columns: tuple[int, ...] = ()
    lines: tuple[Line, ...] = ()
    rows: tuple[str, ...] = ()
    total: str | None = None


@dataclass(frozen=True)
class TableTemplate:
    id: str  # semantic and stable across regions and years: 三公 is 公开09 wherever it is printed
    printed: str  # how messages and the window name it: its 表号 as printed, else its title
    title: str
    kind: str
    columns: dict[int, str]
    header: tuple[tuple[Any, ...], ...]
    panels: tuple[Panel, ...] = ()
    notes: tuple[str, ...] = ()
    rules: tuple[RuleSpec, ...] = ()
    catalogue: str | None = None
    levels: tuple[int, ...] = ()
    total_row: str | None = None
    lines: dict[str, Line] = field(default_factory=dict)
    number: str | None = None  # the 表号 as printed (公开01表, 表1); None where the region prints none
    line_numbers: bool = True  # whether 行次 are printed
    column_numbers: bool = True  # whether a 栏次 row is printed
    total_position: str = "first"  # where a classification table prints its 合计 row
    variants: tuple[Variant, ...] = ()  # the first is the default
    #: The layout the table belongs to: its codes are read against that year's (and region's) catalogue.
    year: int = 0
    region: str = DEFAULT_REGION

    def variant(self, name: str | None) -> Variant | None:
        """The variant called `name`, the default (first) one for None or an unknown name; None without variants."""
        if not self.variants:
            return None
        return next((v for v in self.variants if v.name == name), self.variants[0])

    def omitted(self, variant: str | None) -> frozenset[int]:
        """Lines the variant does not print."""
        chosen = self.variant(variant)
        return chosen.omit if chosen else frozenset()

    @functools.cached_property
    def special_rows(self) -> tuple[str, ...]:
        """Rows of a classification table that are not codes: 合计 and panel totals."""
        names = [self.total_row] if self.total_row else []
        return tuple(names + [p.total for p in self.panels if p.total])

    @functools.cached_property
    def fixed_rows(self) -> tuple[str, ...]:
        """Rows always shown, as printed, even when blank."""
        if self.kind == "lines":
            return tuple(self.lines)
        if self.kind == "single":
            return ("1",)
        return tuple(r for p in self.panels for r in p.rows) + self.special_rows

    def row_columns(self, row: str) -> tuple[int, ...]:
        """Columns that take figures in `row`; () if the row takes none or does not exist."""
        if self.kind == "lines":
            line = self.lines.get(row)
            return line.columns if line else ()
        if self.kind == "single":
            return tuple(self.columns) if row == "1" else ()
        return tuple(self.columns) if self.is_row(row) else ()

    def is_row(self, row: str) -> bool:
        """Whether `row` can exist in this table (a 行次, a well-formed code, or a named total)."""
        if self.kind != "classification":
            return bool(self.row_columns(row))
        return row in self.special_rows or (row.isdigit() and len(row) in self.levels)

    def level(self, row: str) -> int | None:
        """0 for 类, 1 for 款, 2 for 项 in classification tables; None otherwise."""
        if self.kind == "classification" and row.isdigit() and len(row) in self.levels:
            return self.levels.index(len(row))
        return None

    def parent(self, row: str) -> str | None:
        """The code one level up, the total row for a top-level code, or None."""
        level = self.level(row)
        if level is None:
            return None
        if level == 0:
            return self.total_row
        return row[: self.levels[level - 1]]

    def class_lines(self) -> dict[str, str]:
        """类 code → 行次 for the lines of a lines table that stand for a function class."""
        return {ln.class_code: str(ln.number) for ln in self.lines.values() if ln.class_code}


@dataclass(frozen=True)
class TemplateSet:
    year: int
    title: str
    tables: dict[str, TableTemplate]
    cross_rules: tuple[RuleSpec, ...]
    region: str = DEFAULT_REGION

    def table(self, table_id: str) -> TableTemplate:
        try:
            return self.tables[table_id]
        except KeyError:
            raise TemplateError(f"{self.year}年度表式中没有“{table_id}”") from None

    def has(self, *table_ids: str) -> bool:
        """Whether the layout has every one of these tables (a region may print fewer or more)."""
        return all(t in self.tables for t in table_ids)

    @property
    def all_rules(self) -> tuple[RuleSpec, ...]:
        return tuple(r for t in self.tables.values() for r in t.rules) + self.cross_rules


#: Where the layouts are: one folder per region, one <year>.yaml per year in it (see set_templates_root).
_root: Traversable | Path = resources.files("resources") / "templates"


def set_templates_root(root: Traversable | Path) -> Traversable | Path:
    """Read the layouts from `root` from now on (tests: a folder with an extra region); returns the old root."""
    global _root
    previous, _root = _root, root
    _layouts.cache_clear()
    _load.cache_clear()
    return previous


@functools.cache
def _layouts() -> dict[tuple[str, int], Traversable | Path]:
    """(region, year) → its file, for every <region>/<digits>.yaml under the root; nothing is listed in code."""
    found = {}
    for folder in _root.iterdir():
        if not folder.is_dir() or folder.name.startswith((".", "_")):
            continue
        for file in folder.iterdir():
            stem = file.name[:-5]
            if file.name.endswith(".yaml") and stem.isdigit() and file.is_file():
                found[(folder.name, int(stem))] = file
    return dict(sorted(found.items(), key=lambda item: (item[0][0] != DEFAULT_REGION, item[0])))


def available_layouts() -> list[tuple[str, int]]:
    """(region, year) of every layout, 武汉市 first, then by region and year."""
    return list(_layouts())


def available_regions() -> list[str]:
    """Regions that have at least one layout, 武汉市 first."""
    return list(dict.fromkeys(region for region, _ in _layouts()))


def available_years(region: str = DEFAULT_REGION) -> list[int]:
    """Report years that have a layout for `region`."""
    return [year for r, year in _layouts() if r == region]


def layouts_text() -> str:
    """The layouts there are, as messages list them: 武汉市 2022、2023、2024；上海市 2024."""
    return "；".join(f"{r} " + "、".join(str(y) for y in available_years(r)) for r in available_regions()) or "无"


def load_template_set(year: int, region: str = DEFAULT_REGION) -> TemplateSet:
    """The layout of `region` and `year`, parsed and validated once per process (the same object each time)."""
    return _load(region, year)


@functools.cache
def _load(region: str, year: int) -> TemplateSet:
    path = _layouts().get((region, year))
    if path is None:
        raise TemplateError(f"没有 {region} {year} 年度的表式（现有：{layouts_text()}）")
    source = f"{region}/{year}.yaml"
    template_set = parse_template_set(path.read_text(encoding="utf-8"), source=source, region=region)
    if template_set.year != year:
        raise TemplateError(f"{source}：文件中写的年度是 {template_set.year}，与文件名不符")
    return template_set


def parse_template_set(text: str, source: str = "表式文件", region: str | None = None) -> TemplateSet:
    """Build a TemplateSet from YAML text; any defect raises TemplateError naming `source`.

    `region` is the folder the file sits in: a `region:` in the file must say the same."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TemplateError(f"{source}：不是有效的 YAML（{exc}）") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{source}：文件内容应是一个映射（year、title、tables…）")
    year = _require(data, "year", int, source)
    region = _region(data, region, source)
    tables: dict[str, TableTemplate] = {}
    for raw in _require(data, "tables", list, source):
        table = replace(_parse_table(raw, f"{source} 表“{_get_id(raw)}”"), year=year, region=region)
        if table.id in tables:
            raise TemplateError(f"{source}：表“{table.id}”重复定义")
        tables[table.id] = table
    if not tables:
        raise TemplateError(f"{source}：至少要有一张表")
    cross = tuple(_parse_rule(r, None, f"{source} 表间关系") for r in data.get("cross_rules") or [])
    template_set = TemplateSet(year, str(data.get("title", f"{year}年度部门决算公开表")), tables, cross, region=region)
    _check_rule_ids(template_set, source)
    _check_rule_addresses(template_set, source)
    return template_set


def _region(data: dict, folder: str | None, source: str) -> str:
    """The file's `region:`, which must agree with its folder; the folder's (or 武汉市) when it has none."""
    declared = data.get("region")
    if declared is None:
        return folder or DEFAULT_REGION
    if not isinstance(declared, str) or not declared.strip():
        raise TemplateError(f"{source}：“region”应是地区名称，如 {DEFAULT_REGION}")
    if folder is not None and declared.strip() != folder:
        raise TemplateError(f"{source}：文件中写的地区是“{declared.strip()}”，而文件在“{folder}”文件夹中，二者应一致")
    return declared.strip()


def _get_id(raw: Any) -> str:
    return str(raw.get("id", "?")) if isinstance(raw, dict) else "?"


def _require(data: dict, key: str, kind: type, where: str) -> Any:
    if key not in data:
        raise TemplateError(f"{where}：缺少“{key}”")
    value = data[key]
    if not isinstance(value, kind):
        raise TemplateError(f"{where}：“{key}”的格式不对")
    return value


def _parse_table(raw: Any, where: str) -> TableTemplate:
    if not isinstance(raw, dict):
        raise TemplateError(f"{where}：每张表应是一个映射")
    table_id = _require(raw, "id", str, where).strip()
    if not table_id or any(ch in table_id for ch in ":： \t\n"):
        raise TemplateError(f"{where}：表的 id 不能为空，也不能含冒号或空格（如 公开01、资产负债）")
    kind = _require(raw, "kind", str, where)
    if kind not in KINDS:
        raise TemplateError(f"{where}：kind 应为 {'、'.join(KINDS)} 之一，而不是“{kind}”")
    columns = {}
    for col, title in _require(raw, "columns", dict, where).items():
        if not isinstance(col, int) or col < 1:
            raise TemplateError(f"{where}：栏次“{col}”应是正整数")
        columns[col] = str(title)
    panels = tuple(_parse_panel(p, kind, columns, where) for p in raw.get("panels") or [])
    lines: dict[str, Line] = {}
    for panel in panels:
        for line in panel.lines:
            if str(line.number) in lines:
                raise TemplateError(f"{where}：行次 {line.number} 重复")
            lines[str(line.number)] = line
    if kind == "lines" and not lines:
        raise TemplateError(f"{where}：行次表至少要有一个行次")
    catalogue, levels, total_row = None, (), None
    if kind == "classification":
        catalogue = _require(raw, "catalogue", str, where)
        if catalogue not in CATALOGUES:
            raise TemplateError(f"{where}：catalogue 应为 function 或 economic")
        levels = tuple(_require(raw, "levels", list, where))
        if not levels or any(not isinstance(n, int) for n in levels) or list(levels) != sorted(set(levels)):
            raise TemplateError(f"{where}：levels 应是递增的编码位数，如 [3, 5, 7]")
        total_row = raw.get("total_row")
    header = tuple(tuple(row) for row in raw.get("header") or [])
    rules = tuple(_parse_rule(r, table_id, where) for r in raw.get("rules") or [])
    title = _require(raw, "title", str, where)
    number = raw.get("printed", f"{table_id}表")  # `printed: ~`: no 表号 printed
    flags = {key: raw.get(key, True) for key in ("line_numbers", "column_numbers")}
    if any(not isinstance(v, bool) for v in flags.values()):
        raise TemplateError(f"{where}：line_numbers、column_numbers 应为 true 或 false")
    total_position = raw.get("total_position", "first")
    if total_position not in TOTAL_POSITIONS:
        raise TemplateError(f"{where}：total_position 应为 first 或 last")
    variants = _parse_variants(raw.get("variants"), lines, where)
    return TableTemplate(
        id=table_id,
        printed=str(number) if number is not None else title,
        title=title,
        kind=kind,
        columns=columns,
        header=header,
        panels=panels,
        notes=tuple(str(n) for n in raw.get("notes") or []),
        rules=rules,
        catalogue=catalogue,
        levels=levels,
        total_row=total_row,
        lines=lines,
        number=str(number) if number is not None else None,
        line_numbers=flags["line_numbers"],
        column_numbers=flags["column_numbers"],
        total_position=total_position,
        variants=variants,
    )


def _parse_variants(raw: Any, lines: dict[str, Line], where: str) -> tuple[Variant, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        raise TemplateError(f"{where}：variants 应是印法的列表，如 [{{name: 24行, omit: [54, 55]}}, {{name: 26行}}]")
    variants = []
    for spec in raw:
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise TemplateError(f"{where}：variants 的每一项应有 name")
        omit = spec.get("omit") or []
        if not isinstance(omit, list) or any(not isinstance(n, int) or str(n) not in lines for n in omit):
            raise TemplateError(f"{where}：印法“{spec['name']}”的 omit 应是本表已有的行")
        variants.append(Variant(spec["name"], frozenset(omit)))
    names = [v.name for v in variants]
    if len(set(names)) != len(names):
        raise TemplateError(f"{where}：印法名称重复")
    for line in lines.values():
        unknown = [name for name, _ in line.variant_labels if name not in names]
        if unknown:
            raise TemplateError(f"{where}：第{line.number}行的 variant_labels 用到未定义的印法“{'、'.join(unknown)}”")
    return tuple(variants)


def _parse_panel(raw: Any, kind: str, columns: dict[int, str], where: str) -> Panel:
    if not isinstance(raw, dict):
        raise TemplateError(f"{where}：panels 的每一项应是一个映射")
    title = str(raw.get("title", ""))
    panel_columns = tuple(raw.get("columns") or ())
    unknown = [c for c in panel_columns if c not in columns]
    if unknown:
        raise TemplateError(f"{where}：版块“{title}”用到未定义的栏次 {unknown}")
    lines = []
    for number, spec in (raw.get("lines") or {}).items():
        if not isinstance(number, int):
            raise TemplateError(f"{where}：行次“{number}”应是整数")
        if spec is None:
            lines.append(Line(number, None, ()))
        elif isinstance(spec, str):
            lines.append(Line(number, spec, panel_columns))
        elif isinstance(spec, dict) and "label" in spec:
            class_code = spec.get("类")
            total = spec.get("total", False)
            if not isinstance(total, bool):
                raise TemplateError(f"{where}：第{number}行的 total 应为 true 或 false")
            aliases = spec.get("aliases") or []
            printed_in = spec.get("variant_labels") or {}
            if not isinstance(aliases, list) or not isinstance(printed_in, dict):
                raise TemplateError(f"{where}：第{number}行的 aliases 应是名称的列表，variant_labels 应是“印法: 名称”")
            lines.append(
                Line(
                    number,
                    str(spec["label"]),
                    panel_columns,
                    str(class_code) if class_code else None,
                    total,
                    tuple(str(a) for a in aliases),
                    tuple((str(k), str(v)) for k, v in printed_in.items()),
                )
            )
        else:
            raise TemplateError(
                f"{where}：第{number}行的写法不对（应为名称，或 {{label: …, 类: …, total: true}}，或 ~）"
            )
    rows = tuple(str(r) for r in raw.get("rows") or ())
    if kind == "lines" and rows:
        raise TemplateError(f"{where}：行次表的版块用 lines，不用 rows")
    return Panel(title, panel_columns, tuple(lines), rows, raw.get("total"))


def _parse_rule(raw: Any, table_id: str | None, where: str) -> RuleSpec:
    if not isinstance(raw, dict) or "id" not in raw or "check" not in raw:
        raise TemplateError(f"{where}：每条关系应有 id 和 check")
    severity = raw.get("severity", "error")
    if severity not in SEVERITIES:
        raise TemplateError(f"{where}：关系“{raw['id']}”的 severity 应为 error 或 warning")
    try:
        return parse_rule(str(raw["id"]), str(raw["check"]), table_id, severity)
    except RuleSyntaxError as exc:
        raise TemplateError(f"{where}：关系“{raw['id']}”无法解析：{exc}") from None


def _check_rule_ids(template_set: TemplateSet, source: str) -> None:
    seen: set[str] = set()
    for rule in template_set.all_rules:
        if rule.id in seen:
            raise TemplateError(f"{source}：关系编号“{rule.id}”重复")
        seen.add(rule.id)


def _check_rule_addresses(template_set: TemplateSet, source: str) -> None:
    """Every row and column a rule names must exist in its table."""
    for rule in template_set.all_rules:
        if rule.form == "rows":
            table = template_set.tables[rule.table]
            rows = [t.ref for t in rule.left + rule.right]
            if all(table.is_row(r) for r in rows) and not set.intersection(*(set(table.row_columns(r)) for r in rows)):
                raise TemplateError(
                    f"{source}：关系“{rule.id}”中的各行没有共同的栏次，无法逐栏核对；请用“表:行:栏”地址书写"
                )
        for table_id, row, col in rule.references():
            table = template_set.tables.get(table_id)
            if table is None:
                raise TemplateError(f"{source}：关系“{rule.id}”引用了不存在的表“{table_id}”")
            if col is not None and col not in table.columns:
                raise TemplateError(f"{source}：关系“{rule.id}”引用了{table.printed}不存在的第{col}栏")
            if row is not None and not row.startswith("[") and not table.is_row(row):
                raise TemplateError(f"{source}：关系“{rule.id}”引用了{table.printed}不存在的行“{row}”")
            if row is not None and col is not None and not row.startswith("["):
                if col not in table.row_columns(row):
                    raise TemplateError(f"{source}：关系“{rule.id}”引用的{table.printed}第{row}行没有第{col}栏")
