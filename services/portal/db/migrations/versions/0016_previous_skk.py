"""renewal and change: the held SKK an application names (perpanjangan / perubahan)

Revision ID: 0016_previous_skk
Revises: 0015_expiry_reminders
Create Date: 2026-12-03 13:00:00.000000

``applications.previous_skk_number`` (indexed: one renewal or change in progress per SKK, and the
expiry reminders skip an SKK being renewed) and ``previous_application_id`` (the application
that issued the held SKK, whose data prefilled the new one).
"""
import sqlalchemy as sa
from alembic import op

revision = '0016_previous_skk'
down_revision = '0015_expiry_reminders'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, as 0014: a batch copy of ``applications`` would trip the foreign keys to it.
def upgrade() -> None:
    op.add_column('applications', sa.Column('previous_skk_number', sa.String(length=64), nullable=True))
    op.add_column('applications', sa.Column('previous_application_id', sa.String(length=36), nullable=True))
    op.create_index(op.f('ix_applications_previous_skk_number'), 'applications', ['previous_skk_number'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_applications_previous_skk_number'), table_name='applications')
    op.drop_column('applications', 'previous_application_id')
    op.drop_column('applications', 'previous_skk_number')
