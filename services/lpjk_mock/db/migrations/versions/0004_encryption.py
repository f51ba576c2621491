"""personal data at rest: the register's NIK encrypted and found by blind index, its facts encrypted

Revision ID: 0004_encryption
Revises: 0003_audit
Create Date: 2026-12-03 12:00:00.000000

``skk_record.nik`` and ``skk_record.facts`` (the NIK and name of the request) are stored sealed
(shared/crypto.py), so both columns become text; the NIK's index gives way to ``nik_index``, its
blind index. Existing rows are encrypted (and indexed) here when the revision runs on LPJK's own
engine (its data keys attached); otherwise (the prestart step) at LPJK's next start-up
(shared/sealing.py), the blind index NULL until then.
"""
from alembic import op
import sqlalchemy as sa

from shared.sealing import SealedColumn, retype_column, seal_rows, unseal_rows


revision = '0004_encryption'
down_revision = '0003_audit'
branch_labels = None
depends_on = None

SEALED = [SealedColumn('skk_record', ('recording_number',), 'nik', index='nik_index'),
          SealedColumn('skk_record', ('recording_number',), 'facts')]


def upgrade() -> None:
    op.drop_index('ix_skk_record_nik', table_name='skk_record')
    retype_column('skk_record', 'nik', sa.Text(), nullable=False)
    op.add_column('skk_record', sa.Column('nik_index', sa.String(length=64), nullable=True))
    op.create_index('ix_skk_record_nik_index', 'skk_record', ['nik_index'], unique=False)
    retype_column('skk_record', 'facts', sa.Text(), nullable=False)
    seal_rows(op.get_bind(), SEALED)


def downgrade() -> None:
    unseal_rows(op.get_bind(), SEALED)
    retype_column('skk_record', 'facts', sa.JSON(), nullable=False)
    op.drop_index('ix_skk_record_nik_index', table_name='skk_record')
    op.drop_column('skk_record', 'nik_index')
    retype_column('skk_record', 'nik', sa.String(length=16), nullable=False)
    op.create_index('ix_skk_record_nik', 'skk_record', ['nik'], unique=False)
