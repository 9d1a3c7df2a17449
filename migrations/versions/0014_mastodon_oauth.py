"""Mastodon: Cuedesk's OAuth app per server, and each account's server's status counting

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mastodon_app",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_url", sa.String(length=2048), nullable=False),
        sa.Column("redirect_uri", sa.String(length=2048), nullable=False),
        sa.Column("scopes", sa.String(length=256), nullable=False),
        sa.Column("secrets", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mastodon_app", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mastodon_app_server_url"), ["server_url"])
    with op.batch_alter_table("network_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_characters", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("characters_reserved_per_url", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("network_account", schema=None) as batch_op:
        batch_op.drop_column("characters_reserved_per_url")
        batch_op.drop_column("max_characters")
    with op.batch_alter_table("mastodon_app", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mastodon_app_server_url"))
    op.drop_table("mastodon_app")
