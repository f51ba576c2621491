"""certificate status over its life (issue 16): standing, supersession and status-list index

Revision ID: 0008_certificate_status
Revises: 0007_idempotency
Create Date: 2026-12-03 10:10:00.000000

``skk_record`` gains ``status`` (active, suspended, revoked, superseded; a row revoked before
becomes ``revoked``), its reason, time and event ``status_seq``, ``superseded_by``/``replaces``
(recording numbers) and ``status_list_index``: unique, drawn at random over 0..131071 so that it
says nothing about issuance order (existing rows get theirs here). ``skk_number`` stays unique
only among certificates not superseded: a change (perubahan) records a new certificate with the
same SKK number.
"""
import random

from alembic import op
import sqlalchemy as sa


revision = '0008_certificate_status'
down_revision = '0007_idempotency'
branch_labels = None
depends_on = None

STATUS_LIST_SIZE = 131_072  # shared.credentials.STATUS_LIST_SIZE, frozen here as of this revision
CURRENT = sa.text("status != 'superseded'")


def upgrade() -> None:
    with op.batch_alter_table('skk_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='active', nullable=False))
        batch_op.add_column(sa.Column('status_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('status_seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('superseded_by', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('replaces', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('status_list_index', sa.Integer(), nullable=True))

    conn = op.get_bind()
    record = sa.table('skk_record', sa.column('recording_number'), sa.column('revoked_at'),
                      sa.column('revoked_reason'), sa.column('status'), sa.column('status_reason'),
                      sa.column('status_changed_at'), sa.column('status_list_index'))
    conn.execute(record.update().where(record.c.revoked_at.is_not(None)).values(
        status='revoked', status_reason=record.c.revoked_reason, status_changed_at=record.c.revoked_at))
    numbers = [r[0] for r in conn.execute(sa.select(record.c.recording_number))]
    # Distinct random indexes; the order of the rows gives them nothing.
    for number, index in zip(numbers, random.SystemRandom().sample(range(STATUS_LIST_SIZE), len(numbers))):
        conn.execute(record.update().where(record.c.recording_number == number).values(status_list_index=index))

    with op.batch_alter_table('skk_record', schema=None) as batch_op:
        batch_op.alter_column('status_list_index', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_skk_record_status_list_index'), ['status_list_index'])
        batch_op.drop_constraint('uq_skk_record_skk_number', type_='unique')
    op.create_index('uq_skk_record_current_skk_number', 'skk_record', ['skk_number'], unique=True,
                    sqlite_where=CURRENT, postgresql_where=CURRENT)


def downgrade() -> None:
    # Only possible while no SKK number has two certificates (no change recorded yet).
    op.drop_index('uq_skk_record_current_skk_number', table_name='skk_record')
    with op.batch_alter_table('skk_record', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_skk_record_skk_number', ['skk_number'])
        batch_op.drop_constraint(batch_op.f('uq_skk_record_status_list_index'), type_='unique')
        batch_op.drop_column('status_list_index')
        batch_op.drop_column('replaces')
        batch_op.drop_column('superseded_by')
        batch_op.drop_column('status_seq')
        batch_op.drop_column('status_changed_at')
        batch_op.drop_column('status_reason')
        batch_op.drop_column('status')
