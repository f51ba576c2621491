"""staff administration

Revision ID: 0009_staff_admin
Revises: 0008_merge
Create Date: 2026-12-03 00:50:00.000000

Staff accounts created by the LSP's manager (or its command line): the person's name, email and
asesor registration number, a password only once the account is activated through an emailed
one-time link (kept as the SHA-256 of its token). Existing accounts keep their password and
count as activated.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_staff_admin'
down_revision = '0008_merge'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.alter_column('password_hash', existing_type=sa.String(length=255), nullable=True)
        batch_op.add_column(sa.Column('full_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('asesor_registration_number', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('created_by', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_staff_email'), ['email'])
    op.execute(sa.text("UPDATE staff SET activated_at = created_at WHERE password_hash IS NOT NULL"))
    op.create_table(
        'staff_activations',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['username'], ['staff.username'],
                                name=op.f('fk_staff_activations_username_staff')),
        sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_staff_activations')),
    )
    with op.batch_alter_table('staff_activations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_activations_username'), ['username'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_activations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_activations_username'))
    op.drop_table('staff_activations')
    # Accounts never activated have no password to keep: they go.
    op.execute(sa.text("DELETE FROM staff WHERE password_hash IS NULL"))
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_staff_email'), type_='unique')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('created_by')
        batch_op.drop_column('activated_at')
        batch_op.drop_column('asesor_registration_number')
        batch_op.drop_column('email')
        batch_op.drop_column('full_name')
        batch_op.alter_column('password_hash', existing_type=sa.String(length=255), nullable=False)
