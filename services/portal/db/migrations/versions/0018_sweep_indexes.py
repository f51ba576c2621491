"""indexes for the retention job's sweep

Revision ID: 0018_sweep_indexes
Revises: 0017_document_usage
Create Date: 2026-12-06 05:00:00.000000

Each of these reads of the retention pass read a whole table, a cost growing with the
applicants: the spent one-time links (expired or used before a date), the accounts never
activated (by registration date), an abandoned draft's notifications, the unreferenced uploads
older than a date and the stored files an issued certificate still needs. The abandoned drafts
themselves are still found by reading the applications: an index on their
status or update time would cost every update of an application its HOT update, more than the
hourly pass saves.
"""
from alembic import op

revision = '0018_sweep_indexes'
down_revision = '0017_document_usage'
branch_labels = None
depends_on = None

def upgrade() -> None:
    for table in ('activation_tokens', 'password_reset_tokens'):
        op.create_index(op.f(f'ix_{table}_expires_at'), table, ['expires_at'])
        op.create_index(op.f(f'ix_{table}_used_at'), table, ['used_at'])
    op.create_index('ix_users_created_at', 'users', ['created_at'])
    op.create_index(op.f('ix_documents_created_at'), 'documents', ['created_at'])
    op.create_index(op.f('ix_applications_certificate_sha256'), 'applications', ['certificate_sha256'])
    op.create_index(op.f('ix_notifications_application_id'), 'notifications', ['application_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_notifications_application_id'), table_name='notifications')
    op.drop_index(op.f('ix_applications_certificate_sha256'), table_name='applications')
    op.drop_index(op.f('ix_documents_created_at'), table_name='documents')
    op.drop_index('ix_users_created_at', table_name='users')
    for table in ('password_reset_tokens', 'activation_tokens'):
        op.drop_index(op.f(f'ix_{table}_used_at'), table_name=table)
        op.drop_index(op.f(f'ix_{table}_expires_at'), table_name=table)
