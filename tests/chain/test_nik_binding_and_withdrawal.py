"""Issue 11 across the whole chain: NIK squatting refused at the portal (both orders), the
portal operator's rebind reaching SIKI, the LSP's re-check at SIKI on receipt, and a withdrawal
travelling portal -> SIKI -> LSP. Driven through the public APIs only."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest

from scripts.simulator.api import ApiError, wait_until
from scripts.simulator.journeys import (
    PASSWORD,
    Chain,
    Plan,
    fill_application,
    lsp_reaches,
    onboard,
)
from scripts.simulator.people import Person, make_people
from shared.tests.operators import create_operator_session

pytestmark = pytest.mark.chain

PLAN = Plan(lsp_code="LSP-A", jabatan_kerja_code="SI032002")


def new_person() -> Person:
    return make_people(1, seed=uuid.uuid4().int % 10**9, tag="n" + uuid.uuid4().hex[:6])[0]


def impostor_of(owner: Person) -> Person:
    """Another person's account entering the owner's NIK (and the birth date and gender it encodes)."""
    return dataclasses.replace(owner, email=f"impostor-{uuid.uuid4().hex[:8]}@example.id", first_name="Palsu")


async def refused_at_personal(chain: Chain, person: Person) -> None:
    portal = await onboard(chain, person)
    with pytest.raises(ApiError) as err:
        await fill_application(portal, person, PLAN)
    assert err.value.status == 409 and err.value.op == "portal.put_application_section"
    assert "personal.nik" in str(err.value.body) and "operator" in str(err.value.body)
    drafts = await portal.list_applications()
    assert len(drafts) == 1
    assert (await portal.get_application(str(drafts[0]["id"])))["sections"] == {}  # nothing stored


async def lsp_view(chain: Chain, app_id: str) -> dict[str, Any]:
    token = await chain.staff[PLAN.lsp_code].token_of("admin")
    r = await chain.http.get(f"{chain.lsp_urls[PLAN.lsp_code]}/api/v1/applications/{app_id}",
                             headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    return dict(r.json())


async def submitted_and_rechecked(chain: Chain, person: Person) -> tuple[Any, str]:
    portal = await onboard(chain, person)
    app_id = await fill_application(portal, person, PLAN)
    await portal.submit(app_id)
    await lsp_reaches(chain, PLAN.lsp_code, app_id, "forwarded")
    view = await wait_until(f"the LSP's re-check of {app_id}", lambda: lsp_view(chain, app_id),
                            lambda v: v.get("eligibility") is not None, timeout=chain.step_timeout)
    assert view["eligibility"]["eligible"] is True and view["eligibility"]["submission_no"] == 1
    return portal, app_id


async def test_owner_first_the_impostor_is_refused(chain: Chain) -> None:
    owner = new_person()
    await submitted_and_rechecked(chain, owner)
    await refused_at_personal(chain, impostor_of(owner))


async def test_impostor_first_the_operator_rebinds_and_the_owner_withdraws(chain: Chain) -> None:
    owner = new_person()
    impostor = impostor_of(owner)
    impostor_portal, impostor_app = await submitted_and_rechecked(chain, impostor)
    await refused_at_personal(chain, owner)

    # The portal operator checked the owner's KTP: the NIK moves to the owner's account, at SIKI too.
    # Operators are people with accounts (issue 12): the dev operator of each service logs in.
    portal_operator = await create_operator_session(chain.http, "portal", base_url=chain.portal_url)
    r = await chain.http.post(f"{chain.portal_url}/api/v1/operator/nik-bindings", headers=portal_operator,
                              json={"nik": owner.nik, "account_email": owner.email,
                                    "identity_check_reference": "KTP-CHAIN-1"})
    assert r.status_code == 200, r.text
    assert r.json()["previous_account_id"] and r.json()["previous_account_id"] != r.json()["account_id"]

    # Now the owner's application goes through; the impostor's in progress no longer counts.
    owner_portal = await onboard_again(chain, owner)
    app_id = await fill_application(owner_portal, owner, PLAN)
    await owner_portal.submit(app_id)
    await lsp_reaches(chain, PLAN.lsp_code, app_id, "forwarded")
    # The impostor cannot use the NIK any more.
    with pytest.raises(ApiError) as err:
        await fill_application(impostor_portal, impostor, PLAN)
    assert err.value.status == 409

    # The owner withdraws: portal -> SIKI -> the LSP, one timeline entry each.
    r = await chain.http.post(f"{chain.portal_url}/api/v1/applications/{app_id}/withdrawal",
                              headers={"Authorization": f"Bearer {owner_portal.token}"},
                              json={"reason": "salah memilih jabatan kerja"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "withdrawn"
    lsp = await wait_until(f"{app_id} withdrawn at the LSP", lambda: lsp_view(chain, app_id),
                           lambda v: v["status"] == "withdrawn", timeout=chain.step_timeout)
    assert lsp["timeline"][-1]["status"] == "withdrawn" and lsp["timeline"][-1]["actor"] == "SIKI"
    r = await chain.http.get(f"{chain.siki_url}/api/v1/applications/{app_id}/timeline",
                             headers=await create_operator_session(chain.http, "siki", base_url=chain.siki_url))
    siki = r.json()
    assert [t["status"] for t in siki["timeline"]].count("withdrawn") == 1 and siki["status"] == "withdrawn"

    owner_auth = {"Authorization": f"Bearer {owner_portal.token}"}

    async def notified() -> list[Any]:
        r = await chain.http.get(f"{chain.portal_url}/api/v1/notifications", headers=owner_auth)
        return [n for n in r.json() if n["application_id"] == app_id and n["status"] == "withdrawn"]

    # SIKI's status event reached the portal (the applicant is told) and confirmed its own entry.
    await wait_until(f"{app_id}: SIKI's withdrawn step at the portal", notified, bool, timeout=chain.step_timeout)
    portal_app = (await chain.http.get(f"{chain.portal_url}/api/v1/applications/{app_id}", headers=owner_auth)).json()
    assert portal_app["status"] == "withdrawn"
    assert [t["status"] for t in portal_app["timeline"]].count("withdrawn") == 1
    # Staff can no longer act on it.
    with pytest.raises(ApiError) as err:
        await chain.staff[PLAN.lsp_code].verify_application(app_id, "accepted")
    assert err.value.status == 409
    assert impostor_app != app_id


async def onboard_again(chain: Chain, person: Person) -> Any:
    """The owner's account exists already (refused_at_personal registered it): log in."""
    portal = chain.portal()
    await portal.login(person.email, PASSWORD)
    return portal
