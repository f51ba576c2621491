"""personal data and LSP webhook secrets at rest: encrypted, NIK lookups by blind index

Revision ID: 0006_encryption
Revises: 0005_audit
Create Date: 2026-12-03 12:00:00.000000

Stored sealed (shared/crypto.py): the NIK of applications, of the SKK register and of the NIK
bindings, the submissions (sections: NPWP...), the webhook bodies carrying them, the stored
e-certificates, and each LSP's webhook secrets (current and previous). NIK lookups and the one
binding per NIK go by ``nik_index``, the NIK's blind index: the bindings' primary key moves to it.

Existing rows are encrypted here when the revision runs on SIKI's own engine (its data keys
attached); otherwise (the prestart step) at SIKI's next start-up (shared/sealing.py), which also
fills the blind indexes (NULL until then; ``legacy:<nik>`` for a binding's primary key).
"""
from alembic import op
import sqlalchemy as sa

from shared.crypto import LEGACY_INDEX_PREFIX
from shared.sealing import SealedColumn, retype_column, seal_rows, unseal_rows


revision = '0006_encryption'
down_revision = '0005_audit'
branch_labels = None
depends_on = None

SEALED = [
    SealedColumn('lsps', ('code',), 'webhook_secret'),
    SealedColumn('lsps', ('code',), 'previous_webhook_secret'),
    SealedColumn('applications', ('id',), 'nik', index='nik_index'),
    SealedColumn('applications', ('id',), 'submission'),
    SealedColumn('skk_register', ('recording_number',), 'nik', index='nik_index'),
    SealedColumn('webhook_deliveries', ('id',), 'body'),
    SealedColumn('documents', ('sha256',), 'content', kind='bytes'),
    SealedColumn('nik_bindings', ('nik_index',), 'nik', index='nik_index'),
]
# Tables whose NIK gets a (nullable) blind index beside it, and its index.
INDEXED = ('applications', 'skk_register')


def upgrade() -> None:
    retype_column('lsps', 'webhook_secret', sa.Text(), nullable=False)
    retype_column('lsps', 'previous_webhook_secret', sa.Text(), nullable=True)
    for table in INDEXED:
        op.drop_index(f'ix_{table}_nik', table_name=table)
        retype_column(table, 'nik', sa.Text(), nullable=False)
        op.add_column(table, sa.Column('nik_index', sa.String(length=64), nullable=True))
        op.create_index(f'ix_{table}_nik_index', table, ['nik_index'], unique=False)
    retype_column('applications', 'submission', sa.Text(), nullable=False)

    op.add_column('nik_bindings', sa.Column('nik_index', sa.String(length=64), nullable=True))
    bindings = sa.table('nik_bindings', sa.column('nik'), sa.column('nik_index'))
    op.execute(bindings.update().values(nik_index=sa.literal(LEGACY_INDEX_PREFIX) + bindings.c.nik))
    with op.batch_alter_table('nik_bindings') as batch:
        batch.alter_column('nik_index', existing_type=sa.String(length=64), nullable=False)
        batch.drop_constraint('pk_nik_bindings', type_='primary')
        batch.create_primary_key('pk_nik_bindings', ['nik_index'])
        batch.alter_column('nik', existing_type=sa.String(length=16), type_=sa.Text(), existing_nullable=False)

    seal_rows(op.get_bind(), SEALED)


def downgrade() -> None:
    unseal_rows(op.get_bind(), SEALED)
    with op.batch_alter_table('nik_bindings') as batch:
        batch.drop_constraint('pk_nik_bindings', type_='primary')
        batch.alter_column('nik', existing_type=sa.Text(), type_=sa.String(length=16), existing_nullable=False)
        batch.create_primary_key('pk_nik_bindings', ['nik'])
        batch.drop_column('nik_index')

    retype_column('applications', 'submission', sa.JSON(), nullable=False)
    for table in INDEXED:
        op.drop_index(f'ix_{table}_nik_index', table_name=table)
        op.drop_column(table, 'nik_index')
        retype_column(table, 'nik', sa.String(length=16), nullable=False)
        op.create_index(f'ix_{table}_nik', table, ['nik'], unique=False)
    retype_column('lsps', 'previous_webhook_secret', sa.String(length=100), nullable=True)
    retype_column('lsps', 'webhook_secret', sa.String(length=100), nullable=False)
