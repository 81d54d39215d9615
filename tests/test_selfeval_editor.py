"""The self-evaluation editor on a real database file (offscreen), driven as a finance officer would."""

import copy

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QLineEdit

from app.context import AppContext
from core.reportfile import read_report
from core.selfeval_edit import table_label
from db import repository
from db.database import Database
from db.models import STATUS_DRAFT, STATUS_LOCKED
from tests.conftest import SEED_REPORTS
from tests.window_helpers import settle
from ui.open_report import OpenReport
from ui.selfeval_editor import SelfEvalEditor
from ui.selfeval_model import ACTUAL, GOAL, LEVEL1, LEVEL2, NAME, SCORE, SUGGESTED, TARGET, WEIGHT
from ui.table_model import SEVERITY_COLOURS

FIRST_PROJECT = 1  # seed 000: 整体 first, then 2023年机关业务工作经费项目


@pytest.fixture(autouse=True)
def folds_as_at_first_start():
    """Each test starts with the editor's folds as a new user finds them (the choice is kept per run)."""
    SelfEvalEditor.header_open, SelfEvalEditor.texts_open = None, False
    yield


@pytest.fixture
def session(tmp_path):
    db = Database.open(tmp_path / "selfeval.sqlite")
    report_id = repository.import_report(db, read_report(SEED_REPORTS["000"])[0])
    yield OpenReport(AppContext(db).open_session(report_id))
    db.close()


def open_editor(qtbot, session, index):
    editor = SelfEvalEditor(session, index)
    qtbot.addWidget(editor)
    editor.resize(1280, 860)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def stored(session):
    return repository.load_report(session.app.db, session.report_id).selfeval


def field(editor, what):
    return next(f for f in editor.fields if f.what == what)


