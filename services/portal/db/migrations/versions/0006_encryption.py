"""personal data at rest: the application's sections encrypted

Revision ID: 0006_encryption
Revises: 0005_audit
Create Date: 2026-12-03 12:00:00.000000

``applications.sections`` (the NIK, the NPWP and the rest of the applicant's data) is stored
sealed (shared/crypto.py ``EncryptedJSON``), so its column becomes text. Existing rows are
encrypted here when the revision runs on the portal's own engine (its data keys attached);
otherwise (the prestart step) at the portal's next start-up (shared/sealing.py).
"""
from alembic import op
import sqlalchemy as sa

from shared.sealing import SealedColumn, retype_column, seal_rows, unseal_rows


revision = '0006_encryption'
down_revision = '0005_audit'
branch_labels = None
depends_on = None

SEALED = [SealedColumn('applications', ('id',), 'sections')]


def upgrade() -> None:
    retype_column('applications', 'sections', sa.Text(), nullable=False)
    seal_rows(op.get_bind(), SEALED)


def downgrade() -> None:
    unseal_rows(op.get_bind(), SEALED)
    retype_column('applications', 'sections', sa.JSON(), nullable=False)
