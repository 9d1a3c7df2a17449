"""network accounts (encrypted credentials) and the mentions' reply eligibility

Revision ID: 0010
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "network_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("handle", sa.String(length=256), nullable=False),
        sa.Column("network_user_id", sa.String(length=256), nullable=True),
        sa.Column("server_url", sa.String(length=2048), nullable=True),
        sa.Column("secrets", sa.Text(), nullable=False),
        sa.Column("secret_hint", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("last_tested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("oauth_state", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("network_account", schema=None) as batch_op:
        batch_op.create_index(
            "ix_network_account_network_event", ["network", "event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_network_account_oauth_state"), ["oauth_state"], unique=False
        )
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_context", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("reply_blocked", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.drop_column("reply_blocked")
        batch_op.drop_column("reply_context")
    with op.batch_alter_table("network_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_account_oauth_state"))
        batch_op.drop_index("ix_network_account_network_event")
    op.drop_table("network_account")
