"""the account's document usage on its row, for the upload quota (db/documents.py)

Revision ID: 0017_document_usage
Revises: 0016_previous_skk
Create Date: 2026-12-05 14:00:00.000000

``users.document_count`` and ``users.document_bytes``, filled from the documents the accounts
hold now; from then on an upload adds to them (a conditional UPDATE: the quota) and the retention
job subtracts what it deletes.
"""
import sqlalchemy as sa
from alembic import op

revision = '0017_document_usage'
down_revision = '0016_previous_skk'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, as 0014: a batch copy of ``users`` would trip the foreign keys to it.
def upgrade() -> None:
    op.add_column('users', sa.Column('document_count', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('users', sa.Column('document_bytes', sa.BigInteger(), nullable=False, server_default='0'))
    op.execute(
        "UPDATE users SET "
        "document_count = (SELECT count(*) FROM documents WHERE documents.user_id = users.id), "
        "document_bytes = (SELECT coalesce(sum(documents.size), 0) FROM documents WHERE documents.user_id = users.id)"
    )


def downgrade() -> None:
    op.drop_column('users', 'document_bytes')
    op.drop_column('users', 'document_count')
