"""``Idempotency-Key`` on the public APIs' non-idempotent POSTs (draft-ietf-httpapi-idempotency-key-header).

A client that did not get an answer (a dropped connection, a restarted service) sends the same
POST again with the same key: the first answer comes back (status, body, Content-Type, Location)
and nothing runs again. The same key with another body is 422; the same key while the first
request still runs is 409. Without the header a request behaves as it always did.

The record lives in the service's own database (``idempotency_keys``), so replicas share it: a
request claims its key with an INSERT on the primary key before the handler runs, and keeps the
claim alive while the handler works. A claim left by a process that died expires after
:data:`LEASE_SECONDS` and the next attempt takes it over. Answers are kept :data:`RETENTION_SECONDS`
(24 h), their bodies encrypted with the service's data keys (an answer may carry a secret, e.g. a
rotated webhook secret). The key is scoped to the caller (a verified service caller, else a keyed
hash of the Authorization header or the cookies: never the raw token) and to method and path.

Order: :func:`install_idempotency` is called before ``runtime.install`` so that this middleware
sits inside the body-size limit (an oversized body is refused before it is read here).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.crypto import EncryptedBytes
from shared.database import session_class, single_statement
from shared.dialects import conflict_insert
from shared.direct_sql import first_row
from shared.errors import Problem, problem_response
from shared.idempotency_marks import (
    COMMITTED,
    ActiveClaim,
    activate,
    deactivate,
    decode_notes,
    watch_sessions,
)
from shared.idempotency_openapi import DEFAULT_EXEMPT, HEADER, covered_routes, idempotency_openapi
from shared.logging import get_logger

if TYPE_CHECKING:
    from shared.runtime import ServiceRuntime

log = get_logger(__name__)

LEASE_SECONDS = 20.0  # a claim not renewed for this long belongs to a dead process (renewed every third of it)
RETENTION_SECONDS = 24 * 3600.0
PURGE_EVERY_SECONDS = 3600.0
# draft: an sf-string; here 1-255 printable ASCII characters (space included).
_KEY_SYNTAX = re.compile(r"^[\x20-\x7e]{1,255}$")
# The answer's headers that belong to it (the rest, e.g. security headers and the correlation id,
# are added again by the outer middlewares on the replay).
_KEPT_HEADERS = frozenset({b"content-type", b"location", b"content-location", b"etag", b"last-modified", b"link"})
# Answers not kept (the request released, so a retry runs it again): nothing happened, or the
# caller was not admitted yet.
_NOT_KEPT = frozenset({401, 403, 408, 425, 429})


class IdempotencyKeyMixin:
    """The ``idempotency_keys`` table (each service's db/models.py declares it)."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # HMAC of caller, method, path, key
    fingerprint: Mapped[str] = mapped_column(sa.String(64), nullable=False)  # HMAC of the raw body
    claim: Mapped[str] = mapped_column(sa.String(32), nullable=False)  # the attempt that runs it
    # Epoch seconds (compare the same on SQLite and PostgreSQL, as the throttle's counters).
    locked_until: Mapped[float] = mapped_column(sa.Float, nullable=False)
    expires_at: Mapped[float] = mapped_column(sa.Float, nullable=False, index=True)
    status: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)  # None: still running
    headers: Mapped[list[list[str]] | None] = mapped_column(sa.JSON, nullable=True)
    body: Mapped[bytes | None] = mapped_column(EncryptedBytes("idempotency_keys.body"), nullable=True)


@dataclass(frozen=True)
class Replay:
    notes: dict[str, Any]


