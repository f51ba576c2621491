"""Staff administration (SPEC section 8, "Accounts"): the LSP's manager (role ``manajer``) creates,
lists and updates staff; every new account gets an emailed one-time activation link and has no
password until it is used; the first manager comes from the command line (``create-manager``).

Emails are staged in the outbox (``LspEmailRequested``) in the transaction that made the link
and sent by the LSP's own consumer once it committed (once: the consumer has an inbox). The
command line runs without the service: it commits, then hands the email to SMTP itself.

Deactivation ends the account's sessions (token version) and a changed role counts from the
next request: this process forgets what it cached of the account at once, other replicas
within ``staff_session_cache_seconds``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from services.lsp.db.models import Staff, StaffActivation
from services.lsp.domain import staff as rules
from services.lsp.usecases.staff import StaffPrincipal, audit, end_sessions, hash_password
from shared import mail
from shared.bus.envelope import utcnow
from shared.contracts.events import LspEmailRequested
from shared.database import read_session
from shared.exceptions import Conflict, Forbidden, Gone, Invalid, NotFound
from shared.idempotency_marks import remember, replayed

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from services.lsp.settings import LspSettings
    from services.lsp.usecases.context import LspContext
    from shared.audit import Auditor

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"
ROLE_NAMES = {"manajer": "Manajer", "admin": "Admin", "asesor": "Asesor", "komite": "Komite"}


def _utc(at: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored as UTC)."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def staff_view(row: Staff) -> dict[str, Any]:
    return {"username": row.username, "full_name": row.full_name, "email": row.email, "roles": list(row.roles),
            "active": row.active, "activated": row.password_hash is not None,
            "activated_at": row.activated_at and _utc(row.activated_at),
            "asesor_registration_number": row.asesor_registration_number,
            "created_at": _utc(row.created_at), "created_by": row.created_by,
            "updated_at": row.updated_at and _utc(row.updated_at)}


# --- what creating an account and mailing its link share (API and command line) ------------


@dataclass(frozen=True)
class Outgoing:
    to: str
    subject: str
    body: str


async def _issue_link(session: AsyncSession, settings: LspSettings, row: Staff, now: datetime) -> Outgoing:
    """A new activation link for ``row`` (earlier unused ones are void), as the email to send."""
    await session.execute(update(StaffActivation)
                          .where(StaffActivation.username == row.username, StaffActivation.used_at.is_(None),
                                 StaffActivation.expires_at > now)
                          .values(expires_at=now))
    token = secrets.token_urlsafe(32)
    ttl_hours = settings.staff_activation_ttl_hours
    session.add(StaffActivation(token_hash=rules.hash_token(token), username=row.username, created_at=now,
                                expires_at=now + timedelta(hours=ttl_hours)))
    link = f"{settings.public_url.rstrip('/')}/aktivasi-staf?token={quote(token)}"
    email = mail.render_email(TEMPLATES, "staff_activation", lsp_name=settings.lsp_name, lsp_code=settings.lsp_code,
                              full_name=row.full_name or row.username, username=row.username,
                              roles=", ".join(ROLE_NAMES.get(r, r) for r in row.roles), link=link,
                              ttl_hours=ttl_hours)
    assert row.email is not None
    return Outgoing(row.email, email.subject, email.body)


async def _insert(session: AsyncSession, settings: LspSettings, details: rules.StaffDetails, actor: str,
                  now: datetime) -> tuple[Staff, Outgoing]:
    """A new account without a password, and its first activation link. ``Conflict`` naming the
    field when the username or the email address is taken."""
    if await session.get(Staff, details.username) is not None:
        raise Conflict("this username is taken", errors=[{"field": "username", "message": "already taken"}])
    if await session.scalar(select(Staff.username).where(Staff.email == details.email)) is not None:
        raise Conflict("this email address belongs to another staff member",
                       errors=[{"field": "email", "message": "already used by another staff member"}])
    row = Staff(username=details.username, password_hash=None, roles=details.roles, active=True, created_at=now,
                full_name=details.full_name, email=details.email,
                asesor_registration_number=details.asesor_registration_number, created_by=actor, updated_at=now)
    session.add(row)
    await session.flush()  # a concurrent twin fails here (IntegrityError), before the link
    return row, await _issue_link(session, settings, row, now)


def _stage(ctx: LspContext, session: AsyncSession, email: Outgoing) -> None:
    ctx.emit(session, LspEmailRequested(lsp_code=ctx.code, to=email.to, subject=email.subject, body=email.body))


def _taken() -> Conflict:
    return Conflict("this username or email address was taken meanwhile",
                    errors=[{"field": "username", "message": "already taken"}])


# --- the manager's operations --------------------------------------------------------------


async def create_staff(ctx: LspContext, manager: StaffPrincipal, *, username: str, full_name: str, email: str,
                       roles: list[str], asesor_registration_number: str | None) -> dict[str, Any]:
    """``create_staff``: the account (active, no password) and its activation email."""
    details, errors = rules.new_staff(username=username, full_name=full_name, email=email, roles=roles,
                                      asesor_registration_number=asesor_registration_number)
    if errors:
        raise Invalid.fields(errors)
    notes = replayed()
    if notes is not None and notes.get("staff_created") == details.username:
        # This very request (same Idempotency-Key) made the account in an attempt that died
        # before answering: the same account, and no second activation email.
        async with read_session(ctx.sessions) as session:
            made = await session.get(Staff, details.username)
        if made is not None:
            return staff_view(made)
    now = utcnow()
    try:
        async with ctx.sessions() as session, session.begin():
            row, outgoing = await _insert(session, ctx.settings, details, manager.actor, now)
            remember(staff_created=row.username)
            _stage(ctx, session, outgoing)
            await audit(ctx, session, manager, "staff.created", target_type="staff", target_id=row.username,
                        detail={"roles": details.roles, "asesor": details.asesor_registration_number is not None})
            view = staff_view(row)
    except IntegrityError as exc:
        raise _taken() from exc
    return view


async def list_staff(ctx: LspContext, manager: StaffPrincipal, *, limit: int, offset: int) -> dict[str, Any]:
    """``list_staff``: by username, one page at a time (the view is recorded in the audit log)."""
    async with read_session(ctx.sessions) as session:
        rows = (await session.execute(select(Staff).order_by(Staff.username).limit(limit).offset(offset))).scalars()
        items = [staff_view(r) for r in rows]
        total = await session.scalar(select(func.count()).select_from(Staff))
    await ctx.auditor.record_alone(ctx.sessions, actor=manager.actor, action="staff.listed", target_type="staff",
                                   client=manager.client, detail={"limit": limit, "offset": offset})
    return {"items": items, "limit": limit, "offset": offset, "total": int(total or 0)}


async def update_staff(ctx: LspContext, manager: StaffPrincipal, username: str, *, roles: list[str] | None = None,
                       active: bool | None = None, full_name: str | None = None,
                       asesor_registration_number: str | None = None,
                       resend_activation: bool = False) -> dict[str, Any]:
    """``update_staff``: roles, active, name, registration number, a fresh activation link. A
    deactivation or a removed role counts from the account's next request."""
    errors: rules.FieldErrors = []
    if roles is not None:
        errors += rules.roles_errors(roles)
        roles = rules.clean_roles(roles)
    if full_name is not None:
        full_name = rules.clean_name(full_name)
        errors += [e for e in [rules.name_error(full_name)] if e is not None]
    if asesor_registration_number is not None:
        asesor_registration_number = rules.clean_registration_number(asesor_registration_number)
        errors += [e for e in [rules.registration_number_error(asesor_registration_number)] if e is not None]
    if errors:
        raise Invalid.fields(errors)
    if username == manager.username and (active is False or (roles is not None and rules.MANAJER not in roles)):
        # The LSP must keep a manager: another manager (or the command line) does this.
        raise Forbidden("a manager cannot deactivate their own account or remove their own role manajer",
                        errors=[{"field": "active" if active is False else "roles",
                                 "message": "not on your own account"}])
    now = utcnow()
    async with ctx.sessions() as session, session.begin():
        row = await session.get(Staff, username)
        if row is None:
            raise NotFound(f"no staff member {username!r}", errors=[{"field": "username", "message": "not found"}])
        new_roles = roles if roles is not None else list(row.roles)
        number = asesor_registration_number or row.asesor_registration_number
        errors = rules.registration_errors(new_roles, number, creating=False)
        if errors:
            raise Invalid.fields(errors)
        if resend_activation and (row.password_hash is not None or row.email is None):
            raise Conflict("this account is already activated (or has no email address)",
                           errors=[{"field": "resend_activation", "message": "nothing to activate"}])
        changed: dict[str, Any] = {}
        if roles is not None and roles != list(row.roles):
            row.roles, changed["roles"] = roles, roles
        if active is not None and active != row.active:
            row.active, changed["active"] = active, active
            if not active:
                end_sessions(row)  # a reactivation revives none of the old tokens
        if full_name is not None and full_name != row.full_name:
            row.full_name, changed["full_name"] = full_name, True
        if asesor_registration_number is not None and asesor_registration_number != row.asesor_registration_number:
            row.asesor_registration_number, changed["asesor_registration_number"] = asesor_registration_number, True
        if resend_activation:
            _stage(ctx, session, await _issue_link(session, ctx.settings, row, now))
            changed["activation_emailed"] = True
        if changed:
            row.updated_at = now
            await audit(ctx, session, manager, "staff.updated", target_type="staff", target_id=row.username,
                        detail=changed)
        view = staff_view(row)
    ctx.staff_sessions.forget(username)
    return view


