"""Issue 11, service identity at the portal: a document is read by SIKI or by the LSP it was
submitted to, each with a token signed by its own key; an LSP cannot pass for SIKI (which reads
every document), for another LSP, or for the portal."""

from __future__ import annotations

from pathlib import Path

import pytest
import respx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.portal.tests.factories import PNG_BYTES, Portal, portal_settings, running_portal
from services.portal.tests.test_documents import SIKI, service_headers
from shared.auth import ServiceIdentity, ServiceTokenSigner
from shared.servicekeys import TrustedKeyEntry
from shared.settings import ServiceSettings
from shared.tests.tokens import attacks, bearer


@pytest.mark.parametrize("attack", sorted(attacks("portal")))
async def test_forged_service_tokens_get_401_and_no_document(portal: Portal, applicant: dict[str, str],
                                                             attack: str) -> None:
    _, docs = await portal.complete_draft(applicant)  # not submitted: only SIKI may read it
    path = f"/api/v1/internal/documents/{docs['ktp']}"
    r = await portal.client.get(path, headers=bearer(attacks("portal")[attack]))
    assert r.status_code == 401, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert PNG_BYTES not in r.content and b"%PDF" not in r.content
    # The state the attack would have read is there, for SIKI itself.
    assert (await portal.client.get(path, headers=service_headers("siki"))).status_code == 200


async def test_only_siki_and_lsps_read_documents(portal: Portal, applicant: dict[str, str]) -> None:
    _, docs = await portal.complete_draft(applicant)
    path = f"/api/v1/internal/documents/{docs['ktp']}"
    for party in ("portal", "bnsp", "lpjk"):
        assert (await portal.client.get(path, headers=service_headers(party))).status_code == 403, party


async def test_a_rotated_second_siki_key_is_accepted(tmp_path: Path, sqlite_url: str) -> None:
    new = Ed25519PrivateKey.generate()
    settings = portal_settings(tmp_path, sqlite_url,
                               service_trusted_keys=[TrustedKeyEntry.of(new.public_key(), "siki-2026", "siki")])
    async with running_portal(settings) as portal:
        headers = await portal.applicant()
        _, docs = await portal.complete_draft(headers)
        path = f"/api/v1/internal/documents/{docs['ktp']}"
        signer = ServiceTokenSigner("siki", new, "siki-2026")
        assert (await portal.client.get(path, headers=service_headers("siki", signer=signer))).status_code == 200
        assert (await portal.client.get(path, headers=service_headers("siki"))).status_code == 200


async def test_the_portal_calls_siki_with_its_own_key(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, _ = await portal.complete_draft(applicant)
    with respx.mock:
        route = respx.post(SIKI).respond(202, json={})
        await submit_through(portal, applicant, app_id)
    token = route.calls.last.request.headers["authorization"].split()[1]
    siki = ServiceIdentity.from_settings(ServiceSettings(service_name="siki"))
    assert siki.verify(token, "siki") == "portal"
    keys = (await portal.client.get("/.well-known/jwks.json")).json()["keys"]
    assert [(k["kid"], k["iss"]) for k in keys] == [("dev:portal", "portal")]


async def submit_through(portal: Portal, headers: dict[str, str], app_id: str) -> None:
    r = await portal.client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)
    assert r.status_code == 200, r.text
