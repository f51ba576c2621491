"""Helpers of the account tests: a second client address, the emails the portal asked to send,
links read out of them."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import unquote

import httpx
from sqlalchemy import select

from services.portal.db.models import AuditEntry, OutboxEvent, User
from services.portal.tests.factories import PASSWORD, Portal, activation_token_from
from shared.contracts.events import EmailRequested
from shared.tests.waiting import eventually

RESET_LINK = re.compile(r"https?://\S+/reset-password\?token=(\S+)")


@asynccontextmanager
async def client_from(portal: Portal, address: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the same portal calling from another address."""
    transport = httpx.ASGITransport(app=portal.app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
        yield client


async def login(client: httpx.AsyncClient, email_addr: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/api/v1/auth/token", data={"username": email_addr, "password": password})


async def emails_to(portal: Portal, address: str) -> list[dict[str, Any]]:
    """The emails the portal staged for ``address`` (committed), oldest first: to, subject, body."""
    async with portal.runtime.sessions() as s:
        rows = (await s.execute(select(OutboxEvent.payload).where(OutboxEvent.type == EmailRequested.event_type)
                                .order_by(OutboxEvent.seq))).scalars().all()
    return [dict(p) for p in rows if p.get("to") == address]


async def settle(portal: Portal, timeout: float = 30.0) -> None:
    """Every staged event published and handled (the emails written)."""
    async def drained() -> bool:
        async with portal.runtime.sessions() as s:
            return (await s.execute(select(OutboxEvent.seq).where(OutboxEvent.published_at.is_(None))
                                    .limit(1))).first() is None

    await eventually(drained, timeout=timeout, what="the outbox drained")
    await portal.runtime.bus.drain()


def activation_token_in(body: str) -> str:
    return activation_token_from(f"Subject: x\n\n{body}".encode())


def reset_token_in(message: bytes | str) -> str:
    """The token of the reset link in an email body (str) or a raw message (bytes)."""
    if isinstance(message, bytes):
        part = email.message_from_bytes(message, policy=email.policy.default).get_body(preferencelist=("plain",))
        text = part.get_content() if part is not None else ""  # type: ignore[union-attr]
    else:
        text = message
    m = RESET_LINK.search(text)
    if m is None:
        raise AssertionError("no password reset link in the email")
    return unquote(m.group(1))


async def user_row(portal: Portal, email_addr: str) -> User | None:
    async with portal.runtime.sessions() as s:
        return (await s.execute(select(User).where(User.email == email_addr))).scalar_one_or_none()


async def audit_actions(portal: Portal) -> list[tuple[str, str, str | None, str | None, dict[str, Any]]]:
    """(action, actor, target_id, client, detail) of every audit entry, in order."""
    async with portal.runtime.sessions() as s:
        rows = (await s.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars().all()
    return [(r.action, r.actor, r.target_id, r.client, dict(r.detail or {})) for r in rows]


async def active_account(portal: Portal, email_addr: str, **over: Any) -> str:
    """Register and activate through the emailed link: the user id."""
    r = await portal.register(email_addr, **over)
    assert r.status_code == 202, r.text
    body = (await emails_to(portal, email_addr))[-1]["body"]
    r = await portal.client.post("/api/v1/auth/activate", json={
        "token": activation_token_in(body), "password": PASSWORD, "password_repeat": PASSWORD})
    assert r.status_code == 200, r.text
    user = await user_row(portal, email_addr)
    assert user is not None
    return user.id
