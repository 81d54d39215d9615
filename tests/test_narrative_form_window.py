"""文件 → 情况说明补充信息… in the real main window: typed, checked live, saved at once, undone, drafted."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea

from db import repository
from tests.window_helpers import close_window, open_window
from ui.narrative_form import BUDGET, CODE, NAME, RATE, NarrativeForm

ITEM = "2080101"


@pytest.fixture
def window(qtbot, tmp_path):
    main = open_window(qtbot, tmp_path, size=(1366, 768))
    yield main
    close_window(main)


def stored_answers(window):
    return repository.load_report(window.context.db, window.session.report_id).narrative


def test_the_form_saves_each_answer_and_the_draft_uses_it(window, qtbot, tmp_path):
    from docx import Document

    [action] = [a for a in window.menuBar().actions()[0].menu().actions() if a.text() == "情况说明补充信息…"]
    action.trigger()
    form = next(w for w in QApplication.topLevelWidgets() if isinstance(w, NarrativeForm) and w.isVisible())
    qtbot.waitExposed(form)
    assert form.width() <= 1366 and form.height() <= 768
    assert form.findChild(QScrollArea) is not None

    # An amount the form refuses says why under the box, live, and nothing is saved.
    cars = form.edits["国有资产/车辆"]
    cars.setFocus()
    qtbot.keyClicks(cars, "3a")
    assert form.errors["国有资产/车辆"].isVisible() and "整数" in form.errors["国有资产/车辆"].text()
    qtbot.keyClick(cars, Qt.Key.Key_Backspace)
    assert not form.errors["国有资产/车辆"].isVisible()
    qtbot.keyClick(cars, Qt.Key.Key_Return)
    assert stored_answers(window) == {"国有资产/车辆": "3"}
    assert form.isVisible(), "Enter accepts the box; it does not close the form"

    total = form.edits["政府采购/总额"]
    total.setFocus()
    qtbot.keyClicks(total, "1234.5")
    qtbot.keyClick(total, Qt.Key.Key_Return)  # Enter (or leaving the box) saves it
    assert stored_answers(window)["政府采购/总额"] == "1234.50" and total.text() == "1234.50"

    # The 年初预算 table lists the report's 公开05 项 with their names; a budget gives the rate at once.
    table = form.budget_table
    rows = {table.item(n, CODE).text(): n for n in range(table.rowCount())}
    assert table.item(rows[ITEM], NAME).text() == "行政运行" and "合计" in rows
    table.item(rows[ITEM], BUDGET).setText("abc")
    assert form.budget_error.isVisible() and ITEM in form.budget_error.text()
    assert f"年初预算/{ITEM}" not in stored_answers(window)
    table.item(rows[ITEM], BUDGET).setText("1000")
    assert not form.budget_error.isVisible()
    assert stored_answers(window)[f"年初预算/{ITEM}"] == "1000.00"
    spent = window.session.value(f"公开05:{ITEM}:1")
    assert table.item(rows[ITEM], RATE).text() == f"{spent / 10_000_000_00 * 100:.1f}%"

    # One undo step per answer; the form shows what is stored after it.
    window.session.undo()
    assert f"年初预算/{ITEM}" not in stored_answers(window) and table.item(rows[ITEM], BUDGET).text() == ""
    window.session.redo()
    assert table.item(rows[ITEM], BUDGET).text() == "1000.00"
    form.grab().save(str(tmp_path / "form.png"))
    form.close()

    written = window.draft_narrative(str(tmp_path / "说明.docx"))
    text = "\n".join(p.text for p in Document(str(written)).paragraphs)
    assert "共有车辆3辆" in text and "政府采购支出总额1,234.50万元" in text
    assert "年初预算为1,000.00万元，支出决算为" in text
