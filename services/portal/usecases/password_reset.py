"""Resetting a forgotten password by an emailed link (SPEC section 8: ``request_password_reset``,
``reset_password``).

Asking answers the same for every address; an active account's mailbox gets a link (single
use, short-lived, kept only as its hash), an account still waiting for activation gets a fresh
activation link instead (it has no password to reset), an unknown address gets nothing.
Using the link sets the new password and ends every session of the account."""

from __future__ import annotations

from services.portal.db.accounts import bump_token_version, link, use_link, void_links
from services.portal.db.models import PasswordResetToken, User
from services.portal.db.repositories import user_by_email
from services.portal.domain.accounts import hash_token, normalize_email, password_errors, reset_token_problem
from services.portal.mail_templates import local_time
from services.portal.security import hash_password
from services.portal.usecases.account_ports import PUBLIC, AccountPorts, applicant_actor
from services.portal.usecases.common import utc
from shared.bus import utcnow
from shared.database import read_session
from shared.exceptions import Gone, Invalid
from shared.idempotency_marks import remember, replayed
from shared.logging import get_logger

log = get_logger(__name__)


class PasswordResets:
    def __init__(self, ports: AccountPorts) -> None:
        self.ports = ports

    async def request(self, email: str, client: str) -> None:
        """``request_password_reset``: always the same answer; the mailbox learns the rest."""
        if (notes := replayed()) is not None and notes.get("reset_requested"):
            return  # handled by an attempt of this very request that died before answering: no second link
        email = normalize_email(email)
        ports = self.ports
        may_mail = await ports.email_request(email, client)
        now = utcnow()
        async with ports.sessions() as s, s.begin():
            user = await user_by_email(s, email)
            emailed = user is not None and may_mail
            if user is not None and may_mail:
                if user.verified_at is None:
                    await ports.send_activation(s, user, now, "activation_resend")
                else:
                    ttl = ports.settings.password_reset_ttl_seconds
                    token = await ports.new_link(s, PasswordResetToken, user, now, ttl)
                    ports.send(s, user, "password_reset", link=ports.url("/reset-password", token),
                               ttl_minutes=max(1, ttl // 60))
            await ports.audit.record(s, actor=PUBLIC, action="account.password_reset_requested",
                                     target_type="user" if user else None, target_id=user.id if user else None,
                                     client=client, detail={"emailed": emailed})
            remember(reset_requested=1)

    async def reset(self, token: str, password: str, password_repeat: str, client: str) -> None:
        """``reset_password``: the new password, set with the emailed link (once); every session ends."""
        ports = self.ports
        now = utcnow()
        if (notes := replayed()) is not None and notes.get("password_reset_for"):
            # This very request (same Idempotency-Key and body: the link and the new password) set
            # the password in an attempt that died before answering: answered, not "link used", and
            # nothing set again (a password changed since stays). What follows the commit is
            # finished, as the dead attempt may not have got to it (both are idempotent).
            async with read_session(ports.sessions) as s:
                account = await s.get(User, notes["password_reset_for"])
            if account is not None:
                await self._after_reset(account, client)
            return
        async with read_session(ports.sessions) as s:
            row = await link(s, PasswordResetToken, hash_token(token))
            user = await s.get(User, row.user_id) if row is not None else None
        if row is None or user is None:
            raise Invalid("unknown password reset link",
                          errors=[{"field": "token", "message": "unknown password reset link"}])
        why = reset_token_problem(expires_at=utc(row.expires_at), used_at=row.used_at, now=now)
        if why is None and user.verified_at is None:
            why = "this account is not active"
        if why:
            raise Gone(why, errors=[{"field": "token", "message": why}])
        errors = password_errors(password, password_repeat, user.email)
        if errors:
            raise Invalid.fields(errors)
        new_hash = await hash_password(password)
        async with ports.sessions() as s, s.begin():
            if not await use_link(s, PasswordResetToken, row.token_hash, now):
                raise Gone("this password reset link has already been used",
                           errors=[{"field": "token", "message": "already used"}])
            await void_links(s, PasswordResetToken, user.id, now)
            account = await s.get(User, user.id)
            if account is None:
                raise Gone("this account no longer exists", errors=[{"field": "token", "message": "no account"}])
            account.password_hash = new_hash
            await bump_token_version(s, user.id)
            ports.send(s, account, "password_changed", changed_at=local_time(now), **ports.notice_urls())
            await ports.audit.record(s, actor=applicant_actor(user.id), action="account.password_reset_done",
                                     target_type="user", target_id=user.id, client=client)
            remember(password_reset_for=user.id)
        await self._after_reset(user, client)
        log.info("password reset", user_id=user.id)

    async def _after_reset(self, user: User, client: str) -> None:
        """After the new password committed: this process forgets the ended sessions, and proving
        the mailbox is proof enough: this client's failed-login count starts afresh."""
        self.ports.revoked(user.id)
        await self.ports.throttle.clear([self.ports.rules.login_account_client], user.email, client)
