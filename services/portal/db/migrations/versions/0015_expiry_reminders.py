"""expiry reminders sent (issue 16: holders emailed 90 and 30 days before their SKK expires)

Revision ID: 0015_expiry_reminders
Revises: 0014_in_flight
Create Date: 2026-12-03 10:15:00.000000

One row per (certificate's application, threshold): unique, so each reminder is sent once.
"""
import sqlalchemy as sa
from alembic import op

revision = '0015_expiry_reminders'
down_revision = '0014_in_flight'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('expiry_reminders',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('threshold_days', sa.Integer(), nullable=False),
    sa.Column('skk_number', sa.String(length=64), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                            name=op.f('fk_expiry_reminders_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expiry_reminders')),
    sa.UniqueConstraint('application_id', 'threshold_days', name=op.f('uq_expiry_reminders_application_id'))
    )


def downgrade() -> None:
    op.drop_table('expiry_reminders')
