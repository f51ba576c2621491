"""the previous webhook secret of an LSP during a rotation's grace period; delivery-log
excerpts cut to 200 characters

Revision ID: 0004_webhook_secret_grace
Revises: 0003_nik_bindings
Create Date: 2026-12-01 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_webhook_secret_grace'
down_revision = '0003_nik_bindings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lsps') as batch:
        batch.add_column(sa.Column('previous_webhook_secret', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('previous_secret_until', sa.DateTime(timezone=True), nullable=True))
    # Attempts logged before issue 11 kept 500 characters of an answer: keep 200 now too.
    op.execute("UPDATE webhook_attempts SET response_excerpt = substr(response_excerpt, 1, 199) || '…' "
               "WHERE length(response_excerpt) > 200")


def downgrade() -> None:
    with op.batch_alter_table('lsps') as batch:
        batch.drop_column('previous_secret_until')
        batch.drop_column('previous_webhook_secret')
