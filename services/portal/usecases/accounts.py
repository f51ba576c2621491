"""The applicant's account: registration, the emailed activation link (and asking for it again),
activation, and whether a token's user may still act.

Registration and resending answer the same whether the address is unknown, waiting for
activation or already active; only the mailbox's owner learns which, by email (a link, a fresh
link, or "someone tried to register with your address"). An existing account is never changed
by registering again: not its name, not its phone, not the links it was already sent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from services.portal.db.accounts import link, session_state, use_link, void_links
from services.portal.db.models import ActivationToken, User
from services.portal.db.repositories import user_by_email
from services.portal.domain.accounts import (
    activation_token_problem,
    hash_token,
    normalize_email,
    password_errors,
    registration,
)
from services.portal.security import hash_password
from services.portal.usecases.account_ports import PUBLIC, AccountPorts, applicant_actor
from services.portal.usecases.common import utc
from shared.account_cache import AccountStanding
from shared.bus import utcnow
from shared.database import autocommit_read, engine_of, read_session
from shared.exceptions import Gone, Invalid
from shared.idempotency_marks import remember, replayed
from shared.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class NewAccount:
    first_name: str
    last_name: str
    email: str
    phone: str
    is_individual: bool
    data_truth_consent: bool


class Accounts:
    def __init__(self, ports: AccountPorts) -> None:
        self.ports = ports

    async def register(self, new: NewAccount, client: str) -> str:
        """``register``: the normalised address; what happened is told only to its mailbox."""
        if (notes := replayed()) is not None and notes.get("registered"):
            # This very request (same Idempotency-Key) was handled in an attempt that died before
            # answering: the same answer, without a second email (it would be a "fresh link" mail
            # for the account this request just created) or a second count on the throttles.
            return normalize_email(new.email)
        details, errors = registration(first_name=new.first_name, last_name=new.last_name, phone=new.phone,
                                       is_individual=new.is_individual, data_truth_consent=new.data_truth_consent)
        if errors:
            raise Invalid.fields(errors)
        email = normalize_email(new.email)
        ports = self.ports
        may_mail = await ports.email_request(email, client)
        now = utcnow()
        try:
            async with ports.sessions() as s, s.begin():
                user = await user_by_email(s, email)
                if user is None:
                    user = User(id=str(uuid.uuid4()), email=email, created_at=now, first_name=details.first_name,
                                last_name=details.last_name, phone=details.phone, is_individual=True,
                                data_truth_consent=True, token_version=0)
                    s.add(user)
                    await s.flush()
                    outcome, action = "created", "account.registered"
                    if may_mail:
                        await ports.send_activation(s, user, now, "activation")
                elif user.verified_at is None:
                    # The owner may have lost the first email: a fresh link, the stored details as they were.
                    outcome, action = "pending", "account.registration_repeated"
                    if may_mail:
                        await ports.send_activation(s, user, now, "activation_resend")
                else:
                    outcome, action = "active", "account.registration_repeated"
                    if may_mail:
                        ports.send(s, user, "already_registered", **ports.notice_urls())
                await ports.audit.record(s, actor=PUBLIC, action=action, target_type="user", target_id=user.id,
                                         client=client, detail={"outcome": outcome, "emailed": may_mail})
                remember(registered=user.id)
        except IntegrityError:
            # A concurrent registration of the same address created the account and mails its owner.
            log.info("concurrent registration of one address")
            return email
        log.info("registration", user_id=user.id, outcome=outcome, emailed=may_mail)
        return email

    async def resend_activation(self, email: str, client: str) -> None:
        """``resend_activation``: a fresh link to an account waiting for activation; to an active
        one a note that it is active; to an unknown address nothing. Same answer for all."""
        if (notes := replayed()) is not None and notes.get("activation_resent"):
            return  # handled by an attempt of this very request that died before answering: no second email
        email = normalize_email(email)
        ports = self.ports
        may_mail = await ports.email_request(email, client)
        now = utcnow()
        async with ports.sessions() as s, s.begin():
            user = await user_by_email(s, email)
            if user is not None and may_mail:
                if user.verified_at is None:
                    await ports.send_activation(s, user, now, "activation_resend")
                else:
                    ports.send(s, user, "account_active", **ports.notice_urls())
            await ports.audit.record(s, actor=PUBLIC, action="account.activation_resend_requested",
                                     target_type="user" if user else None, target_id=user.id if user else None,
                                     client=client, detail={"emailed": bool(user is not None and may_mail)})
            remember(activation_resent=1)

    async def activate(self, token: str, password: str, password_repeat: str, client: str) -> str:
        """Set the password with an emailed link (usable once, until it expires): the account's email.
        Every other link of the account is void afterwards (none may set the password again)."""
        now = utcnow()
        ports = self.ports
        if (notes := replayed()) is not None and notes.get("activated"):
            # This very request (same Idempotency-Key and body: the link and the password) activated
            # the account in an attempt that died before answering: its answer, not "link used".
            # Nothing is set again: a password changed since stays.
            async with read_session(ports.sessions) as s:
                activated = await s.get(User, notes["activated"])
            if activated is not None:
                return activated.email
        async with ports.sessions() as s, s.begin():
            row = await link(s, ActivationToken, hash_token(token))
            user = await s.get(User, row.user_id) if row is not None else None
            if row is None or user is None:
                raise Invalid("unknown activation link",
                              errors=[{"field": "token", "message": "unknown activation link"}])
            why = activation_token_problem(expires_at=utc(row.expires_at), used_at=row.used_at, now=now)
            if why is None and user.verified_at is not None:
                why = "this account is already activated; log in instead"
            if why:
                raise Gone(why, errors=[{"field": "token", "message": why}])
            errors = password_errors(password, password_repeat, user.email)
            if errors:
                raise Invalid.fields(errors)
            if not await use_link(s, ActivationToken, row.token_hash, now):
                raise Gone("this activation link has already been used",
                           errors=[{"field": "token", "message": "already used"}])
            await void_links(s, ActivationToken, user.id, now)
            user.password_hash = await hash_password(password)
            user.verified_at = now
            await ports.audit.record(s, actor=applicant_actor(user.id), action="account.activated",
                                     target_type="user", target_id=user.id, client=client)
            remember(activated=user.id)
            return user.email

    async def standing(self, user_id: str) -> AccountStanding | None:
        """Whether the user is activated, and the token version their tokens must carry (None if
        the user no longer exists)."""
        async with autocommit_read(engine_of(self.ports.sessions)) as conn:
            state = await session_state(conn, user_id)
        if state is None:
            return None
        return AccountStanding(active=state.verified_at is not None, token_version=int(state.token_version))
