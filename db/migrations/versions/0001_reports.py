"""Units, reports, cell values, row labels and the edit log.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("code", sa.String(50)),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("units.id", ondelete="SET NULL")),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("template_year", sa.Integer, nullable=False),
        sa.Column("amount_unit", sa.String(4), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("unit_id", "year"),
    )
    op.create_table(
        "cell_values",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("address", sa.String(80), primary_key=True),
        sa.Column("fen", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "row_labels",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("row_key", sa.String(80), primary_key=True),
        sa.Column("label", sa.Text, nullable=False),
    )
    op.create_table(
        "edit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("os_user", sa.String(100), nullable=False),
        sa.Column("address", sa.String(80), nullable=False),
        sa.Column("old_value", sa.Text),
        sa.Column("new_value", sa.Text),
        sa.Column("source", sa.String(10), nullable=False),
    )
    op.create_index("ix_edit_log_report_id", "edit_log", ["report_id"])


def downgrade() -> None:
    for table in ("edit_log", "row_labels", "cell_values", "reports", "units"):
        op.drop_table(table)
