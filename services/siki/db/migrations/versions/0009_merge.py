"""one line again after wave 2's parallel branches

Revision ID: 0009_merge
Revises: 0006_encryption,0008_operators
Create Date: 2026-12-03 00:40:00.000000

The branches of issue 12 (audit, encryption, accounts, operators) were written side by side;
this revision joins them so that later revisions have a single parent.
"""


revision = '0009_merge'
down_revision = ('0006_encryption', '0008_operators')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
