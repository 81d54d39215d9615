"""A day's work in the window at 1366×768: what a finance officer sees and what the database then holds."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit

from app.context import AppContext
from db import repository
from tests.conftest import SEED_REPORTS
from tests.window_helpers import WAN, close_window, index_of, open_window, settle, stored, type_into
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path):
    main = open_window(qtbot, tmp_path, size=(1366, 768))
    yield main
    close_window(main)


@pytest.mark.parametrize("table", ["公开01", "公开02", "公开03", "公开04", "公开05", "公开06", "公开09"])
def test_every_amount_column_is_on_screen_uncut_with_15_rows(window, qtbot, table):
    view = window.show_table(table)
    qtbot.wait(20)
    body, model = view.body, view.model
    right_edge = body.viewport().width()
    metrics = body.fontMetrics()
    for column in range(model.columnCount()):
        cells = [model.index(r, column) for r in range(model.rowCount())]
        amounts = [i for i in cells if model.cell(i).kind == "amount"]
        if not amounts:
            continue
        assert body.columnViewportPosition(column) + body.columnWidth(column) <= right_edge, (
            f"column {column} off screen"
        )
        widest = max(metrics.horizontalAdvance(str(i.data() or "")) for i in amounts)
        assert widest < body.columnWidth(column), f"column {column} cuts its widest figure"
    shown = body.viewport().height() // body.rowHeight(0)
    assert shown >= 15 or model.rowCount() < 15


def test_the_header_stays_over_its_columns_when_scrolled_sideways(window, qtbot):
    view = window.show_table("公开02")
    view.resize(500, 500)  # narrow enough to scroll
    qtbot.wait(20)
    view.body.horizontalScrollBar().setValue(120)
    assert view.header.horizontalScrollBar().value() == 120
    assert view.header.columnViewportPosition(3) == view.body.columnViewportPosition(3)


def test_the_tree_marks_empty_tables_and_colours_the_worst_finding(window, qtbot):
    items = window.table_items
    assert items["公开07"].text(1) == "未填" and items["公开08"].text(1) == "未填"
    assert items["公开01"].text(1) == "✔ 通过"
    type_into(qtbot, window.show_table("公开01"), "公开01:6:1", "1234")
    assert items["公开01"].text(1).startswith("✖")
    assert items["公开01"].foreground(1).color().name() == "#c0392b"


def test_a_cross_table_error_marks_both_tables(window, qtbot):
    type_into(qtbot, window.show_table("公开05"), "公开05:2050201:1", "1")
    assert window.table_items["公开05"].text(1).startswith("✖")
    red_elsewhere = {c.split(":")[0] for f in window.session.findings() if f.severity == "error" for c in f.cells} - {
        "公开05"
    }
    for table in red_elsewhere & set(window.table_items):
        assert window.table_items[table].text(1).startswith("✖"), table


def test_findings_errors_first_and_every_header_sorts(window, qtbot):
    dock = window.findings
    severities = [dock.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole).severity for r in range(dock.proxy.rowCount())]
    assert severities == sorted(severities, key=["error", "warning", "rounding"].index)
    dock.view.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    diffs = [abs(dock.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole).diff or 0) for r in range(dock.proxy.rowCount())]
    assert diffs == sorted(diffs, reverse=True)


def test_the_findings_panel_can_be_hidden_and_shown(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert not window.findings.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert window.findings.isVisible()


def test_qt_speaks_chinese_in_dialogs(qtbot):
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from ui.app import install_chinese

    assert install_chinese(QApplication.instance())
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    texts = {b.text() for b in buttons.buttons()}
    assert texts == {"确定", "取消"} or all(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in texts), texts


def test_jumping_shows_every_cell_and_f8_goes_to_the_other_table(window, qtbot):
    type_into(qtbot, window.show_table("公开01"), "公开01:6:1", "1")  # 经营收入 against 公开02's
    finding = next(
        f
        for f in window.session.findings()
        if f.severity == "error" and len({c.split(":")[0] for c in f.cells if c.startswith("公开")}) > 1
    )
    window.jump_to(finding)
    first = window.current_view()
    first_table = first.model.table.id
    selected = {first.model.cell(i).address for i in first.body.selectedIndexes()}
    assert selected == {c for c in finding.cells if c.startswith(first_table + ":")}
    assert "F8" in window.statusBar().currentMessage()
    assert window.tree.currentItem() is window.table_items[first_table]
    qtbot.keyClick(window, Qt.Key.Key_F8)
    second = window.current_view()
    assert second.model.table.id != first_table
    assert window.tree.currentItem() is window.table_items[second.model.table.id]
    assert {second.model.cell(i).address for i in second.body.selectedIndexes()} == {
        c for c in finding.cells if c.startswith(second.model.table.id + ":")
    }
    row = next(
        r
        for r in range(window.findings.proxy.rowCount())
        if window.findings.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) == finding
    )
    named = window.findings.proxy.index(row, 1).data()
    assert "公开01表" in named and "公开02表" in named, "the list names every table the finding involves"


def test_a_self_evaluation_finding_puts_the_tree_on_its_table(window, qtbot):
    finding = next(f for f in window.session.findings() if f.table == "整体绩效自评")
    window.jump_to(finding)
    assert window.tree.currentItem() is window.selfeval_items["整体绩效自评"]
    assert window.stack.currentWidget() is window.selfeval_editors[0]


def test_the_selected_finding_is_shown_in_full_with_its_explanation(window, qtbot):
    dock = window.findings
    warning = next(f for f in window.session.findings() if f.severity == "warning")
    window.session.set_explanation(warning, "项目支出中列支的接待费")
    row = next(
        r for r in range(dock.proxy.rowCount()) if dock.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) == warning
    )
    dock.view.setCurrentIndex(dock.proxy.index(row, 3))
    assert warning.message in dock.detail.text() and "项目支出中列支的接待费" in dock.detail.text()
    assert dock.proxy.index(row, 2).data() == "项目支出中列支的接待费"


def new_code_index(view):
    model = view.model
    row = next(r for r in range(model.rowCount()) if model.cell(model.index(r, 0)).kind == "new")
    return model.index(row, 0)


def test_pasting_codes_names_and_amounts_adds_the_rows_as_one_step(window, qtbot):
    view = window.show_table("公开02")
    view.body.setCurrentIndex(new_code_index(view))
    block = "2080107\t社会保险业务管理事务\t12.50\t12.50\n2089999\t其他社会保障和就业支出\t3\t\t\t\t\t\t3"
    assert view.body.paste(block)
    assert stored(window, "公开02:2080107:1") == 12_500_000 and stored(window, "公开02:2080107:2") == 12_500_000
    assert stored(window, "公开02:2089999:7") == 3 * WAN
    assert view.model.position("公开02:2089999:1") is not None
    labels = repository.load_report(window.context.db, window.session.report_id).labels
    assert labels["公开02:2089999"] == "其他社会保障和就业支出"
    window.session.undo()
    assert stored(window, "公开02:2080107:1") is None and stored(window, "公开02:2089999:7") is None
    assert view.model.position("公开02:2089999:1") is None, "one undo takes the pasted rows away again"


def test_after_typing_a_code_the_keyboard_goes_on_in_the_new_row(window, qtbot):
    view = window.show_table("公开02")
    view.body.setCurrentIndex(new_code_index(view))
    view.body.setFocus()
    qtbot.keyClicks(view.body, "2")
    (editor,) = view.body.findChildren(QLineEdit)
    editor.setText("2080107")
    editor.completer().popup().hide()
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.body.state() != QAbstractItemView.State.EditingState)
    current = view.body.currentIndex()
    assert view.model.cell(current).address == "公开02:2080107:1", "Enter lands on the new row's first amount"
    assert view.body.hasFocus()
    qtbot.keyClicks(view.body, "7")
    (editor,) = [e for e in view.body.findChildren(QLineEdit) if e.isVisible()]
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.body.state() != QAbstractItemView.State.EditingState)
    assert stored(window, "公开02:2080107:1") == 7 * WAN


def test_tab_after_a_new_code_lands_on_its_name(window, qtbot):
    view = window.show_table("公开02")
    view.body.setCurrentIndex(new_code_index(view))
    view.body.setFocus()
    qtbot.keyClicks(view.body, "2")
    (editor,) = view.body.findChildren(QLineEdit)
    editor.setText("2089999")
    editor.completer().popup().hide()
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    qtbot.wait(50)
    cell = view.model.cell(view.body.currentIndex())
    assert cell.kind == "name" and cell.row_key == "公开02:2089999"


def test_tab_goes_from_figure_to_figure_past_labels(window, qtbot):
    view = window.show_table("公开01")
    view.body.setCurrentIndex(index_of(view, "公开01:1:1"))
    view.body.setFocus()
    qtbot.keyClick(view.body, Qt.Key.Key_Tab)
    assert view.model.cell(view.body.currentIndex()).address == "公开01:32:2", "one Tab from income to expense"
    qtbot.keyClick(view.body, Qt.Key.Key_Backtab)
    assert view.model.cell(view.body.currentIndex()).address == "公开01:1:1"


def test_a_cells_tooltip_says_the_difference_once(window, qtbot):
    type_into(qtbot, window.show_table("公开01"), "公开01:6:1", "1234")
    view = window.show_table("公开01")
    tip = view.model.data(index_of(view, "公开01:6:1"), Qt.ItemDataRole.ToolTipRole)
    for finding in window.session.findings_at("公开01:6:1"):
        assert tip.count(finding.message) == 1
    assert tip.count("相差") == len(window.session.findings_at("公开01:6:1"))


def test_the_tables_notes_and_identities_show_on_demand(window, qtbot):
    view = window.show_table("公开01")
    assert not view.notes_label.isVisible()
    view.notes_button.click()
    assert view.notes_label.isVisible()
    assert "尾数误差" in view.notes_label.text() and "27行＝" in view.notes_label.text()


def test_the_summary_names_cells_as_the_tables_print_them(window):
    summary = window.summary()
    lines = [line for group in summary.groups for line in group.findings]
    assert lines and all("公开0" not in line.places or "表" in line.places for line in lines)
    assert not any(":" in line.places for line in lines if line.cells[0].startswith("公开"))


@pytest.fixture
def window_001(qtbot, tmp_path):
    context = AppContext.open(tmp_path / "n.sqlite")
    context.import_file(SEED_REPORTS["001"])
    main = MainWindow(context, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()
    context.close()


SEED_001_TEXT = SEED_REPORTS["001"].parents[1] / "seed_texts" / "001_be543deed8a18d71.txt"


def test_a_written_narrative_is_checked_and_its_findings_go_everywhere(window_001, tmp_path):
    window = window_001
    before = window.findings.model.rowCount()
    assert window.check_narrative(str(SEED_001_TEXT))
    settle()
    narrative = [f for f in window.session.findings() if f.table == "情况说明"]
    assert any(f.severity == "error" and "九(一)" in f.message for f in narrative)
    assert window.findings.model.rowCount() == before + len(narrative), "the list took them in"
    assert "情况说明：核对" in window.statusBar().currentMessage()
    summary = window.summary()
    assert any(line.message == narrative[0].message for group in summary.groups for line in group.findings)
    workbook = window.session.export(tmp_path / "checked.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(workbook, read_only=True)["审核结果"]
    texts = {str(c) for row in sheet.iter_rows(values_only=True) for c in row if c}
    assert any("九(一)" in t for t in texts), "the exported workbook lists the narrative findings too"
    window.check_narrative(str(SEED_001_TEXT))  # checked again: replaced, not doubled
    assert len([f for f in window.session.findings() if f.table == "情况说明"]) == len(narrative)


def test_a_narrative_is_drafted_from_the_tables(window_001, tmp_path):
    from docx import Document

    written = window_001.draft_narrative(str(tmp_path / "说明.docx"))
    text = "\n".join(p.text for p in Document(str(written)).paragraphs)
    assert "10,238.96" in text or "10238.96" in text


def test_last_years_figure_is_in_the_tooltip(window, qtbot, tmp_path):
    import json

    data = json.loads(SEED_REPORTS["000"].read_text(encoding="utf-8"))
    data["year"] = 2022
    data["cells"] = {k: v for k, v in data["cells"].items() if k.startswith("公开02:")}
    data["cells"]["公开02:合计:1"] = "80000.00"
    data.pop("selfeval", None)
    last = tmp_path / "2022.json"
    last.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    window.context.import_file(last)
    window.session.app._previous.clear()
    view = window.show_table("公开02")
    tip = view.model.data(view.model.index(*view.model.position("公开02:合计:1")), Qt.ItemDataRole.ToolTipRole)
    assert "上年：80,000.00" in tip and "比上年增加 4,174.24" in tip and "增长 5.22%" in tip


def test_2023_prints_heji_over_the_three_kinds_of_funding_in_table_04(window):
    view = window.show_table("公开04")
    header = view.header.model()
    texts = {
        header.item(r, c).text()
        for r in range(header.rowCount())
        for c in range(header.columnCount())
        if header.item(r, c)
    }
    assert "合计" in texts and "小计" not in texts  # as seed 000 prints it (its text, line 398)


def test_a_department_is_printed_as_such_and_codes_show_their_levels(window, qtbot, tmp_path):
    view = window.show_table("公开02")
    unit_line = [w.text() for w in view.findChildren(QLabel) if "：" in w.text() and "万元" not in w.text()]
    assert any(t.startswith("部门：武汉市人力资源和社会保障局") for t in unit_line), unit_line  # seed 000 prints 部门：
    header = view.header.model()
    texts = [
        header.item(r, c).text()
        for r in range(header.rowCount())
        for c in range(header.columnCount())
        if header.item(r, c)
    ]
    assert any("科目编码" in t and "类　款　项" in t for t in texts)


def test_a_unit_is_printed_as_a_unit(qtbot, tmp_path):
    main = open_window(qtbot, tmp_path, seed="003")
    view = main.show_table("公开01")
    assert any(
        w.text().startswith("单位：武汉市人力资源和社会保障局武汉经济技术开发区") for w in view.findChildren(QLabel)
    )
    close_window(main)
