"""personal data at rest: the issuance facts (NIK, name) encrypted

Revision ID: 0004_encryption
Revises: 0003_audit
Create Date: 2026-12-03 12:00:00.000000

``issuance.facts`` (the identity facts of a plan: NIK, full name...) is stored sealed
(shared/crypto.py), so its column becomes text. Existing rows are encrypted here when the
revision runs on BNSP's own engine (its data keys attached); otherwise (the prestart step) at
BNSP's next start-up (shared/sealing.py).
"""
from alembic import op
import sqlalchemy as sa

from shared.sealing import SealedColumn, retype_column, seal_rows, unseal_rows


revision = '0004_encryption'
down_revision = '0003_audit'
branch_labels = None
depends_on = None

SEALED = [SealedColumn('issuance', ('id',), 'facts')]


def upgrade() -> None:
    retype_column('issuance', 'facts', sa.Text(), nullable=False)
    seal_rows(op.get_bind(), SEALED)


def downgrade() -> None:
    unseal_rows(op.get_bind(), SEALED)
    retype_column('issuance', 'facts', sa.JSON(), nullable=False)
