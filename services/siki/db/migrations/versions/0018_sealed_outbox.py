"""the outbox's payload stored sealed (shared.outbox.SealedOutboxMixin)

Revision ID: 0018_sealed_outbox
Revises: 0017_list_indexes
Create Date: 2026-12-06 08:00:00.000000

Some events carry personal data (an email's recipient and text, an applicant's email address, a
NIK); the column becomes text and its rows are sealed (shared/migrations.py).
"""
from shared.migrations import seal_outbox_payloads, unseal_outbox_payloads

revision = '0018_sealed_outbox'
down_revision = '0017_list_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    seal_outbox_payloads()


def downgrade() -> None:
    unseal_outbox_payloads()
