"""webhook deliveries: the body emptied once delivered

Revision ID: 0019_delivered_webhook_bodies
Revises: 0018_sealed_outbox
Create Date: 2026-12-06 10:40:00.000000

A delivery's body (for application.submitted the whole submission: NIK, NPWP, address) was
kept, sealed, after the LSP took it, although a delivered webhook is never sent again (only a
dead or failing one is redelivered) and the register keeps the submission itself. The column
becomes nullable and the bodies of delivered webhooks are emptied; the service empties each
one as it is delivered from now on.
"""
import sqlalchemy as sa
from alembic import op

from shared.sealing import retype_column

revision = '0019_delivered_webhook_bodies'
down_revision = '0018_sealed_outbox'
branch_labels = None
depends_on = None

_DELIVERIES = sa.table("webhook_deliveries", sa.column("body"), sa.column("status"))


def upgrade() -> None:
    # (SQLite cannot change a column's nullability in place: the column is replaced, as a retype.)
    retype_column("webhook_deliveries", "body", sa.Text(), nullable=True)
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("webhook_deliveries", "body", nullable=True)
    op.execute(_DELIVERIES.update().where(_DELIVERIES.c.status == "delivered").values(body=None))


def downgrade() -> None:
    # What was emptied cannot come back: an empty body (never sent again anyway).
    op.execute(_DELIVERIES.update().where(_DELIVERIES.c.body.is_(None)).values(body=""))
    retype_column("webhook_deliveries", "body", sa.Text(), nullable=False)
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("webhook_deliveries", "body", nullable=False)
