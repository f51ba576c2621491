"""indexes for the operators' lists: the webhook delivery log and the refused reports

Revision ID: 0017_list_indexes
Revises: 0016_application_kinds
Create Date: 2026-12-06 05:00:00.000000

Both lists are read newest first, a page at a time; with no index on their time column each
page read and sorted the whole table, a cost growing with every application SIKI has seen (a
few deliveries each). Read backwards, these indexes give a page without the rest.
"""
from alembic import op

revision = '0017_list_indexes'
down_revision = '0016_application_kinds'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_webhook_deliveries_created', 'webhook_deliveries', ['created_at', 'id'])
    op.create_index('ix_refused_reports_refused', 'refused_reports', ['refused_at', 'report_id'])


def downgrade() -> None:
    op.drop_index('ix_refused_reports_refused', table_name='refused_reports')
    op.drop_index('ix_webhook_deliveries_created', table_name='webhook_deliveries')
