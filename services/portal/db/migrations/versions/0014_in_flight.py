"""the command in flight to SIKI (issue 15: a retry after a crash mid-call sends the same again)

Revision ID: 0014_in_flight
Revises: 0013_idempotency
Create Date: 2026-12-03 10:00:00.000000

``applications.in_flight``: the submission, payment proof or appeal the portal is sending SIKI,
kept (sealed: a submission carries the NIK) until SIKI's answer is recorded.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014_in_flight'
down_revision = '0013_idempotency'
branch_labels = None
depends_on = None


# Plain ALTER TABLE (SQLite has both since 3.35): a batch copy of ``applications`` would trip the
# foreign keys that point to it.
def upgrade() -> None:
    op.add_column('applications', sa.Column('in_flight', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('applications', 'in_flight')
