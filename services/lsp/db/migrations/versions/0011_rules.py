"""the LSP's rules: requirement overrides and overdue appeals

Revision ID: 0011_rules
Revises: 0009_staff_admin
Create Date: 2026-12-03 01:00:00.000000

An acceptance despite unmet scheme requirements keeps the admin's override (reason, who, when,
what was unmet); an appeal left undecided past the LSP's working days is flagged (when), for
the manager's list.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_rules'
down_revision = '0009_staff_admin'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appeal_overdue_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('requirements_override', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_applications_appeal_overdue_at'), ['appeal_overdue_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_appeal_overdue_at'))
        batch_op.drop_column('requirements_override')
        batch_op.drop_column('appeal_overdue_at')
