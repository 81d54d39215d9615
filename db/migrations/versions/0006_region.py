"""Whose layout a report is in: `reports.region` (every report stored before is 武汉市's).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("region", sa.String(40), nullable=False, server_default="武汉市"))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("region")
