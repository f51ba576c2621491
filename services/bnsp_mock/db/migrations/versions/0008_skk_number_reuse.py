"""a change (perubahan) keeps its SKK number: skk_number no longer unique (issue 16)

Revision ID: 0008_skk_number_reuse
Revises: 0007_idempotency
Create Date: 2026-12-03 13:00:00.000000

A change of the holder's data is a new issuance (its own application and registration number)
carrying the SKK number it changes, so ``issuance.skk_number`` loses its unique constraint and
gets a plain index instead (renewals and changes look the held SKK up by it).
"""
from alembic import op


revision = '0008_skk_number_reuse'
down_revision = '0007_idempotency'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('issuance', schema=None) as batch_op:
        batch_op.drop_constraint('uq_issuance_skk_number', type_='unique')
        batch_op.create_index(batch_op.f('ix_issuance_skk_number'), ['skk_number'], unique=False)


def downgrade() -> None:
    # Only possible while no SKK number has two issuances (no change issued yet).
    with op.batch_alter_table('issuance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issuance_skk_number'))
        batch_op.create_unique_constraint('uq_issuance_skk_number', ['skk_number'])
