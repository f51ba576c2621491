"""SPEC section 8 "Evidence" across the whole chain: the LSP's admin opens every document the
applicant uploaded and the payment proof, each fetched portal -> SIKI -> LSP by reference (every
hop proving itself with its own key), checked against its SHA-256 and audited at all three; the
other LSP cannot open them. Driven through the public APIs only."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import pytest

from scripts.simulator.journeys import Chain, Plan, fill_application, lsp_reaches, onboard, pay, portal_reaches
from scripts.simulator.people import Person, make_people
from shared.tests.operators import create_operator_session

pytestmark = pytest.mark.chain

PLAN = Plan(lsp_code="LSP-A", jabatan_kerja_code="SI032002")


def new_person() -> Person:
    return make_people(1, seed=uuid.uuid4().int % 10**9, tag="e" + uuid.uuid4().hex[:6])[0]


async def staff_headers(chain: Chain, code: str, user: str = "admin") -> dict[str, str]:
    return {"Authorization": f"Bearer {await chain.staff[code].token_of(user)}"}


async def lsp_view(chain: Chain, app_id: str) -> dict[str, Any]:
    r = await chain.http.get(f"{chain.lsp_urls[PLAN.lsp_code]}/api/v1/applications/{app_id}",
                             headers=await staff_headers(chain, PLAN.lsp_code))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def open_as_admin(chain: Chain, app_id: str, ref: dict[str, Any]) -> None:
    r = await chain.http.get(f"{chain.lsp_urls[PLAN.lsp_code]}/api/v1/applications/{app_id}/documents/{ref['id']}",
                             headers=await staff_headers(chain, PLAN.lsp_code))
    assert r.status_code == 200, f"{ref['kind']}: {r.text}"
    assert hashlib.sha256(r.content).hexdigest() == ref["sha256"] and len(r.content) == ref["size"]
    assert r.headers["content-type"] == ref["content_type"]
    assert r.headers["content-disposition"].startswith("inline; filename=")
    assert r.headers["cache-control"] == "no-store" and r.headers["x-content-type-options"] == "nosniff"


async def audit_events(chain: Chain, url: str, headers: dict[str, str], app_id: str) -> list[dict[str, Any]]:
    r = await chain.http.get(f"{url}/api/v1/audit-events", params={"application_id": app_id, "limit": 200},
                             headers=headers)
    assert r.status_code == 200, r.text
    return list(r.json())


async def test_the_admin_opens_every_uploaded_document_and_the_payment_proof(chain: Chain) -> None:
    person = new_person()
    portal = await onboard(chain, person)
    app_id = await fill_application(portal, person, PLAN)
    await portal.submit(app_id)
    await lsp_reaches(chain, PLAN.lsp_code, app_id, "forwarded")
    view = await lsp_view(chain, app_id)
    documents = view["documents"]
    kinds = {d["kind"] for d in documents}
    assert {"ktp", "npwp", "photo", "diploma", "reference_letter", "apl01", "apl02"} <= kinds, kinds
    for ref in documents:
        assert ref["uploaded_at"] and ref["size"] > 0 and len(ref["sha256"]) == 64 and ref["content_type"]
        await open_as_admin(chain, app_id, ref)

    # The other LSP has no such application: it cannot open its documents.
    r = await chain.http.get(
        f"{chain.lsp_urls['LSP-B']}/api/v1/applications/{app_id}/documents/{documents[0]['id']}",
        headers=await staff_headers(chain, "LSP-B"))
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"

    await chain.staff[PLAN.lsp_code].verify_application(app_id, "accepted")
    await portal_reaches(chain, portal, app_id, "invoiced")
    await pay(portal, app_id, person)
    await lsp_reaches(chain, PLAN.lsp_code, app_id, "payment_uploaded")
    proof = (await lsp_view(chain, app_id))["payment"]["proof"]
    assert proof is not None and proof["kind"] == "payment_proof"
    await open_as_admin(chain, app_id, proof)
    opened = {d["id"] for d in documents} | {proof["id"]}

    # Audited at every hop: the LSP (who looked), SIKI (which LSP it relayed for), the portal (what it served).
    lsp_audit = await audit_events(chain, chain.lsp_urls[PLAN.lsp_code], await staff_headers(chain, PLAN.lsp_code),
                                   app_id)
    viewed = [e for e in lsp_audit if e["action"] == "application.document_viewed"]
    assert {e["target_id"] for e in viewed} == opened
    assert all(e["actor"] == "staff:LSP-A:admin" for e in viewed)
    siki_audit = await audit_events(chain, chain.siki_url,
                                    await create_operator_session(chain.http, "siki", base_url=chain.siki_url), app_id)
    relayed = [e for e in siki_audit if e["action"] == "document.relayed"]
    assert {e["target_id"] for e in relayed} == opened and all(e["actor"] == "lsp:LSP-A" for e in relayed)
    portal_audit = await audit_events(chain, chain.portal_url,
                                      await create_operator_session(chain.http, "portal", base_url=chain.portal_url),
                                      app_id)
    served = [e for e in portal_audit if e["action"] == "document.fetched_for_lsp"]
    assert {e["target_id"] for e in served} == opened and all(e["actor"] == "service:siki" for e in served)
