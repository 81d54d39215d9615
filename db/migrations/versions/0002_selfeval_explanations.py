"""Self-evaluation tables, stored relationally, and explanations of warnings.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _points(name: str = "points") -> sa.Column:
    return sa.Column(name, sa.String(40))


def upgrade() -> None:
    op.create_table(
        "explanations",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("finding_key", sa.String(300), primary_key=True),
        sa.Column("rule", sa.String(120), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("os_user", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "selfeval_tables",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(4), nullable=False),
        _points("budget_a"),
        _points("budget_b"),
        _points("budget_rate"),
        _points("budget_score"),
        _points("budget_points"),
        _points("total"),
        sa.Column("reason", sa.Text),
        sa.Column("measures", sa.Text),
    )
    op.create_index("ix_selfeval_tables_report_id", "selfeval_tables", ["report_id"])
    op.create_table(
        "selfeval_header_fields",
        sa.Column("table_id", sa.Integer, sa.ForeignKey("selfeval_tables.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
    )
    levels = [
        ("selfeval_goals", "table_id", "selfeval_tables.id", sa.Text),
        ("selfeval_level1", "goal_id", "selfeval_goals.id", sa.String(100)),
        ("selfeval_level2", "level1_id", "selfeval_level1.id", sa.String(100)),
    ]
    for table, parent, target, name_type in levels:
        op.create_table(
            table,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(parent, sa.Integer, sa.ForeignKey(target, ondelete="CASCADE"), nullable=False),
            sa.Column("position", sa.Integer, nullable=False),
            sa.Column("name", name_type),
            _points(),
        )
        op.create_index(f"ix_{table}_{parent}", table, [parent])
    op.create_table(
        "selfeval_indicators",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("level2_id", sa.Integer, sa.ForeignKey("selfeval_level2.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.Text),
        _points("weight"),
        sa.Column("target", sa.Text),
        sa.Column("actual", sa.Text),
        _points("score"),
    )
    op.create_index("ix_selfeval_indicators_level2_id", "selfeval_indicators", ["level2_id"])


def downgrade() -> None:
    for table in (
        "selfeval_indicators",
        "selfeval_level2",
        "selfeval_level1",
        "selfeval_goals",
        "selfeval_header_fields",
        "selfeval_tables",
        "explanations",
    ):
        op.drop_table(table)
