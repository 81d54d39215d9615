"""SQLAlchemy models: units, reports, cell values in 分, labels, self-evaluation tables, explanations, logs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.status import (  # noqa: F401 - re-exported for the modules that read them here
    DEPARTMENT,
    SOURCES,
    STATUS_DRAFT,
    STATUS_LOCKED,
    STATUS_REVIEWED,
    STATUSES,
    UNIT,
)
from core.templates import DEFAULT_REGION


class Base(DeclarativeBase):
    pass


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    code: Mapped[str | None] = mapped_column(String(50))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(4), default=UNIT, server_default=UNIT)  # 部门 or 单位

    reports: Mapped[list[ReportRecord]] = relationship(back_populates="unit")


class ReportRecord(Base):
    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    template_year: Mapped[int] = mapped_column(Integer)
    #: Whose layout: with template_year, resources/templates/<region>/<template_year>.yaml.
    region: Mapped[str] = mapped_column(String(40), default=DEFAULT_REGION, server_default=DEFAULT_REGION)
    amount_unit: Mapped[str] = mapped_column(String(4), default="万元")
    status: Mapped[str] = mapped_column(String(8), default=STATUS_DRAFT)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    #: JSON object: table id → the variant of the layout the report prints (absent: the default).
    layout_variants: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")

    unit: Mapped[Unit] = relationship(back_populates="reports")


class CellValue(Base):
    """One filled cell; a blank cell has no row."""

    __tablename__ = "cell_values"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    address: Mapped[str] = mapped_column(String(80), primary_key=True)
    fen: Mapped[int] = mapped_column(BigInteger)


class RowLabel(Base):
    """A row name as typed or imported, kept even when it disagrees with the catalogue."""

    __tablename__ = "row_labels"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    row_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    label: Mapped[str] = mapped_column(Text)


class CatalogueAddition(Base):
    """A code the user added to one report's catalogue (功能分类 `function` or 经济分类 `economic`)."""

    __tablename__ = "catalogue_additions"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class EditLogEntry(Base):
    __tablename__ = "edit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    os_user: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(80))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))


class DatabaseLogEntry(Base):
    """An event of the whole database file (a restore from a backup), not of one report."""

    __tablename__ = "database_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    os_user: Mapped[str] = mapped_column(String(100))
    event: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text)


class Explanation(Base):
    """The 说明 a unit writes to justify a `warning` finding."""

    __tablename__ = "explanations"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    finding_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    rule: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    os_user: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime]


class SelfEvalTable(Base):
    """A 绩效自评表 (整体 or 项目) with its 预算执行情况 block and closing texts."""

    __tablename__ = "selfeval_tables"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(4))
    budget_a: Mapped[str | None] = mapped_column(String(40))
    budget_b: Mapped[str | None] = mapped_column(String(40))
    budget_rate: Mapped[str | None] = mapped_column(String(40))
    budget_score: Mapped[str | None] = mapped_column(String(40))
    budget_points: Mapped[str | None] = mapped_column(String(40))
    total: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    measures: Mapped[str | None] = mapped_column(Text)

    header: Mapped[list[SelfEvalHeaderField]] = relationship(
        order_by="SelfEvalHeaderField.position", cascade="all, delete-orphan"
    )
    goals: Mapped[list[SelfEvalGoal]] = relationship(order_by="SelfEvalGoal.position", cascade="all, delete-orphan")


class SelfEvalHeaderField(Base):
    __tablename__ = "selfeval_header_fields"

    table_id: Mapped[int] = mapped_column(ForeignKey("selfeval_tables.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)


class SelfEvalGoal(Base):
    __tablename__ = "selfeval_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("selfeval_tables.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)
    points: Mapped[str | None] = mapped_column(String(40))

    groups: Mapped[list[SelfEvalLevel1]] = relationship(
        order_by="SelfEvalLevel1.position", cascade="all, delete-orphan"
    )


class SelfEvalLevel1(Base):
    """一级指标 group (产出/效益/满意度) of a goal."""

    __tablename__ = "selfeval_level1"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("selfeval_goals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(100))
    points: Mapped[str | None] = mapped_column(String(40))

    groups: Mapped[list[SelfEvalLevel2]] = relationship(
        order_by="SelfEvalLevel2.position", cascade="all, delete-orphan"
    )


class SelfEvalLevel2(Base):
    """二级指标 group (数量/质量/时效/成本 …) of a 一级 group."""

    __tablename__ = "selfeval_level2"

    id: Mapped[int] = mapped_column(primary_key=True)
    level1_id: Mapped[int] = mapped_column(ForeignKey("selfeval_level1.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(100))
    points: Mapped[str | None] = mapped_column(String(40))

    indicators: Mapped[list[SelfEvalIndicator]] = relationship(
        order_by="SelfEvalIndicator.position", cascade="all, delete-orphan"
    )


class SelfEvalIndicator(Base):
    """三级指标: the indicator with its weight, target (A), actual (B) and score."""

    __tablename__ = "selfeval_indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    level2_id: Mapped[int] = mapped_column(ForeignKey("selfeval_level2.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[str | None] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(Text)
    actual: Mapped[str | None] = mapped_column(Text)
    score: Mapped[str | None] = mapped_column(String(40))


class DepartmentAdjustment(Base):
    """One 调整 entry of a department's consolidation for a year (core.consolidate.Adjustment)."""

    __tablename__ = "department_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(80))
    fen: Mapped[int] = mapped_column(BigInteger)
    totals: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text)


class AuditSummary(Base):
    """A report's finding counts by table, kept so the department overview need not audit every unit again.

    `stamp` is the program version and the report's latest edit-log entry: any change to the report writes
    a log entry, so a different stamp means the counts are stale.
    """

    __tablename__ = "audit_summaries"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(80))
    counts: Mapped[str] = mapped_column(
        Text
    )  # JSON: {table: {"error": n, "warning": n, "rounding": n, "warnings": [key…]}}


class NarrativeAnswer(Base):
    """One answer of the 情况说明's supplementary form (what the tables lack): `key` as in core.narrative.form."""

    __tablename__ = "narrative_answers"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
