"""What the account use cases share: their ports (database, outbox, throttle, audit log), the
throttle rules built from the settings, and sending an account email or a one-time link.

Emails are throttled per address (past the limit a request answers as always and sends
nothing, so the answer says nothing about the account) and per client address (past that the
client is refused with 429, which says nothing about any account either)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.accounts import LinkModel, add_link, alive_links, void_links
from services.portal.db.models import ActivationToken, User
from services.portal.domain.accounts import hash_token, links_to_void
from services.portal.mail_templates import render_email
from services.portal.settings import PortalSettings
from services.portal.usecases.common import Emit, request_email, utc
from shared.exceptions import TooManyRequests
from shared.throttle import Rule, Throttle

PUBLIC = "public"


def applicant_actor(user_id: str) -> str:
    return f"applicant:{user_id}"


class AuditLog(Protocol):
    """The audit log's appending side (``shared.audit.Auditor``)."""

    async def record(self, session: AsyncSession, *, actor: str, action: str, target_type: str | None = None,
                     target_id: str | None = None, application_id: str | None = None, client: str | None = None,
                     detail: dict[str, Any] | None = None) -> Any: ...

    async def record_alone(self, sessions: async_sessionmaker[AsyncSession], **fields: Any) -> Any: ...


@dataclass(frozen=True)
class AccountRules:
    login_account_client: Rule
    login_client: Rule
    emails_address: Rule
    emails_client: Rule

    @classmethod
    def from_settings(cls, settings: PortalSettings) -> AccountRules:
        return cls(
            login_account_client=Rule("portal-login-account-client", settings.login_failures_per_account_client),
            login_client=Rule("portal-login-client", settings.login_failures_per_client),
            emails_address=Rule("portal-account-email-address", settings.account_emails_per_address),
            emails_client=Rule("portal-account-email-client", settings.account_emails_per_client),
        )


def _no_cache(_: str) -> None:
    return None


@dataclass
class AccountPorts:
    sessions: async_sessionmaker[AsyncSession]
    emit: Emit
    settings: PortalSettings
    throttle: Throttle
    audit: AuditLog
    # Told the user whose sessions just ended (the in-process cache of token versions forgets it).
    revoked: Callable[[str], None] = _no_cache
    rules: AccountRules = field(init=False)

    def __post_init__(self) -> None:
        self.rules = AccountRules.from_settings(self.settings)

    # --- throttles ------------------------------------------------------------------------

    async def email_request(self, email: str, client: str) -> bool:
        """Count a request that may send an account email: 429 if the client asked too often;
        False (send nothing, answer as always) if the address has had its share."""
        wait = await self.throttle.hit([self.rules.emails_client], client)
        if wait is not None:
            raise TooManyRequests(f"too many requests from this address; try again in {wait} seconds",
                                  errors=[{"field": "email", "message": "too many requests; try again later"}],
                                  headers={"Retry-After": str(wait)})
        return await self.throttle.hit([self.rules.emails_address], email) is None

    # --- links and emails -------------------------------------------------------------------

    def url(self, path: str, token: str | None = None) -> str:
        base = f"{self.settings.public_url.rstrip('/')}{path}"
        return f"{base}?token={quote(token)}" if token is not None else base

    def notice_urls(self) -> dict[str, str]:
        return {"login_url": self.url("/"), "reset_url": self.url("/reset-password")}

    def send(self, session: AsyncSession, user: User, template: str, **values: Any) -> None:
        """Stage the templated email to the account's address (sent once the transaction commits)."""
        mail = render_email(template, first_name=user.first_name, **values)
        request_email(self.emit, session, user.email, mail.subject, mail.body)

    async def new_link(self, session: AsyncSession, model: LinkModel, user: User, now: datetime,
                       ttl_seconds: int) -> str:
        """A fresh one-time token for ``user`` (kept as its hash); the oldest alive ones beyond
        ``account_links_alive`` are voided, the ones the owner got recently stay usable."""
        alive = await alive_links(session, model, user.id, now)
        doomed = links_to_void([(h, utc(at)) for h, at in alive], self.settings.account_links_alive)
        await void_links(session, model, user.id, now, doomed)
        token = secrets.token_urlsafe(32)
        add_link(session, model, hash_token(token), user.id, now + timedelta(seconds=ttl_seconds))
        return token

    async def send_activation(self, session: AsyncSession, user: User, now: datetime, template: str) -> None:
        ttl = self.settings.activation_ttl_seconds
        token = await self.new_link(session, ActivationToken, user, now, ttl)
        self.send(session, user, template, link=self.url("/activate", token), ttl_hours=max(1, ttl // 3600))
