"""the kind of an application and the SKK a renewal or a change replaces (SPEC section 8)

Revision ID: 0016_application_kinds
Revises: 0015_certificate_status
Create Date: 2026-12-03 13:00:00.000000

Every application stored so far is a ``baru`` (the only kind accepted until now) and replaces
nothing. The register of SKK needs no change: it is keyed by LPJK's recording number, so a
change's certificate (the same SKK number, a new recording number) is a second row beside the
superseded one.
"""
import sqlalchemy as sa
from alembic import op

revision = '0016_application_kinds'
down_revision = '0015_certificate_status'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications') as batch:
        batch.add_column(sa.Column('application_kind', sa.String(length=16), nullable=False, server_default='baru'))
        batch.add_column(sa.Column('previous_recording_number', sa.String(length=64), nullable=True))
        batch.create_index(batch.f('ix_applications_previous_recording_number'), ['previous_recording_number'])


def downgrade() -> None:
    with op.batch_alter_table('applications') as batch:
        batch.drop_index(batch.f('ix_applications_previous_recording_number'))
        batch.drop_column('previous_recording_number')
        batch.drop_column('application_kind')
