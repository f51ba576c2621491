"""the applicant's copies of FR.APL.01 / FR.APL.02

Revision ID: 0012_forms
Revises: 0009_merge
Create Date: 2026-12-03 01:00:00.000000

Which document-store bytes are the last form fetched from SIKI per application and form.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_forms'
down_revision = '0009_merge'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('application_form_copies',
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('form', sa.String(length=8), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('application_id', 'form', name=op.f('pk_application_form_copies'))
    )


def downgrade() -> None:
    op.drop_table('application_form_copies')
