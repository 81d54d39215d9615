"""The application layer without Qt: operations, their undo steps and the OpChanges they return."""

import sys

import pytest

from app.context import AppContext
from app.errors import OperationFailed
from core.reportfile import read_report
from db import repository
from db.database import DatabaseError
from tests.conftest import SEED_REPORTS

WAN = 1_000_000


@pytest.fixture
def context(tmp_path):
    with AppContext.open(tmp_path / "app.sqlite") as ctx:
        yield ctx


@pytest.fixture
def session(context):
    outcome = context.import_file(SEED_REPORTS["000"])
    return context.open_session(outcome.report_id)


def stored(session, address):
    return repository.load_report(session.db, session.report_id).cells.get(address)


def test_the_application_layer_loads_no_qt():
    import app.context  # noqa: F401
    import app.session  # noqa: F401

    for name in ("app.context", "app.session", "app.changes", "app.errors"):
        source = sys.modules[name].__spec__.origin
        assert "PySide6" not in open(source, encoding="utf-8").read(), name


def test_an_edit_is_saved_checked_and_undone_as_one_step(session):
    outcome = session.edit_cells([("公开01:6:1", 1234 * WAN)], "输入 公开01:6:1")
    assert stored(session, "公开01:6:1") == 1234 * WAN
    assert outcome.changes.cells == {"公开01:6:1"}
    assert any("公开01:6:1" in f.cells for f in outcome.changes.audit.appeared), "the income total now fails"
    undone = session.undo(outcome.step)
    assert stored(session, "公开01:6:1") is None and session.value("公开01:6:1") is None
    assert {f.key for f in undone.audit.disappeared} == {f.key for f in outcome.changes.audit.appeared}
    session.redo(outcome.step)
    assert stored(session, "公开01:6:1") == 1234 * WAN
    sources = [e.source for e in repository.edit_log(session.db, session.report_id)[-3:]]
    assert sources[-2] == "undo"


def test_an_unchanged_value_is_no_step(session):
    current = session.value("公开01:1:1")
    assert session.edit_cells([("公开01:1:1", current)], "x").step is None


def test_a_failed_write_changes_nothing(session, monkeypatch):
    before_value, before_findings = session.value("公开01:1:1"), session.findings()

    def full_disk(*args, **kwargs):
        raise DatabaseError("磁盘已满，修改未保存", detail="database or disk is full")

    monkeypatch.setattr(repository, "set_cells", full_disk)
    with pytest.raises(OperationFailed) as failure:
        session.edit_cells([("公开01:1:1", 1)], "输入")
    assert "磁盘已满" in str(failure.value) and failure.value.detail == "database or disk is full"
    assert session.value("公开01:1:1") == before_value
    assert session.findings() == before_findings
    monkeypatch.undo()
    assert stored(session, "公开01:1:1") == before_value


def test_a_bad_address_is_refused_in_chinese(session):
    with pytest.raises(OperationFailed, match="没有"):
        session.edit_cells([("公开01:99:1", 1)], "输入")


def test_removing_and_restoring_a_classification_row(session):
    outcome = session.remove_row("公开02", "2050201")
    assert ("公开02", "2050201") in outcome.changes.rows_removed
    assert "2050201" not in session.checker.present["公开02"]
    back = session.undo(outcome.step)
    assert ("公开02", "2050201") in back.rows_added
    assert session.value("公开02:2050201:1") == stored(session, "公开02:2050201:1") is not None


def test_a_new_code_is_a_row_added(session):
    outcome = session.edit_cells([("公开02:2089999:1", 5 * WAN)], "新增科目")
    assert outcome.changes.rows_added == {("公开02", "2089999")}


def test_a_locked_report_takes_no_edit_and_no_explanation(session):
    session.set_status("已锁定")
    assert session.read_only and "已锁定" in session.read_only_reason
    with pytest.raises(OperationFailed, match="已锁定"):
        session.edit_cells([("公开01:1:1", 1)], "输入")
    warning = next(f for f in session.findings() if f.severity == "warning")
    with pytest.raises(OperationFailed, match="已锁定"):
        session.set_explanation(warning, "说明")
    assert repository.explanations(session.db, session.report_id) == {}
    session.set_status("草稿")
    session.set_explanation(warning, "经核实无误")
    assert repository.explanations(session.db, session.report_id) == {warning.key: "经核实无误"}


def test_a_selfeval_edit_names_only_the_table_it_changed(session):
    tables = list(session.selfeval)
    changed = dict(tables[3], total="88")
    outcome = session.edit_selfeval(tables[:3] + [changed] + tables[4:], "修改总分")
    assert outcome.changes.selfeval == {3}
    assert repository.load_report(session.db, session.report_id).selfeval[3]["total"] == "88"
    session.undo(outcome.step)
    assert repository.load_report(session.db, session.report_id).selfeval[3] == tables[3]


def test_recoloured_names_the_cells_whose_worst_finding_changed(session):
    """A new error colours its cells; the same error with another sum (a finding replaced by one of the
    same severity) recolours none of them; taking the figure back uncolours them again."""
    original = session.value("公开01:1:1")
    broke = session.edit_cells([("公开01:1:1", original + 1234 * WAN)], "x").changes
    errors = [f for f in broke.audit.appeared if f.severity == "error"]
    assert errors and {c for f in errors for c in f.cells} <= session.recoloured(broke.audit)
    moved = session.edit_cells([("公开01:1:1", original + 999 * WAN)], "x").changes
    replaced = {f.key for f in moved.audit.appeared} & {f.key for f in moved.audit.disappeared}
    assert replaced, "the same identities fail with other figures"
    assert session.recoloured(moved.audit) == set()
    mended = session.edit_cells([("公开01:1:1", original)], "x").changes
    assert {c for f in errors for c in f.cells} <= session.recoloured(mended.audit)


def test_report_is_the_session_state_not_a_reload(session, context, tmp_path):
    session.edit_cells([("公开01:6:1", 7 * WAN)], "输入")
    assert session.report().cells == repository.load_report(session.db, session.report_id).cells
    out = session.export(tmp_path / "out.json")
    assert read_report(out)[0].cells["公开01:6:1"] == 7 * WAN


def test_export_writes_the_format_its_name_says(session, tmp_path):
    workbook = session.export(tmp_path / "单位2023决算.xlsx")
    assert workbook.read_bytes()[:2] == b"PK"
    with pytest.raises(OperationFailed, match=r"\.xlsx"):
        session.export(tmp_path / "out.txt")


def test_a_read_only_database_refuses_imports(tmp_path):
    path = tmp_path / "ro.sqlite"
    AppContext.open(path).close()
    with AppContext.open(path, read_only=True) as ctx:
        with pytest.raises(OperationFailed, match="只读"):
            ctx.import_file(SEED_REPORTS["003"])
