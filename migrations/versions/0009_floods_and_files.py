"""mention.cluster_id (the flood group a mention joined), source.report (a file's bad lines)

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-02 01:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mention") as batch:
        batch.add_column(sa.Column("cluster_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("source") as batch:
        batch.add_column(sa.Column("report", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("source") as batch:
        batch.drop_column("report")
    with op.batch_alter_table("mention") as batch:
        batch.drop_column("cluster_id")
