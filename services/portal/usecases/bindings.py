"""NIK binding (SPEC section 8): a NIK belongs to at most one portal account.

- The first account that saves a personal section (or submits) with a NIK is bound to it, in
  the transaction of that save: another account's save or submission with it is refused
  (:class:`NikBoundElsewhere`, 409 naming ``personal.nik``) and stores nothing.
- An account's binding that nothing of the account names any more, and that never went to
  SIKI, is released (a mistyped NIK in a draft must not block its real owner).
- ``rebind_nik_binding``: after an identity check, an operator (a person logged in, role
  ``bindings``) moves the binding to another account, at SIKI first (``rebind_nik``) and then
  here, with an audit row (no full NIK) and an entry in the audit log.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db import bindings
from services.portal.db.models import AuditEntry, NikBindingAudit, User
from services.portal.db.repositories import user_by_email
from services.portal.domain.accounts import normalize_email
from services.portal.domain.nik import NikBoundElsewhere, nik_key
from services.portal.gateways.siki import SikiGateway
from services.portal.usecases.common import utc
from shared.audit import Auditor
from shared.bus import utcnow
from shared.contracts.siki import NikRebinding
from shared.database import read_session
from shared.exceptions import Invalid, NotFound
from shared.idempotency_marks import remember, replayed
from shared.logging import get_logger
from shared.operators import OperatorPrincipal
from shared.reference.identity import mask_nik, nik_errors

log = get_logger(__name__)


class NikRebound(BaseModel):
    """``rebind_nik_binding``'s answer: where the NIK is bound now, and the audit row's facts."""

    nik_masked: str
    account_id: str
    account_email: str
    previous_account_id: str | None
    operator_name: str
    identity_check_reference: str
    rebound_at: datetime


class NikBindings:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], siki: SikiGateway, secret: str, *,
                 auditor: Auditor | None = None) -> None:
        self.sessions = sessions
        self.auditor = auditor or Auditor(AuditEntry)
        self.siki = siki
        self._secret = secret

    def key(self, nik: str) -> str:
        return nik_key(self._secret, nik)

    async def claim(self, session: AsyncSession, user_id: str, nik: str) -> None:
        """In the caller's transaction: bind ``nik`` to the account, or refuse if another holds it."""
        if await bindings.claim(session, self.key(nik), user_id, utcnow()) != user_id:
            log.warning("NIK bound to another account refused", user_id=user_id)
            raise NikBoundElsewhere()

    async def changed(self, session: AsyncSession, user_id: str, old_nik: str | None, new_nik: str) -> None:
        """After a save replaced ``old_nik`` with ``new_nik``: release the old binding if unused."""
        if not old_nik or old_nik == new_nik:
            return
        await session.flush()
        if old_nik not in await bindings.niks_of(session, user_id):
            await bindings.release(session, self.key(old_nik), user_id)

    async def fix(self, session: AsyncSession, user_id: str, nik: str) -> None:
        """SIKI took an application of the account with this NIK: the binding stays."""
        await bindings.fix(session, self.key(nik), user_id, utcnow())

    async def rebind(self, nik: str, account_email: str, *, operator: OperatorPrincipal,
                     identity_check_reference: str) -> NikRebound:
        """``rebind_nik_binding``: move the NIK to the account (SIKI first), audited under the
        operator's account (the audit row's ``operator_name`` is the operator's email)."""
        if (notes := replayed()) is not None and notes.get("nik_rebind"):
            # This very request (same Idempotency-Key) rebound the NIK in an attempt that died
            # before answering: that rebind's answer, from its audit row. Nothing is checked, sent
            # to SIKI or moved again: a second rebind would record the new account as its own
            # "previous" one, and undo a rebind another operator made since.
            answer = await self._recorded(int(notes["nik_rebind"]))
            if answer is not None:
                return answer
        operator_name = operator.email[:100]
        errors = nik_errors(nik, None, None, field="nik")
        if errors:
            raise Invalid.fields(errors)
        async with read_session(self.sessions) as s:
            user = await user_by_email(s, normalize_email(account_email))
        if user is None or user.verified_at is None:
            raise NotFound("no activated account with this email",
                           errors=[{"field": "account_email", "message": "no activated account with this email"}])
        # SIKI first: if it refuses or cannot be reached, nothing changes here either.
        await self.siki.rebind_nik(NikRebinding(nik=nik, account_id=user.id, requested_by=operator_name,
                                                reason=f"identity check {identity_check_reference}"))
        key, now = self.key(nik), utcnow()
        async with self.sessions() as s, s.begin():
            previous = await bindings.owner(s, key, for_update=True)
            if previous is None:  # not bound yet (or an applicant's save binds it this instant)
                claimed = await bindings.claim(s, key, user.id, now)
                previous = None if claimed == user.id else claimed
            await bindings.move(s, key, user.id, now)
            entry = bindings.audit(s, at=now, operator_name=operator_name, nik_key=key, nik_masked=mask_nik(nik),
                                   previous_user_id=previous, user_id=user.id,
                                   identity_check_reference=identity_check_reference)
            await self.auditor.record(s, actor=operator.actor, action="nik.rebound", target_type="nik",
                                      target_id=entry.nik_masked, client=operator.client,
                                      detail={"previous_user_id": previous, "user_id": user.id,
                                              "identity_check_reference": identity_check_reference})
            await s.flush()  # the audit row's id, which the note names
            remember(nik_rebind=entry.id)
        log.info("NIK rebound by an operator", operator_id=operator.id, previous_user_id=previous, user_id=user.id,
                 reference=identity_check_reference)
        return NikRebound(nik_masked=entry.nik_masked, account_id=user.id, account_email=user.email,
                          previous_account_id=previous, operator_name=operator_name,
                          identity_check_reference=identity_check_reference, rebound_at=utc(now))

    async def _recorded(self, audit_id: int) -> NikRebound | None:
        """The answer of the rebind recorded as ``audit_id`` (None if that row is gone)."""
        async with read_session(self.sessions) as s:
            entry = await s.get(NikBindingAudit, audit_id)
            user = await s.get(User, entry.user_id) if entry is not None else None
        if entry is None or user is None:
            return None
        return NikRebound(nik_masked=entry.nik_masked, account_id=entry.user_id, account_email=user.email,
                          previous_account_id=entry.previous_user_id, operator_name=entry.operator_name,
                          identity_check_reference=entry.identity_check_reference, rebound_at=utc(entry.at))