# --- activation ----------------------------------------------------------------------------


async def activate_staff(ctx: LspContext, token: str, password: str, password_repeat: str,
                         client: str = "unknown") -> dict[str, Any]:
    """``activate_staff``: the emailed link sets the account's password, once; the username.

    The account activated is the request's idempotency note, committed with the activation: a
    retry of the same keyed request (same token, same password: the key's fingerprint) whose
    first attempt died after it answers the account as it is, not 410 for the link it used
    itself, before any check, and sets nothing again. The answer holds no secret, so answering
    it again gives a retry nothing the first answer did not."""
    if (done := await _activated_by_this_request(ctx, token)) is not None:
        return done
    now = utcnow()
    async with ctx.sessions() as session, session.begin():
        link = await session.get(StaffActivation, rules.hash_token(token))
        row = await session.get(Staff, link.username) if link is not None else None
        if link is None or row is None:
            raise Invalid("unknown activation link", errors=[{"field": "token", "message": "unknown activation link"}])
        why = rules.activation_problem(expires_at=_utc(link.expires_at), used_at=link.used_at, now=now)
        if why is None and row.password_hash is not None:
            why = "this account is already activated; log in instead"
        if why:
            raise Gone(why, errors=[{"field": "token", "message": why}])
        errors = rules.password_errors(password, password_repeat, username=row.username, email=row.email)
        if errors:
            raise Invalid.fields(errors)
        used = await session.execute(update(StaffActivation)
                                     .where(StaffActivation.token_hash == link.token_hash,
                                            StaffActivation.used_at.is_(None))
                                     .values(used_at=now))
        if used.rowcount != 1:  # type: ignore[attr-defined]  # a concurrent activation with the same link won
            raise Gone("this activation link has already been used",
                       errors=[{"field": "token", "message": "already used"}])
        row.password_hash = await hash_password(password)
        row.activated_at = row.updated_at = now
        principal = StaffPrincipal(row.username, frozenset(row.roles), ctx.code, client)
        await audit(ctx, session, principal, "staff.activated", target_type="staff", target_id=row.username)
        remember(staff_activated=row.username)  # commits with the activation (see above)
        username = row.username
        answer = {"username": username, "roles": list(row.roles)}
    ctx.staff_sessions.forget(username)
    return answer


