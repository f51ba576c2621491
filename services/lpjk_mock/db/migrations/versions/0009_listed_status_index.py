"""an index for the status lists: the certificates suspended or revoked

Revision ID: 0009_listed_status_index
Revises: 0008_certificate_status
Create Date: 2026-12-06 04:00:00.000000

The revocation and suspension lists read the certificates of one status; with no index on
``status`` each list read the whole register. A partial index holds only the few listed ones.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_listed_status_index'
down_revision = '0008_certificate_status'
branch_labels = None
depends_on = None

LISTED = sa.text("status IN ('suspended', 'revoked')")


def upgrade() -> None:
    op.create_index('ix_skk_record_listed_status', 'skk_record', ['status', 'status_list_index'],
                    sqlite_where=LISTED, postgresql_where=LISTED)


def downgrade() -> None:
    op.drop_index('ix_skk_record_listed_status', table_name='skk_record')
