"""The 情况说明's supplementary answers: checked, stored with the report, in the report file, used by the draft."""

import json
import re
from pathlib import Path

import pytest

import core.narrative.draft as draft_module
from app.context import AppContext
from app.errors import OperationFailed
from core.narrative.draft import BLANK_MARK, draft_narrative
from core.narrative.form import FIELDS, ExtraError, check_value, field, flat, nested
from core.reportfile import ReportFileError, read_report, report_from_dict, report_to_dict, write_report
from db import repository
from tests.conftest import SEED_REPORTS

ITEM = "2080101"  # 行政运行 under 人力资源和社会保障管理事务, a 项 of seed 000's 公开05


@pytest.fixture
def context(tmp_path):
    with AppContext.open(tmp_path / "app.sqlite") as ctx:
        yield ctx


@pytest.fixture
def session(context):
    return context.open_session(context.import_file(SEED_REPORTS["000"]).report_id)


def test_every_key_the_draft_reads_is_a_field():
    folder = Path(draft_module.__file__).parent  # the Wuhan draft, the shared phrases and each region's draft
    text = "".join(path.read_text(encoding="utf-8") for path in sorted(folder.glob("draft*.py")))
    keys = {f.key for f in FIELDS}
    for key in keys:
        head, _, rest = key.partition("/")
        assert f'"{head}"' in text and (not rest or f'"{rest}"' in text), key
    # Every call with a literal path (those with a code or a loop variable are the by-code fields).
    read = re.findall(r'extra_(?:amount|count)\((?:w|self)\.extra, ((?:"[^"]+", )*"[^"]+")(?:, unit=[\w.]+)?\)', text)
    assert len(read) > 8
    for call in read:
        path = "/".join(p.strip('" ') for p in call.split(", "))
        assert path in keys, path
    for loop in re.findall(r'extra_amount\(w\.extra, "政府采购", k, unit=w\.unit\)\) for k in \(([^)]*)\)', text):
        assert {f"政府采购/{k.strip(chr(34) + ' ')}" for k in loop.split(",")} <= keys
    for reason in re.findall(r'reason\("([^"]+)"\)', text):
        assert f"原因/{reason}" in keys, reason
    assert field(f"年初预算/{ITEM}").kind == "amount" and field("原因/五(三):2080101").kind == "text"
    assert field("用途/208").kind == "text"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("政府采购/总额", "abc", "政府采购支出总额"),
        ("政府采购/总额", "-5", "不能为负数"),
        ("政府采购/总额", "0.001", "政府采购支出总额"),
        ("国有资产/车辆", "3.5", "整数"),
        ("原因/一", "很" * 2001, "最多 2000 个字"),
        ("没有这项", "1", "没有“没有这项”"),
    ],
)
def test_answers_are_checked_with_chinese_reasons(key, value, message):
    with pytest.raises(ExtraError, match=message):
        check_value(key, value, typed=True)


def test_amounts_are_stored_exactly_and_counts_as_integers():
    assert check_value("政府采购/总额", "1,234.5") == "1234.50"
    assert check_value("国有资产/车辆", " 34 ") == "34"
    assert check_value("政府采购/总额", "  ") is None
    assert check_value("政府采购/总额", "0.001") == "0.001", "a report file's amount keeps its decimals"
    assert nested({"国有资产/车辆": "34", "机关运行经费": "3251.95"}) == {
        "国有资产": {"车辆": 34},
        "机关运行经费": "3251.95",
    }


def test_a_filled_budget_gives_the_completion_rate():
    report, templates = read_report(SEED_REPORTS["000"])
    spent = report.cells[f"公开05:{ITEM}:1"]
    report.narrative = {f"年初预算/{ITEM}": "1000.00", "年初预算/合计": "60000.00"}
    text = draft_narrative(report, templates).text()
    rate = spent / (1000 * 1_000_000) * 100
    assert "年初预算为1,000.00万元，支出决算为" in text
    assert f"完成年初预算的{rate:.1f}%" in text
    total = report.cells["公开05:合计:1"] / (60000 * 1_000_000) * 100
    assert f"完成年初预算的{total:.1f}%" in text


