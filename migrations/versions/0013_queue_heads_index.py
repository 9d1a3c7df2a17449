"""the queue of flood heads: claim next's index without the members of flood groups

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HEADS_WHERE = sa.text("cluster_id IS NULL")


def upgrade() -> None:
    # Outside a batch, as 0002's: SQLite's table copy cannot carry "priority DESC".
    op.create_index(
        "ix_mention_event_id_state_priority_heads",
        "mention",
        ["event_id", "state", sa.text("priority DESC"), "seq"],
        unique=False,
        sqlite_where=HEADS_WHERE,
        postgresql_where=HEADS_WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_mention_event_id_state_priority_heads", table_name="mention")