@dataclass(frozen=True)
class Stored:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class IdempotencyStore:
    """Claims, completes, releases and purges records in one service's ``idempotency_keys``."""

    def __init__(self, engine: AsyncEngine, table: sa.Table, *, lease: float = LEASE_SECONDS,
                 retention: float = RETENTION_SECONDS) -> None:
        self.engine = engine
        self.t = table
        self.lease = lease
        self.retention = retention
        # Built once (the row and the answer go as parameters): no statement construction or
        # cache-key walk of literal values on every keyed POST.
        # Each answers a row when it took effect; sent on the driver's connection directly
        # where it can (shared/direct_sql.py): every keyed POST sends both.
        self._claim_new = self._insert().on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key)
        self._store_answer = (sa.update(table).where(table.c.key == sa.bindparam("b_key"),
                                                     table.c.claim == sa.bindparam("b_claim"))
                              .returning(table.c.key))

    def _insert(self) -> Any:
        return conflict_insert(self.engine.dialect.name)(self.t)

    async def claim(self, key: str, fingerprint: str, claim: str) -> Stored | Replay | Problem | None:
        """None: this attempt now owns the key and runs the handler. Replay: it owns it too, and an
        earlier attempt's effects committed with these notes (its answer was lost). Else the stored
        answer to replay, or the problem to answer (another body: 422; still running: 409)."""
        t, now = self.t, time.time()
        fresh = {"fingerprint": fingerprint, "claim": claim, "locked_until": now + self.lease,
                 "expires_at": now + self.retention, "status": None, "headers": None, "body": None}
        # The usual case, a new key: the INSERT alone claims it, a statement atomic by itself
        # (on PostgreSQL without BEGIN and COMMIT: 1 round trip instead of 3).
        async with single_statement(self.engine) as conn:
            inserted = await first_row(conn, self._claim_new, {"key": key, **fresh})
        if inserted is not None:
            return None
        # A known key: read it and decide in one transaction (the INSERT again, in case the row
        # was purged in between).
        async with self.engine.begin() as conn:
            inserted = await conn.execute(self._insert().values(key=key, **fresh).on_conflict_do_nothing(
                index_elements=["key"]))
            if inserted.rowcount:
                return None
            row = (await conn.execute(sa.select(t).where(t.c.key == key))).mappings().first()
            if row is None:  # purged between the two statements: the next attempt inserts
                return Problem(409, "a request with this Idempotency-Key is being processed; retry",
                               headers={"Retry-After": "1"})
            expired = row["expires_at"] <= now
            if not expired and row["fingerprint"] != fingerprint:
                return Problem(422, f"this {HEADER} was used with another request body",
                               errors=[{"field": HEADER, "message": "already used with another request body"}])
            committed = not expired and row["status"] == COMMITTED
            if not expired and row["status"] is not None and not committed:
                return Stored(row["status"], [(n.encode("latin-1"), v.encode("latin-1"))
                                              for n, v in row["headers"] or []], row["body"] or b"")
            if not expired and row["locked_until"] > now:
                wait = max(1, int(row["locked_until"] - now + 0.999))
                return Problem(409, f"a request with this {HEADER} is still being processed; retry later",
                               headers={"Retry-After": str(min(wait, 5))})
            # Expired, or left by a process that died: take it over unless another attempt just did.
            # A claim whose effects committed keeps its notes: this attempt answers from them.
            values = {"claim": claim, "locked_until": now + self.lease} if committed else fresh
            taken = await conn.execute(sa.update(t).where(t.c.key == key, t.c.claim == row["claim"])
                                       .values(**values))
            if taken.rowcount:
                log.warning("idempotency claim taken over", expired=expired, committed=committed)
                return Replay(decode_notes(row["body"])) if committed else None
        return Problem(409, f"a request with this {HEADER} is being processed; retry", headers={"Retry-After": "1"})

    async def renew(self, key: str, claim: str) -> None:
        async with single_statement(self.engine) as conn:
            await conn.execute(sa.update(self.t).where(self.t.c.key == key, self.t.c.claim == claim,
                                                       sa.or_(self.t.c.status.is_(None),
                                                              self.t.c.status == COMMITTED))
                               .values(locked_until=time.time() + self.lease))

    async def complete(self, key: str, claim: str, answer: Stored) -> None:
        headers = [[n.decode("latin-1"), v.decode("latin-1")] for n, v in answer.headers]
        async with single_statement(self.engine) as conn:
            done = await first_row(conn, self._store_answer, {"b_key": key, "b_claim": claim, "status": answer.status,
                                                              "headers": headers, "body": answer.body})
        if done is None:
            log.warning("idempotency claim lost before the answer was stored")

    async def release(self, key: str, claim: str) -> None:
        """The attempt ended without an answer to keep: a retry runs it again, at once; one whose
        effects committed keeps its notes for that retry."""
        t = self.t
        async with self.engine.begin() as conn:
            await conn.execute(sa.delete(t).where(t.c.key == key, t.c.claim == claim, t.c.status.is_(None)))
            await conn.execute(sa.update(t).where(t.c.key == key, t.c.claim == claim, t.c.status == COMMITTED)
                               .values(locked_until=0.0))

    async def purge_expired(self) -> int:
        async with self.engine.begin() as conn:
            result = await conn.execute(sa.delete(self.t).where(self.t.c.expires_at <= time.time()))
        return int(result.rowcount or 0)


