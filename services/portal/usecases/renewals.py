"""Renewal (perpanjangan) and change (perubahan) drafts: the held SKK they name, checked against
the user's own certificates in the portal, and the draft prefilled from the application that
issued it (``domain/renewal.py`` holds the rules; SIKI checks the SKK again against its register).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.portal.db.models import Application
from services.portal.db.renewals import issuing_applications, naming_skk
from services.portal.domain.applications import DOWNLOADABLE
from services.portal.domain.certificate_status import is_issued
from services.portal.domain.expiry import ENDED_STATUSES, certificate_status
from services.portal.domain.renewal import DONE, GIVEN_UP, KIND_DOCUMENTS, HeldSkk, kind_refusal, renewal_opens
from shared.contracts.kinds import CHANGE, RENEWAL
from shared.exceptions import Conflict, Invalid

FIELD = "previous_skk_number"
_KIND_TEXT = {RENEWAL: "perpanjangan", CHANGE: "perubahan data"}


def _conflict(message: str) -> Conflict:
    return Conflict(message, errors=[{"field": FIELD, "message": message}])


def held_skk(app: Application) -> HeldSkk | None:
    """The SKK ``app`` issued, as the rules see it (None when it has no certificate)."""
    cert = app.certificate or {}
    skk, until = cert.get("skk_number"), cert.get("valid_until")
    if not isinstance(skk, str) or not isinstance(until, str):
        return None
    try:
        valid_until = date.fromisoformat(until)
    except ValueError:
        return None
    personal = (app.sections or {}).get("personal") or {}
    return HeldSkk(skk_number=skk, valid_until=valid_until, status=certificate_status(cert),
                   full_name=personal.get("full_name"), nik=personal.get("nik"))


async def held_of(s: AsyncSession, app: Application) -> HeldSkk | None:
    """The held SKK a renewal or change names (read from the application that issued it)."""
    if not app.previous_application_id:
        return None
    source = await s.get(Application, app.previous_application_id)
    return held_skk(source) if source is not None and source.user_id == app.user_id else None


async def find_held(s: AsyncSession, user_id: str, skk_number: str) -> tuple[Application, HeldSkk]:
    """The user's application holding ``skk_number`` now: the newest issued one whose certificate
    is not revoked or superseded, else the newest (so that its status is what the refusal says).
    Refused (422 naming ``previous_skk_number``) when the user holds no such SKK here."""
    issued = [a for a in await issuing_applications(s, user_id, skk_number, [x.value for x in DOWNLOADABLE])
              if is_issued(a.certificate)]
    current = [a for a in issued if certificate_status(a.certificate) not in ENDED_STATUSES]
    for app in current or issued:
        held = held_skk(app)
        if held is not None:
            return app, held
    raise Invalid.field(FIELD, f"SKK {skk_number} tidak ditemukan di antara SKK milik Anda di portal ini.")


async def check_not_in_progress(s: AsyncSession, user_id: str, skk_number: str) -> None:
    """One renewal or change at a time per SKK; a renewal done leaves nothing to renew (409)."""
    for other in await naming_skk(s, user_id, skk_number):
        if other.application_kind == RENEWAL and other.status in DONE:
            raise _conflict(f"SKK {skk_number} sudah diperpanjang; gunakan SKK hasil perpanjangan.")
        if other.status not in GIVEN_UP and other.status not in DONE:
            what = _KIND_TEXT.get(other.application_kind, other.application_kind)
            raise _conflict(f"Sudah ada permohonan {what} untuk SKK {skk_number} yang sedang berjalan "
                            f"(status: {other.status}).")


async def start(s: AsyncSession, user_id: str, kind: str, skk_number: str | None,
                today: date) -> tuple[Application, HeldSkk]:
    """Check that ``kind`` may start for the held ``skk_number``: the SKK (422 when not the user's,
    409 when revoked, superseded, not yet in the renewal window, or already being renewed)."""
    if not skk_number:
        raise Invalid.field(FIELD, f"Nomor SKK yang akan di{'perpanjang' if kind == RENEWAL else 'ubah'} wajib diisi.")
    source, held = await find_held(s, user_id, skk_number)
    # Serialise the renewals and changes of one SKK: the second waits for the first's draft.
    await s.refresh(source, with_for_update=True)
    reason = kind_refusal(kind, held, today)
    if reason is not None:
        raise _conflict(reason)
    await check_not_in_progress(s, user_id, skk_number)
    return source, held


def prefilled_sections(source: dict[str, Any], kind: str) -> dict[str, Any]:
    """The issuing application's sections for the new draft: the scheme, the personal data, the
    history and the documents they name (the user's own, referenced again), without what only
    that application's kind had (its PKB credits, its change's supporting document)."""
    sections = copy.deepcopy(source)
    for section in sections.values():
        docs = section.get("documents") if isinstance(section, dict) else None
        if isinstance(docs, dict):
            for doc_kind in KIND_DOCUMENTS.values():
                docs.pop(doc_kind, None)
    q = sections.get("qualification")
    if isinstance(q, dict):
        q.pop("pkb_credits", None)
        q["application_kind"] = kind
    return sections


@dataclass(frozen=True)
class HeldCertificate:
    """One SKK the user holds, as the dashboard lists it with what may be started for it."""

    application_id: str
    skk_number: str
    valid_until: date
    status: str
    renewal_opens: date
    may_renew: bool
    may_change: bool


async def held_certificates(s: AsyncSession, user_id: str, today: date) -> list[HeldCertificate]:
    """The user's SKK not revoked or superseded (the newest application holding each number),
    with whether a renewal or a change may start now."""
    rows = await issuing_applications(s, user_id, None, [x.value for x in DOWNLOADABLE])
    out: dict[str, HeldCertificate] = {}
    for app in rows:
        held = held_skk(app) if is_issued(app.certificate) else None
        if held is None or held.status in ENDED_STATUSES or held.skk_number in out:
            continue
        try:
            await check_not_in_progress(s, user_id, held.skk_number)
            free = True
        except Conflict:
            free = False
        out[held.skk_number] = HeldCertificate(
            application_id=app.id, skk_number=held.skk_number, valid_until=held.valid_until, status=held.status,
            renewal_opens=renewal_opens(held.valid_until),
            may_renew=free and kind_refusal(RENEWAL, held, today) is None,
            may_change=free and kind_refusal(CHANGE, held, today) is None)
    return list(out.values())
