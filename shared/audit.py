"""The audit log every service keeps: who (a person or a party), did what, to which application
or document, when and from where; append-only and tamper-evident.

Each entry carries the SHA-256 of its content and of the entry before it, and the chain's head
(last seq and hash) lives in ``audit_chain_head``. Appending first updates the head row, which
locks it until the action's transaction commits: entries are numbered 1, 2, 3... with no gap and
no fork, across replicas, and an entry commits (or not) together with the action it records.

That lock orders every audited transaction of a service, so it is held for the append alone:
:meth:`Auditor.record` only stages the entry on the session, and the append runs as the
session commits (a ``before_commit`` hook), as its last statements. Wherever a use case
records, the lock is held for two statements and the commit, never across the rest of the
transaction (on a busy event loop each statement waits a loop turn; in the bench of 2026-12-04
the portal's appends waited 171 ms on average for the lock when it was taken mid-transaction).
:meth:`Auditor.verify` walks the chain: an altered, removed or inserted entry, or a cut tail, is
reported as the first seq that no longer checks out.

Never put NIK, NPWP, passwords, tokens or document contents in ``detail``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from shared.database import single_statement
from shared.direct_sql import first_row

GENESIS = "0" * 64
HEAD_NAME = "main"
_PENDING = "shared.audit.pending"  # session.info: the entries to append when the session commits

_HEAD = sa.table(
    "audit_chain_head",
    sa.column("name", sa.String),
    sa.column("seq", sa.Integer),
    sa.column("hash", sa.String),
)


class AuditMixin:
    """The ``audit_log`` table (each service's db/models.py declares ``AuditEntry``)."""

    __tablename__ = "audit_log"

    # The position in the chain (1, 2, 3...), given by the head row, not by a sequence: a gap
    # would be indistinguishable from a removed entry.
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), nullable=False, index=True)
    actor: Mapped[str] = mapped_column(sa.String(200), nullable=False, index=True)
    action: Mapped[str] = mapped_column(sa.String(100), nullable=False, index=True)
    target_type: Mapped[str | None] = mapped_column(sa.String(50), nullable=True)
    target_id: Mapped[str | None] = mapped_column(sa.String(100), nullable=True, index=True)
    application_id: Mapped[str | None] = mapped_column(sa.String(64), nullable=True, index=True)
    client: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, nullable=False)
    prev_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)


class AuditHeadMixin:
    """The ``audit_chain_head`` row: the last seq and hash (its lock orders the appends)."""

    __tablename__ = "audit_chain_head"

    name: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    seq: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    checked: int
    first_invalid_id: int | None


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def entry_hash(prev_hash: str, *, seq: int, at: datetime, actor: str, action: str, target_type: str | None,
               target_id: str | None, application_id: str | None, client: str | None,
               detail: dict[str, Any]) -> str:
    body = f"[{seq}{_body_after_seq(at, actor, action, target_type, target_id, application_id, client, detail)}"
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def _entry(*, actor: str, action: str, target_type: str | None = None, target_id: str | None = None,
           application_id: str | None = None, client: str | None = None, detail: dict[str, Any] | None = None,
           at: datetime | None = None) -> dict[str, Any]:
    """An entry's columns but its position and hashes, cut to the columns' sizes."""
    return {
        "at": _utc(at or datetime.now(UTC)), "actor": actor[:200], "action": action[:100],
        "target_type": target_type, "target_id": target_id, "application_id": application_id,
        "client": (client or None) and client[:100], "detail": dict(detail or {}),
    }


def _one_statement_params(fields: dict[str, Any]) -> dict[str, Any]:
    """What :meth:`Auditor._one_statement` is executed with for an entry's ``fields``."""
    return {**fields, "body_after_seq": _body_after_seq(**fields)}


