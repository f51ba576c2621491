"""the certificate status in the register of SKK (issue 16: LPJK's certificate.status_changed)

Revision ID: 0015_certificate_status
Revises: 0014_idempotency
Create Date: 2026-12-03 10:00:00.000000

Every SKK already in the register is ``active`` (or ``revoked`` where the old flag says so),
with no change applied yet (``status_seq`` 0). ``skk_status_parked`` keeps a change that arrived
before its SKK's ``skk.recorded``.
"""
import sqlalchemy as sa
from alembic import op

revision = '0015_certificate_status'
down_revision = '0014_idempotency'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('skk_register') as batch:
        batch.add_column(sa.Column('status', sa.String(length=16), nullable=False, server_default='active'))
        batch.add_column(sa.Column('status_seq', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('status_reason', sa.Text(), nullable=True))
        batch.add_column(sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('superseded_by', sa.String(length=64), nullable=True))
    op.execute(sa.text("UPDATE skk_register SET status = 'revoked' WHERE revoked"))
    op.create_table(
        'skk_status_parked',
        sa.Column('recording_number', sa.String(length=64), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('event', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('recording_number', name=op.f('pk_skk_status_parked')),
    )


def downgrade() -> None:
    op.drop_table('skk_status_parked')
    with op.batch_alter_table('skk_register') as batch:
        batch.drop_column('superseded_by')
        batch.drop_column('status_changed_at')
        batch.drop_column('status_reason')
        batch.drop_column('status_seq')
        batch.drop_column('status')
