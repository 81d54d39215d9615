"""Whether a unit is a 部门 (consolidates its units) or a 单位.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("kind", sa.String(4), nullable=False, server_default="单位"))


def downgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.drop_column("kind")
