"""The 总分 line of a self-evaluation table: the printed 总分, what the typed scores add up to, the rules' total."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit

from core.selfeval import SelfEvaluation, computed_total, grade
from core.selfeval_edit import plain, typed_total
from ui.table_model import SEVERITY_COLOURS

GRADE_COLOURS = {"优": "#1e7d32", "良": "#1f5fbf", "中": "#b26a00", "差": "#c62828"}


def restyle(widget, style: str, tip: str | None = None) -> None:
    """Set a widget's style sheet (and tooltip) only when it differs: a new style sheet re-polishes the
    widget, which cost more than the rest of a keystroke's refresh."""
    if widget.styleSheet() != style:
        widget.setStyleSheet(style)
    if tip is not None and widget.toolTip() != tip:
        widget.setToolTip(tip)


class TotalsBar(QFrame):
    """总分 as printed beside the sum of the typed scores and the total by the rules, each with its 等级.

    The typed sum is what the printed 总分 must equal (自评.总分): when they differ the sum turns the
    colour of that finding and its tooltip says by how much; a 等级 that differs is flagged the same way.
    """

    def __init__(self, total_field: QLineEdit, parent=None):
        super().__init__(parent)
        self.setObjectName("totals")
        self.setStyleSheet("#totals { background: #eef1f5; border: 1px solid #d5dae1; border-radius: 3px; }")
        self.printed_grade, self.typed_sum, self.sum_grade = QLabel(), QLabel(), QLabel()
        self.rule_total, self.rule_grade, self.points = QLabel(), QLabel(), QLabel()
        bold = QFont(self.font())
        bold.setBold(True)
        for label in (self.printed_grade, self.typed_sum, self.sum_grade, self.rule_total, self.rule_grade):
            label.setFont(bold)
        line = QHBoxLayout(self)
        line.setContentsMargins(6, 2, 6, 2)
        for widget in (QLabel("总分"), total_field, self.printed_grade, QLabel("　各项得分合计"), self.typed_sum,
                       self.sum_grade, QLabel("　按评分规则"), self.rule_total, self.rule_grade):  # fmt: skip
            line.addWidget(widget)
        line.addStretch(1)
        line.addWidget(self.points)

    def show_totals(self, evaluation: SelfEvaluation, severity: str | None) -> None:
        """`severity`: that of the 自评.总分 finding, if the checker has one."""
        printed = evaluation.total
        typed, indicators, missing = typed_total(evaluation)
        rules = computed_total(evaluation)
        differ = len({grade(v) for v in (printed, typed) if v is not None}) > 1
        said = f"等级不一致：按所填总分为“{grade(printed)}”，按各项得分合计为“{grade(typed)}”" if differ else None
        _show_grade(self.printed_grade, printed, "按所填总分", said)
        self.rule_total.setText(f"{rules:f}" if rules is not None else "—")
        self.rule_total.setToolTip(
            "预算执行得分与各指标得分按评分规则计算之和（不能计算的按所填得分）"
            if rules is not None
            else "有指标既不能按规则计算得分、也未填得分"
        )
        _show_grade(self.rule_grade, rules, "按评分规则")
        budget = evaluation.budget.score
        parts = (
            f"预算执行得分 {budget:f}" if budget is not None else "预算执行得分未填",
            f"指标得分 {indicators:f}",
        )
        tip = "＋".join(parts) + (f"；{missing} 项得分未填" if missing else "")
        self.typed_sum.setText("—" if typed is None else f"{typed:f}" + ("*" if missing else ""))
        colour = None
        if typed is not None and printed is not None:
            if typed == printed:
                tip = f"所填总分 {printed:f} 与各项得分合计相符（{tip}）"
            else:
                colour = SEVERITY_COLOURS[severity or "error"].name()
                tip = (
                    f"所填总分 {printed:f} 与各项得分合计 {typed:f} 不符，相差 {abs(printed - typed):f}"
                    f"{'（在尾数误差范围内）' if severity == 'rounding' else ''}\n{tip}"
                )
        elif typed is not None:
            tip = f"总分未填；{tip}"
        restyle(self.typed_sum, f"background: {colour}; padding: 0 3px;" if colour else "padding: 0 3px;", tip)
        _show_grade(self.sum_grade, typed, "按各项得分合计", said)
        weights = sum((i.weight or Decimal(0) for i in evaluation.indicators), Decimal(0))
        budget_points = evaluation.budget.full_points
        self.points.setText(
            f"分值合计 {plain(budget_points + weights)}"
            if any(i.weight is not None for i in evaluation.indicators)
            else ""
        )
        self.points.setToolTip(f"预算执行 {plain(budget_points)} ＋ 指标权重 {plain(weights)}")


def _show_grade(label: QLabel, total: Decimal | None, how: str, disagreement: str | None = None) -> None:
    """The 等级 of a total in its colour; `disagreement` (the printed and the summed 等级 differ) marks
    it as an error and is its tooltip. One style sheet, set only when it differs."""
    name = grade(total) if total is not None else "—"
    label.setText(name)
    style = f"color: {GRADE_COLOURS.get(name, '#333')}; padding: 0 3px;"
    if disagreement:
        style += f" background: {SEVERITY_COLOURS['error'].name()};"
    restyle(
        label,
        style,
        disagreement
        or (f"{how}：{total:f} 分，等级“{name}”（优 ≥ 90，良 80–90，中 60–80，差 < 60）" if total is not None else ""),
    )
