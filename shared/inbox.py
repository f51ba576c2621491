"""The idempotent consumer's inbox: an event's id is recorded (claimed) in the transaction of its
effect, so a redelivered event takes effect once (its table: ``shared.outbox.InboxMixin``).

The claim is usually the transaction's first statement; on PostgreSQL it rides in the
transaction's ``BEGIN`` (``shared/begin_carrying.py``: one round trip for both, its values
written as checked literals). A consumer whose effects are all in that
transaction (rows and outbox events, no email sent or call made from the handler) may subscribe
with ``claims_in_effect``: its effect then carries the claim in its first read
(:func:`read_claiming`: on PostgreSQL a data-modifying CTE of that read, one round trip fewer per
event), and an effect that never calls it is claimed as its transaction ends, a duplicate then
rolling everything back. Either way the claim commits, or not, with the effect.

A consumer may also offer a *first try* (``first_try``): the effect and its claim as one
statement on a connection in AUTOCOMMIT, guarded by what the effect read beforehand (PostgreSQL;
:meth:`Claim.after`). It answers True (done), False (processed already) or None (it could not:
the guard found the rows moved, or the case is not one it takes), and None runs the effect in
its transaction as above. One statement is atomic: the claim still commits, or not, with the
effect.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CTE, Select, Table, bindparam, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.begin_carrying import CLAIMED, NOW, begin_carrying, claim_text
from shared.bus.envelope import EventEnvelope, utcnow
from shared.dialects import conflict_insert
from shared.direct_sql import first_row_in
from shared.outbox import InboxMixin
from shared.staged_rows import bound

AnySelect = Select[*tuple[Any, ...]]
_PENDING = "shared.inbox.pending"  # session.info: the claim an effect is to carry
_COLUMNS = ("event_id", "consumer", "event_type", "processed_at")


class AlreadyHandled(Exception):
    """The claim found the event processed by this consumer: the effect stops, changing nothing."""


@dataclass
class Claim:
    """The inbox row an event's effect is to carry."""

    table: Table
    values: dict[str, Any]  # bound as inbox_<column>
    taken: bool = False  # whether a statement carried it already

    def after(self, guard: CTE) -> CTE:
        """PostgreSQL: the claim as a data-modifying CTE inserting its row only if ``guard`` (a
        CTE of the effect's statement) yields a row, returning the event id when it claimed (no
        row: the guard failed, or the event was processed already). The effect's writes are to
        be conditional on it (``EXISTS``). Executed with :attr:`values` among the parameters."""
        key = (self.table, id(guard))
        found = _AFTER.get(key)
        if found is None:
            values = select(*(param.label(c) for c, param in bound(self.table, _COLUMNS, "inbox").items()))
            found = _AFTER[key] = (guard, conflict_insert("postgresql")(self.table)
                                   .from_select(list(_COLUMNS), values.select_from(guard))
                                   .on_conflict_do_nothing().returning(self.table.c.event_id).cte("inbox_claim"))
        return found[1]


# A consumer's first try (see the module's docstring): True done, False processed already, None
# not taken (the transaction runs the effect).
FirstTry = Callable[[EventEnvelope, Claim], Awaitable[bool | None]]


# The claim for each (inbox table, dialect), built once: an event then costs no statement
# construction or cache-key walk of a fresh ``.values()``; its row goes as parameters.
_CLAIMS: dict[tuple[Table, str], Any] = {}
# (inbox table, id of a guard) -> (the guard, kept alive; the claim after it).
_AFTER: dict[tuple[Table, int], tuple[CTE, CTE]] = {}
# (read, inbox table) -> the read carrying the claim (PostgreSQL). Keyed by id, the read kept alive.
_CARRIERS: dict[tuple[int, Table], tuple[AnySelect, AnySelect]] = {}


