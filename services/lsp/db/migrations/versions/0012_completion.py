"""status reports SIKI refused for good (issue 13)

Revision ID: 0012_completion
Revises: 0011_rules
Create Date: 2026-12-03 01:00:00

A report SIKI refuses with a 4xx (its state machine does not allow the step) is marked refused
and never sent again; the application's later reports are not held behind it.
"""
import sqlalchemy as sa
from alembic import op

revision = '0012_completion'
down_revision = '0011_rules'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('status_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refused_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('status_reports', schema=None) as batch_op:
        batch_op.drop_column('refused_at')