def _body_after_seq(at: datetime, actor: str, action: str, target_type: str | None, target_id: str | None,
                    application_id: str | None, client: str | None, detail: dict[str, Any]) -> str:
    """The hashed body of an entry is the JSON array ``[seq, at, actor, ...]``; this is what
    follows its seq (``,"2026-...",...]``), so PostgreSQL can hash an entry whose seq it takes
    from the head in the same statement. ASCII only, so its UTF-8 bytes are these characters."""
    rest = json.dumps([0, _utc(at).isoformat(timespec="microseconds"), actor, action, target_type, target_id,
                       application_id, client, detail], sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      default=str)
    return rest[2:]  # after "[0"


def _hash_of(row: AuditMixin) -> str:
    return entry_hash(row.prev_hash, seq=row.id, at=row.at, actor=row.actor, action=row.action,
                      target_type=row.target_type, target_id=row.target_id, application_id=row.application_id,
                      client=row.client, detail=row.detail or {})


class Auditor:
    def __init__(self, model: type[AuditMixin]) -> None:
        self.model = model

    def _take_head(self, session: Session) -> tuple[int, str]:
        # The UPDATE takes the row's write lock until commit: concurrent appends queue here.
        touched = session.execute(
            sa.update(_HEAD).where(_HEAD.c.name == HEAD_NAME).values(seq=_HEAD.c.seq + 1)
            .returning(_HEAD.c.seq, _HEAD.c.hash))
        row = touched.first()
        if row is None:  # a database whose head row went missing: start it (the gap shows in verify)
            last = session.execute(sa.select(sa.func.max(self.model.id))).scalar() or 0
            last_hash = session.execute(sa.select(self.model.hash).where(self.model.id == last)).scalar()
            session.execute(sa.insert(_HEAD).values(name=HEAD_NAME, seq=last + 1, hash=last_hash or GENESIS))
            return last + 1, last_hash or GENESIS
        return int(row.seq), str(row.hash)

    def _append(self, session: Session, fields: dict[str, Any]) -> None:
        """Runs in the committing session (sync, inside SQLAlchemy's greenlet): on PostgreSQL one
        statement; elsewhere the head, then the entry and the head's new hash."""
        if session.get_bind().dialect.name == "postgresql" and self._append_in_one(session, fields):
            return
        seq, prev = self._take_head(session)
        digest = entry_hash(prev, seq=seq, **fields)
        table = self.model.__table__  # type: ignore[attr-defined]
        entry = sa.insert(table).values(id=seq, prev_hash=prev, hash=digest, **fields)
        new_head = sa.update(_HEAD).where(_HEAD.c.name == HEAD_NAME).values(hash=digest)
        if session.get_bind().dialect.name == "postgresql":
            session.execute(new_head.add_cte(entry.returning(table.c.id).cte("audit_entry")))
        else:  # SQLite has no data-modifying CTE
            session.execute(entry)
            session.execute(new_head)

    def _append_in_one(self, session: Session, fields: dict[str, Any]) -> bool:
        """PostgreSQL: the head locked and advanced, the entry hashed by the database (``sha256``
        over the same bytes :func:`entry_hash` hashes) and inserted, in one statement; False
        (nothing written) when the head row is missing. The head is read ``FOR UPDATE``: after
        waiting for another append's commit PostgreSQL returns the row as that commit left it
        (not as the statement's snapshot saw it), and the UPDATE follows it likewise."""
        return session.execute(self._one_statement(), _one_statement_params(fields)).first() is not None

    def _one_statement(self) -> sa.Insert:
        statement: sa.Insert | None = getattr(self, "_in_one", None)
        if statement is None:
            table = self.model.__table__  # type: ignore[attr-defined]
            old = (sa.select(_HEAD.c.name, _HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.name == HEAD_NAME)
                   .with_for_update().cte("audit_head"))
            seq = old.c.seq + 1
            hashed = old.c.hash + "\n[" + sa.cast(seq, sa.String) + sa.bindparam("body_after_seq", type_=sa.String)
            digest = sa.func.encode(sa.func.sha256(sa.func.convert_to(hashed, "UTF8")), "hex")
            new = (sa.update(_HEAD).where(_HEAD.c.name == old.c.name).values(seq=seq, hash=digest)
                   .returning(_HEAD.c.seq, _HEAD.c.hash, old.c.hash.label("prev")).cte("audit_advanced"))
            names = ("at", "actor", "action", "target_type", "target_id", "application_id", "client", "detail")
            values = [sa.bindparam(n, type_=table.c[n].type) for n in names]
            statement = self._in_one = (
                sa.insert(table)
                .from_select(["id", *names, "prev_hash", "hash"], sa.select(new.c.seq, *values, new.c.prev, new.c.hash))
                .returning(table.c.id))
        return statement

    async def record(self, session: AsyncSession, *, actor: str, action: str, target_type: str | None = None,
                     target_id: str | None = None, application_id: str | None = None, client: str | None = None,
                     detail: dict[str, Any] | None = None, at: datetime | None = None) -> None:
        """Stages one entry in the caller's transaction: it is appended as that transaction
        commits, and dropped if it rolls back."""
        fields = _entry(actor=actor, action=action, target_type=target_type, target_id=target_id,
                        application_id=application_id, client=client, detail=detail, at=at)
        session.sync_session.info.setdefault(_PENDING, []).append((self, fields))

    async def record_alone(self, sessions: async_sessionmaker[AsyncSession], **fields: Any) -> None:
        """Appends one entry by itself (a view: nothing else is written), appended when this
        returns. PostgreSQL: the append's one statement on a connection in AUTOCOMMIT (a statement
        is atomic by itself): one round trip where ``BEGIN``, the append and ``COMMIT`` were
        three, and the head locked for that statement only. Elsewhere, or when the head row is
        missing, its own short transaction."""
        bind = sessions.kw.get("bind")
        if isinstance(bind, AsyncEngine) and bind.dialect.name == "postgresql":
            entry = _entry(**fields)
            async with single_statement(bind) as conn:  # every audited view: on the driver's connection
                if await first_row(conn, self._one_statement(), _one_statement_params(entry)) is not None:
                    return
        async with sessions() as session, session.begin():
            await self.record(session, **fields)

    async def verify(self, session: AsyncSession, *, batch: int = 1000) -> AuditCheck:
        """Walks the whole chain in order; the first seq whose content, link or position is wrong."""
        expected_prev, expected_seq, checked = GENESIS, 1, 0
        while True:
            rows = (await session.execute(
                sa.select(self.model).where(self.model.id >= expected_seq).order_by(self.model.id).limit(batch)
            )).scalars().all()
            for row in rows:
                if row.id != expected_seq or row.prev_hash != expected_prev or _hash_of(row) != row.hash:
                    return AuditCheck(False, checked, expected_seq)
                expected_prev, expected_seq, checked = row.hash, row.id + 1, checked + 1
            if len(rows) < batch:
                break
        head = (await session.execute(sa.select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.name == HEAD_NAME))).first()
        if head is not None and (int(head.seq) != checked or (checked and head.hash != expected_prev)):
            return AuditCheck(False, checked, checked + 1 if int(head.seq) > checked else checked)
        return AuditCheck(True, checked, None)

    async def search(self, session: AsyncSession, *, actor: str | None = None, action: str | None = None,
                     application_id: str | None = None, target_id: str | None = None,
                     since: datetime | None = None, until: datetime | None = None, limit: int = 50,
                     offset: int = 0) -> list[Any]:
        """Newest first."""
        m = self.model
        query = sa.select(m)
        for column, value in ((m.actor, actor), (m.action, action), (m.application_id, application_id),
                              (m.target_id, target_id)):
            if value is not None:
                query = query.where(column == value)
        if since is not None:
            query = query.where(m.at >= since)
        if until is not None:
            query = query.where(m.at < until)
        return list((await session.execute(query.order_by(m.id.desc()).limit(limit).offset(offset))).scalars())


@event.listens_for(Session, "before_commit")
def _append_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, ())
    if pending:
        session.flush()  # the action's own writes first: the head is locked only for the append
    for auditor, fields in pending:
        auditor._append(session, fields)


@event.listens_for(Session, "after_transaction_end")
def _drop_rolled_back(session: Session, transaction: SessionTransaction) -> None:
    # A transaction that ended without committing (rolled back, or closed) takes its entries along.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