def _claim_statement(table: Table, dialect: str) -> Any:
    statement = _CLAIMS.get((table, dialect))
    if statement is None:
        insert = conflict_insert(dialect)
        statement = _CLAIMS[(table, dialect)] = (
            insert(table).values({c: bindparam(f"inbox_{c}") for c in _COLUMNS})
            .on_conflict_do_nothing().returning(table.c.event_id))
    return statement


async def _claim(session: AsyncSession, claim: Claim) -> bool:
    """One round trip: the insert claims the event, or finds it already processed."""
    claim.taken = True
    statement = _claim_statement(claim.table, session.get_bind().dialect.name)
    return (await session.execute(statement, claim.values)).first() is not None


def _carrying(query: AnySelect, table: Table) -> AnySelect:
    found = _CARRIERS.get((id(query), table))
    if found is None:
        claim = _claim_statement(table, "postgresql").cte("inbox_claim")
        carrier = query.add_cte(claim).add_columns(exists(select(claim.c.event_id)).label("inbox_claimed"))
        found = _CARRIERS[(id(query), table)] = (query, carrier)
    return found[1]


async def read_claiming(session: AsyncSession, query: AnySelect, params: dict[str, Any]) -> Any:
    """The first row of ``query``, the effect's first read, carrying the event's claim when the
    consumer subscribed with ``claims_in_effect`` (else just the read). Raises
    :class:`AlreadyHandled` when the event was processed already. None when the read finds no
    row: the claim was made all the same (on PostgreSQL, unless processed already)."""
    claim: Claim | None = session.info.get(_PENDING)
    if claim is None or claim.taken:
        return (await session.execute(query, params)).first()
    if session.get_bind().dialect.name != "postgresql":  # no data-modifying CTE: claimed first
        if not await _claim(session, claim):
            raise AlreadyHandled()
        return (await session.execute(query, params)).first()
    claim.taken = True
    # On the driver's connection directly (shared/direct_sql.py): every event of a consumer
    # with ``claims_in_effect`` sends it.
    row = await first_row_in(session, _carrying(query, claim.table), {**params, **claim.values})
    if row is not None and not row.inbox_claimed:
        raise AlreadyHandled()
    return row


async def handle_once(
    session_factory: async_sessionmaker[AsyncSession],
    inbox_model: type[InboxMixin],
    consumer: str,
    event_: EventEnvelope,
    effect: Callable[[AsyncSession, EventEnvelope], Awaitable[None]],
    *,
    claims_in_effect: bool = False,
    first_try: FirstTry | None = None,
) -> bool:
    """Run ``effect`` and record the event in the inbox in one transaction.

    Returns False (and does nothing) when this consumer already processed the event.
    ``claims_in_effect``, ``first_try``: see the module's docstring (only for effects whose
    every write is in the transaction)."""
    claim = Claim(inbox_model.__table__,  # type: ignore[attr-defined]
                   {"inbox_event_id": event_.id, "inbox_consumer": consumer, "inbox_event_type": event_.type,
                    "inbox_processed_at": utcnow()})
    if first_try is not None:
        done = await first_try(event_, claim)
        if done is not None:
            return done
    try:
        async with session_factory() as session, session.begin():
            if not claims_in_effect:
                carried = claim_text(session, claim.table, {
                    c: NOW if c == "processed_at" else claim.values[f"inbox_{c}"] for c in _COLUMNS})
                if carried is not None:  # PostgreSQL: the claim rides in the BEGIN
                    async with begin_carrying(session, carried) as status:
                        if status != CLAIMED:
                            return False
                        await effect(session, event_)
                    return True
                if not await _claim(session, claim):
                    return False
                await effect(session, event_)
                return True
            session.info[_PENDING] = claim
            try:
                await effect(session, event_)
            finally:
                session.info.pop(_PENDING, None)
            if not claim.taken and not await _claim(session, claim):
                raise AlreadyHandled()  # after the effect: roll it back
        return True
    except AlreadyHandled:
        return False
    except IntegrityError:
        # A concurrent delivery of the same event won the race and committed first.
        return False
