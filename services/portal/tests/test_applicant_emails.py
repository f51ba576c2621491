"""The applicant's emails, one per step of the application, through the real SMTP path (the
outbox, the mail queue, an aiosmtpd sink): what each says, and that a redelivered or replayed
SIKI event sends none (the email rides the inbox's transaction)."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from services.portal.mail_templates import STATUS_TEMPLATES, render_email, rupiah, status_email
from services.portal.tests import test_email_smtp
from services.portal.tests.factories import (
    PASSWORD,
    Portal,
    activation_token_from,
    portal_settings,
    running_portal,
    status_event,
)
from services.portal.tests.test_after_submit import submitted
from services.portal.tests.test_email_smtp import Sink, wait_for
from shared.contracts.events import StatusChanged
from shared.contracts.states import ApplicationStatus as S

smtp_sink = test_email_smtp.smtp_sink  # the aiosmtpd sink on an ephemeral port (a fixture)
AT = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)  # Friday 09.00 WIB
DUE = (datetime.now(UTC) + timedelta(days=14)).date()
INVOICE = {"number": "INV/LSP-A/2026/0007", "amount": "1500000", "currency": "IDR",
           "issued_at": datetime.now(UTC).isoformat(), "due_date": DUE.isoformat()}
ASSESSMENT = {"assessor_username": "asesor1", "assessor_name": "Ir. Siti Rahma", "tuk_code": "TUK-A-01",
              "tuk_name": "TUK Sewaktu LSP-A Jakarta", "scheduled_at": AT.isoformat()}
CERTIFICATE = {"skk_number": "SKK-1", "registration_number": "REG-1", "recording_number": "LPJK-1",
               "issued_on": "2026-12-20", "valid_until": "2031-12-20", "qr_payload": "payload.sig"}
HOSTILE = "KTP buram\r\nBcc: evil@example.com\r\n\r\nAkun Anda DIBLOKIR\u2028klik http://evil.example"

# A whole journey with a return, a rejected proof, Belum Kompeten, an upheld appeal and the
# certificate: (status, extra fields, subject of its email or None).
JOURNEY: list[tuple[str, dict[str, Any], str | None]] = [
    ("submitted", {}, None),
    ("forwarded", {"lsp_code": "LSP-A"}, "Permohonan SKK Konstruksi Anda diterima LSP"),
    ("returned", {"reasons": [HOSTILE, "NPWP tidak sesuai"], "note": "FR.APL.01 direkomendasikan tidak diterima"},
     "Permohonan SKK Konstruksi Anda dikembalikan untuk diperbaiki"),
    ("submitted", {}, None),
    ("forwarded", {}, "Permohonan SKK Konstruksi Anda diterima LSP"),
    ("accepted", {}, None),
    ("invoiced", {"invoice": INVOICE}, "Tagihan pembayaran sertifikasi SKK Konstruksi"),
    ("payment_uploaded", {"invoice": INVOICE}, None),
    ("payment_rejected", {"invoice": INVOICE, "reasons": ["nominal tidak sesuai"]},
     "Bukti pembayaran SKK Konstruksi Anda ditolak"),
    ("payment_uploaded", {"invoice": INVOICE}, None),
    ("payment_verified", {"invoice": INVOICE}, "Pembayaran sertifikasi SKK Konstruksi Anda telah diverifikasi"),
    ("in_certification", {}, None),
    ("scheduled", {"assessment": ASSESSMENT}, "Jadwal asesmen SKK Konstruksi Anda"),
    ("assessed", {"assessment": ASSESSMENT}, None),
    ("not_yet_competent", {"assessment": {**ASSESSMENT, "result": "belum_kompeten"}, "appeal_until": "2026-12-11"},
     "Keputusan sertifikasi SKK Konstruksi Anda"),
    ("appealed", {"note": "Saya keberatan"}, "Banding Anda telah diterima"),
    ("appeal_upheld", {"reasons": ["asesor tidak memeriksa portofolio"]}, "Keputusan banding SKK Konstruksi Anda"),
    ("scheduled", {"assessment": {**ASSESSMENT, "assessor_username": "asesor2", "assessor_name": "Dr. Andi"}},
     "Jadwal asesmen SKK Konstruksi Anda"),
    ("assessed", {}, None),
    ("competent", {}, "Keputusan sertifikasi SKK Konstruksi Anda"),
    ("skk_numbered", {}, None),
    ("recorded", {"certificate": CERTIFICATE}, None),
    ("certificate_issued", {"certificate": CERTIFICATE}, "Sertifikat SKK Konstruksi Anda sudah terbit"),
]


def parsed(raw: bytes) -> tuple[email.message.EmailMessage, str]:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, email.message.EmailMessage)
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return msg, str(part.get_content())  # type: ignore[union-attr]


def to(sink: Sink, address: str) -> list[tuple[str, str]]:
    """(subject, body) of every email the sink received for ``address``, the activation left out."""
    out = []
    for _, rcpt, raw in sink.messages:
        msg, body = parsed(raw)
        if rcpt == [address] and "Aktivasi" not in str(msg["Subject"]):
            out.append((str(msg["Subject"]), body))
    return out


async def smtp_applicant(portal: Portal, sink: Sink, address: str) -> dict[str, str]:
    r = await portal.register(address)
    assert r.status_code == 202, r.text
    await wait_for(lambda: any(rcpt == [address] for _, rcpt, _ in sink.messages))
    raw = next(raw for _, rcpt, raw in sink.messages if rcpt == [address])
    r = await portal.client.post("/api/v1/auth/activate", json={"token": activation_token_from(raw),
                                                                "password": PASSWORD, "password_repeat": PASSWORD})
    assert r.status_code == 200, r.text
    r = await portal.login(address)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def settle(sink: Sink, address: str, count: int) -> list[tuple[str, str]]:
    await wait_for(lambda: len(to(sink, address)) >= count)
    await asyncio.sleep(0.5)  # anything extra would have arrived by now
    return to(sink, address)


def body_of(mails: list[tuple[str, str]], subject: str, index: int = 0) -> str:
    return [b for s, b in mails if s == subject][index]


async def test_each_step_emails_once_with_what_the_applicant_needs(
        tmp_path: Path, sqlite_url: str, smtp_sink: tuple[Sink, str]) -> None:
    sink, url = smtp_sink
    async with running_portal(portal_settings(tmp_path, sqlite_url, smtp_url=url)) as portal:
        address = "budi.mail@example.id"
        headers = await smtp_applicant(portal, sink, address)
        app_id = await submitted(portal, headers)
        envelopes = [status_event(app_id, seq, status, **kw) for seq, (status, kw, _) in enumerate(JOURNEY, 1)]
        await portal.feed(*envelopes)
        expected = Counter(subject for _, _, subject in JOURNEY if subject)
        mails = await settle(sink, address, sum(expected.values()))
        assert Counter(s for s, _ in mails) == expected

        # SIKI redelivers every event, and publishes each step again under a new envelope: no email.
        await portal.feed(*envelopes)
        await portal.feed(*[status_event(app_id, seq, status, **kw) for seq, (status, kw, _) in enumerate(JOURNEY, 1)])
        assert len(await settle(sink, address, len(mails))) == len(mails)

        app = (await portal.client.get(f"/api/v1/applications/{app_id}", headers=headers)).json()
        notes = (await portal.client.get("/api/v1/notifications", headers=headers)).json()

    received = body_of(mails, "Permohonan SKK Konstruksi Anda diterima LSP")
    assert f"http://portal.test/api/v1/applications/{app_id}/forms/apl01" in received
    assert f"http://portal.test/api/v1/applications/{app_id}/forms/apl02" in received and "LSP-A" in received

    returned = body_of(mails, "Permohonan SKK Konstruksi Anda dikembalikan untuk diperbaiki")
    assert "- NPWP tidak sesuai" in returned
    # The hostile reason stays on its own line: no header, no paragraph of its own.
    line = next(ln for ln in returned.splitlines() if "KTP buram" in ln)
    assert line.startswith("- KTP buram") and "Bcc: evil@example.com" in line and "DIBLOKIR" in line
    assert not any(ln.startswith(("Bcc:", "Akun Anda", "klik")) for ln in returned.splitlines())
    assert all(rcpt == [address] for _, rcpt, raw in sink.messages if b"KTP buram" in raw)

    invoice = body_of(mails, "Tagihan pembayaran sertifikasi SKK Konstruksi")
    assert "INV/LSP-A/2026/0007" in invoice and "Rp 1.500.000" in invoice and DUE.strftime("%d-%m-%Y") in invoice

    rejected = body_of(mails, "Bukti pembayaran SKK Konstruksi Anda ditolak")
    assert "- nominal tidak sesuai" in rejected and f"paling lambat {DUE:%d-%m-%Y}" in rejected

    scheduled = body_of(mails, "Jadwal asesmen SKK Konstruksi Anda")
    assert "Jumat, 04-12-2026" in scheduled and "09.00 WIB" in scheduled
    assert "TUK Sewaktu LSP-A Jakarta (TUK-A-01)" in scheduled and "Ir. Siti Rahma" in scheduled
    assert "Dr. Andi" in body_of(mails, "Jadwal asesmen SKK Konstruksi Anda", 1)

    decisions = [b for s, b in mails if s == "Keputusan sertifikasi SKK Konstruksi Anda"]
    bk = next(b for b in decisions if "BELUM KOMPETEN" in b)
    assert "Ajukan Banding" in bk and "paling lambat 11-12-2026" in bk
    assert any("KOMPETEN" in b and "BELUM" not in b for b in decisions)

    appeal = body_of(mails, "Keputusan banding SKK Konstruksi Anda")
    assert "DITERIMA" in appeal and "- asesor tidak memeriksa portofolio" in appeal
    assert app_id in body_of(mails, "Sertifikat SKK Konstruksi Anda sudah terbit")

    # The notifications say it too: the reasons and the schedule's time.
    messages = [n["message"] for n in notes]
    assert any("Alasan: " in m and "NPWP tidak sesuai" in m for m in messages)
    assert any("Jumat, 04-12-2026 pukul 09.00 WIB di TUK Sewaktu LSP-A Jakarta, asesor Ir. Siti Rahma" in m
               for m in messages)
    assert app["status"] == "certificate_issued"
    # The timeline shows the return's reasons and the schedule's time even when the note lacks them.
    timeline = {(t["status"], t["note"]) for t in app["timeline"]}
    assert any(s == "returned" and "Alasan: " in (n or "") and "NPWP tidak sesuai" in (n or "") for s, n in timeline)
    assert any(s == "scheduled" and "pukul 09.00 WIB" in (n or "") for s, n in timeline)


async def test_cancelled_and_withdrawn(tmp_path: Path, sqlite_url: str, smtp_sink: tuple[Sink, str]) -> None:
    sink, url = smtp_sink
    async with running_portal(portal_settings(tmp_path, sqlite_url, smtp_url=url)) as portal:
        address = "siti.mail@example.id"
        headers = await smtp_applicant(portal, sink, address)
        cancelled = await submitted(portal, headers)
        steps: list[tuple[str, dict[str, Any]]] = [
            ("submitted", {}), ("forwarded", {"lsp_code": "LSP-A"}), ("accepted", {}),
            ("invoiced", {"invoice": INVOICE}),
            ("cancelled", {"invoice": INVOICE, "reasons": ["pembayaran tidak diterima sampai jatuh tempo"]}),
        ]
        await portal.feed(*[status_event(cancelled, seq, status, **kw) for seq, (status, kw) in enumerate(steps, 1)])
        mails = await settle(sink, address, 3)
        withdrawn = await submitted(portal, headers)
        events = [status_event(withdrawn, 1, "forwarded", lsp_code="LSP-A"),
                  status_event(withdrawn, 2, "withdrawn", actor="applicant")]
        await portal.feed(*events)
        await portal.feed(*events)
        mails = await settle(sink, address, 5)
    assert Counter(s for s, _ in mails) == Counter({
        "Permohonan SKK Konstruksi Anda diterima LSP": 2, "Tagihan pembayaran sertifikasi SKK Konstruksi": 1,
        "Permohonan SKK Konstruksi Anda dibatalkan": 1, "Permohonan SKK Konstruksi Anda telah ditarik": 1})
    cancel_mail = body_of(mails, "Permohonan SKK Konstruksi Anda dibatalkan")
    assert "- pembayaran tidak diterima sampai jatuh tempo" in cancel_mail
    assert withdrawn in body_of(mails, "Permohonan SKK Konstruksi Anda telah ditarik")


# --- the templates themselves ----------------------------------------------------------------

def _event(status: S, **kw: Any) -> StatusChanged:
    return StatusChanged.model_validate({"application_id": "app-1", "seq": 1, "status": status, "at": AT,
                                         "actor": "LSP-A/x", "lsp_code": "LSP-A", **kw})


def test_every_step_with_an_email_renders_with_a_fixed_subject() -> None:
    name = "Budi\r\nBcc: evil@example.com"
    greeting = "Yth. Budi  Bcc: evil@example.com,"
    for status in STATUS_TEMPLATES:
        for kw in ({}, {"invoice": INVOICE, "assessment": ASSESSMENT, "reasons": [HOSTILE], "note": HOSTILE,
                        "appeal_until": "2026-12-11"}):
            mail = status_email(_event(status, **kw), first_name=name, portal_url="http://portal.test/")
            assert mail is not None, status
            assert "\n" not in mail.subject and "\r" not in mail.subject and "Budi" not in mail.subject
            assert "evil" not in mail.subject and "LSP-A" not in mail.subject
            assert not any(ln.startswith(("Bcc:", "Akun Anda")) for ln in mail.body.splitlines()), status
            assert "\r" not in mail.body and "\u2028" not in mail.body
            assert next(ln for ln in mail.body.splitlines() if ln.startswith("Yth.")) == greeting
    assert status_email(_event(S.ACCEPTED), first_name="Budi", portal_url="http://portal.test") is None


def test_appeal_rejected_and_texts() -> None:
    mail = status_email(_event(S.APPEAL_REJECTED, reasons=["bukti tidak cukup"]), first_name="Budi",
                        portal_url="http://portal.test")
    assert mail is not None and "DITOLAK" in mail.body and "- bukti tidak cukup" in mail.body
    bk = status_email(_event(S.NOT_YET_COMPETENT), first_name="Budi", portal_url="http://portal.test")
    assert bk is not None and "Ajukan Banding" in bk.body and "paling lambat" not in bk.body
    assert render_email("status/withdrawn", first_name="A", application_id="x", lsp_code="L", portal_url="p")


def test_rupiah() -> None:
    assert rupiah(Decimal("1500000")) == "Rp 1.500.000"
    assert rupiah(Decimal("2750000.5")) == "Rp 2.750.000,50"
    assert rupiah(Decimal("0")) == "Rp 0"
    assert date(2026, 12, 11).strftime("%d-%m-%Y") == "11-12-2026"
