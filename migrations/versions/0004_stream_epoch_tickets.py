"""stream: a journal epoch per event, and single-use stream tickets

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:00:00.000000
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("journal_epoch", sa.String(length=32), nullable=False, server_default="")
        )
    # Each existing event gets its own epoch, as a new one does; consoles that resume
    # without one are served as before.
    connection = op.get_bind()
    event = sa.table("event", sa.column("id", sa.Integer), sa.column("journal_epoch", sa.String))
    for (event_id,) in connection.execute(sa.select(event.c.id)).all():
        connection.execute(
            event.update().where(event.c.id == event_id).values(journal_epoch=secrets.token_hex(8))
        )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.alter_column("journal_epoch", server_default=None)

    op.create_table(
        "stream_ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credential", sa.String(length=40), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name="fk_stream_ticket_user_id_user_account",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_stream_ticket"),
        sa.UniqueConstraint("ticket_hash", name="uq_stream_ticket_ticket_hash"),
    )
    op.create_index("ix_stream_ticket_user_id", "stream_ticket", ["user_id"], unique=False)
    op.create_index("ix_stream_ticket_expires_at", "stream_ticket", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_stream_ticket_expires_at", table_name="stream_ticket")
    op.drop_index("ix_stream_ticket_user_id", table_name="stream_ticket")
    op.drop_table("stream_ticket")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("journal_epoch")