def key_problem(value: str) -> Problem | None:
    if _KEY_SYNTAX.match(value):
        return None
    return Problem(400, f"{HEADER} must be 1 to 255 printable ASCII characters",
                   errors=[{"field": HEADER, "message": "1 to 255 printable ASCII characters"}])


class IdempotencyMiddleware:
    """Runs the covered POSTs carrying an ``Idempotency-Key`` at most once per key (see module)."""

    def __init__(self, app: ASGIApp, *, owner: FastAPI, store: IdempotencyStore, secret: bytes,
                 principal: Any, exempt: frozenset[str]) -> None:
        self.app = app
        self.owner = owner
        self.store = store
        self.secret = secret
        self.principal = principal  # (headers: dict[bytes, bytes]) -> str
        self.exempt = exempt
        self._routes: list[re.Pattern[str]] | None = None

    def _covered(self, scope: Scope) -> bool:
        if self._routes is None:  # resolved at the first request: routers are included after this
            self._routes = [r.path_regex for r in covered_routes(self.owner, self.exempt)]
        path, root = scope.get("path", ""), scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root):]
        return any(regex.match(path) for regex in self._routes)

    def _hash(self, *parts: bytes) -> str:
        return hmac.new(self.secret, b"\x1f".join(parts), hashlib.sha256).hexdigest()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        raw_key = headers.get(HEADER.lower().encode())
        if raw_key is None or not self._covered(scope):
            token = activate(None)  # an in-process caller's claim is not this request's
            try:
                await self.app(scope, receive, send)
            finally:
                deactivate(token)
            return
        problem = key_problem(raw_key.decode("latin-1"))
        if problem is not None:
            await problem_response(problem)(scope, receive, send)
            return
        body = await _read_body(receive)  # the body limit outside refuses an oversized one first
        if body is None:
            return  # nobody to answer, nothing claimed, nothing run
        caller = str(self.principal(headers)).encode()
        key = self._hash(b"key", caller, b"POST", scope.get("path", "").encode(), raw_key)
        fingerprint = self._hash(b"body", body)
        claim = uuid.uuid4().hex
        found = await self.store.claim(key, fingerprint, claim)
        if isinstance(found, Problem):
            await problem_response(found)(scope, receive, send)
            return
        if isinstance(found, Stored):
            await _replay(found, send)
            return
        active = ActiveClaim(self.store.t, self.store.engine.sync_engine, key, claim,
                             replay=found.notes if isinstance(found, Replay) else None)
        token = activate(active)
        try:
            await self._run(scope, _replaying(body, receive), send, key, claim)
        finally:
            deactivate(token)

    async def _run(self, scope: Scope, receive: Receive, send: Send, key: str, claim: str) -> None:
        status = 0
        kept: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                kept.extend((n.lower(), v) for n, v in message.get("headers", []) if n.lower() in _KEPT_HEADERS)
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))
            await send(message)

        renewer = asyncio.create_task(self._renew(key, claim))
        stored = False
        try:
            await self.app(scope, receive, capture)
            if status and status < 500 and status not in _NOT_KEPT:
                try:
                    await self.store.complete(key, claim, Stored(status, kept, b"".join(chunks)))
                except Exception:  # the answer is sent; the claim lapses and a retry runs it again
                    log.warning("could not store an idempotent answer", exc_info=True)
                stored = True
        finally:
            renewer.cancel()
            if not stored:  # an error, a 5xx or an unadmitted caller: a retry runs it again
                try:
                    await asyncio.shield(self.store.release(key, claim))
                except Exception:  # the claim lapses after its lease instead
                    log.warning("could not release an idempotency claim", exc_info=True)

    async def _renew(self, key: str, claim: str) -> None:
        while True:
            await asyncio.sleep(self.store.lease / 3)
            try:
                await self.store.renew(key, claim)
            except Exception:  # the database is away: the lease may lapse; the handler goes on
                log.warning("could not renew an idempotency claim", exc_info=True)


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body, or None when the client went away before sending it all."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # then the real stream: the disconnect, when it comes

    return again


