"""LPJK's ``certificate.status_changed`` in the portal (issue 16): the status kept inside the
application's certificate (API and page), one notification and exactly one email per change
(a redelivered event, the same change again or a late older one: none), in ``seq`` order; a
revoked certificate can still be downloaded and the page says it is revoked."""

from __future__ import annotations

import asyncio
import email
import email.policy
import uuid
from pathlib import Path
from typing import Any

import httpx
import respx

from services.portal.tests.factories import Portal
from services.portal.tests.test_after_submit import (
    CERT_PDF,
    PATH_TO_INVOICED,
    PATH_TO_ISSUED,
    SIKI,
    advance,
    get_app,
    submitted,
)
from services.portal.tests.test_web_application_page import _browser
from shared.bus import EventEnvelope, utcnow
from shared.contracts.events import CERTIFICATE_STATUS_CHANGED, CertificateStatusChanged
from shared.tests.waiting import eventually

SUBJECT = "Sertifikat SKK Konstruksi Anda "


def change(app_id: str, seq: int, status: str, previous: str, **over: Any) -> EventEnvelope:
    """A ``certificate.status_changed`` envelope as LPJK publishes it."""
    payload = CertificateStatusChanged.model_validate({
        "recording_number": "LPJK-1", "skk_number": "SKK-1", "application_id": app_id, "lsp_code": "LSP-A",
        "seq": seq, "status": status, "previous_status": previous, "at": utcnow(), **over})
    return EventEnvelope(type=CERTIFICATE_STATUS_CHANGED, correlation_id=uuid.uuid4().hex, application_id=app_id,
                         source="lpjk", payload=payload.model_dump(mode="json"))