def write(qtbot, widget, text):
    """Type ASCII key by key; Chinese arrives as an input method commits it (QTest cannot type it)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(widget, event)


def fill(qtbot, entry, text):
    """Type over an entry and press Enter, as a user does."""
    entry.setFocus()
    entry.selectAll()
    write(qtbot, entry, text)
    qtbot.keyClick(entry, Qt.Key.Key_Return)
    settle()


def text_at(editor, row, column):
    return editor.model.index(row, column).data()


def colour_at(editor, row, column):
    brush = editor.model.index(row, column).data(Qt.ItemDataRole.BackgroundRole)
    return brush.color() if brush is not None else None


def type_into(qtbot, editor, row, column, text):
    """Type over a grid cell: the first key (F2 before Chinese) opens the editor, Enter commits and moves down."""
    view = editor.view
    view.setCurrentIndex(editor.model.index(row, column))
    if text[0].isascii():
        qtbot.keyClicks(view, text[0])
        text = text[1:]
    else:
        qtbot.keyClick(view, Qt.Key.Key_F2)
    (line,) = [e for e in view.findChildren(QLineEdit) if e.isVisible() and not isinstance(e.parent(), QComboBox)]
    if not text[:1].isascii():
        line.selectAll()
    write(qtbot, line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)
    settle()


def choose(qtbot, editor, row, column, name):
    """Open the list of a 年度目标, 一级 or 二级 cell and pick a name from it."""
    view = editor.view
    view.setCurrentIndex(editor.model.index(row, column))
    view.edit(editor.model.index(row, column))
    (combo,) = [c for c in view.findChildren(QComboBox) if c.isVisible()]
    combo.setCurrentIndex(combo.findText(name))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def rules(session, table_name):
    return {f.rule for f in session.findings() if f.table == table_name}


def new_project_table(session):
    """An empty 项目 table appended to the report: nothing entered yet."""
    tables = copy.deepcopy(session.checker.selfeval) + [{"kind": "项目", "header": {}, "budget": {}, "goals": []}]
    session.edit_selfeval(tables, "新建项目绩效自评表")
    return len(tables) - 1


def test_models_pass_the_qt_model_tester(qtbot, session, qtmodeltester):
    for index in (0, FIRST_PROJECT, new_project_table(session)):
        qtmodeltester.check(open_editor(qtbot, session, index).model)


def test_enter_a_project_table_from_scratch(qtbot, session):
    index = new_project_table(session)
    editor = open_editor(qtbot, session, index)
    assert editor.model.rowCount() == 0
    fill(qtbot, field(editor, "项目名称"), "职业技能培训补贴")
    assert editor.table_name == "项目绩效自评:职业技能培训补贴" and "职业技能培训补贴" in editor.title.text()
    fill(qtbot, field(editor, "预算数（A）"), "200")
    fill(qtbot, field(editor, "执行数（B）"), "190")
    assert "执行率 95.00%" in editor.budget_hint.text() and "得分 19.00" in editor.budget_hint.text()
    fill(qtbot, field(editor, "预算执行得分"), "19")
    fill(qtbot, field(editor, "执行率"), "95")

    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert [text_at(editor, 0, c) for c in (GOAL, LEVEL1, LEVEL2)] == ["年度绩效目标", "产出指标", "数量指标"]
    assert editor.view.currentIndex().row() == 0 and editor.view.currentIndex().column() == NAME
    type_into(qtbot, editor, 0, NAME, "培训人数")
    type_into(qtbot, editor, 0, WEIGHT, "40")
    type_into(qtbot, editor, 0, TARGET, "≥1000人")
    assert text_at(editor, 0, SUGGESTED) == ""
    type_into(qtbot, editor, 0, ACTUAL, "900人")
    assert text_at(editor, 0, SUGGESTED) == "36.00", "the suggested score follows the actual at once"
    type_into(qtbot, editor, 0, SCORE, "36")
    assert editor.computed_label.text() == "55.00" and editor.grade_label.text() == "差"

    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert editor.model.rowCount() == 2 and text_at(editor, 1, LEVEL2) == "数量指标"
    choose(qtbot, editor, 1, LEVEL1, "满意度指标")
    assert [text_at(editor, 1, c) for c in (LEVEL1, LEVEL2)] == ["满意度指标", "服务对象满意度指标"]
    type_into(qtbot, editor, 1, NAME, "学员满意度")
    type_into(qtbot, editor, 1, WEIGHT, "40")
    type_into(qtbot, editor, 1, TARGET, "≥90%")
    type_into(qtbot, editor, 1, ACTUAL, "95%")
    assert text_at(editor, 1, SUGGESTED) == "40.00"
    assert editor.computed_label.text() == "95.00" and editor.grade_label.text() == "优"
    fill(qtbot, editor.total_field, "95")

    assert stored(session)[index] == {
        "kind": "项目",
        "header": {"项目名称": "职业技能培训补贴"},
        "budget": {"A": "200.00", "B": "190.00", "rate": "95%", "score": "19"},
        "goals": [
            {
                "name": "年度绩效目标",
                "groups": [
                    {
                        "level1": "产出指标",
                        "groups": [
                            {
                                "level2": "数量指标",
                                "indicators": [
                                    {
                                        "name": "培训人数",
                                        "weight": "40",
                                        "target": "≥1000人",
                                        "actual": "900人",
                                        "score": "36",
                                    }
                                ],
                            }
                        ],
                    },
                    {
                        "level1": "满意度指标",
                        "groups": [
                            {
                                "level2": "服务对象满意度指标",
                                "indicators": [
                                    {"name": "学员满意度", "weight": "40", "target": "≥90%", "actual": "95%"}
                                ],
                            }
                        ],
                    },
                ],
            }
        ],
        "total": "95",
    }
    assert table_label(stored(session)[index], index) == "项目：职业技能培训补贴"


def test_a_missed_target_without_a_reason_is_flagged_until_a_reason_is_written(qtbot, session):
    editor = open_editor(qtbot, session, new_project_table(session))
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    type_into(qtbot, editor, 0, NAME, "培训人数")
    type_into(qtbot, editor, 0, TARGET, "≥1000人")
    type_into(qtbot, editor, 0, ACTUAL, "900人")
    assert "自评.未说明原因" in rules(session, editor.table_name)
    warning = SEVERITY_COLOURS["warning"]
    assert colour_at(editor, 0, ACTUAL) == warning
    assert warning.name() in editor.reason.styleSheet()
    assert "未说明原因" in editor.reason.toolTip()
    assert not editor.reason.isVisible(), "the reasons are folded away: the grid gets the height"
    assert warning.name() in editor.texts.toggle.styleSheet() and "未说明原因" in editor.texts.toggle.toolTip()
    assert "原因分析未填" in editor.texts.toggle.text()

    qtbot.mouseClick(editor.texts.toggle, Qt.MouseButton.LeftButton)
    assert editor.reason.isVisible()
    editor.activateWindow()
    editor.reason.setFocus()
    write(qtbot, editor.reason, "部分学员延期至次年参训。")
    editor.total_field.setFocus()  # leaving the box saves it
    qtbot.waitUntil(lambda: "自评.未说明原因" not in rules(session, editor.table_name))
    settle()
    assert stored(session)[editor.index]["reason"] == "部分学员延期至次年参训。"
    assert colour_at(editor, 0, ACTUAL) is None and editor.reason.styleSheet() == ""


def test_take_all_suggested_scores_in_one_undo_step(qtbot, session):
    editor = open_editor(qtbot, session, FIRST_PROJECT)
    assert text_at(editor, 0, SUGGESTED) == "4.00" and editor.computed_label.text() == "98.90"
    type_into(qtbot, editor, 0, ACTUAL, "300件")  # target 350件: 4 × 300 ÷ 350 = 3.43
    assert text_at(editor, 0, SUGGESTED) == "3.43" and text_at(editor, 0, SCORE) == "4"
    assert colour_at(editor, 0, SCORE) == SEVERITY_COLOURS["error"]
    assert editor.computed_label.text() == "98.33"
    steps = session.undo_stack.count()

    assert editor.adopt_suggestions() == 2  # the score and the 总分 it adds up to
    settle()
    assert session.undo_stack.count() == steps + 1
    assert text_at(editor, 0, SCORE) == "3.43" and editor.total_field.text() == "98.33"
    assert not {"自评.指标得分", "自评.总分"} & rules(session, editor.table_name)
    table = stored(session)[FIRST_PROJECT]
    assert table["goals"][0]["groups"][0]["groups"][0]["indicators"][0]["score"] == "3.43"
    assert table["total"] == "98.33"

    session.undo_stack.undo()
    settle()
    assert text_at(editor, 0, SCORE) == "4" and editor.total_field.text() == "98.9"
    assert text_at(editor, 0, ACTUAL) == "300件", "only the adoption was undone"
    assert stored(session)[FIRST_PROJECT]["total"] == "98.9"


def test_a_new_level2_moves_the_indicator_and_the_points_keep_adding_up(qtbot, session):
    editor = open_editor(qtbot, session, FIRST_PROJECT)
    assert text_at(editor, 7, LEVEL2) == "质量指标"  # the only 质量指标
    choose(qtbot, editor, 7, LEVEL2, "时效指标")
    assert [text_at(editor, r, LEVEL2) for r in (7, 8, 9)] == ["时效指标"] * 3
    qtbot.waitUntil(lambda: editor.view.currentIndex().row() == 9, timeout=1000)  # the cursor follows
    output = stored(session)[FIRST_PROJECT]["goals"][0]["groups"][0]
    assert [(g["level2"], g["points"]) for g in output["groups"]] == [("数量指标", "28"), ("时效指标", "12")]
    assert output["points"] == "40"

    choose(qtbot, editor, 0, LEVEL1, "效益指标")  # 数量指标 has no place under 效益指标
    output = stored(session)[FIRST_PROJECT]["goals"][0]["groups"]
    assert [g["level1"] for g in output] == ["产出指标", "效益指标", "满意度指标"]
    assert output[1]["groups"][0]["level2"] == "社会效益"
    assert output[1]["groups"][0]["indicators"][-1]["name"] == "行政复议应诉案件办理量"
    assert (output[0]["points"], output[1]["points"]) == ("36", "34")
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert stored(session)[FIRST_PROJECT] == read_report(SEED_REPORTS["000"])[0].selfeval[FIRST_PROJECT]


def test_a_new_weight_updates_the_points_and_the_full_marks_check(qtbot, session):
    editor = open_editor(qtbot, session, FIRST_PROJECT)
    type_into(qtbot, editor, 0, WEIGHT, "5")
    goal = stored(session)[FIRST_PROJECT]["goals"][0]
    assert (goal["points"], goal["groups"][0]["points"], goal["groups"][0]["groups"][0]["points"]) == ("81", "41", "29")
    assert "自评.满分" in rules(session, editor.table_name)
    assert colour_at(editor, 0, GOAL) == SEVERITY_COLOURS["error"]
    assert "分值：81" in editor.model.index(3, GOAL).data(Qt.ItemDataRole.ToolTipRole)
    assert "分值合计 101" in editor.points_label.text()


def test_undo_and_redo_keep_the_current_cell(qtbot, session):
    editor = open_editor(qtbot, session, FIRST_PROJECT)
    type_into(qtbot, editor, 1, TARGET, "250人")
    assert (editor.view.currentIndex().row(), editor.view.currentIndex().column()) == (2, TARGET)
    editor.view.setCurrentIndex(editor.model.index(5, ACTUAL))
    session.undo_stack.undo()
    assert text_at(editor, 1, TARGET) == "200人"
    assert (editor.view.currentIndex().row(), editor.view.currentIndex().column()) == (5, ACTUAL)
    session.undo_stack.redo()
    assert text_at(editor, 1, TARGET) == "250人"
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert editor.model.rowCount() == 12 and text_at(editor, 5, NAME) == "开展集体学习活动次数"
    session.undo_stack.undo()
    assert editor.model.rowCount() == 13 and text_at(editor, 5, NAME) == "企业薪酬调查户数"
    assert (editor.view.currentIndex().row(), editor.view.currentIndex().column()) == (5, ACTUAL)


def test_move_up_and_down_within_the_group(qtbot, session):
    editor = open_editor(qtbot, session, FIRST_PROJECT)
    editor.view.setCurrentIndex(editor.model.index(1, NAME))
    qtbot.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)
    assert [text_at(editor, r, NAME) for r in (0, 1)] == ['参与“三支一扶"人数', "行政复议应诉案件办理量"]
    assert editor.view.currentIndex().row() == 0
    steps = session.undo_stack.count()
    qtbot.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)
    assert session.undo_stack.count() == steps, "nothing above the first of its group"
    editor.view.setCurrentIndex(editor.model.index(8, NAME))
    qtbot.mouseClick(editor.down_button, Qt.MouseButton.LeftButton)
    assert text_at(editor, 9, NAME) == "行政复议、应诉案件按期答复率"


def test_delete_clears_the_selected_cells_in_one_step(qtbot, session):
    editor = open_editor(qtbot, session, FIRST_PROJECT)
    editor.view.setCurrentIndex(editor.model.index(0, TARGET))
    editor.view.selectionModel().select(
        editor.model.index(0, ACTUAL), editor.view.selectionModel().SelectionFlag.Select
    )
    steps = session.undo_stack.count()
    qtbot.keyClick(editor.view, Qt.Key.Key_Delete)
    assert text_at(editor, 0, TARGET) == "" and text_at(editor, 0, ACTUAL) == ""
    assert session.undo_stack.count() == steps + 1
    indicator = stored(session)[FIRST_PROJECT]["goals"][0]["groups"][0]["groups"][0]["indicators"][0]
    assert "target" not in indicator and "actual" not in indicator


def open_line(view):
    (line,) = [e for e in view.findChildren(QLineEdit) if e.isVisible() and not isinstance(e.parent(), QComboBox)]
    return line


def test_bad_input_is_refused_at_the_cell_and_the_typed_text_stays(qtbot, session):
    editor = open_editor(qtbot, session, FIRST_PROJECT)
    view, before = editor.view, stored(session)
    view.setCurrentIndex(editor.model.index(0, SCORE))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    line = open_line(view)
    line.selectAll()
    write(qtbot, line, "四分")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.wait(20)
    assert view.state() == QAbstractItemView.State.EditingState and open_line(view).text() == "四分"
    assert view.note.isVisible() and "不是数字" in view.note.text()
    assert view.note.geometry().top() >= view.visualRect(editor.model.index(0, SCORE)).bottom(), "just under the cell"
    for typed, said in (("5", "超过权重 4"), ("（1）", "不能为负数"), ("1e5", "不是数字"), ("3.14159", "两位小数")):
        line.selectAll()
        write(qtbot, line, typed)
        qtbot.keyClick(line, Qt.Key.Key_Return)
        qtbot.wait(20)
        assert line.isVisible() and line.text() == typed and said in view.note.text(), typed
    assert stored(session) == before and text_at(editor, 0, SCORE) == "4"
    line.selectAll()
    qtbot.keyClicks(line, "3.5")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)
    settle()
    assert text_at(editor, 0, SCORE) == "3.5" and not view.note.isVisible() and not editor.message.isVisible()
    assert view.currentIndex().row() == 1, "a taken score moves on, as Enter does in a spreadsheet"

    type_into_kept = open_line  # the editor stays open after a refusal; Esc drops the text
    view.setCurrentIndex(editor.model.index(1, SCORE))
    qtbot.keyClicks(view, "9")
    line = type_into_kept(view)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.wait(20)
    assert view.note.isVisible()
    qtbot.keyClick(line, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)
    assert text_at(editor, 1, SCORE) == "3.06" and not view.note.isVisible()

    entry = field(editor, "预算数（A）")
    fill(qtbot, entry, "81x6.59")
    assert "无法识别的金额" in editor.message.text() and editor.note.isVisible()
    assert entry.text() == "81x6.59" and entry.hasFocus(), "the typed text stays to be corrected"
    editor.refresh()
    assert entry.text() == "81x6.59"
    qtbot.keyClick(entry, Qt.Key.Key_Escape)
    assert entry.text() == "8146.59" and not editor.note.isVisible()
    fill(qtbot, field(editor, "预算执行得分"), "21")
    assert "超过分值 20" in editor.note.text()
    assert stored(session)[FIRST_PROJECT]["budget"] == before[FIRST_PROJECT]["budget"]


def test_findings_colour_the_cells_and_entries_they_name(qtbot, session):
    editor = open_editor(qtbot, session, 2)  # 就业和劳动保障工作经费: indicator 17 is qualitative
    row = 16
    assert colour_at(editor, row, SCORE) == SEVERITY_COLOURS["warning"]
    assert "自评.定性指标分档" in editor.model.index(row, SCORE).data(Qt.ItemDataRole.ToolTipRole)
    assert "部分达成" in editor.model.index(row, SUGGESTED).data(Qt.ItemDataRole.ToolTipRole)
    whole = open_editor(qtbot, session, 0)
    entry = field(whole, "基本支出总额")
    assert SEVERITY_COLOURS["error"].name() in entry.styleSheet()
    assert "表间.自评公开03.基本支出" in entry.toolTip()
    assert whole.select_cells(["整体绩效自评:表头:基本支出总额", "公开03:合计:2"])


def test_a_locked_report_is_shown_read_only(qtbot, session):
    repository.set_status(session.app.db, session.report_id, STATUS_LOCKED)
    locked = OpenReport(AppContext(session.app.db).open_session(session.report_id))
    editor = open_editor(qtbot, locked, FIRST_PROJECT)
    assert all(f.isReadOnly() for f in editor.fields) and editor.reason.isReadOnly()
    assert not editor.add_button.isEnabled() and not editor.adopt_button.isEnabled()
    assert not editor.model.flags(editor.model.index(0, SCORE)) & Qt.ItemFlag.ItemIsEditable
    assert editor.adopt_suggestions() == 0 and locked.undo_stack.count() == 0


def test_locking_while_the_editor_is_open_makes_it_read_only_and_unlocking_undoes_that(qtbot, session):
    editor = open_editor(qtbot, session, FIRST_PROJECT)
    assert not any(f.isReadOnly() for f in editor.fields) and editor.add_button.isEnabled()
    session.set_status(STATUS_LOCKED)
    settle()
    assert all(f.isReadOnly() for f in editor.fields) and editor.reason.isReadOnly()
    assert not editor.add_button.isEnabled()
    session.set_status(STATUS_DRAFT)
    settle()
    assert not any(f.isReadOnly() for f in editor.fields) and editor.add_button.isEnabled()


def test_screenshot_of_the_first_project_table(qtbot, session, tmp_path):
    editor = open_editor(qtbot, session, FIRST_PROJECT)
    image = editor.grab()
    assert image.save(str(tmp_path / "selfeval_editor.png"))
    assert image.width() >= 1280 and image.height() >= 860