async def _replay(answer: Stored, send: Send) -> None:
    headers = [(n, v) for n, v in answer.headers if n != b"content-length"]
    headers += [(b"content-length", str(len(answer.body)).encode()), (b"idempotent-replayed", b"true")]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body, "more_body": False})


def principal_of(runtime: ServiceRuntime, audience: str | None) -> Any:
    """Who a request comes from, for scoping keys: the verified service caller for a service token
    of this party's audience, else a hash of the Authorization header, else of the cookies."""

    def principal(headers: dict[bytes, bytes]) -> str:
        auth = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, token = auth.partition(" ")
        if audience and scheme.lower() == "bearer" and token.count(".") == 2:
            try:
                return "service:" + runtime.identity.verify(token.strip(), audience)
            except Exception:  # noqa: S110 - not a service token: scoped by its hash below
                pass
        if auth:
            return "authorization:" + hashlib.sha256(auth.encode("latin-1")).hexdigest()
        cookie = headers.get(b"cookie", b"")
        if cookie:
            return "cookie:" + hashlib.sha256(cookie).hexdigest()
        return "anonymous"

    return principal


def install_idempotency(app: FastAPI, runtime: ServiceRuntime, model: type[IdempotencyKeyMixin], *,
                        audience: str | None = None, exempt: Iterable[str] = DEFAULT_EXEMPT) -> IdempotencyStore:
    """Call before ``runtime.install(app)`` (the body limit must stay outside). ``audience``: the
    audience of this party's service tokens, so that a service caller's keys survive its token
    being renewed."""
    exempt = frozenset(exempt)
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    store = IdempotencyStore(runtime.engine, table)
    # Keys and fingerprints are hashed under a secret of this party's own (replicas share it).
    secret = hashlib.sha256(b"skk-idempotency\x1f" + (
        runtime.settings.service_signing_key_pem.get_secret_value() or runtime.settings.service_name).encode()).digest()
    app.add_middleware(IdempotencyMiddleware, owner=app, store=store, secret=secret,
                       principal=principal_of(runtime, audience), exempt=exempt)
    idempotency_openapi(app, exempt)
    watch_sessions(session_class(runtime.sessions))

    async def purge() -> None:
        while True:  # retention: answers are kept 24 h
            await asyncio.sleep(PURGE_EVERY_SECONDS)
            if gone := await store.purge_expired():
                log.info("expired idempotency keys purged", rows=gone)

    runtime.background(purge)
    app.state.idempotency = store
    return store
