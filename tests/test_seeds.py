"""The seeds' published figures: which identities hold, which miss by rounding, which are wrong."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from core.audit import audit
from tests.conftest import SEED_REPORTS

SEED_TEXTS = Path(__file__).resolve().parent / "fixtures" / "seed_texts"  # copies of ../shared/seeds/00N_*.txt

# Every finding on each seed's published figures: (rule, severity, first cell).
EXPECTED = {
    # 公开05 (一般公共预算) exceeds 公开03 (all sources) by 0.01 on a few codes: rounding of each cell.
    "000": [
        ("表间.公开05公开03.一般公共预算支出不超过总支出", "rounding", "公开05:2080506:1"),
        ("表间.公开05公开03.一般公共预算支出不超过总支出", "rounding", "公开05:20805:1"),
        ("表间.公开05公开03.一般公共预算支出不超过总支出", "rounding", "公开05:2080799:1"),
        ("表间.公开05公开03.一般公共预算支出不超过总支出", "rounding", "公开05:20807:1"),
        ("表间.公开05公开03.一般公共预算支出不超过总支出", "rounding", "公开05:2101101:1"),
        ("表间.公开05公开03.一般公共预算支出不超过总支出", "rounding", "公开05:21011:1"),
        ("表间.公开05公开03.一般公共预算支出不超过总支出", "rounding", "公开05:210:1"),
        ("表间.公开05公开03.基本支出不超过总基本支出", "rounding", "公开05:2101101:2"),
        ("表间.公开05公开03.基本支出不超过总基本支出", "rounding", "公开05:21011:2"),
        ("表间.公开05公开03.基本支出不超过总基本支出", "rounding", "公开05:210:2"),
        ("表间.公开05公开03.项目支出不超过总项目支出", "rounding", "公开05:2080506:3"),
        ("表间.公开05公开03.项目支出不超过总项目支出", "rounding", "公开05:20805:3"),
        ("表间.公开05公开03.项目支出不超过总项目支出", "rounding", "公开05:2080799:3"),
        ("表间.公开05公开03.项目支出不超过总项目支出", "rounding", "公开05:20807:3"),
    ],
    # Names cut short or mistyped in print; 公开06 301 and 302 miss the sum of their items by 0.01.
    "001": [
        ("公开02.科目名称", "warning", "公开02:2130599"),
        ("公开03.科目名称", "warning", "公开03:2130599"),
        ("公开05.科目名称", "warning", "公开05:2080110"),
        ("公开05.科目名称", "warning", "公开05:2130599"),
        ("公开06.科目名称", "warning", "公开06:30231"),
        ("公开06.科目名称", "warning", "公开06:30299"),
        ("公开06.科目汇总", "rounding", "公开06:301:1"),
        ("公开06.科目汇总", "rounding", "公开06:302:1"),
    ],
    # 表2/表3/表5 totals are 0.01 above 表1/表4 and 表6: rounding; 表2 prints 房租补贴 for 提租补贴.
    "002": [
        ("表间.公开01公开02.本年收入合计", "rounding", "公开01:27:1"),
        ("表间.公开01公开02.财政拨款收入", "rounding", "公开01:1:1"),
        ("表间.公开01公开03.按类支出", "rounding", "公开01:39:2"),
        ("表间.公开01公开03.本年支出合计", "rounding", "公开01:58:2"),
        ("公开02.科目名称", "warning", "公开02:2210202"),
        ("表间.公开04公开05.按类支出", "rounding", "公开04:40:3"),
        ("表间.公开04公开05.本年支出合计", "rounding", "公开04:59:3"),
        # 表5 合计 12,341.99 against 表4 1行 12,341.98 + 29行 134.47 − 60行3栏 134.47: the same 0.01 as above.
        ("表间.公开04公开05.一般公共预算财政拨款收支", "rounding", "公开05:合计:1"),
        ("表间.公开05公开06.基本支出", "rounding", "公开05:合计:2"),
    ],
    "003": [],
}


def _seed_text(seed: str) -> str:
    (path,) = SEED_TEXTS.glob(f"{seed}_*.txt")
    return path.read_text(encoding="utf-8")


def test_every_fixture_amount_is_printed_in_its_seed(seed_report):
    seed, report, _ = seed_report
    printed = set(re.findall(r"\d[\d,]*\.\d\d", _seed_text(seed)))
    for address, fen in report.cells.items():
        text = f"{Decimal(fen) / 1_000_000:,.2f}"
        assert text in printed or text.replace(",", "") in printed, f"seed {seed} {address} {text}"


def test_sample_of_fixture_figures_against_the_text():
    # Lines read by eye from the seed texts.
    samples = {
        "000": ["本年收入合计 27 84,174.24 本年支出合计 58 84,015.98", "30217   公务接待费 3.95"],
        "001": ["本年收入合计\t27\t10,238.96\t本年支出合计\t57\t10,238.96"],
        "002": ["合 计\t12,341.99\t12,341.99", "2210202\t\t房租补贴"],
    }
    for seed, lines in samples.items():
        text = _seed_text(seed)
        for line in lines:
            assert line in text, f"seed {seed}: {line}"


def table_findings(templates, report):
    """Findings on the nine 公开表 (the self-evaluation tables have their own tests)."""
    return [f for f in audit(templates, report) if f.table in templates.tables]


def test_seed_findings_are_exactly_the_known_ones(seed_report):
    seed, report, templates = seed_report
    found = [(f.rule, f.severity, f.cells[0]) for f in table_findings(templates, report)]
    assert found == EXPECTED[seed]


def test_no_published_figure_of_any_seed_tables_is_an_error(seed_report):
    _, report, templates = seed_report
    assert [f.message for f in table_findings(templates, report) if f.severity == "error"] == []


def test_seed002_one_cent_between_biao1_and_biao2_is_rounding():
    from core.reportfile import read_report

    report, templates = read_report(SEED_REPORTS["002"])
    finding = next(f for f in audit(templates, report) if f.rule == "表间.公开01公开02.本年收入合计")
    assert (finding.actual, finding.expected, finding.diff) == (12_341_980_000, 12_341_990_000, -10_000)
    assert finding.message == (
        "表1第27行“本年收入合计”应等于表2“合计”行第1栏“本年收入合计”，"
        "实为 12,341.98，应为 12,341.99，相差 0.01 万元（在尾数误差范围内：2 个填列数的尾差一般不超过 0.01 万元）"
    )


@pytest.mark.parametrize(
    ("seed", "address", "printed", "official"),
    [
        ("002", "公开02:2210202", "房租补贴", "提租补贴"),
        ("001", "公开05:2080110", "劳动关系的维权", "劳动关系和维权"),
        ("001", "公开06:30231", "公务用车运行维护", "公务用车运行维护费"),
    ],
)
def test_printed_name_that_differs_from_the_catalogue_is_a_warning(seed, address, printed, official):
    from core.reportfile import read_report

    report, templates = read_report(SEED_REPORTS[seed])
    (finding,) = [f for f in audit(templates, report) if f.cells == (address,)]
    assert finding.severity == "warning"
    assert printed in finding.message and official in finding.message
