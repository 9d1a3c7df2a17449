"""triage: claims as leases, priority, flags, tags, notes, VIP list

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEASE_WHERE = sa.text("lease_until IS NOT NULL")


def upgrade() -> None:
    # Existing mentions get priority 0 and no claim. The server defaults are part of the
    # model too: ingest leaves claim_fence out of its INSERT.
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("claimed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("claim_fence", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claim_draft", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("flagged_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("flag_reason", sa.String(length=500), nullable=True))
        batch_op.create_foreign_key(
            "fk_mention_claimed_by_id_user_account",
            "user_account",
            ["claimed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            "fk_mention_flagged_by_id_user_account",
            "user_account",
            ["flagged_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    # Outside the batch: SQLite's table copy cannot carry an index on an expression
    # ("priority DESC"), and a plain CREATE INDEX needs no copy anyway.
    op.create_index(
        "ix_mention_event_id_state_priority",
        "mention",
        ["event_id", "state", sa.text("priority DESC"), "seq"],
        unique=False,
    )
    op.create_index(
        "ix_mention_lease_until",
        "mention",
        ["lease_until"],
        unique=False,
        sqlite_where=LEASE_WHERE,
        postgresql_where=LEASE_WHERE,
    )

    op.create_table(
        "mention_tag",
        sa.Column("mention_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mention_id"],
            ["mention.id"],
            name="fk_mention_tag_mention_id_mention",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name="fk_mention_tag_created_by_id_user_account",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("mention_id", "tag", name="pk_mention_tag"),
    )
    op.create_table(
        "mention_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mention_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mention_id"],
            ["mention.id"],
            name="fk_mention_note_mention_id_mention",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name="fk_mention_note_author_id_user_account",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_mention_note"),
    )
    with op.batch_alter_table("mention_note", schema=None) as batch_op:
        batch_op.create_index("ix_mention_note_mention_id", ["mention_id"], unique=False)

    op.create_table(
        "event_vip",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("handle", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name="fk_event_vip_event_id_event", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "network", "handle", name="pk_event_vip"),
    )


def downgrade() -> None:
    op.drop_table("event_vip")
    with op.batch_alter_table("mention_note", schema=None) as batch_op:
        batch_op.drop_index("ix_mention_note_mention_id")
    op.drop_table("mention_note")
    op.drop_table("mention_tag")
    op.drop_index("ix_mention_lease_until", table_name="mention")
    op.drop_index("ix_mention_event_id_state_priority", table_name="mention")
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.drop_constraint("fk_mention_flagged_by_id_user_account", type_="foreignkey")
        batch_op.drop_constraint("fk_mention_claimed_by_id_user_account", type_="foreignkey")
        batch_op.drop_column("flag_reason")
        batch_op.drop_column("flagged_by_id")
        batch_op.drop_column("flagged_at")
        batch_op.drop_column("claim_draft")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claim_fence")
        batch_op.drop_column("claimed_by_id")
        batch_op.drop_column("priority")
