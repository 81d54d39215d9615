"""The 情况说明 drafted from each seed's tables, against a synthetic previous year."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from core.narrative import check_narrative, draft_narrative
from core.narrative.command import run_narrative
from core.narrative.document import read_document
from core.narrative.docx_writer import write_docx
from core.report import Report
from core.reportfile import read_report

REPORTS = Path(__file__).parent / "fixtures" / "reports"
SEEDS = ["000", "001", "002", "003"]


def last_year(report: Report) -> Report:
    """Every figure 10 % higher last year, except 三公 决算, which stays the same (持平)."""
    cells = {a: (v if a.startswith("公开09:1:") else v * 11 // 10) for a, v in report.cells.items()}
    return Report(report.unit_name, report.year - 1, cells=cells, labels=dict(report.labels))


@pytest.mark.parametrize("n", SEEDS)
def test_draft_states_this_years_totals_and_the_change_from_last_year(n):
    report, templates = read_report(REPORTS / f"{n}.json")
    previous = last_year(report)
    text = draft_narrative(report, templates, previous).text()
    total = report.cells["公开01:31:1"] if "公开01:31:1" in report.cells else report.cells["公开01:30:1"]
    drop = total * 11 // 10 - total
    assert f"{total / 1_000_000:,.2f}万元" in text
    assert f"收、支总计各减少{drop / 1_000_000:,.2f}万元，下降9.1%" in text
    assert "“三公”经费财政拨款支出" in text and "较上年持平" in text


@pytest.mark.parametrize("n", SEEDS)
def test_a_draft_checked_against_its_own_tables_has_no_finding(n):
    report, templates = read_report(REPORTS / f"{n}.json")
    previous = last_year(report)
    result = check_narrative(report, templates, draft_narrative(report, templates, previous).text(), previous)
    assert [f.message for f in result.findings if f.severity != "rounding"] == []
    assert result.checked > 30


def test_seed000_draft_figures_and_empty_tables():
    report, templates = read_report(REPORTS / "000.json")
    text = draft_narrative(report, templates).text()
    assert "1.教育支出（类）22,006.66万元，占26.8%。" in text
    assert "其中：财政拨款收入81,993.54万元，占本年收入97.4%；事业收入281.95万元，占本年收入0.3%" in text
    assert "人员经费41,389.00万元，主要包括：基本工资、津贴补贴、奖金" in text
    assert "本部门当年无政府性基金预算财政拨款收入支出。" in text
    assert "本部门当年无国有资本经营预算财政拨款支出。" in text
    assert "完成全年预算的99.1%" in text and "完成全年预算的83.9%" in text
    assert "【待填写：与上年相比的增减（未提供2022年度报表）】" in text


def test_what_the_tables_lack_comes_from_extra():
    report, templates = read_report(REPORTS / "000.json")
    extra = {
        "年初预算": {"合计": "60960.94", "2050201": "9176.27", "2050302": "0"},
        "原因": {"五(三):2050201": "根据实际情况，对预算进行了调整"},
    }
    text = draft_narrative(report, templates, extra=extra).text()
    assert "年初预算为60,960.94万元，支出决算为82,004.19万元，完成年初预算的134.5%" in text
    assert (
        "学前教育（项）。年初预算为9,176.27万元，支出决算为9,899.27万元，完成年初预算的107.9%，"
        "支出决算数大于年初预算数的主要原因：根据实际情况，对预算进行了调整。"
    ) in text
    assert "中等职业教育（项）。年初无预算安排，支出决算为346.72万元" in text


def test_docx_sets_east_asian_fonts_and_reads_back(tmp_path):
    report, templates = read_report(REPORTS / "001.json")
    path = tmp_path / "情况说明.docx"
    write_docx(draft_narrative(report, templates), path)
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    assert 'w:eastAsia="仿宋"' in xml and 'w:eastAsia="黑体"' in xml
    assert '<w:highlight w:val="yellow"/>' in xml  # the blanks
    assert "10,238.96万元" in read_document(path)


def test_narrative_command_writes_docx_and_refuses_unreadable(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "out.docx"
    assert run_narrative(str(REPORTS / "003.json"), str(REPORTS / "003.json"), str(target), out, err) == 0
    assert target.exists() and "待填写" in out.getvalue()
    assert run_narrative(str(tmp_path / "nope.json"), None, str(target), out, err) == 2
    assert "找不到文件" in err.getvalue()
    assert run_narrative(str(REPORTS / "003.json"), None, str(tmp_path / "x.pdf"), out, err) == 2


def test_main_parses_the_narrative_command(tmp_path):
    import main

    target = tmp_path / "n.docx"
    assert main.main(["narrative", str(REPORTS / "002.json"), "-o", str(target)]) == 0
    assert target.stat().st_size > 0


def test_checking_takes_under_a_second_and_drafting_under_two(tmp_path):
    import time

    report, templates = read_report(REPORTS / "000.json")
    (path,) = (Path(__file__).parent / "fixtures" / "seed_texts").glob("000_*.txt")
    text = path.read_text(encoding="utf-8")
    start = time.perf_counter()
    check_narrative(report, templates, text, previous=report)
    checked = time.perf_counter() - start
    start = time.perf_counter()
    write_docx(draft_narrative(report, templates, previous=report), tmp_path / "d.docx")
    drafted = time.perf_counter() - start
    assert checked < 1.0
    assert drafted < 2.0
