"""Issue 16 across the whole chain: a certificate issued by the journey is suspended, reinstated
and revoked by an LPJK operator, and every party follows (LPJK's verification and status lists,
SIKI's register, the holder's portal, the issuing LSP); the offline verifier (``skk verify``),
given the trust list and status lists ``skk fetch-trust`` downloaded, says valid for the genuine
certificate and names the revocation afterwards."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from scripts.simulator.api import wait_until
from scripts.simulator.journeys import PASSWORD, Chain, Plan, run_journey
from scripts.simulator.people import make_people
from shared.credentials import TrustList, bit_at, decode_bits, verify_credential
from shared.settings import DEV_PASSWORD

pytestmark = pytest.mark.chain

ROOT = Path(__file__).resolve().parents[2]
STEPS = [("suspension", "suspended", "Dugaan sertifikat dipinjamkan untuk tender"),
         ("reinstatement", "active", "Klarifikasi diterima"),
         ("revocation", "revoked", "Terbukti dipinjamkan untuk tender")]


def skk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scripts.skk", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)


async def lpjk_operator(chain: Chain) -> dict[str, str]:
    r = await chain.http.post(f"{chain.lpjk_url}/api/v1/operator/session",
                              json={"email": "operator@lpjk.dev", "password": DEV_PASSWORD})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def status_bits(chain: Chain, index: int) -> dict[str, bool]:
    """Both status lists' bits at ``index``, each list verified with LPJK's published keys."""
    trust = TrustList.model_validate_json((await chain.http.get(f"{chain.lpjk_url}/api/v1/public/trust-list")).content)
    bits = {}
    for purpose in ("revocation", "suspension"):
        r = await chain.http.get(f"{chain.lpjk_url}/api/v1/public/status-lists/{purpose}")
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/vc+jwt")
        _, vc = verify_credential(r.text.strip(), trust.ed25519_keys("status_list"))
        assert vc["credentialSubject"]["statusPurpose"] == purpose
        bits[purpose] = bit_at(decode_bits(vc["credentialSubject"]["encodedList"]), index)
    return bits


async def everywhere(chain: Chain, portal: Any, app_id: str, nik: str, rn: str, lsp: str) -> dict[str, Any]:
    siki = [s for s in (await chain.siki.skk_by_nik(nik))["skk"] if s["recording_number"] == rn]
    lsp_view = await chain.staff[lsp].get_application(app_id) or {}
    return {
        "lpjk": (await chain.lpjk.verify_certificate(rn))["status"],
        "siki": siki[0]["status"] if siki else None,
        "portal": ((await portal.get_application(app_id)).get("certificate") or {}).get("status"),
        "lsp": (lsp_view.get("certificate_status") or {}).get("status", "active"),
    }


async def test_suspend_reinstate_revoke_everywhere_and_offline(chain: Chain, tmp_path: Path) -> None:
    person = make_people(1, seed=uuid.uuid4().int % 10**9, tag="c" + uuid.uuid4().hex[:6])[0]
    plan = Plan(lsp_code="LSP-A", jabatan_kerja_code="SI032002")
    result = await run_journey(chain, person, plan)
    assert result.ok, result.error
    assert result.application_id is not None and result.certificate_pdf is not None
    app_id, rn = result.application_id, result.application["certificate"]["recording_number"]
    pdf = tmp_path / "sertifikat.pdf"
    pdf.write_bytes(result.certificate_pdf)

    # The credential names its status list entries; the same index in both lists.
    r = await chain.http.get(f"{chain.lpjk_url}/api/v1/public/credentials/{rn}")
    assert r.status_code == 200, r.text
    trust = TrustList.model_validate_json((await chain.http.get(f"{chain.lpjk_url}/api/v1/public/trust-list")).content)
    _, credential = verify_credential(r.text.strip(), trust.ed25519_keys("credential"))
    indexes = {int(e["statusListIndex"]) for e in credential["credentialStatus"]}
    assert len(indexes) == 1
    index = indexes.pop()
    assert await status_bits(chain, index) == {"revocation": False, "suspension": False}

    fetched = skk("fetch-trust", "--lpjk", chain.lpjk_url, "--out", str(tmp_path / "trust"))
    assert fetched.returncode == 0, fetched.stderr
    lists = ["--trust-list", str(tmp_path / "trust" / "trust-list.json"),
             "--status-list", str(tmp_path / "trust" / "revocation.jwt"),
             "--status-list", str(tmp_path / "trust" / "suspension.jwt")]
    genuine = skk("verify", *lists, "--pdf", str(pdf), "--lang", "en")
    assert genuine.returncode == 0, genuine.stdout + genuine.stderr

    holder = chain.portal()  # the holder, logged in again (the journey's session is its own)
    await holder.login(person.email, PASSWORD)
    headers = await lpjk_operator(chain)
    for action, expected, reason in STEPS:
        r = await chain.http.post(f"{chain.lpjk_url}/api/v1/records/{rn}/{action}", json={"reason": reason},
                                  headers=headers)
        assert r.status_code == 200, r.text
        want = {"lpjk": expected, "siki": expected, "portal": expected, "lsp": expected}

        async def seen() -> dict[str, Any]:
            return await everywhere(chain, holder, app_id, person.nik, rn, "LSP-A")

        await wait_until(f"{expected} everywhere", seen, want.__eq__, timeout=60)
        assert await status_bits(chain, index) == {"revocation": expected == "revoked",
                                                   "suspension": expected == "suspended"}

    # The holder was told each change once, in the notifications and by email.
    notes = [n for n in await holder.notifications() if str(n.get("status", "")).startswith("certificate.")]
    assert sorted(n["status"] for n in notes) == ["certificate.active", "certificate.revoked", "certificate.suspended"]
    for subject in ("Anda dibekukan", "Anda kembali berlaku", "Anda dicabut"):
        mails = await chain.mailbox.wait_for(person.email, subject, timeout=30)
        assert len(mails) == 1, [m.subject for m in mails]

    fetched = skk("fetch-trust", "--lpjk", chain.lpjk_url, "--out", str(tmp_path / "trust"))
    assert fetched.returncode == 0, fetched.stderr
    revoked = skk("verify", *lists, "--pdf", str(pdf), "--lang", "en")
    assert revoked.returncode == 1, revoked.stdout
    assert "revoked" in revoked.stdout.lower()


async def test_expiry_reminders_at_90_and_30_days_once_each(chain: Chain) -> None:
    person = make_people(1, seed=uuid.uuid4().int % 10**9, tag="e" + uuid.uuid4().hex[:6])[0]
    result = await run_journey(chain, person, Plan(lsp_code="LSP-B", jabatan_kerja_code="TL032011"))
    assert result.ok, result.error
    valid_until = date.fromisoformat(str(result.application["certificate"]["valid_until"])[:10])
    r = await chain.http.post(f"{chain.portal_url}/api/v1/operator/session",
                              json={"email": "operator@portal.dev", "password": DEV_PASSWORD})
    assert r.status_code == 201, r.text
    operator = {"Authorization": f"Bearer {r.json()['access_token']}"}
    subject = "Masa berlaku SKK Konstruksi Anda segera berakhir"
    for days_left, mails_by_then in [(91, 0), (90, 1), (89, 1), (90, 1), (30, 2), (29, 2)]:
        as_of = (valid_until - timedelta(days=days_left)).isoformat()
        r = await chain.http.post(f"{chain.portal_url}/api/v1/operator/expiry-reminders", json={"as_of": as_of},
                                  headers=operator)
        assert r.status_code == 200, r.text
        if mails_by_then:
            await chain.mailbox.wait_for(person.email, subject, timeout=30, count=mails_by_then)
        await asyncio.sleep(0.5)  # nothing more arrives
        mails = [m for m in chain.mailbox.messages(person.email) if subject in m.subject]
        assert len(mails) == mails_by_then, (days_left, [m.subject for m in mails])
    assert "perpanjangan" in mails[-1].body and result.application["certificate"]["skk_number"] in mails[-1].body
