"""the registry tells SIKI's processes of every change to it (PostgreSQL)

Revision ID: 0020_lsps_change_trigger
Revises: 0019_delivered_webhook_bodies
Create Date: 2026-12-07 11:30:00.000000

A trigger on ``lsps`` notifies the channel ``siki_lsps_changed`` at the commit of any insert,
update or delete (the services' own or an operator's SQL): each SIKI process keeps the api keys it
found only while it hears these (services/siki/db/lsp_keys.py). SQLite has no notifications and
keeps nothing.
"""
from alembic import op

revision = '0020_lsps_change_trigger'
down_revision = '0019_delivered_webhook_bodies'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION siki_lsps_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('siki_lsps_changed', '');
            RETURN NULL;
        END $$
    """)
    op.execute("""
        CREATE TRIGGER lsps_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lsps
        FOR EACH STATEMENT EXECUTE FUNCTION siki_lsps_changed()
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS lsps_changed ON lsps")
    op.execute("DROP FUNCTION IF EXISTS siki_lsps_changed()")
