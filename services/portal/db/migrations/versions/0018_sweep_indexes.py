"""indexes for the retention job's and the expiry reminders' sweeps

Revision ID: 0018_sweep_indexes
Revises: 0017_document_usage
Create Date: 2026-12-06 05:00:00.000000

Each of these sweeps read a whole table, a cost growing with the applicants: the spent one-time
links (expired or used before a date), the accounts never activated, an abandoned draft's
notifications, the unreferenced uploads older than a date, the stored files an issued
certificate still needs, and the expiry reminders' issued certificates (in id order). The
abandoned drafts themselves are still found by reading the applications: an index on their
status or update time would cost every update of an application its HOT update, more than the
hourly pass saves.
"""
import sqlalchemy as sa
from alembic import op

revision = '0018_sweep_indexes'
down_revision = '0017_document_usage'
branch_labels = None
depends_on = None

UNACTIVATED = sa.text("verified_at IS NULL AND password_hash IS NULL")
CERTIFIED = sa.text("certificate IS NOT NULL")


def upgrade() -> None:
    for table in ('activation_tokens', 'password_reset_tokens'):
        op.create_index(op.f(f'ix_{table}_expires_at'), table, ['expires_at'])
        op.create_index(op.f(f'ix_{table}_used_at'), table, ['used_at'])
    op.create_index('ix_users_unactivated', 'users', ['created_at'],
                    sqlite_where=UNACTIVATED, postgresql_where=UNACTIVATED)
    op.create_index(op.f('ix_documents_created_at'), 'documents', ['created_at'])
    op.create_index('ix_applications_certified', 'applications', ['id'],
                    sqlite_where=CERTIFIED, postgresql_where=CERTIFIED)
    op.create_index(op.f('ix_applications_certificate_sha256'), 'applications', ['certificate_sha256'])
    op.create_index(op.f('ix_notifications_application_id'), 'notifications', ['application_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_notifications_application_id'), table_name='notifications')
    op.drop_index(op.f('ix_applications_certificate_sha256'), table_name='applications')
    op.drop_index('ix_applications_certified', table_name='applications')
    op.drop_index(op.f('ix_documents_created_at'), table_name='documents')
    op.drop_index('ix_users_unactivated', table_name='users')
    for table in ('password_reset_tokens', 'activation_tokens'):
        op.drop_index(op.f(f'ix_{table}_used_at'), table_name=table)
        op.drop_index(op.f(f'ix_{table}_expires_at'), table_name=table)
