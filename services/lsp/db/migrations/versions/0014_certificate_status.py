"""the certificate's status at LPJK on the application (issue 16: SIKI's certificate.status_changed)

Revision ID: 0014_certificate_status
Revises: 0013_idempotency
Create Date: 2026-12-03 10:00:00

``{"status", "previous_status", "seq", "reason", "at", "superseded_by"}`` of the last change
applied; none yet means the certificate is as issued (active).
"""
import sqlalchemy as sa
from alembic import op

revision = '0014_certificate_status'
down_revision = '0013_idempotency'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_status', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('certificate_status')