def test_the_session_stores_undoes_and_reopens_the_answers(context, session, tmp_path):
    blanks = draft_narrative(session.report(), session.templates).blanks
    outcome = session.set_narrative_extra({"政府采购/总额": "1234.5", "国有资产/车辆": "34"})
    assert outcome.changes.narrative == {"政府采购/总额", "国有资产/车辆"}
    assert session.narrative == {"政府采购/总额": "1234.50", "国有资产/车辆": "34"}
    assert session.set_narrative_extra({"政府采购/总额": "1234.50"}).step is None
    with pytest.raises(OperationFailed, match="车辆"):
        session.set_narrative_extra({"国有资产/车辆": "三十"})
    assert session.narrative["国有资产/车辆"] == "34", "a refused answer changes nothing"
    log = [(e.address, e.old_value, e.new_value) for e in repository.edit_log(session.db, session.report_id)]
    assert ("情况说明:政府采购/总额", None, "1234.50") in log
    # The draft fills what was answered: fewer blanks, the car count in words.
    report = session.report()
    draft = draft_narrative(report, session.templates)
    assert draft.blanks < blanks and "共有车辆34辆" in draft.text()
    assert BLANK_MARK.format("车辆数") not in draft.text()
    reopened = context.open_session(session.report_id)
    assert reopened.narrative == {"政府采购/总额": "1234.50", "国有资产/车辆": "34"}
    session.undo(outcome.step)
    assert session.narrative == {} and context.open_session(session.report_id).narrative == {}
    session.redo(outcome.step)
    assert context.open_session(session.report_id).narrative["国有资产/车辆"] == "34"


def test_the_report_file_carries_the_answers(session, tmp_path):
    session.set_narrative_extra({f"年初预算/{ITEM}": "1000", "原因/一": "人员增加"})
    target = session.export(tmp_path / "out.json")
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["narrative"] == {"年初预算": {ITEM: "1000.00"}, "原因": {"一": "人员增加"}}
    report, _ = read_report(target)
    assert report.narrative == session.narrative
    # Re-imported over the report (--replace) it stays; a file without the key has none.
    write_report(report, tmp_path / "again.json")
    assert read_report(tmp_path / "again.json")[0].narrative == session.narrative
    assert read_report(SEED_REPORTS["000"])[0].narrative == {}
    assert "narrative" not in report_to_dict(read_report(SEED_REPORTS["000"])[0])


def test_a_bad_answer_in_a_report_file_is_refused_naming_it():
    data = json.loads(SEED_REPORTS["000"].read_text(encoding="utf-8"))
    data["narrative"] = {"政府采购": {"总额": "12.3.4"}}
    with pytest.raises(ReportFileError, match="政府采购支出总额"):
        report_from_dict(data)
    data["narrative"] = ["x"]
    with pytest.raises(ReportFileError, match="narrative"):
        report_from_dict(data)
    assert flat({"国有资产": {"车辆": 3}}) == {"国有资产/车辆": "3"}


def test_an_import_replaces_the_answers_and_logs_them(context, tmp_path):
    report, _ = read_report(SEED_REPORTS["000"])
    report.narrative = {"绩效/项目个数": "62"}
    report_id = context.import_report(report).report_id
    assert context.open_session(report_id).narrative == {"绩效/项目个数": "62"}
    report.narrative = {"绩效/项目资金": "37340.27"}
    context.import_report(report, replace=True)
    assert repository.load_report(context.db, report_id).narrative == {"绩效/项目资金": "37340.27"}
    log = [e.address for e in repository.edit_log(context.db, report_id)]
    assert log.count("情况说明:绩效/项目个数") == 2
