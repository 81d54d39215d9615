"""Year templates are data: they load, describe the printed tables, and refuse defects clearly."""

from pathlib import Path

import pytest

from core.templates import TemplateError, available_years, load_template_set, parse_template_set

NINE = tuple(f"公开{n:02d}" for n in range(1, 10))
TEMPLATE_2023 = (Path(__file__).resolve().parents[1] / "resources" / "templates" / "武汉市" / "2023.yaml").read_text(
    encoding="utf-8"
)


def test_the_three_seed_layouts_are_found_in_wuhans_folder():
    # Found from the folder, never listed in code: other years and regions may join (tests/test_regions.py).
    assert {2022, 2023, 2024} <= set(available_years())
    assert all(load_template_set(year).region == "武汉市" for year in (2022, 2023, 2024))


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_every_year_has_the_nine_tables(year):
    templates = load_template_set(year)
    assert tuple(templates.tables) == NINE
    for table in templates.tables.values():
        assert table.header, f"{table.id} has no printed header"
        assert table.columns


def test_2022_prints_tables_as_biao_1_to_9():
    templates = load_template_set(2022)
    assert [t.printed for t in templates.tables.values()] == [f"表{n}" for n in range(1, 10)]


def test_2024_renumbers_the_lines_of_gongkai01():
    lines_2023 = load_template_set(2023).table("公开01").lines
    lines_2024 = load_template_set(2024).table("公开01").lines
    assert lines_2023["58"].label == lines_2024["57"].label == "本年支出合计"
    assert lines_2023["31"].label == lines_2024["30"].label == "总计"
    assert lines_2024["39"].class_code == "210"


def test_blank_printed_lines_take_no_figures():
    table = load_template_set(2023).table("公开01")
    assert table.row_columns("9") == ()
    assert table.row_columns("27") == (1,)
    assert load_template_set(2023).table("公开04").row_columns("59") == (2, 3, 4, 5)


def test_gongkai06_rows_as_printed_with_the_two_totals():
    table = load_template_set(2023).table("公开06")
    assert table.fixed_rows[0] == "301"
    assert "30217" in table.fixed_rows and "31021" in table.fixed_rows
    assert table.special_rows == ("人员经费合计", "公用经费合计")
    assert "31019" in load_template_set(2022).table("公开06").fixed_rows
    assert "31021" not in load_template_set(2024).table("公开06").fixed_rows


def _broken(old: str, new: str) -> str:
    assert old in TEMPLATE_2023
    return TEMPLATE_2023.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  - id: 公开09\n", "  - id: 公开:09\n", "不能含冒号"),
        ("  - id: 公开09\n", "  - id: 公开08\n", "重复定义"),
        ("check: 27行＝（1＋2＋3＋4＋5＋6＋7＋8）行", "check: 27行＝（1＋2＋3＋4＋5＋6＋7＋99）行", "不存在的行“99”"),
        ("check: 1栏各行＝（2＋3＋4＋5＋6＋7）栏各行", "check: 1栏各行＝（2＋3＋4＋5＋6＋8）栏各行", "不存在的第8栏"),
        ("check: 27行＝（1＋2＋3＋4＋5＋6＋7＋8）行", "check: 27行（1＋2）行", "左边＝右边"),
        ("check: 58行＝（32＋33＋…＋57）行", "check: 58行＝（57＋…＋32）行", "不是递增"),
        ("id: 公开01.收入总计", "id: 公开01.本年收入合计", "重复"),
        ("check: 公开01:31:1 ＝ 公开01:62:2", "check: 31行＝62行", "没有共同的栏次"),
        ("kind: single", "kind: grid", "kind 应为"),
        (
            "    severity: warning\n    check: 公开06:30212:1",
            "    severity: maybe\n    check: 公开06:30212:1",
            "severity",
        ),
        ("check: 公开01:27:1 ＝ 公开02:合计:1", "check: 公开01:27:1 ＝ 公开02:合计", "表:行:栏"),
    ],
)
def test_template_defects_are_refused_in_chinese(old, new, message):
    with pytest.raises(TemplateError, match=message):
        parse_template_set(_broken(old, new), source="测试.yaml")


def test_missing_table_and_bad_yaml():
    start = TEMPLATE_2023.index("  - id: 公开08")
    end = TEMPLATE_2023.index("  - id: 公开09")
    # A layout may lack a table, but then no identity may name it.
    with pytest.raises(TemplateError, match="引用了不存在的表“公开08”"):
        parse_template_set(TEMPLATE_2023[:start] + TEMPLATE_2023[end:])
    with pytest.raises(TemplateError, match="不是有效的 YAML"):
        parse_template_set("tables: [")


def test_unknown_year_names_the_years_there_are():
    with pytest.raises(TemplateError, match="2022、2023、2024"):
        load_template_set(1999)
