"""status reports: payload sealed, and dropped once the report left the queue

Revision ID: 0018_sealed_status_reports
Revises: 0017_sealed_outbox
Create Date: 2026-12-06 10:00:00.000000

A report's payload carries the FR.APL forms and the e-certificate (name, NIK, address, PDFs).
It was kept in clear for ever, although nothing reads it after SIKI took the report (the staff's
views show the delivery, not the payload). Reports sent, dropped or refused lose it (NULL);
the unsent ones are sealed (here when the LSP's data keys are attached to the migrating engine,
else at its start-up: shared/sealing.py). Dropping first keeps the sealing pass, and every later
start-up's check for rows in clear, to the few reports still waiting.
"""
import sqlalchemy as sa
from alembic import op

from shared.sealing import SealedColumn, retype_column, seal_rows, unseal_rows

revision = '0018_sealed_status_reports'
down_revision = '0017_sealed_outbox'
branch_labels = None
depends_on = None

_PAYLOAD = SealedColumn("status_reports", ("seq",), "payload")
_REPORTS = sa.table("status_reports", sa.column("payload"), sa.column("sent_at"), sa.column("dropped_at"),
                    sa.column("refused_at"))


def upgrade() -> None:
    retype_column("status_reports", "payload", sa.Text(), nullable=True)
    if op.get_bind().dialect.name != "sqlite":  # SQLite's retyped column is nullable already
        op.alter_column("status_reports", "payload", nullable=True)
    t = _REPORTS.c
    op.execute(_REPORTS.update()
               .where(sa.or_(t.sent_at.is_not(None), t.dropped_at.is_not(None), t.refused_at.is_not(None)))
               .values(payload=None))
    seal_rows(op.get_bind(), [_PAYLOAD])


def downgrade() -> None:
    unseal_rows(op.get_bind(), [_PAYLOAD])
    op.execute(_REPORTS.update().where(_REPORTS.c.payload.is_(None)).values(payload="{}"))
    retype_column("status_reports", "payload", sa.JSON(), nullable=False)
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("status_reports", "payload", nullable=False)
