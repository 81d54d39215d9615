"""Hostile and malformed input through the command line: exit 2 with a Chinese message naming the field,
never a traceback, never a silent change (issue 12, cases 12–16)."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.audit import audit
from core.money import MAX_FEN, AmountError, parse_amount
from core.reportfile import read_report, write_report
from core.xlsx_export import MAX_CELL_TEXT, export_workbook
from core.xlsx_import import read_workbook
from main import main
from tests.conftest import SEED_REPORTS
from tests.xlsx_factory import Style, add_merge, build_workbook, replace_part, sheet_part, write_rows_bomb

ROOT = Path(__file__).resolve().parents[1]

#: Guards, not timings (those are in the closing notes): a refused workbook must end in seconds and well
#: under 1 GB, where reading it whole took minutes and 6 GB. Generous, for a busy 2-core CI machine.
GUARD_SECONDS, GUARD_MEGABYTES = 30, 700


def seed_data() -> dict:
    return json.loads(SEED_REPORTS["000"].read_text(encoding="utf-8"))


def write_json(tmp_path: Path, data, name: str = "report.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def audit_cli(path: Path, capsys) -> tuple[int, str]:
    status = main(["audit", str(path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, err


def measured_cli(args: list[str]) -> tuple[int, str, float, float]:
    """Run `main.py args` in a fresh process: (exit status, stderr, seconds, peak memory in MB)."""
    # Peak memory as the growth from the child's own start: on Linux a started process may carry the
    # high-water mark of the (large, late in a test run) pytest process it was forked from.
    probe = (
        "import resource, sys, time; base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
        "sys.path.insert(0, sys.argv[1]); import main; start = time.perf_counter();"
        "status = main.main(sys.argv[2:]); seconds = time.perf_counter() - start;"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
        "print(f'@@ {seconds:.3f} {(peak - (base if base > 100_000 else 0)) / 1024:.0f}'); sys.exit(status)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(ROOT), *args], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    seconds, megabytes = next(line for line in done.stdout.splitlines() if line.startswith("@@")).split()[1:]
    return done.returncode, done.stderr, float(seconds), float(megabytes)


# -- 12. the range of an amount ------------------------------------------------------------------------


def test_the_largest_amount_is_accepted_and_one_fen_more_refused_in_both_units():
    assert parse_amount("999,999,999.999999", "万元") == MAX_FEN
    assert parse_amount("-9999999999999.99", "元") == -MAX_FEN
    for text, unit in (("1000000000", "万元"), ("10000000000000", "元"), ("-1,000,000,000.000000", "万元")):
        with pytest.raises(AmountError, match="超出范围：绝对值不能超过"):
            parse_amount(text, unit)
    with pytest.raises(AmountError, match="超出范围"):
        parse_amount(10**9, "万元")


def test_a_5000_digit_amount_is_refused_without_converting_it():
    with pytest.raises(AmountError, match="共 5000 个字符.*超出范围"):
        parse_amount("9" * 5000)
    assert parse_amount("0" * 5000 + "1.5") == 1_500_000


@pytest.mark.parametrize("digits", [20, 30])
def test_a_20_or_30_digit_amount_in_a_report_file_is_refused_by_audit_and_import(digits, tmp_path, capsys):
    data = seed_data()
    data["cells"]["公开01:1:1"] = "1" * digits
    path = write_json(tmp_path, data)
    status, err = audit_cli(path, capsys)
    assert status == 2 and "“公开01:1:1”：金额“" + "1" * digits + "”超出范围" in err
    db = tmp_path / "juesuan.sqlite"
    assert main(["import", str(path), "--db", str(db)]) == 2
    out, err = capsys.readouterr()
    assert "公开01:1:1" in err and "超出范围" in err and "Traceback" not in out + err
    assert not db.exists()  # the database is not even created for a file that cannot be read


def test_an_unquoted_5000_digit_amount_names_its_cell(tmp_path, capsys):
    text = json.dumps(seed_data(), ensure_ascii=False).replace(
        '"公开01:1:1": "', '"公开01:1:1": ' + "9" * 5000 + ', "x": "'
    )
    status, err = audit_cli(write_json(tmp_path, text), capsys)
    assert status == 2 and "公开01:1:1" in err and "超出范围" in err


@pytest.mark.parametrize("written", ["1" * 30, 1e20, "12,345,678,901.00"])
def test_an_out_of_range_amount_in_a_workbook_is_refused_naming_its_cell(written, tmp_path, capsys):
    report, templates = read_report(SEED_REPORTS["000"])
    built = build_workbook(report, templates, tmp_path / "big.xlsx", Style(bad_amount=("公开01:1:1", written)))
    status, err = audit_cli(built.path, capsys)
    assert (
        status == 2
        and f"{built.where['公开01:1:1']}：" in err
        and "超出范围：绝对值不能超过 999,999,999.999999 万元" in err
    )


def test_100000_deep_nesting_is_refused(tmp_path, capsys):
    for text in ("[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000):
        status, err = audit_cli(write_json(tmp_path, text), capsys)
        assert status == 2 and "嵌套层数" in err
    data = seed_data()
    nested: list = []
    for _ in range(200):  # deep enough to trouble code that recurses, shallow enough for the decoder
        nested = [nested]
    data["selfeval"][0]["extra"] = nested
    status, err = audit_cli(write_json(tmp_path, data), capsys)
    assert status == 2 and "嵌套层数超过 64 层" in err


@pytest.mark.parametrize(
    ("year", "shown"),
    [
        ("9" * 5000, "5000 位的数字"),
        ("99999", "99999"),
        ("-5", "-5"),
        ('"2023"', "“2023”"),
        ("true", "true"),
        ("2023.0", "2023.0"),
    ],
)
def test_a_year_must_be_a_sane_integer(year, shown, tmp_path, capsys):
    data = seed_data()
    text = json.dumps(data, ensure_ascii=False).replace(f'"year": {data["year"]}', f'"year": {year}')
    status, err = audit_cli(write_json(tmp_path, text), capsys)
    assert status == 2 and "year 应为四位数的年度" in err and shown in err
    assert len(err) < 400  # a 5,000-digit year is not echoed back


# -- 15. duplicate keys --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ('"公开01:1:1"', '"公开01:1:1"', "键“公开01:1:1”重复"),
        ('"公开01:1:1"', '" 公开01:1:1"', "与“公开01:1:1”去掉首尾空格后相同"),
        ('"公开01:1:1"', '"公开01:1:1 "', "去掉首尾空格后相同"),
    ],
)
def test_a_cell_written_twice_is_refused_by_name(first, second, message, tmp_path, capsys):
    data = seed_data()
    body = json.dumps(data, ensure_ascii=False)
    body = body.replace('"cells": {', f'"cells": {{{first}: "1.00", {second}: "2.00", ', 1)
    body = body.replace('"公开01:1:1": "' + data["cells"]["公开01:1:1"] + '", ', "", 1)  # the seed's own entry
    status, err = audit_cli(write_json(tmp_path, body), capsys)
    assert status == 2 and message in err


def test_one_cell_under_two_spellings_of_its_address_is_refused(tmp_path, capsys):
    data = seed_data()
    data["cells"]["公开01:1:01"] = "2.00"  # the same cell as 公开01:1:1 (column 01 = 1)
    status, err = audit_cli(write_json(tmp_path, data), capsys)
    assert status == 2 and "“公开01:1:01”与“公开01:1:1”是同一个单元格 公开01:1:1" in err


def test_duplicate_label_and_self_evaluation_keys_are_refused(tmp_path, capsys):
    data = seed_data()
    label = next(iter(data["labels"]))
    body = json.dumps(data, ensure_ascii=False).replace('"labels": {', f'"labels": {{" {label}": "别的名称", ', 1)
    status, err = audit_cli(write_json(tmp_path, body), capsys)
    assert status == 2 and f"键“{label}”重复" in err
    body = json.dumps(data, ensure_ascii=False).replace('"header": {', '"header": {"单位名称": "甲", ', 1)
    status, err = audit_cli(write_json(tmp_path, body), capsys)
    assert status == 2 and "键“单位名称”重复" in err


# -- other malformed report files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["unit"].update(code=[1]), "unit.code"),
        (lambda d: d.update(amount_unit=["万元"]), "amount_unit"),
        (lambda d: d["unit"].update(name="甲\ud800"), "unit.name中有无效的字符"),
        (lambda d: d["cells"].update({"公开01:1:" + "9" * 5000: "1"}), "应为“表:行:栏”"),
        (lambda d: d["cells"].update({"公开01:1:²": "1"}), "应为“表:行:栏”"),
        (lambda d: d.update(cells=[1, 2]), "cells 应为"),
        (lambda d: d["selfeval"][0].update(total=float("inf")), "不允许 NaN 或 Infinity"),
    ],
)
def test_wrong_types_and_hostile_values_in_fields_are_refused_by_name(change, message, tmp_path, capsys):
    data = seed_data()
    change(data)
    status, err = audit_cli(write_json(tmp_path, json.dumps(data)), capsys)
    assert status == 2 and message in err


@pytest.mark.parametrize(
    "content",
    [b"", b"\xef\xbb\xbf", b"\x00" * 64, b'{"format": "juesuan-report/1", "cells": {', b"\xff\xfe\x00garbage", b"[]"],
)
def test_garbage_truncated_and_empty_files_exit_2(content, tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    status, err = audit_cli(path, capsys)
    assert status == 2 and err.startswith("无法读取报表：")


def test_garbage_and_truncated_workbooks_exit_2(tmp_path, capsys):
    report, templates = read_report(SEED_REPORTS["000"])
    built = build_workbook(report, templates, tmp_path / "good.xlsx").path
    whole = built.read_bytes()
    for name, content in (
        ("empty.xlsx", b""),
        ("cut.xlsx", whole[: len(whole) // 3]),
        ("noise.xlsx", b"PK" + bytes(range(256)) * 40),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        status, err = audit_cli(path, capsys)
        assert status == 2 and err.startswith("无法读取报表：")
    broken = tmp_path / "broken_xml.xlsx"
    replace_part(built, broken, "xl/workbook.xml", lambda data: data[: len(data) // 2])
    status, err = audit_cli(broken, capsys)
    assert status == 2 and "已损坏或格式不受支持" in err and "详细信息：" in err


# -- 13. bounded workbooks -----------------------------------------------------------------------------


def test_a_zip_bomb_of_rows_is_refused_within_seconds_and_little_memory(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    write_rows_bomb(bomb, 300 * 2**20)
    assert bomb.stat().st_size < 3 * 2**20
    status, err, seconds, megabytes = measured_cli(["audit", str(bomb)])
    assert status == 2 and "解压后有 300 MB，超过上限 256 MB" in err and "Traceback" not in err
    assert seconds < GUARD_SECONDS and megabytes < GUARD_MEGABYTES


def test_a_highly_compressed_sheet_under_the_size_bound_is_refused_by_its_ratio(tmp_path):
    bomb = tmp_path / "ratio.xlsx"
    write_rows_bomb(bomb, 40 * 2**20)
    status, err, seconds, megabytes = measured_cli(["audit", str(bomb)])
    assert status == 2 and "xl/worksheets/sheet1.xml 压缩了" in err and "疑似压缩炸弹" in err
    assert seconds < GUARD_SECONDS and megabytes < GUARD_MEGABYTES


def test_a_merge_over_the_whole_sheet_is_refused_before_openpyxl_builds_it(tmp_path):
    report, templates = read_report(SEED_REPORTS["000"])
    built = build_workbook(report, templates, tmp_path / "good.xlsx").path
    merged = tmp_path / "merged.xlsx"
    replace_part(built, merged, sheet_part(built, "公开01表"), lambda data: add_merge(data, "A1:XFD1048576"))
    assert merged.stat().st_size < 200_000
    status, err, seconds, megabytes = measured_cli(["audit", str(merged)])
    assert status == 2 and "有 17,179,869," in err and "个被合并或被超链接范围覆盖的单元格，超过上限 200,000" in err
    assert seconds < GUARD_SECONDS and megabytes < GUARD_MEGABYTES


def test_a_hyperlink_over_whole_columns_is_refused(tmp_path):
    report, templates = read_report(SEED_REPORTS["000"])
    built = build_workbook(report, templates, tmp_path / "good.xlsx").path
    linked = tmp_path / "linked.xlsx"

    def link(data: bytes) -> bytes:
        hyperlinks = b'<hyperlinks><hyperlink ref="A1:XFD1048576" location="A1"/></hyperlinks>'
        return data.replace(b"</worksheet>", hyperlinks + b"</worksheet>")

    replace_part(built, linked, sheet_part(built, "公开02表"), link)
    status, err, seconds, _ = measured_cli(["audit", str(linked)])
    assert status == 2 and "超过上限 200,000" in err and seconds < GUARD_SECONDS


def test_too_many_cells_are_refused_before_parsing(tmp_path):
    report, templates = read_report(SEED_REPORTS["000"])
    built = build_workbook(report, templates, tmp_path / "good.xlsx").path
    crowded = tmp_path / "crowded.xlsx"
    rows = "".join(
        f'<row r="{r}"><c r="Z{r}"><v>{r}</v></c><c r="AA{r}"><v>{r}</v></c></row>' for r in range(2000, 110_000)
    )

    def crowd(data: bytes) -> bytes:
        return data.replace(b"</sheetData>", rows.encode() + b"</sheetData>")

    replace_part(built, crowded, sheet_part(built, "封面"), crowd)
    status, err, seconds, megabytes = measured_cli(["audit", str(crowded)])
    assert status == 2 and "个单元格，超过上限 200,000" in err
    assert seconds < GUARD_SECONDS and megabytes < GUARD_MEGABYTES


# -- 14. a merge over a filled amount ------------------------------------------------------------------


def test_a_merge_over_a_filled_amount_is_refused_naming_the_cells(tmp_path, capsys):
    report, templates = read_report(SEED_REPORTS["000"])
    built = build_workbook(report, templates, tmp_path / "good.xlsx")
    sheet, cell = built.where["公开01:1:1"].split("!")
    column = cell.rstrip("0123456789")
    row = cell[len(column) :]
    right = chr(ord(column) + 1) + row  # the next amount column of the same row (公开01表: 1 and 2 side by side)
    assert report.cells["公开01:1:1"] and load_workbook(built.path)[sheet][right].value is not None
    merged = tmp_path / "merged.xlsx"
    replace_part(built.path, merged, sheet_part(built.path, sheet), lambda data: add_merge(data, f"{cell}:{right}"))
    status, err = audit_cli(merged, capsys)
    assert status == 2 and f"{sheet}!{right} 有内容" in err and f"被合并单元格 {cell}:{right} 盖住" in err


# -- 16. export ----------------------------------------------------------------------------------------


def test_export_makes_control_characters_and_long_text_safe_and_says_so(tmp_path):
    report, templates = read_report(SEED_REPORTS["000"])
    label = next(iter(report.labels))
    report.labels[label] = "学前\x00教育\x07"
    report.unit_name += "\x1b"
    report.selfeval[0]["reason"] = "长" * 40_000
    findings = audit(templates, report)
    explained = next(f for f in findings if f.key)
    notes: list[str] = []
    path = export_workbook(report, templates, findings, tmp_path / "out.xlsx", {explained.key: "说明\x08"}, notes=notes)
    assert any(n.startswith(f"行名称 {label} 含 Excel 不能保存的字符（U+0000、U+0007）") for n in notes)
    assert any(n.startswith("单位名称含 Excel 不能保存的字符（U+001B）") for n in notes)
    assert any(explained.rule in n and "情况说明含" in n for n in notes)
    assert any("reason 有 40,000 个字符，超过 Excel 单元格 32,767 字的上限" in n for n in notes)
    summary = [c.value for row in load_workbook(path)["审核结果"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "导出说明" in summary and all(n in summary for n in notes)
    again, _, _ = read_workbook(path)
    assert again.labels[label] == "学前\ufffd教育\ufffd"
    assert len(again.selfeval[0]["reason"]) == MAX_CELL_TEXT and again.selfeval[0]["reason"].endswith("以下已截去）")


def test_export_command_with_control_characters_succeeds(tmp_path, capsys):
    data = seed_data()
    label = next(iter(data["labels"]))
    data["labels"][label] = "名称\x07"
    db = tmp_path / "juesuan.sqlite"
    assert main(["import", str(write_json(tmp_path, data)), "--db", str(db)]) == 0
    out = tmp_path / "out.xlsx"
    assert (
        main(["export", "--unit", data["unit"]["name"], "--year", str(data["year"]), "--db", str(db), "-o", str(out)])
        == 0
    )
    printed, err = capsys.readouterr()
    assert "Traceback" not in printed + err
    cells = [c.value for row in load_workbook(out)["审核结果"].iter_rows() for c in row]
    assert f"行名称 {label} 含 Excel 不能保存的字符（U+0007），已替换为“\ufffd”" in cells


EXTREMES = [MAX_FEN, -MAX_FEN, 999_999_999_999_990, 123_456_789_012_345, 100_000_000_000_001, 1, -1, 7, 10**14 + 3]


@pytest.mark.parametrize("unit", ["万元", "元"])
def test_extreme_in_range_amounts_come_back_exactly_through_xlsx(unit, tmp_path):
    report, templates = read_report(SEED_REPORTS["000"])
    report.amount_unit = unit
    addresses = sorted(report.cells)[: len(EXTREMES)]
    for address, fen in zip(addresses, EXTREMES, strict=True):
        report.cells[address] = fen
    path = export_workbook(report, templates, audit(templates, report), tmp_path / "out.xlsx")
    again, _, _ = read_workbook(path)
    assert again.cells == report.cells
    # As Excel saves it again: every number with 17 significant digits (what Excel writes), or with
    # the 15 it shows and copies.
    for digits in (17, 15):
        resaved = tmp_path / f"resaved{digits}.xlsx"
        with zipfile.ZipFile(path) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        source = path
        for n, part in enumerate(sheets):
            target = tmp_path / f"step{digits}_{n}.xlsx"
            replace_part(source, target, part, lambda data, d=digits: _renumber(data, d))
            source = target
        source.replace(resaved)
        again, _, _ = read_workbook(resaved)
        assert again.cells == report.cells


def _renumber(data: bytes, digits: int) -> bytes:
    import re

    return re.sub(
        rb"<v>(-?[0-9.]+(?:E[-+]?\d+)?)</v>", lambda m: b"<v>%s</v>" % (b"%.*g" % (digits, float(m.group(1)))), data
    )


def test_an_out_of_range_amount_from_the_database_is_exported_as_exact_text_and_noted(tmp_path):
    report, templates = read_report(SEED_REPORTS["000"])
    report.cells["公开01:1:1"] = 12_345_678_901_234_567_891
    notes: list[str] = []
    path = export_workbook(report, templates, audit(templates, report), tmp_path / "out.xlsx", notes=notes)
    assert notes == [
        "公开01:1:1 的金额 12345678901234.567891 万元超出金额范围（绝对值不能超过 999,999,999.999999 万元），Excel 不能精确保存，已写成文字"
    ]
    sheet = load_workbook(path)["公开01表"]
    assert "12345678901234.567891" in [c.value for row in sheet.iter_rows() for c in row]
    status = main(["audit", str(path)])
    assert status == 2  # read back, it is refused by name rather than changed
    json_path = tmp_path / "out.json"
    write_report(report, json_path)
    assert json.loads(json_path.read_text(encoding="utf-8"))["cells"]["公开01:1:1"] == "12345678901234.567891"


def test_the_json_writer_keeps_a_lone_surrogate_as_an_escape(tmp_path):
    report, _ = read_report(SEED_REPORTS["000"])
    report.unit_name = "甲\ud800"
    path = tmp_path / "out.json"
    write_report(report, path)
    text = path.read_text(encoding="utf-8")
    assert '"name": "甲\\ud800"' in text and json.loads(text)["unit"]["name"] == "甲\ud800"
    assert not (tmp_path / "out.json.tmp").exists()
