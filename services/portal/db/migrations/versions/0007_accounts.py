"""accounts: token versions, password reset links, no login-failure rows

Revision ID: 0007_accounts
Revises: 0005_audit
Create Date: 2026-12-03 09:00:00.000000

- ``users.token_version``: access tokens carry it; logout and password changes bump it.
- ``password_reset_tokens``: the SHA-256 of each emailed reset link, single use, short-lived.
- ``login_failures`` goes: failed logins are counted by the throttle (``rate_limit_counters``,
  keyed hashes of (email, client) and of the client) instead of rows naming the email. Dropping
  the table is also the purge of the rows it held, unknown emails included (UU 27/2022).
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_accounts'
down_revision = '0005_audit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_version', sa.Integer(), server_default='0', nullable=False))

    op.create_table('password_reset_tokens',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_reset_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_password_reset_tokens'))
    )
    with op.batch_alter_table('password_reset_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_tokens_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_email'))
    op.drop_table('login_failures')


def downgrade() -> None:
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_email'), ['email'], unique=False)

    with op.batch_alter_table('password_reset_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_tokens_user_id'))
    op.drop_table('password_reset_tokens')

    # Not a batch (which on SQLite copies the table, and cannot drop ``users`` while other tables
    # point at it): SQLite 3.35+ drops a plain column in place, as PostgreSQL does.
    op.drop_column('users', 'token_version')
