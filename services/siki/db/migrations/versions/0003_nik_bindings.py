"""nik bindings and their audit

Revision ID: 0003_nik_bindings
Revises: 0002
Create Date: 2026-12-01 09:00:00.000000

A NIK belongs to the first portal account that submitted for it: existing applications bind
each NIK to the account of its earliest application (ties: the smallest account id).
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_nik_bindings'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('nik_bindings',
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('bound_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('nik', name=op.f('pk_nik_bindings'))
    )
    op.create_table('nik_binding_audit',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('nik_masked', sa.String(length=16), nullable=False),
    sa.Column('old_account_id', sa.String(length=64), nullable=True),
    sa.Column('new_account_id', sa.String(length=64), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nik_binding_audit'))
    )
    op.execute(
        "INSERT INTO nik_bindings (nik, account_id, bound_at) "
        "SELECT a.nik, MIN(a.applicant_user_id), MIN(a.created_at) FROM applications a "
        "WHERE a.created_at = (SELECT MIN(b.created_at) FROM applications b WHERE b.nik = a.nik) "
        "GROUP BY a.nik"
    )


def downgrade() -> None:
    op.drop_table('nik_binding_audit')
    op.drop_table('nik_bindings')
