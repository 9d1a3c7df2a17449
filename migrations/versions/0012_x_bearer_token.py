"""network accounts: the X app's bearer token (for listening) shown masked

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("network_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("bearer_token_hint", sa.String(length=32), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("network_account", schema=None) as batch_op:
        batch_op.drop_column("bearer_token_hint")