async def _activated_by_this_request(ctx: LspContext, token: str) -> dict[str, Any] | None:
    """The answer to this very request, whose activation committed in an attempt that died
    before answering, or None."""
    notes = replayed()
    if notes is None or "staff_activated" not in notes:
        return None
    async with read_session(ctx.sessions) as session:
        link = await session.get(StaffActivation, rules.hash_token(token))
        row = await session.get(Staff, str(notes["staff_activated"]))
    if link is None or row is None or link.username != row.username:
        return None  # not this request's: decide afresh
    ctx.staff_sessions.forget(row.username)  # the attempt that died may not have
    return {"username": row.username, "roles": list(row.roles)}


async def send_requested_email(settings: LspSettings, email: LspEmailRequested) -> None:
    """Hand one staged email to SMTP; raises when it could not be (the bus delivers it again)."""
    await mail.deliver(mail.build_message(settings.mail_from, email.to, email.subject, email.body),
                       smtp_url=settings.smtp_url, mail_dir=settings.mail_dir, timeout=settings.http_timeout_seconds)


# --- the command line ----------------------------------------------------------------------


class MailNotSent(Exception):
    """The account was committed but its activation email could not be handed to SMTP."""



async def create_manager(settings: LspSettings, sessions: async_sessionmaker[AsyncSession], auditor: Auditor, *,
                         username: str, full_name: str, email: str, actor: str) -> tuple[str, bool]:
    """``create-manager``: a manager account and its activation email, sent once the account is
    committed. Run again for a manager not activated yet (same username and email), it sends a
    fresh link instead (the earlier ones are void). The username, and whether it was new."""
    details, errors = rules.new_staff(username=username, full_name=full_name, email=email, roles=[rules.MANAJER],
                                      asesor_registration_number=None)
    if errors:
        raise Invalid.fields(errors)
    now = utcnow()
    try:
        async with sessions() as session, session.begin():
            row = await session.get(Staff, details.username)
            created = row is None
            if row is None:
                row, outgoing = await _insert(session, settings, details, actor, now)
            elif row.password_hash is None and row.email == details.email and rules.MANAJER in row.roles:
                outgoing = await _issue_link(session, settings, row, now)
            else:
                raise Conflict("this username is taken", errors=[{"field": "username", "message": "already taken"}])
            await auditor.record(session, actor=actor, action="staff.created" if created else "staff.updated",
                                 target_type="staff", target_id=row.username, client="cli",
                                 detail={"roles": [rules.MANAJER]} if created else {"activation_emailed": True})
    except IntegrityError as exc:
        raise _taken() from exc
    try:
        await mail.deliver(mail.build_message(settings.mail_from, outgoing.to, outgoing.subject, outgoing.body),
                           smtp_url=settings.smtp_url, mail_dir=settings.mail_dir,
                           timeout=settings.http_timeout_seconds)
    except Exception as exc:  # the account is committed: running the command again sends a fresh link
        raise MailNotSent(repr(exc)[:300]) from exc
    return details.username, created
