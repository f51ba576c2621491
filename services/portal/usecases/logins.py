"""Logging in and out, and changing the password while logged in.

A login fails the same way (401, one body) for a wrong password, an unknown address and an
account not yet activated, and costs the same time (an unknown address is checked against a
dummy hash). Failures count per (email, client address), with growing waits, and per client
address; never per email alone, so an attacker's guesses cannot lock the owner out: the owner
logging in from anywhere else is not slowed, and a success clears its own (email, client) count.

Sessions end by bumping the user's token version: logout ends every session of the account
(one version per user, no table of live tokens to keep or purge), a password change every
session but the one that made it (it gets a fresh token)."""

from __future__ import annotations

from dataclasses import dataclass

from services.portal.db.accounts import bump_token_version
from services.portal.db.repositories import user_by_email, user_by_id
from services.portal.domain.accounts import normalize_email, password_errors
from services.portal.mail_templates import local_time
from services.portal.security import hash_password, mint_access_token, verify_password
from services.portal.usecases.account_ports import PUBLIC, AccountPorts, applicant_actor
from services.portal.usecases.common import UnknownUser
from shared.bus import utcnow
from shared.database import read_session
from shared.exceptions import Invalid, TooManyRequests, Unauthenticated
from shared.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int


def _login_refused() -> Unauthenticated:
    return Unauthenticated("wrong email or password", headers={"WWW-Authenticate": "Bearer"},
                           errors=[{"field": "password", "message": "wrong email or password"}])


def _throttled(wait: int, field: str) -> TooManyRequests:
    return TooManyRequests(f"too many failed attempts; try again in {wait} seconds",
                           errors=[{"field": field, "message": "too many failed attempts; try again later"}],
                           headers={"Retry-After": str(wait)})


class Logins:
    def __init__(self, ports: AccountPorts) -> None:
        self.ports = ports

    async def _wait(self, email: str, client: str) -> int | None:
        rules, throttle = self.ports.rules, self.ports.throttle
        waits = [w for w in (await throttle.blocked([rules.login_account_client], email, client),
                             await throttle.blocked([rules.login_client], client)) if w is not None]
        return max(waits) if waits else None

    async def _failed(self, email: str, client: str) -> None:
        rules, throttle = self.ports.rules, self.ports.throttle
        await throttle.hit([rules.login_account_client], email, client)
        await throttle.hit([rules.login_client], client)

    def _mint(self, user_id: str, version: int) -> AccessToken:
        settings = self.ports.settings
        token = mint_access_token(user_id, secret=settings.jwt_secret.get_secret_value(),
                                  ttl_seconds=settings.access_token_ttl_seconds, version=version)
        return AccessToken(token, settings.access_token_ttl_seconds)

    async def login(self, username: str, password: str, client: str) -> AccessToken:
        """``login``: a bearer token for an activated account and its password."""
        ports = self.ports
        email = normalize_email(username)
        wait = await self._wait(email, client)
        if wait is not None:
            raise _throttled(wait, "username")
        async with read_session(ports.sessions) as s:
            user = await user_by_email(s, email)
        # argon2 takes tens of milliseconds of CPU: off the event loop.
        matches = await verify_password(user.password_hash if user else None, password)
        if user is None or not matches or user.verified_at is None:
            await self._failed(email, client)
            reason = "unknown" if user is None else "wrong_password" if not matches else "not_activated"
            await ports.audit.record_alone(ports.sessions, actor=PUBLIC, action="account.login_failed",
                                           target_type="user" if user else None,
                                           target_id=user.id if user else None, client=client,
                                           detail={"reason": reason})
            raise _login_refused()
        await ports.throttle.clear([ports.rules.login_account_client], email, client)
        await ports.audit.record_alone(ports.sessions, actor=applicant_actor(user.id), action="account.login",
                                       target_type="user", target_id=user.id, client=client)
        return self._mint(user.id, user.token_version)

    async def logout(self, user_id: str, client: str) -> None:
        """``logout``: every token of the account is refused from its next request on."""
        ports = self.ports
        async with ports.sessions() as s, s.begin():
            await bump_token_version(s, user_id)
            await ports.audit.record(s, actor=applicant_actor(user_id), action="account.logout",
                                     target_type="user", target_id=user_id, client=client)
        ports.revoked(user_id)

    async def change_password(self, user_id: str, current_password: str, password: str, password_repeat: str,
                              client: str) -> AccessToken:
        """``change_password``: with the current password; the account's other sessions end, this
        one goes on with the token returned."""
        ports = self.ports
        async with read_session(ports.sessions) as s:
            user = await user_by_id(s, user_id)
        if user is None:
            raise UnknownUser()
        # Guessing the current password with a stolen token is throttled like logging in.
        wait = await self._wait(user.email, client)
        if wait is not None:
            raise _throttled(wait, "current_password")
        if not await verify_password(user.password_hash, current_password):
            await self._failed(user.email, client)
            await ports.audit.record_alone(ports.sessions, actor=applicant_actor(user_id),
                                           action="account.password_change_failed", target_type="user",
                                           target_id=user_id, client=client)
            raise Invalid.field("current_password", "does not match the current password")
        errors = password_errors(password, password_repeat, user.email)
        if not errors and password == current_password:
            errors = [{"field": "password", "message": "must differ from the current password"}]
        if errors:
            raise Invalid.fields(errors)
        new_hash = await hash_password(password)
        now = utcnow()
        async with ports.sessions() as s, s.begin():
            fresh = await user_by_id(s, user_id)
            if fresh is None:
                raise UnknownUser()
            fresh.password_hash = new_hash
            version = await bump_token_version(s, user_id)
            ports.send(s, fresh, "password_changed", changed_at=local_time(now), **ports.notice_urls())
            await ports.audit.record(s, actor=applicant_actor(user_id), action="account.password_changed",
                                     target_type="user", target_id=user_id, client=client)
        ports.revoked(user_id)
        await ports.throttle.clear([ports.rules.login_account_client], user.email, client)
        log.info("password changed", user_id=user_id)
        return self._mint(user_id, version)
