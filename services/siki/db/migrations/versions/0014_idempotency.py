"""idempotency keys (issue 15: safe retries for clients)

Revision ID: 0014_idempotency
Revises: 0013_refused_reports
Create Date: 2026-12-03 07:00:00.000000

The ``idempotency_keys`` of shared/idempotency.py: one record per caller, path and
``Idempotency-Key``, claimed before the handler runs and holding its answer for 24 h.
"""
from shared.migrations import create_idempotency_keys, drop_idempotency_keys

revision = '0014_idempotency'
down_revision = '0013_refused_reports'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_idempotency_keys()


def downgrade() -> None:
    drop_idempotency_keys()
