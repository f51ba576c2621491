"""personal data at rest: the applicant's NIK and sections encrypted

Revision ID: 0006_encryption
Revises: 0005_audit
Create Date: 2026-12-03 12:00:00.000000

``applications.nik`` and ``applications.sections`` (NPWP, address, the rest of the applicant's
data) are stored sealed (shared/crypto.py), so both columns become text. Existing rows are
encrypted here when the revision runs on the LSP's own engine (its data keys attached);
otherwise (the prestart step) at the LSP's next start-up (shared/sealing.py).
"""
from alembic import op
import sqlalchemy as sa

from shared.sealing import SealedColumn, retype_column, seal_rows, unseal_rows


revision = '0006_encryption'
down_revision = '0005_audit'
branch_labels = None
depends_on = None

SEALED = [SealedColumn('applications', ('id',), 'nik'), SealedColumn('applications', ('id',), 'sections')]


def upgrade() -> None:
    retype_column('applications', 'nik', sa.Text(), nullable=False)
    retype_column('applications', 'sections', sa.Text(), nullable=False)
    seal_rows(op.get_bind(), SEALED)


def downgrade() -> None:
    unseal_rows(op.get_bind(), SEALED)
    retype_column('applications', 'sections', sa.JSON(), nullable=False)
    retype_column('applications', 'nik', sa.String(length=16), nullable=False)
