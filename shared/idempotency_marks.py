"""What an idempotent request leaves behind in the transaction that commits its effects.

A process can die after a handler's transaction committed and before its answer is stored
(shared/idempotency.py). The client's retry takes the claim over once the lease lapses and
would run the handler again: a state machine then answers 409 for a step that did happen, and a
create makes a second record. So a handler that can answer a retry from what it stored says so
with :func:`remember` (e.g. the id it created) inside its transaction; the note is written to
the claim's row by that same commit (status :data:`COMMITTED`), so it exists exactly when the
effects do. An attempt that takes such a claim over finds the note through :func:`replayed` and
answers from the current state instead of acting again.
"""

from __future__ import annotations

import json
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

# ``idempotency_keys.status`` of a claim whose handler committed notes but stored no answer yet.
COMMITTED = 0


@dataclass
class ActiveClaim:
    table: sa.Table
    engine: Engine  # the service's (sync) engine: only its own transactions carry the note
    key: str
    claim: str
    replay: dict[str, Any] | None = None  # the notes of an earlier attempt whose effects committed
    notes: dict[str, Any] = field(default_factory=dict)
    # The notes a commit of this attempt wrote: a later commit with the same notes (a handler that
    # commits twice) has nothing to add and sends no UPDATE.
    written: dict[str, Any] | None = None


_ACTIVE: ContextVar[ActiveClaim | None] = ContextVar("idempotency_claim", default=None)


def activate(claim: ActiveClaim | None) -> Token[ActiveClaim | None]:
    return _ACTIVE.set(claim)


def deactivate(token: Token[ActiveClaim | None]) -> None:
    _ACTIVE.reset(token)


def replayed() -> dict[str, Any] | None:
    """The notes of an earlier attempt of this very request whose effects committed (its answer
    was lost), or None when this attempt is the first to act."""
    active = _ACTIVE.get()
    return None if active is None else active.replay


def remember(**notes: str | int) -> None:
    """Keep these notes with the request's claim, written by the transaction that commits next
    (call it inside the transaction whose effects the notes describe)."""
    active = _ACTIVE.get()
    if active is not None:
        active.notes.update(notes)


def encode_notes(notes: dict[str, Any]) -> bytes:
    return json.dumps(notes, sort_keys=True).encode()


def decode_notes(body: bytes | None) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def notes_update(table: sa.Table) -> sa.Update:
    """The notes' UPDATE of a claim's row, its values bound by name (:meth:`NotesWrite.params`).
    A claim another attempt took over is left alone (its own notes follow)."""
    return (sa.update(table).where(table.c.key == sa.bindparam("notes_key"),
                                   table.c.claim == sa.bindparam("notes_claim"),
                                   sa.or_(table.c.status.is_(None), table.c.status == COMMITTED))
            .values(status=COMMITTED, body=sa.bindparam("notes_body")))


@dataclass(frozen=True)
class NotesWrite:
    """The request's notes as one commit writes them: :func:`notes_update` with :meth:`params`,
    in the transaction of the effects, or inside the one statement that is the effects (a
    data-modifying CTE on an autocommit connection); :func:`notes_written` once it committed."""

    claim: ActiveClaim
    notes: dict[str, Any]

    def params(self) -> dict[str, Any]:
        return {"notes_key": self.claim.key, "notes_claim": self.claim.claim, "notes_body": encode_notes(self.notes)}


def notes_to_write(engine: Engine) -> NotesWrite | None:
    """The notes of the request in flight that a statement on ``engine`` (the service's sync
    engine) must write with its effects, or None (no request, no notes, or written already)."""
    active = _ACTIVE.get()
    if active is None or not active.notes or engine is not active.engine or active.written == active.notes:
        return None
    return NotesWrite(active, dict(active.notes))


def notes_written(write: NotesWrite) -> None:
    """The statement carrying ``write`` succeeded (autocommit: it is committed)."""
    write.claim.written = write.notes


# On the committing session's ``info``: the claim and the notes its transaction is writing, taken
# as written once that commit succeeded.
_WRITING = "idempotency_marks.writing"
# (statement, claims table) -> the statement carrying the notes' UPDATE (keyed by id, kept alive).
_CARRIERS: dict[tuple[int, sa.Table], tuple[sa.Select[Any], sa.Select[Any]]] = {}


def carrying_notes(session: AsyncSession, statement: sa.Select[Any],
                   params: dict[str, Any]) -> tuple[sa.Select[Any], dict[str, Any]]:
    """``statement`` (a read of ``session``'s transaction) with ``params``, on PostgreSQL carrying
    the request's pending notes as a data-modifying CTE: the commit then has them written
    already, one round trip fewer than its own UPDATE. Unchanged elsewhere or with no notes."""
    bind = session.get_bind()
    write = notes_to_write(bind) if isinstance(bind, Engine) else None
    if write is None or bind.dialect.name != "postgresql":
        return statement, params
    table = write.claim.table
    found = _CARRIERS.get((id(statement), table))
    if found is None:
        found = _CARRIERS[(id(statement), table)] = (statement, statement.add_cte(
            notes_update(table).cte("idempotency_notes")))
    session.info[_WRITING] = write  # taken as written by this transaction's commit
    return found[1], {**params, **write.params()}


def _before_commit(session: Session) -> None:
    active = _ACTIVE.get()
    if active is None or not active.notes or session.get_bind() is not active.engine:
        return
    if active.written == active.notes:
        return
    carried = session.info.get(_WRITING)
    if carried is not None and carried.notes == active.notes:
        return  # a statement of this transaction wrote them (carrying_notes)
    # Runs inside the committing transaction: the note and the effects commit together or not at
    # all. A claim another attempt took over is left alone (its own notes follow).
    write = NotesWrite(active, dict(active.notes))
    session.execute(notes_update(active.table), write.params())
    session.info[_WRITING] = write


def _after_commit(session: Session) -> None:
    writing = session.info.pop(_WRITING, None)
    if writing is not None:
        notes_written(writing)


def _after_rollback(session: Session) -> None:
    session.info.pop(_WRITING, None)  # the commit failed: the next one writes the notes again


_WATCHED: set[type[Session]] = set()


def watch_sessions(session_class: type[Session]) -> None:
    """Write the notes of the request in flight with every commit of this service's sessions."""
    if session_class not in _WATCHED:
        _WATCHED.add(session_class)
        event.listen(session_class, "before_commit", _before_commit)
        event.listen(session_class, "after_commit", _after_commit)
        event.listen(session_class, "after_rollback", _after_rollback)
