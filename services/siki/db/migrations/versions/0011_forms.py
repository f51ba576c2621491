"""application forms (FR.APL.01 / FR.APL.02) sent by the LSPs

Revision ID: 0011_forms
Revises: 0009_merge
Create Date: 2026-12-03 01:00:00.000000

The latest of each form per application; the bytes live in ``documents`` (encrypted at rest).
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_forms'
down_revision = '0009_merge'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('application_forms',
    sa.Column('application_id', sa.String(length=64), nullable=False),
    sa.Column('form', sa.String(length=8), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('signed', sa.Boolean(), nullable=False),
    sa.Column('submission_no', sa.Integer(), nullable=False),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('application_id', 'form', name=op.f('pk_application_forms'))
    )


def downgrade() -> None:
    op.drop_table('application_forms')
