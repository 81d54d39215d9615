"""Views follow the OpChanges of each operation: exact cells, rows inserted and removed, no reset."""

import pytest

from tests.window_helpers import WAN, close_window, open_window, settle
from ui.table_model import TableModel


@pytest.fixture
def window(qtbot, tmp_path):
    main = open_window(qtbot, tmp_path)
    yield main
    close_window(main)


def count_resets(model):
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    return resets


def fresh_rows(model: TableModel):
    return [[(c.kind, c.address, c.row_key, c.text) for c in row] for row in model._layout().body]


def shown_rows(model: TableModel):
    return [[(c.kind, c.address, c.row_key, c.text) for c in row] for row in model.grid.body]


def test_findings_list_is_updated_row_by_row_and_stays_in_order(window, qtmodeltester):
    model = window.findings.model
    resets = count_resets(model)
    session = window.session
    session.edit([("公开01:6:1", 1234 * WAN)], "输入")
    session.edit([("公开02:2050201:2", 1 * WAN)], "输入")
    session.undo()
    session.edit([("公开09:1:7", 0)], "输入")
    settle()  # the list follows the four changes in order, after the paint
    assert resets == []
    assert sorted(model.rows, key=model._order) == model.rows
    assert {f.key for f in model.rows} == {f.key for f in session.findings()}
    qtmodeltester.check(model)


def test_a_new_code_inserts_its_row_and_undo_removes_it(window, qtmodeltester):
    model = window.show_table("公开02").model
    resets = count_resets(model)
    inserted, removed = [], []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    before = model.rowCount()
    window.session.edit([("公开02:2089999:1", 5 * WAN)], "新增科目")
    assert model.rowCount() == before + 1 and len(inserted) == 1 and resets == []
    assert shown_rows(model) == fresh_rows(model)
    assert model.position("公开02:2089999:1") is not None
    qtmodeltester.check(model)
    window.session.undo()
    assert model.rowCount() == before and len(removed) == 1 and resets == []
    assert shown_rows(model) == fresh_rows(model)
    qtmodeltester.check(model)


def test_removing_a_row_removes_exactly_it(window, qtmodeltester):
    model = window.show_table("公开02").model
    resets = count_resets(model)
    before = model.rowCount()
    window.session.remove_row("公开02", "2050201")
    assert model.rowCount() == before - 1 and resets == []
    assert model.position("公开02:2050201:1") is None
    assert shown_rows(model) == fresh_rows(model)
    qtmodeltester.check(model)


def test_an_edit_repaints_only_the_cells_it_touched(window):
    model = window.show_table("公开01").model
    painted = []
    model.dataChanged.connect(lambda first, last, _roles=(): painted.append((first.row(), first.column())))
    window.session.edit([("公开01:6:1", 1234 * WAN)], "输入")
    touched = {"公开01:6:1"} | {c for f in window.session.findings_at("公开01:6:1") for c in f.cells}
    expected = {model.position(a) for a in touched if model.position(a)}
    assert expected <= set(painted)
    assert len(painted) < 40, "an edit repaints its cells and those of the checks that read them, not the table"


def test_counts_in_the_status_bar_follow_what_appeared_and_disappeared(window):
    window.session.edit([("公开01:6:1", 1234 * WAN)], "输入")
    window.session.undo()
    window.session.edit([("公开02:2050201:2", 1 * WAN)], "输入")
    settle()
    counted = window.counts_label.text()
    window._count_all()
    assert window.counts_label.text() == counted
