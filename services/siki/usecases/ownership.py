"""Who a NIK belongs to and what it may still apply for: the LSP's re-check of an application it
received (``check_application_eligibility``) and an operator's rebinding of a NIK to another
portal account after an identity check (``rebind_nik``, audited)."""

from __future__ import annotations

from services.siki.db import applications, nik_bindings, register
from services.siki.domain.limits import NIK_BOUND_MESSAGE, Holding, application_errors, counted_holdings
from services.siki.usecases.context import Actor, SikiContext, utcnow
from shared.contracts.siki import EligibilityAnswer, NikBindingOut, NikRebinding
from shared.database import read_session
from shared.exceptions import Forbidden, NotFound
from shared.idempotency_marks import remember, replayed
from shared.logging import get_logger
from shared.reference.identity import mask_nik

log = get_logger(__name__)


async def check_eligibility(ctx: SikiContext, lsp_code: str, application_id: str) -> EligibilityAnswer:
    """The NIK's ownership rules recomputed now for the application, as if it were being
    submitted (itself excluded); only the LSP it was submitted to may ask."""
    now = utcnow()
    async with read_session(ctx.sessions) as s:
        head = await applications.ownership_head(s, application_id)
        if head is None:
            raise NotFound(f"application {application_id} not found")
        if head.lsp_code != lsp_code:
            raise Forbidden(f"application {application_id} is not with LSP {lsp_code}")
        found = await register.standing(s, nik=head.nik, account=head.applicant_user_id, lsp_code=head.lsp_code,
                                        exclude_application=head.id, today=now.date())
    reasons: list[str] = []
    if found.bound_account not in (None, head.applicant_user_id):
        reasons.append(f"nik: {NIK_BOUND_MESSAGE}")
    # A renewal or a change counts in place of the SKK it replaces, as when it was submitted.
    held = counted_holdings(found.register, found.applications, exclude=head.id, now=now, window=ctx.appeal_window,
                            replacing=head.previous_recording_number)
    new = Holding(head.kualifikasi, head.klasifikasi_code, head.subklasifikasi_code, head.jabatan_kerja_code)
    reasons += [f"{e['field']}: {e['message']}" for e in application_errors(held, new)]
    return EligibilityAnswer(application_id=head.id, eligible=not reasons, reasons=reasons)


async def rebind_nik(ctx: SikiContext, actor: Actor, body: NikRebinding) -> NikBindingOut:
    """Bind the NIK to ``account_id`` from now on (a NIK never bound is bound); audited with who,
    when and the old and new account, the NIK masked. Binding it to its own account changes nothing."""
    masked = mask_nik(body.nik)
    if (notes := replayed()) is not None and notes.get("rebound_to") == body.account_id:
        # This very request (same Idempotency-Key) rebound the NIK in an attempt that died before
        # answering: the binding as it is now. Run again, it would undo a later rebinding (after
        # another identity check) and audit a second one nobody asked for.
        async with read_session(ctx.sessions) as s:
            now_bound = await nik_bindings.bound_account(s, body.nik)
        return NikBindingOut(nik_masked=masked, account_id=now_bound or body.account_id)
    who = (f"{actor.name}:{body.requested_by}" if body.requested_by else actor.name)[:200]  # the column's size
    async with ctx.nik_locks.transaction(ctx.sessions, body.nik) as s:
        old = await nik_bindings.bound_account(s, body.nik)
        if old == body.account_id:
            return NikBindingOut(nik_masked=masked, account_id=body.account_id)
        await nik_bindings.rebind(s, body.nik, body.account_id, old_account_id=old, nik_masked=masked, actor=who,
                                  reason=body.reason, now=utcnow())
        await ctx.auditor.record(s, actor=actor.name, action="nik.rebound", target_type="nik", target_id=masked,
                                 client=actor.client, detail={"old_account_id": old, "new_account_id": body.account_id,
                                                              "requested_by": body.requested_by})
        remember(rebound_to=body.account_id)
    log.warning("NIK rebound", nik_masked=masked, old_account_id=old, new_account_id=body.account_id, actor=who)
    return NikBindingOut(nik_masked=masked, account_id=body.account_id)
