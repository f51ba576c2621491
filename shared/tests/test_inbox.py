"""The inbox (shared/inbox.py) with the claim carried by the effect's first read, on SQLite and
PostgreSQL: an event takes effect once however it is redelivered; the claim rides in the read on
PostgreSQL (no statement of its own); an effect that never reads claims as it ends, and a
duplicate then rolls its writes back; two deliveries at once take effect once."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import MetaData, String, bindparam, event, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.bus.envelope import EventEnvelope, utcnow
from shared.database import NAMING_CONVENTION, create_engine, make_session_factory, single_statement
from shared.inbox import Claim, handle_once, read_claiming
from shared.outbox import InboxMixin
from shared.tests.round_trips import simple_queries


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Inbox(InboxMixin, Base):
    pass


class Counter(Base):
    __tablename__ = "counter"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    events: Mapped[str] = mapped_column(String(2000), default="")


_READ = select(Counter.id, Counter.events).where(Counter.id == bindparam("counter_id")).with_for_update()


@pytest.fixture(params=["sqlite_url", "pg_url"])
def db_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(request.param))


@contextlib.asynccontextmanager
async def counter_sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a database with the inbox and one counter ``c``."""
    engine = create_engine(db_url)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    factory = make_session_factory(engine)
    async with factory() as s, s.begin():
        s.add(Counter(id="c", events=""))
    try:
        yield factory
    finally:
        await engine.dispose()


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with counter_sessions(db_url) as factory:
        yield factory


def envelope() -> EventEnvelope:
    return EventEnvelope(id=str(uuid.uuid4()), type="test.counted", occurred_at=utcnow(), correlation_id="c",
                         application_id="c", source="test", payload={})


async def counted(sessions: async_sessionmaker[AsyncSession]) -> tuple[str, int]:
    async with sessions() as s:
        events = (await s.execute(select(Counter.events).where(Counter.id == "c"))).scalar_one()
        claims = (await s.execute(select(func.count()).select_from(Inbox))).scalar_one()
    return events, int(claims)


async def reading_effect(session: AsyncSession, ev: EventEnvelope) -> None:
    row = await read_claiming(session, _READ, {"counter_id": "c"})
    assert row is not None
    await session.execute(update(Counter).where(Counter.id == "c")
                          .values(events=row.events + ev.id[:4] + ";"))


def _engine(sessions: async_sessionmaker[AsyncSession]) -> AsyncEngine:
    bind = sessions.kw["bind"]
    assert isinstance(bind, AsyncEngine)
    return bind


