"""Issue 13's acceptance across the whole chain: an LSP that starts with no staff gets its
manager by the command line, who makes the admin, an asesor and two komite through the API;
each activates by the link the LSP emails (read from the SMTP sink) and sets a password; they
carry one application (returned once, one payment proof rejected) to a certificate. On the way
the admin opens every document and the payment proof, APL-01 and APL-02 download as PDFs with the
applicant's data and the scheme's units (APL-01 signed once verified) from the LSP and from the
portal, the applicant gets each step's email once and sees the reasons and the schedule time on
the timeline, and the LSP's record ends ``completed`` after the certificate is downloaded. A
second applicant, found Belum Kompeten, appeals: the second komite decides the appeal, the komite
who decided (and the asesor) are refused.

What is not covered here: the LSP runs in dev mode (``SKK_SEED_DEV_STAFF=false``, a fresh
database), not production mode. Production refuses the dev service key, the dev SIKI credentials
and the dev certificate key (shared/settings.py, services/lsp/settings.py, issuance/settings.py):
SIKI and BNSP would have to be restarted trusting a new key, and LSP-A's SIKI credentials rotated
for good (the chain's other tests use the dev ones); a new LSP code is not in the reference data
(no schemes, no TUK). That needs a production-keyed chain, which the harness does not start.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from scripts.simulator.api import ApiError, LspStaff, Service, wait_until
from scripts.simulator.chains import RunningChain, TunedProcesses
from scripts.simulator.journeys import (
    JAKARTA,
    Chain,
    Plan,
    fill_application,
    lsp_reaches,
    onboard,
    pay,
    portal_reaches,
    qualification_of,
    upload_docs,
)
from scripts.simulator.mailbox import activation_token
from scripts.simulator.people import Person, make_people
from services.lsp.documents.units import seeded_units

pytestmark = pytest.mark.chain

CODE = "LSP-A"
SCHEME = "SI031018"  # Ahli Muda Teknik Jalan: its SKKNI units are seeded (services/lsp/documents/units)
PLAN = Plan(lsp_code=CODE, jabatan_kerja_code=SCHEME)
STAFF_PASSWORD = "Lsp-Staf-Rahasia-2026"
RETURN_REASON = "APL-02 belum ditandatangani asesi"
PAYMENT_REASON = "Nominal transfer tidak sesuai tagihan"
ROOT = Path(__file__).resolve().parents[2]

CERTIFICATE_MAIL = "Sertifikat SKK Konstruksi Anda sudah terbit"
# The applicant's emails (services/portal/templates/email): subject -> how many this journey sends.
# Two submissions (the first one returned): the LSP's receipt is mailed once for each.
EXPECTED_MAIL = {
    "Permohonan SKK Konstruksi Anda diterima LSP": 2,
    "Permohonan SKK Konstruksi Anda dikembalikan untuk diperbaiki": 1,
    "Tagihan pembayaran sertifikasi SKK Konstruksi": 1,
    "Bukti pembayaran SKK Konstruksi Anda ditolak": 1,
    "Pembayaran sertifikasi SKK Konstruksi Anda telah diverifikasi": 1,
    "Jadwal asesmen SKK Konstruksi Anda": 1,
    "Keputusan sertifikasi SKK Konstruksi Anda": 1,
    CERTIFICATE_MAIL: 1,
}


class Staff(LspStaff):
    """The simulator's LSP staff under this run's accounts: the role names it uses ("admin")
    stand for the accounts the manager made, all with the password each set on activation."""

    def __init__(self, chain: Chain, accounts: dict[str, str]) -> None:
        super().__init__(Service("lsp_client", chain.http, chain.lsp_urls[CODE]), chain.metrics, CODE,
                         password=STAFF_PASSWORD)
        self.accounts = accounts

    async def token_of(self, username: str) -> str:
        return await super().token_of(self.accounts.get(username, username))


@pytest.fixture
async def bare_lsp(running_chain: RunningChain) -> AsyncIterator[TunedProcesses]:
    """LSP-A restarted on a fresh, empty database with no dev staff (same port, keys and bus
    user), for this test only; the chain's LSP-A is back afterwards."""
    procs = running_chain.processes
    assert isinstance(procs, TunedProcesses)
    database = f"{procs.db_prefix}_lsp_a_bare"
    url = procs.database_url(CODE).rsplit("/", 1)[0] + "/" + database
    conn = await asyncpg.connect(procs.postgres_admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()
    procs.service_env[CODE] = {"SKK_DATABASE_URL": url, "SKK_SEED_DEV_STAFF": "false",
                               "SKK_MIGRATE_ON_STARTUP": "true"}
    try:
        await procs.restart_one(CODE, timeout=90)
        yield procs
    finally:
        procs.service_env.pop(CODE, None)
        await procs.restart_one(CODE, timeout=90)
        conn = await asyncpg.connect(procs.postgres_admin_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        finally:
            await conn.close()


# --- staff ------------------------------------------------------------------------------------


def create_manager(procs: TunedProcesses, username: str, email: str, full_name: str) -> str:
    """The command line, run as the operator would: the LSP's own environment."""
    done = subprocess.run(
        [sys.executable, "-m", "services.lsp", "create-manager", "--lsp", CODE, "--email", email,
         "--full-name", full_name, "--username", username],
        env=procs.env_for(CODE), cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def activate(chain: Chain, email: str) -> str:
    """Open the emailed link's token and set the password; the account's username."""
    mails = await chain.mailbox.wait_for(email, "Aktivasi akun staf", timeout=chain.step_timeout)
    assert len(mails) == 1, [m.subject for m in mails]
    token = activation_token(mails[0])
    assert f"{chain.lsp_urls[CODE]}/aktivasi-staf?token=" in mails[0].body
    r = await chain.http.post(f"{chain.lsp_urls[CODE]}/api/v1/staff/activation",
                              json={"token": token, "password": STAFF_PASSWORD, "password_repeat": STAFF_PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["username"])


async def login(chain: Chain, username: str) -> dict[str, str]:
    r = await chain.http.post(f"{chain.lsp_urls[CODE]}/api/v1/auth/token",
                              data={"username": username, "password": STAFF_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def make_staff(chain: Chain, procs: TunedProcesses, tag: str) -> tuple[dict[str, str], dict[str, str]]:
    """The manager by the command line, then the others by the API; every one activated by
    email. Answers the accounts by role name and the asesor's full name."""
    domain = "lsp-a.example.id"
    manager = f"manajer.{tag}"
    out = create_manager(procs, manager, f"{manager}@{domain}", "Ani Wijaya")
    assert manager in out and "emailed" in out and "token" not in out  # never the link
    # Until activation the manager cannot log in.
    r = await chain.http.post(f"{chain.lsp_urls[CODE]}/api/v1/auth/token",
                              data={"username": manager, "password": STAFF_PASSWORD})
    assert r.status_code == 401, r.text
    assert await activate(chain, f"{manager}@{domain}") == manager
    boss = await login(chain, manager)

    people = {
        "admin": ("Budi Santoso Admin", ["admin"], None),
        "asesor": ("Citra Lestari", ["asesor"], "MET.000.004321 2021"),
        "komite": ("Dewi Anggraini", ["komite"], None),
        "komite2": ("Eko Prasetyo", ["komite"], None),
    }
    accounts: dict[str, str] = {"manajer": manager}
    for role, (full_name, roles, reg) in people.items():
        username = f"{role}.{tag}"
        body: dict[str, Any] = {"username": username, "full_name": full_name, "email": f"{username}@{domain}",
                                "roles": roles}
        if reg:
            body["asesor_registration_number"] = reg
        r = await chain.http.post(f"{chain.lsp_urls[CODE]}/api/v1/staff", json=body, headers=boss)
        assert r.status_code == 201, r.text
        assert r.json()["activated"] is False
        accounts[role] = username
    for role in people:
        assert await activate(chain, f"{accounts[role]}@{domain}") == accounts[role]

    # The LSP started with nobody: its staff are exactly these five, activated.
    r = await chain.http.get(f"{chain.lsp_urls[CODE]}/api/v1/staff", headers=boss)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 5, page
    listed = {s["username"]: s for s in page["items"]}
    assert set(listed) == set(accounts.values())
    assert all(s["activated"] and s["active"] for s in listed.values())
    assert listed[accounts["asesor"]]["asesor_registration_number"] == "MET.000.004321 2021"
    assert listed[accounts["manajer"]]["roles"] == ["manajer"]
    for username in accounts.values():
        await login(chain, username)
    return accounts, {"asesor": people["asesor"][0], "admin": people["admin"][0]}


# --- the applicant and the evidence --------------------------------------------------------------


def new_person() -> Person:
    return make_people(1, seed=uuid.uuid4().int % 10**9, tag="i" + uuid.uuid4().hex[:6])[0]


async def put_qualification(chain: Chain, portal: Any, app_id: str, person: Person, units: list[str]) -> None:
    """The qualification section with the self-assessment of the scheme's units (APL-02)."""
    q = qualification_of(PLAN)
    q["documents"] = await upload_docs(portal, person.email, ("application_letter", "apl01", "apl02"))
    q["self_assessment"] = [{"unit_code": u, "answer": "K"} for u in units]
    await portal.put_section(app_id, "qualification", q)


async def lsp_view(chain: Chain, app_id: str) -> dict[str, Any]:
    app = await chain.staff[CODE].get_application(app_id)
    assert app is not None
    return app


async def admin_headers(chain: Chain) -> dict[str, str]:
    return {"Authorization": f"Bearer {await chain.staff[CODE].token_of('admin')}"}


async def open_as_admin(chain: Chain, app_id: str, ref: dict[str, Any]) -> None:
    r = await chain.http.get(f"{chain.lsp_urls[CODE]}/api/v1/applications/{app_id}/documents/{ref['id']}",
                             headers=await admin_headers(chain))
    assert r.status_code == 200, f"{ref['kind']}: {r.text}"
    assert hashlib.sha256(r.content).hexdigest() == ref["sha256"] and len(r.content) == ref["size"]
    assert r.headers["content-type"] == ref["content_type"]
    assert r.headers["content-disposition"].startswith("inline; filename=")


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def signature_fields(pdf: bytes) -> list[Any]:
    fields = PdfReader(io.BytesIO(pdf)).get_fields() or {}
    return [f for f in fields.values() if f.get("/FT") == "/Sig" and f.get("/V") is not None]


async def signature_intact(pdf: bytes) -> bool:
    """The signature covers the document unchanged and verifies (no trust anchor asked here)."""
    def check() -> bool:
        sig = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0]
        status = validate_pdf_signature(sig, ValidationContext(allow_fetching=False))
        return bool(status.intact and status.valid)

    return await asyncio.to_thread(check)


async def lsp_form(chain: Chain, app_id: str, form: str) -> bytes:
    r = await chain.http.get(f"{chain.lsp_urls[CODE]}/api/v1/applications/{app_id}/forms/{form}",
                             headers=await admin_headers(chain))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF-")
    return r.content


async def portal_form(chain: Chain, portal: Any, app_id: str, form: str, *, signed: bool) -> bytes:
    """The form as the applicant downloads it, once the LSP's (signed) copy reached the portal."""
    async def fetch() -> bytes | None:
        r = await chain.http.get(f"{chain.portal_url}/api/v1/applications/{app_id}/forms/{form}",
                                 headers={"Authorization": f"Bearer {portal.token}"})
        if r.status_code == 404:
            return None
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/pdf")
        return r.content

    return bytes(await wait_until(f"portal {form} of {app_id}", fetch,
                                  lambda pdf: pdf is not None and (not signed or bool(signature_fields(pdf))),
                                  timeout=chain.step_timeout, max_delay=chain.poll_max_delay))


def timeline_note(app: dict[str, Any], status: str) -> str:
    notes = [str(t.get("note") or "") for t in app.get("timeline") or [] if t.get("status") == status]
    assert notes, f"no {status!r} on the timeline: {[t.get('status') for t in app.get('timeline') or []]}"
    return " ".join(notes)


async def schedule_at(chain: Chain, app_id: str, assessor: str, days_ahead: int) -> datetime:
    """10.30 WIB (a time that is not the simulator's 09.00); one day per application, the
    asesor being the same."""
    day = datetime.now(JAKARTA).date() + timedelta(days=days_ahead)
    at = datetime(day.year, day.month, day.day, 10, 30, tzinfo=JAKARTA)
    tuk = qualification_of(PLAN)["tuk_code"]
    await chain.staff[CODE].schedule(app_id, assessor, tuk, at.isoformat())
    return at


def mail_counts(chain: Chain, person: Person, app_id: str) -> dict[str, int]:
    return dict(Counter(m.subject for m in chain.mailbox.messages(person.email) if app_id in m.body
                        or m.subject == CERTIFICATE_MAIL))


async def appeal_decided_by_the_other_komite(chain: Chain, accounts: dict[str, str]) -> None:
    """A second applicant found Belum Kompeten appeals: the komite who decided may not answer
    the appeal, the second komite does."""
    staff = chain.staff[CODE]
    person = new_person()
    portal = await onboard(chain, person)
    app_id = await fill_application(portal, person, PLAN)
    await portal.submit(app_id)
    await lsp_reaches(chain, CODE, app_id, "forwarded")
    await staff.verify_application(app_id, "accepted")
    await portal_reaches(chain, portal, app_id, "invoiced")
    await pay(portal, app_id, person)
    await lsp_reaches(chain, CODE, app_id, "payment_uploaded")
    await staff.verify_payment(app_id, "valid")
    await staff.start_certification(app_id)
    await schedule_at(chain, app_id, accounts["asesor"], 31)
    await staff.report(app_id, accounts["asesor"], "BK", "Bukti belum memadai")
    await staff.decide(app_id, "belum_kompeten", accounts["komite"])
    await portal_reaches(chain, portal, app_id, "not_yet_competent")
    await portal.file_appeal(app_id, "Saya keberatan: bukti portofolio proyek belum diperiksa asesor.")
    await lsp_reaches(chain, CODE, app_id, "appealed")
    with pytest.raises(ApiError) as refused:
        await staff.decide_appeal(app_id, "upheld", accounts["komite"])
    assert refused.value.status == 403 and "komite" in str(refused.value.body)
    with pytest.raises(ApiError) as refused:
        await staff.decide_appeal(app_id, "upheld", accounts["asesor"])
    assert refused.value.status == 403
    await staff.decide_appeal(app_id, "rejected", accounts["komite2"])
    app = await portal_reaches(chain, portal, app_id, "appeal_rejected")
    assert timeline_note(app, "appeal_rejected")
    assert (await lsp_view(chain, app_id))["status"] == "appeal_rejected"
    await chain.mailbox.wait_for(person.email, "Keputusan banding", timeout=chain.step_timeout)
    await asyncio.sleep(2)
    assert mail_counts(chain, person, app_id) == {
        "Permohonan SKK Konstruksi Anda diterima LSP": 1,
        "Tagihan pembayaran sertifikasi SKK Konstruksi": 1,
        "Pembayaran sertifikasi SKK Konstruksi Anda telah diverifikasi": 1,
        "Jadwal asesmen SKK Konstruksi Anda": 1,
        "Keputusan sertifikasi SKK Konstruksi Anda": 1,
        "Banding Anda telah diterima": 1,
        "Keputusan banding SKK Konstruksi Anda": 1,
    }


# --- the test -----------------------------------------------------------------------------------


async def test_a_bare_lsp_staffed_by_its_manager_carries_an_application_to_a_certificate(
        chain: Chain, bare_lsp: TunedProcesses) -> None:
    tag = uuid.uuid4().hex[:6]
    accounts, names = await make_staff(chain, bare_lsp, tag)
    chain.staff[CODE] = Staff(chain, accounts)
    staff = chain.staff[CODE]
    units = [u["code"] for u in seeded_units(SCHEME) or []]
    assert units

    # The applicant applies; the LSP returns the first submission with a reason.
    person = new_person()
    portal = await onboard(chain, person)
    app_id = await fill_application(portal, person, PLAN)
    await put_qualification(chain, portal, app_id, person, units)
    await portal.submit(app_id)
    await lsp_reaches(chain, CODE, app_id, "forwarded")
    await staff.verify_application(app_id, "rejected", [RETURN_REASON])
    returned = await portal_reaches(chain, portal, app_id, "returned")
    assert RETURN_REASON in timeline_note(returned, "returned")
    await put_qualification(chain, portal, app_id, person, units)
    await portal.submit(app_id)
    await lsp_reaches(chain, CODE, app_id, "forwarded")

    # The admin opens every uploaded document, then reads the forms.
    documents = (await lsp_view(chain, app_id))["documents"]
    assert {"ktp", "npwp", "photo", "diploma", "reference_letter", "apl01", "apl02"} <= {d["kind"] for d in documents}
    for ref in documents:
        await open_as_admin(chain, app_id, ref)
    apl02 = pdf_text(await lsp_form(chain, app_id, "apl02"))
    assert "FR.APL.02" in apl02 and person.full_name in apl02
    assert all(u in apl02 for u in units), [u for u in units if u not in apl02]
    unsigned = await lsp_form(chain, app_id, "apl01")
    assert person.full_name in pdf_text(unsigned) and not signature_fields(unsigned)

    await staff.verify_application(app_id, "accepted")
    apl01 = await lsp_form(chain, app_id, "apl01")
    text = pdf_text(apl01)
    assert "FR.APL.01" in text and person.full_name in text and SCHEME in text and "DITERIMA" in text
    assert names["admin"] in text or accounts["admin"] in text
    assert signature_fields(apl01) and await signature_intact(apl01)
    # The applicant downloads both from the portal: the signed APL-01 as the LSP sent it.
    portal_apl01 = await portal_form(chain, portal, app_id, "apl01", signed=True)
    assert person.full_name in pdf_text(portal_apl01) and await signature_intact(portal_apl01)
    portal_apl02 = pdf_text(await portal_form(chain, portal, app_id, "apl02", signed=False))
    assert person.full_name in portal_apl02 and all(u in portal_apl02 for u in units)

    # Payment: the first proof rejected with a reason, the second verified after the admin opened it.
    await portal_reaches(chain, portal, app_id, "invoiced")
    await pay(portal, app_id, person)
    await lsp_reaches(chain, CODE, app_id, "payment_uploaded")
    await staff.verify_payment(app_id, "invalid", [PAYMENT_REASON])
    rejected = await portal_reaches(chain, portal, app_id, "payment_rejected")
    assert PAYMENT_REASON in timeline_note(rejected, "payment_rejected")
    await pay(portal, app_id, person)
    await lsp_reaches(chain, CODE, app_id, "payment_uploaded")
    proof = (await lsp_view(chain, app_id))["payment"]["proof"]
    assert proof is not None and proof["kind"] == "payment_proof"
    await open_as_admin(chain, app_id, proof)
    await staff.verify_payment(app_id, "valid")

    # Certification by the new asesor and komite.
    await staff.start_certification(app_id)
    at = await schedule_at(chain, app_id, accounts["asesor"], 30)
    scheduled = await portal_reaches(chain, portal, app_id, "scheduled")
    note = timeline_note(scheduled, "scheduled")
    assert f"{at:%d-%m-%Y} pukul 10.30 WIB" in note and names["asesor"] in note, note
    await staff.report(app_id, accounts["asesor"], "K", "Asesmen selesai; bukti memadai")
    await staff.decide(app_id, "kompeten", accounts["komite"])
    await portal_reaches(chain, portal, app_id, "certificate_issued")
    pdf = await portal.download_certificate(app_id)
    assert pdf.content.startswith(b"%PDF-")
    await portal_reaches(chain, portal, app_id, "completed")
    # SIKI's completion webhook reaches the LSP.
    assert (await lsp_reaches(chain, CODE, app_id, "completed"))["status"] == "completed"

    # Every step's email once (the receipt once per submission), nothing else about the application.
    await chain.mailbox.wait_for(person.email, CERTIFICATE_MAIL, timeout=chain.step_timeout)
    await asyncio.sleep(2)  # a duplicate, were there one, would follow within the outbox's polls
    assert mail_counts(chain, person, app_id) == EXPECTED_MAIL
    bodies = {m.subject: m.body for m in chain.mailbox.messages(person.email)}
    assert RETURN_REASON in bodies["Permohonan SKK Konstruksi Anda dikembalikan untuk diperbaiki"]
    assert PAYMENT_REASON in bodies["Bukti pembayaran SKK Konstruksi Anda ditolak"]
    assert re.search(r"10\.30 WIB", bodies["Jadwal asesmen SKK Konstruksi Anda"])

    await appeal_decided_by_the_other_komite(chain, accounts)