def status_mails(mail_dir: Path) -> list[tuple[str, str, str]]:
    """(subject, Message-ID, body) of every certificate-status email written so far."""
    found = []
    for path in sorted(mail_dir.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        subject = str(msg["Subject"])
        if subject.startswith(SUBJECT) and "sudah terbit" not in subject:
            body = msg.get_body(preferencelist=("plain",))
            found.append((subject, str(msg["Message-ID"]), str(body.get_content()) if body else ""))  # type: ignore[union-attr]
    return found


async def settled_mails(portal: Portal, count: int) -> list[tuple[str, str, str]]:
    await eventually(lambda: len(status_mails(portal.mail_dir)) >= count, what=f"{count} status mails")
    await asyncio.sleep(0.5)  # anything extra would have arrived by now
    return status_mails(portal.mail_dir)


async def issued(portal: Portal, headers: dict[str, str]) -> str:
    app_id = await submitted(portal, headers)
    seq = await advance(portal, app_id, PATH_TO_INVOICED)
    await advance(portal, app_id, PATH_TO_ISSUED, seq)
    return app_id


async def notifications(portal: Portal, headers: dict[str, str]) -> list[dict[str, Any]]:
    r = await portal.client.get("/api/v1/notifications", headers=headers)
    assert r.status_code == 200, r.text
    return [n for n in r.json() if (n["status"] or "").startswith("certificate.")]


async def test_each_change_is_kept_notified_and_emailed_once_in_order(portal: Portal,
                                                                      applicant: dict[str, str]) -> None:
    app_id = await issued(portal, applicant)
    cert = (await get_app(portal, applicant, app_id))["certificate"]
    assert (cert["status"], cert["status_seq"], cert["status_reason"], cert["superseded_by"]) == (
        "active", 0, None, None)

    suspended = change(app_id, 1, "suspended", "active", reason="SKK dipinjamkan untuk tender")
    await portal.feed(suspended)
    await portal.feed(suspended)  # redelivered
    await portal.feed(change(app_id, 1, "suspended", "active", reason="SKK dipinjamkan untuk tender"))  # again
    await portal.feed(change(app_id, 3, "revoked", "active", reason="SKK palsu"))
    await portal.feed(change(app_id, 2, "active", "suspended"))  # late: overtaken by seq 3

    app = await get_app(portal, applicant, app_id)
    assert app["status"] == "certificate_issued"  # the application's status is SIKI's
    cert = app["certificate"]
    assert (cert["status"], cert["status_seq"], cert["status_reason"], cert["skk_number"]) == (
        "revoked", 3, "SKK palsu", "SKK-1")

    notes = await notifications(portal, applicant)
    assert sorted((n["status"], n["message"].split(":")[0]) for n in notes) == [
        ("certificate.revoked", "Sertifikat SKK SKK-1 dicabut oleh LPJK"),
        ("certificate.suspended", "Sertifikat SKK SKK-1 dibekukan oleh LPJK"),
    ]
    mails = await settled_mails(portal, 2)
    assert sorted(s for s, _, _ in mails) == [SUBJECT + "dibekukan", SUBJECT + "dicabut"]
    assert len({m for _, m, _ in mails}) == 2  # one message each
    body = next(b for s, _, b in mails if s.endswith("dicabut"))
    assert "Sertifikat SKK SKK-1 dicabut oleh LPJK: SKK palsu" in body and f"/permohonan/{app_id}" in body


async def test_superseded_and_reinstated(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await issued(portal, applicant)
    await portal.feed(change(app_id, 1, "suspended", "active", reason="pemeriksaan"),
                      change(app_id, 2, "active", "suspended"),
                      change(app_id, 3, "superseded", "active", superseded_by="LPJK-2"))
    cert = (await get_app(portal, applicant, app_id))["certificate"]
    assert (cert["status"], cert["superseded_by"], cert["status_reason"]) == ("superseded", "LPJK-2", None)
    messages = sorted(n["message"] for n in await notifications(portal, applicant))
    assert any(m.startswith("Sertifikat SKK SKK-1 dipulihkan oleh LPJK") for m in messages)
    assert any(m.startswith("Sertifikat SKK SKK-1 digantikan oleh sertifikat LPJK-2") for m in messages)
    mails = await settled_mails(portal, 3)
    assert sorted(s for s, _, _ in mails) == sorted(SUBJECT + w for w in ("dibekukan", "kembali berlaku",
                                                                             "digantikan"))


async def test_a_change_before_the_certificate_is_kept_when_it_arrives(portal: Portal,
                                                                       applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    seq = await advance(portal, app_id, PATH_TO_INVOICED)
    await portal.feed(change(app_id, 1, "suspended", "active", reason="pemeriksaan"))
    assert (await get_app(portal, applicant, app_id))["certificate"] is None  # no certificate yet
    await advance(portal, app_id, PATH_TO_ISSUED, seq)
    cert = (await get_app(portal, applicant, app_id))["certificate"]
    assert (cert["skk_number"], cert["status"], cert["status_seq"]) == ("SKK-1", "suspended", 1)


async def test_the_page_says_revoked_and_the_download_still_works(portal: Portal,
                                                                   applicant: dict[str, str]) -> None:
    app_id = await issued(portal, applicant)
    async with _browser(portal, applicant) as browser:
        page = await browser.get(f"/permohonan/{app_id}")
        assert 'data-status="active"' in page.text and 'id="certificate-revoked"' not in page.text
        await portal.feed(change(app_id, 1, "revoked", "active", reason="SKK palsu"))
        page = await browser.get(f"/permohonan/{app_id}")
        assert page.status_code == 200
        html = page.text
        assert 'id="certificate-status"' in html and 'data-status="revoked"' in html and "Dicabut" in html
        assert 'id="certificate-revoked"' in html and "telah dicabut oleh LPJK" in html and "SKK palsu" in html
        assert 'id="download-certificate"' in html
        with respx.mock:
            respx.get(f"{SIKI}/{app_id}/certificate").mock(return_value=httpx.Response(200, content=CERT_PDF))
            r = await browser.get(f"/permohonan/{app_id}/sertifikat")
            assert r.status_code == 200 and r.content == CERT_PDF


async def test_every_type_bound_to_the_portals_queues_has_a_handler(portal: Portal) -> None:
    """Every service declares every queue with the catalogue's bindings (QUEUES), so the portal
    must handle each type bound to its queues: certificate.status_changed included."""
    from shared.contracts.events import QUEUES

    subscribed: dict[str, set[str]] = {}
    for sub in portal.runtime.bus.subscriptions:
        subscribed.setdefault(sub.queue, set()).update(sub.patterns)
    assert CERTIFICATE_STATUS_CHANGED in QUEUES["portal"]
    for queue in ("portal", "portal.mail"):
        assert set(QUEUES[queue]) <= subscribed[queue], queue
