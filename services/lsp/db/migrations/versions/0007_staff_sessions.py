"""staff sessions

Revision ID: 0007_staff_sessions
Revises: 0005_audit
Create Date: 2026-12-02 20:30:00.000000

Each staff account's token version: every token carries it, and raising it (logout,
deactivation, a new password) refuses all the tokens issued before. Existing accounts start
at 1, the version of the tokens issued from now on.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_staff_sessions'
down_revision = '0005_audit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_version', sa.Integer(), nullable=False, server_default='1'))


def downgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('token_version')
