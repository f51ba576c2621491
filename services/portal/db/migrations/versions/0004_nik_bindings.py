"""nik bindings

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:00:00.000000

A NIK belongs to at most one account: ``nik_bindings`` keyed by the NIK's keyed hash (HMAC
with ``SKK_NIK_BINDING_SECRET``; the NIK itself is not stored here), and the audit of the
operator's rebinds. Existing applications are not backfilled (the migration has no secret):
a NIK is bound at the next save of a personal section or submission that names it.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('nik_bindings',
    sa.Column('nik_key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('bound_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fixed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_nik_bindings_user_id_users')),
    sa.PrimaryKeyConstraint('nik_key', name=op.f('pk_nik_bindings'))
    )
    with op.batch_alter_table('nik_bindings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nik_bindings_user_id'), ['user_id'], unique=False)

    op.create_table('nik_binding_audit',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('operator_name', sa.String(length=100), nullable=False),
    sa.Column('nik_key', sa.String(length=64), nullable=False),
    sa.Column('nik_masked', sa.String(length=16), nullable=False),
    sa.Column('previous_user_id', sa.String(length=36), nullable=True),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('identity_check_reference', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nik_binding_audit'))
    )
    with op.batch_alter_table('nik_binding_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nik_binding_audit_nik_key'), ['nik_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('nik_binding_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nik_binding_audit_nik_key'))
    op.drop_table('nik_binding_audit')
    with op.batch_alter_table('nik_bindings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nik_bindings_user_id'))
    op.drop_table('nik_bindings')
