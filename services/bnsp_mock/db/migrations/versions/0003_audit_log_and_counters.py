"""audit log (hash-chained) and throttle counters

Revision ID: 0003_audit
Revises: '0002'
Create Date: 2026-12-02 20:55:00
"""
from shared.migrations import create_audit_and_counters, drop_audit_and_counters

revision = '0003_audit'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_audit_and_counters()


def downgrade() -> None:
    drop_audit_and_counters()
