"""A department's adjustment entries per year, and the finding counts the department overview reads.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "department_adjustments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("department_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("address", sa.String(80), nullable=False),
        sa.Column("fen", sa.BigInteger, nullable=False),
        sa.Column("totals", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("ix_department_adjustments_department_id", "department_adjustments", ["department_id"])
    op.create_table(
        "audit_summaries",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("stamp", sa.String(80), nullable=False),
        sa.Column("counts", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_summaries")
    op.drop_index("ix_department_adjustments_department_id", "department_adjustments")
    op.drop_table("department_adjustments")
