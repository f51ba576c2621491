"""eligibility and dropped reports

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01 09:00:00.000000

The LSP's re-check of the ownership limits through SIKI's check_application_eligibility, kept
on the application (None: not checked yet, checked again before an acceptance); and the
status reports dropped because the applicant withdrew before SIKI took them.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('eligibility', sa.JSON(), nullable=True))
    with op.batch_alter_table('status_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dropped_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('status_reports', schema=None) as batch_op:
        batch_op.drop_column('dropped_at')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('eligibility')
