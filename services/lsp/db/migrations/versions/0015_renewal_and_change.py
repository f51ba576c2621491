"""renewal (perpanjangan) and change (perubahan) on the application; issuance.skk_number no longer unique

Revision ID: 0015_renewal_and_change
Revises: 0014_certificate_status
Create Date: 2026-12-03 13:00:00

A change keeps the SKK number of the certificate it replaces, so this LSP may hold two issuances
with one SKK number (one recording number each): the unique constraint becomes an index.
"""
import sqlalchemy as sa
from alembic import op

revision = '0015_renewal_and_change'
down_revision = '0014_certificate_status'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_skk_number', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('previous_certificate', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('pkb_credits', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('changed_fields', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('previous_values', sa.JSON(), nullable=True))
    with op.batch_alter_table('issuance', schema=None) as batch_op:
        batch_op.drop_constraint('uq_issuance_skk_number', type_='unique')
        batch_op.create_index('ix_issuance_skk_number', ['skk_number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('issuance', schema=None) as batch_op:
        batch_op.drop_index('ix_issuance_skk_number')
        batch_op.create_unique_constraint('uq_issuance_skk_number', ['skk_number'])
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('previous_values')
        batch_op.drop_column('changed_fields')
        batch_op.drop_column('pkb_credits')
        batch_op.drop_column('previous_certificate')
        batch_op.drop_column('previous_skk_number')
