"""replies: the reply outbox with idempotency keys, and saved replies

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 23:52:15.799507
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name="fk_saved_reply_created_by_id_user_account",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name="fk_saved_reply_event_id_event", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_saved_reply"),
    )
    op.create_index("ix_saved_reply_event_id", "saved_reply", ["event_id"], unique=False)

    op.create_table(
        "reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("mention_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("in_reply_to", sa.String(length=256), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("external_id", sa.String(length=256), nullable=True),
        sa.Column("external_url", sa.String(length=2048), nullable=True),
        sa.Column("dry_run", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name="fk_reply_author_id_user_account",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name="fk_reply_event_id_event", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["mention_id"], ["mention.id"], name="fk_reply_mention_id_mention", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reply"),
        sa.UniqueConstraint("idempotency_key", name="uq_reply_idempotency_key"),
    )
    op.create_index("ix_reply_mention_id", "reply", ["mention_id"], unique=False)
    op.create_index(
        "ix_reply_status_next_attempt_at", "reply", ["status", "next_attempt_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_reply_status_next_attempt_at", table_name="reply")
    op.drop_index("ix_reply_mention_id", table_name="reply")
    op.drop_table("reply")
    op.drop_index("ix_saved_reply_event_id", table_name="saved_reply")
    op.drop_table("saved_reply")
