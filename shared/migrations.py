"""Migration steps every service shares, called from each service's Alembic revision files.

Every service's first revision (``0001``) creates the outbox and inbox of :mod:`shared.outbox`;
the revision files keep their own ids (so databases already migrated stay where they are) and
call :func:`create_outbox_and_inbox` / :func:`drop_outbox_and_inbox`.

The tables are written out here rather than taken from the models: a revision must create what
it created when it was written, whatever the models look like later. A change to the outbox or
inbox is a new revision in every service, with its own shared step here.

Only Alembic revision files import this module (it needs Alembic's ``op`` context).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.sealing import SealedColumn, retype_column, seal_rows, unseal_rows

_OUTBOX_PAYLOAD = SealedColumn("outbox", ("seq",), "payload")


def create_outbox_and_inbox() -> None:
    """Revision ``0001`` of every service: the ``inbox`` and ``outbox`` tables."""
    op.create_table(
        "inbox",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("consumer", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "consumer", name=op.f("pk_inbox")),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("publish_attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_published_at"), ["published_at"], unique=False)


def drop_outbox_and_inbox() -> None:
    """Undoes :func:`create_outbox_and_inbox`."""
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_published_at"))
        batch_op.drop_index(batch_op.f("ix_outbox_application_id"))
    op.drop_table("outbox")
    op.drop_table("inbox")


def create_audit_and_counters() -> None:
    """Every service: the hash-chained ``audit_log`` with its ``audit_chain_head`` row
    (:mod:`shared.audit`), and the ``rate_limit_counters`` of :mod:`shared.throttle`."""
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("target_type", sa.String(length=50), nullable=True),
        sa.Column("target_id", sa.String(length=100), nullable=True),
        sa.Column("application_id", sa.String(length=64), nullable=True),
        sa.Column("client", sa.String(length=100), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        for column in ("at", "actor", "action", "target_id", "application_id"):
            batch_op.create_index(batch_op.f(f"ix_audit_log_{column}"), [column], unique=False)
    head = op.create_table(
        "audit_chain_head",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_audit_chain_head")),
    )
    op.bulk_insert(head, [{"name": "main", "seq": 0, "hash": "0" * 64}])
    op.create_table(
        "rate_limit_counters",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_counters")),
    )
    with op.batch_alter_table("rate_limit_counters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_limit_counters_expires_at"), ["expires_at"], unique=False)


def drop_audit_and_counters() -> None:
    """Undoes :func:`create_audit_and_counters`."""
    op.drop_table("rate_limit_counters")
    op.drop_table("audit_chain_head")
    op.drop_table("audit_log")


def create_idempotency_keys() -> None:
    """Every service (issue 15): the ``idempotency_keys`` of :mod:`shared.idempotency`."""
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("claim", sa.String(length=32), nullable=False),
        sa.Column("locked_until", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_idempotency_keys")),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idempotency_keys_expires_at"), ["expires_at"], unique=False)


def drop_idempotency_keys() -> None:
    """Undoes :func:`create_idempotency_keys`."""
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_keys_expires_at"))
    op.drop_table("idempotency_keys")


def seal_outbox_payloads() -> None:
    """The outbox's payload stored sealed (``shared.outbox.SealedOutboxMixin``): the column becomes
    text, and the rows in clear are sealed here when the service's data keys are attached to the
    migrating engine, else at the service's next start-up (shared/sealing.py)."""
    retype_column("outbox", "payload", sa.Text(), nullable=False)
    seal_rows(op.get_bind(), [_OUTBOX_PAYLOAD])


def unseal_outbox_payloads() -> None:
    """Undoes :func:`seal_outbox_payloads` (needs the service's data keys to read the sealed rows)."""
    unseal_rows(op.get_bind(), [_OUTBOX_PAYLOAD])
    retype_column("outbox", "payload", sa.JSON(), nullable=False)
