"""indexes for the staff's lists, the periodic sweeps and the assessors' bookings

Revision ID: 0016_list_and_sweep_indexes
Revises: 0015_renewal_and_change
Create Date: 2026-12-06 04:10:00

Each of these read a whole table, a cost growing with the LSP's history: the staff's list of
applications (newest submission first, a page at a time), the refused reports' list (few rows
among all the reports) and the issuance resume sweep (the few issuances without a certificate);
and the double-booking check (an assessor's bookings of one day) read all of the assessor's
bookings, a large share of the table with an LSP's few assessors: the assessor's index becomes
one on the assessor and the day.
"""
from alembic import op

revision = '0016_list_and_sweep_indexes'
down_revision = '0015_renewal_and_change'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_applications_submitted', 'applications', ['submitted_at', 'id'])
    op.create_index('ix_status_reports_refused', 'status_reports', ['refused_at', 'seq'])
    op.create_index('ix_issuance_pdf_sha256', 'issuance', ['pdf_sha256'])
    op.create_index('ix_assessments_assessor_day', 'assessments', ['assessor_username', 'scheduled_day'])
    op.drop_index('ix_assessments_assessor_username', table_name='assessments')


def downgrade() -> None:
    op.create_index('ix_assessments_assessor_username', 'assessments', ['assessor_username'])
    op.drop_index('ix_assessments_assessor_day', table_name='assessments')
    op.drop_index('ix_issuance_pdf_sha256', table_name='issuance')
    op.drop_index('ix_status_reports_refused', table_name='status_reports')
    op.drop_index('ix_applications_submitted', table_name='applications')