async def test_a_redelivered_event_takes_effect_once_and_the_claim_rides_in_the_read(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    ev, statements = envelope(), []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(_engine(sessions).sync_engine, "before_cursor_execute", seen)
    try:
        first = await handle_once(sessions, Inbox, "q", ev, reading_effect, claims_in_effect=True)
    finally:
        event.remove(_engine(sessions).sync_engine, "before_cursor_execute", seen)
    again = await handle_once(sessions, Inbox, "q", ev, reading_effect, claims_in_effect=True)
    assert (first, again) == (True, False)
    assert await counted(sessions) == (ev.id[:4] + ";", 1)
    standalone = [s for s in statements if s.lstrip().startswith("INSERT INTO inbox")]
    if _engine(sessions).dialect.name == "postgresql":
        assert standalone == [] and "INSERT INTO inbox" in statements[0] and len(statements) == 2
    else:
        assert len(standalone) == 1 and len(statements) == 3


async def test_an_effect_that_never_reads_is_claimed_as_it_ends_and_a_duplicate_rolls_back(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    ev, ran = envelope(), []

    async def writing_effect(session: AsyncSession, e: EventEnvelope) -> None:
        ran.append(e.id)
        await session.execute(update(Counter).where(Counter.id == "c")
                              .values(events=Counter.events + e.id[:4] + ";"))

    assert await handle_once(sessions, Inbox, "q", ev, writing_effect, claims_in_effect=True)
    assert not await handle_once(sessions, Inbox, "q", ev, writing_effect, claims_in_effect=True)
    assert len(ran) == 2  # the duplicate ran, and its write was rolled back
    assert await counted(sessions) == (ev.id[:4] + ";", 1)


async def test_a_read_that_finds_nothing_still_claims(sessions: async_sessionmaker[AsyncSession]) -> None:
    ev = envelope()

    async def unknown(session: AsyncSession, e: EventEnvelope) -> None:
        assert await read_claiming(session, _READ, {"counter_id": "nobody"}) is None

    assert await handle_once(sessions, Inbox, "q", ev, unknown, claims_in_effect=True)
    assert await counted(sessions) == ("", 1)


@pytest.mark.postgres
@pytest.mark.parametrize("claims_in_effect", [True, False], ids=["claim-in-read", "claim-in-begin"])
async def test_deliveries_at_once_take_effect_once(pg_url: str, claims_in_effect: bool) -> None:
    engine = create_engine(pg_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.run_sync(Base.metadata.create_all)
        sessions = make_session_factory(engine)
        async with sessions() as s, s.begin():
            s.add(Counter(id="c", events=""))
        events = [envelope() for _ in range(5)]
        effect = reading_effect if claims_in_effect else _writing
        done = await asyncio.gather(*(handle_once(sessions, Inbox, "q", ev, effect, claims_in_effect=claims_in_effect)
                                      for ev in events for _ in range(3)))
        assert sorted(done) == [False] * 10 + [True] * 5
        got, claims = await counted(sessions)
        assert sorted(got.rstrip(";").split(";")) == sorted(ev.id[:4] for ev in events) and claims == 5
    finally:
        await engine.dispose()


async def _writing(session: AsyncSession, e: EventEnvelope) -> None:
    await session.execute(update(Counter).where(Counter.id == "c").values(events=Counter.events + e.id[:4] + ";"))


async def test_a_standalone_claim_rides_in_the_begin_on_postgresql(sessions: async_sessionmaker[AsyncSession],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``claims_in_effect`` (an effect that sends an email, say) the claim is the
    transaction's first statement: on PostgreSQL written into the ``BEGIN``'s round trip."""
    ev, statements = envelope(), []
    sent = simple_queries(monkeypatch)

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(_engine(sessions).sync_engine, "before_cursor_execute", seen)
    try:
        assert await handle_once(sessions, Inbox, "q.mail", ev, _writing)
        assert not await handle_once(sessions, Inbox, "q.mail", ev, _writing)
    finally:
        event.remove(_engine(sessions).sync_engine, "before_cursor_execute", seen)
    assert await counted(sessions) == (ev.id[:4] + ";", 1)
    if _engine(sessions).dialect.name == "postgresql":
        claim = (f"BEGIN ISOLATION LEVEL READ COMMITTED; INSERT INTO inbox (event_id, consumer, event_type, "
                 f"processed_at) VALUES ('{ev.id}', 'q.mail', 'test.counted', now()) ON CONFLICT DO NOTHING")
        assert sent[:4] == [claim, "COMMIT", claim, "COMMIT"]  # then the count's read
        assert len(statements) == 1 and statements[0].lstrip().startswith("UPDATE counter")
    else:
        assert sum(s.lstrip().startswith("INSERT INTO inbox") for s in statements) == 2


async def test_a_failed_effect_leaves_no_claim_and_an_odd_id_takes_the_usual_claim(
        sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch) -> None:
    ev = envelope()

    async def failing(session: AsyncSession, e: EventEnvelope) -> None:
        await _writing(session, e)
        raise ConnectionError("SMTP away")

    with pytest.raises(ConnectionError):
        await handle_once(sessions, Inbox, "q.mail", ev, failing)
    assert await counted(sessions) == ("", 0)
    assert await handle_once(sessions, Inbox, "q.mail", ev, _writing)  # the redelivery takes effect
    # An id that is not plainly safe to write as a literal: claimed with parameters, as before.
    odd = EventEnvelope(id="it's-'; --", type="test.counted", correlation_id="c", source="test")
    sent = simple_queries(monkeypatch)
    assert await handle_once(sessions, Inbox, "q.mail", odd, _writing)
    assert not await handle_once(sessions, Inbox, "q.mail", odd, _writing)
    assert not any("it''s" in q or "it's" in q for q in sent)
    assert await counted(sessions) == (ev.id[:4] + ";" + odd.id[:4] + ";", 2)


_GUARD = select(Counter.id).where(Counter.id == bindparam("counter_id")).with_for_update().cte("guard")


def first_try_counting(sessions: async_sessionmaker[AsyncSession], tried: list[bool | None],
                       *, take: bool = True) -> Any:
    """A first try (PostgreSQL): the counter's update and the claim in one statement, outside any
    transaction, the update only if claimed; ``take=False`` declines (None)."""

    async def first_try(ev: EventEnvelope, claim: Claim) -> bool | None:
        if not take:
            tried.append(None)
            return None
        claimed = claim.after(_GUARD)
        write = (update(Counter).where(Counter.id == bindparam("counter_id"), exists(claimed.select()))
                 .values(events=Counter.events + bindparam("mark")))
        statement = select(exists(claimed.select()).label("claimed")).add_cte(write.cte("write"))
        async with single_statement(_engine(sessions)) as conn:
            row = (await conn.execute(statement, {"counter_id": "c", "mark": ev.id[:4] + ";", **claim.values})).one()
        tried.append(bool(row.claimed))
        return bool(row.claimed)

    return first_try


@pytest.mark.postgres
async def test_a_first_try_takes_effect_once_with_its_claim_and_a_declined_one_runs_the_transaction(
        pg_url: str) -> None:
    async with counter_sessions(pg_url) as sessions:
        ev, tried, ran = envelope(), list[bool | None](), list[str]()

        async def effect(session: AsyncSession, e: EventEnvelope) -> None:
            ran.append(e.id)
            await reading_effect(session, e)

        first_try = first_try_counting(sessions, tried)
        assert await handle_once(sessions, Inbox, "q", ev, effect, claims_in_effect=True, first_try=first_try)
        assert not await handle_once(sessions, Inbox, "q", ev, effect, claims_in_effect=True, first_try=first_try)
        assert tried == [True, False] and ran == []  # the redelivery wrote nothing: the update is conditional
        assert await counted(sessions) == (ev.id[:4] + ";", 1)
        # Two deliveries at once: one claims, the other finds the claim (after waiting for its commit).
        other = envelope()
        both = await asyncio.gather(*(handle_once(sessions, Inbox, "q", other, effect, claims_in_effect=True,
                                                  first_try=first_try) for _ in range(2)))
        assert sorted(both) == [False, True]
        assert await counted(sessions) == (ev.id[:4] + ";" + other.id[:4] + ";", 2)
        # Declined: the effect runs in the inbox's transaction, claiming as usual.
        third = envelope()
        declining = first_try_counting(sessions, tried, take=False)
        assert await handle_once(sessions, Inbox, "q", third, effect, claims_in_effect=True, first_try=declining)
        assert ran == [third.id] and tried[-1] is None
        assert (await counted(sessions))[1] == 3
