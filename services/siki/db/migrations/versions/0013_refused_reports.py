"""status reports SIKI refused for good, for operators to resolve (issue 13)

Revision ID: 0013_refused_reports
Revises: 0011_forms
Create Date: 2026-12-03 01:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013_refused_reports'
down_revision = '0011_forms'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'refused_reports',
        sa.Column('report_id', sa.String(length=100), nullable=False),
        sa.Column('application_id', sa.String(length=64), nullable=False),
        sa.Column('lsp_code', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('http_status', sa.Integer(), nullable=False),
        # Sealed JSON text (shared.crypto.EncryptedJSON).
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('refused_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('times_refused', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('resolved_by', sa.String(length=200), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('report_id', name=op.f('pk_refused_reports')),
    )
    op.create_index(op.f('ix_refused_reports_application_id'), 'refused_reports', ['application_id'])
    op.create_index(op.f('ix_refused_reports_lsp_code'), 'refused_reports', ['lsp_code'])
    op.create_index(op.f('ix_refused_reports_state'), 'refused_reports', ['state'])


def downgrade() -> None:
    op.drop_index(op.f('ix_refused_reports_state'), table_name='refused_reports')
    op.drop_index(op.f('ix_refused_reports_lsp_code'), table_name='refused_reports')
    op.drop_index(op.f('ix_refused_reports_application_id'), table_name='refused_reports')
    op.drop_table('refused_reports')
