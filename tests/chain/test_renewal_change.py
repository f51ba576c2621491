"""Issue 16 across the whole chain: renewal (perpanjangan) and change (perubahan) of a held SKK.

(a) an Operator renews an SKK near its end: the same journey as a first SKK (verification,
    invoice, payment, assessment, decision), a NEW SKK number valid 5 years, the old certificate
    ``superseded`` by the new one at LPJK and in SIKI's register;
(b) an Ahli's renewal needs PKB credits: too few refused by the portal naming the field, enough
    with the "pkb" document accepted and completed;
(c) a change of name: verified by the LSP, decided kompeten straight from ``accepted`` (no
    invoice, no assessment); the new certificate keeps the SKK number and the validity end and
    shows the new name; the old one is superseded.

The held SKK near its end is made by the real journey: BNSP (dev mode) is told beforehand to issue
that application as of a past instant (``backdate_issuance``), so that the LSP dates the
certificate from then and its validity ends inside the renewal window (6 months). Driven through
the public APIs only.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import httpx
import pytest

from scripts.simulator.api import Portal, wait_until
from scripts.simulator.chains import RunningChain
from scripts.simulator.files import document
from scripts.simulator.journeys import (
    Chain,
    JourneyResult,
    Plan,
    fill_application,
    lsp_reaches,
    onboard,
    portal_reaches,
    run_journey,
)
from scripts.simulator.people import Person, make_people
from shared.reference.identity import mask_name
from shared.settings import DEV_PASSWORD

pytestmark = pytest.mark.chain

WIB = timezone(timedelta(hours=7))
APPS = "/api/v1/applications"
OPERATOR = Plan(lsp_code="LSP-A", jabatan_kerja_code="SI013013")  # Operator, jenjang 3
AHLI = Plan(lsp_code="LSP-A", jabatan_kerja_code="SI011002")  # Ahli, jenjang 7: 100 SKPK
TEKNISI = Plan(lsp_code="LSP-B", jabatan_kerja_code="TL032011")


def new_person(tag: str) -> Person:
    return make_people(1, seed=uuid.uuid4().int % 10**9, tag=tag + uuid.uuid4().hex[:6])[0]


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def window_opens(valid_until: date) -> date:
    """6 calendar months before ``valid_until`` (the day clamped to the month's end)."""
    month = valid_until.month - 6
    year, month = (valid_until.year, month) if month > 0 else (valid_until.year - 1, month + 12)
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(valid_until.day, last))


def issue_day_for(valid_until: date) -> date:
    """The issue day whose 5-year validity (through the day before the anniversary) ends on
    ``valid_until``."""
    return add_years(valid_until + timedelta(days=1), -5)


async def bnsp_admin(chain: Chain, bnsp_url: str) -> dict[str, str]:
    r = await chain.http.post(f"{bnsp_url}/api/v1/operator/session",
                              json={"email": "operator@bnsp.dev", "password": DEV_PASSWORD})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def held_skk(chain: Chain, running_chain: RunningChain, person: Person, plan: Plan,
                   valid_until: date | None) -> tuple[Portal, JourneyResult]:
    """A completed first application (baru) of ``person``; with ``valid_until``, BNSP issues it
    backdated so that its certificate ends on that day."""
    portal = await onboard(chain, person)
    app_id = await fill_application(portal, person, plan)
    if valid_until is not None:
        bnsp = running_chain.urls["bnsp"]
        issued_at = datetime.combine(issue_day_for(valid_until), time(9, 0), WIB)
        r = await chain.http.post(f"{bnsp}/api/v1/dev/backdated-issuances", headers=await bnsp_admin(chain, bnsp),
                                  json={"lsp_code": plan.lsp_code, "application_id": app_id,
                                        "issued_at": issued_at.isoformat()})
        assert r.status_code == 200, r.text
    result = await run_journey(chain, person, plan, portal=portal, app_id=app_id)
    assert result.ok, result.error
    if valid_until is not None:
        assert result.application["certificate"]["valid_until"][:10] == valid_until.isoformat()
    return portal, result


def as_holder(portal: Portal) -> dict[str, str]:
    return {"Authorization": f"Bearer {portal.token}"}


async def new_draft(chain: Chain, portal: Portal, kind: str, skk_number: str) -> dict[str, Any]:
    r = await chain.http.post(f"{chain.portal_url}{APPS}", headers=as_holder(portal),
                              json={"application_kind": kind, "previous_skk_number": skk_number})
    assert r.status_code == 201, r.text
    draft = dict(r.json())
    assert draft["application_kind"] == kind and draft["previous_skk_number"] == skk_number
    return draft


async def put_section(chain: Chain, portal: Portal, app_id: str, section: str,
                      payload: dict[str, Any]) -> httpx.Response:
    return await chain.http.put(f"{chain.portal_url}{APPS}/{app_id}/sections/{section}",
                                headers=as_holder(portal), json=payload)


async def upload(chain: Chain, portal: Portal, kind: str, owner: str) -> str:
    name, content, ctype = document(kind, owner)
    r = await chain.http.post(f"{chain.portal_url}/api/v1/documents", headers=as_holder(portal),
                              data={"kind": kind}, files={"file": (name, content, ctype)})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def fields(r: httpx.Response) -> list[str]:
    assert r.headers["content-type"].startswith("application/problem+json"), r.text
    return [str(e["field"]) for e in r.json().get("errors", [])]


async def register_of(chain: Chain, nik: str, *recording_numbers: str) -> dict[str, dict[str, Any]]:
    """SIKI's register rows of ``nik`` by recording number, once all of them are there."""
    held = await wait_until("SKK register", lambda: chain.siki.skk_by_nik(nik),
                            lambda h: set(recording_numbers) <= {k["recording_number"] for k in h["skk"]},
                            timeout=30)
    return {k["recording_number"]: k for k in held["skk"]}


async def assert_superseded(chain: Chain, portal: Portal, first: JourneyResult, new: dict[str, Any]) -> None:
    """LPJK answers the old certificate superseded by the new one; SIKI's register and the
    holder's portal follow."""
    person, old = first.person, first.application["certificate"]
    old_rn, new_rn = old["recording_number"], new["recording_number"]
    verified = await wait_until("old certificate superseded at LPJK",
                                lambda: chain.lpjk.verify_certificate(old_rn),
                                lambda v: v.get("status") == "superseded", timeout=30)
    assert verified["valid"] is False and verified["superseded_by"] == new_rn
    current = await chain.lpjk.verify_certificate(new_rn)
    assert (current["valid"], current["status"]) == (True, "active")
    rows = await wait_until(
        "SIKI register: old superseded, new active",
        lambda: register_of(chain, person.nik, old_rn, new_rn),
        lambda r: r[old_rn].get("status") == "superseded" and r[new_rn].get("status") == "active", timeout=30)
    assert rows[new_rn]["skk_number"] == new["skk_number"]
    assert first.application_id is not None
    first_id = first.application_id
    seen = await wait_until("the holder's portal shows the old certificate superseded",
                            lambda: portal.get_application(first_id),
                            lambda a: (a.get("certificate") or {}).get("status") == "superseded", timeout=30)
    assert seen["certificate"]["recording_number"] == old_rn


async def test_an_operators_renewal_end_to_end(chain: Chain, running_chain: RunningChain) -> None:
    person = new_person("r")
    near = date.today() + timedelta(days=120)  # inside the window, which opens 6 months before
    portal, first = await held_skk(chain, running_chain, person, OPERATOR, near)
    old = first.application["certificate"]

    draft = await new_draft(chain, portal, "perpanjangan", old["skk_number"])
    assert draft["sections"]["qualification"]["jabatan_kerja_code"] == OPERATOR.jabatan_kerja_code
    # One renewal in progress per SKK.
    again = await chain.http.post(f"{chain.portal_url}{APPS}", headers=as_holder(portal),
                                  json={"application_kind": "perpanjangan", "previous_skk_number": old["skk_number"]})
    assert again.status_code == 409 and fields(again) == ["previous_skk_number"], again.text

    renewal = await run_journey(chain, person, OPERATOR, portal=portal, app_id=draft["id"])
    assert renewal.ok, renewal.error
    app = renewal.application
    assert app["invoice"] is not None  # a renewal pays and is assessed like a first SKK
    new = app["certificate"]
    assert new["skk_number"] != old["skk_number"] and new["recording_number"] != old["recording_number"]
    issued_on = date.fromisoformat(str(new["issued_on"])[:10])
    assert date.fromisoformat(str(new["valid_until"])[:10]) == add_years(issued_on, 5) - timedelta(days=1)
    siki = await chain.siki.timeline(draft["id"])
    assert "invoiced" in [t["status"] for t in siki["timeline"]]
    assert "assessed" in [t["status"] for t in siki["timeline"]]
    await assert_superseded(chain, portal, first, new)


async def test_an_ahlis_renewal_needs_pkb_credits(chain: Chain, running_chain: RunningChain) -> None:
    person = new_person("p")
    portal, first = await held_skk(chain, running_chain, person, AHLI, date.today() + timedelta(days=90))
    old = first.application["certificate"]
    draft = await new_draft(chain, portal, "perpanjangan", old["skk_number"])
    q = draft["sections"]["qualification"]

    too_few = await put_section(chain, portal, draft["id"], "qualification", {**q, "pkb_credits": 60})
    assert too_few.status_code == 422, too_few.text
    assert "qualification.pkb_credits" in fields(too_few)
    assert "100" in too_few.text  # the jenjang 7 minimum is named
    pkb = await upload(chain, portal, "pkb", person.email)
    enough = await put_section(chain, portal, draft["id"], "qualification",
                               {**q, "pkb_credits": 100, "documents": {**q.get("documents", {}), "pkb": pkb}})
    assert enough.status_code == 200, enough.text

    renewal = await run_journey(chain, person, AHLI, portal=portal, app_id=draft["id"])
    assert renewal.ok, renewal.error
    staff_view = await chain.staff[AHLI.lsp_code].get_application(draft["id"]) or {}
    assert staff_view.get("pkb_credits") == 100 and staff_view.get("application_kind") == "perpanjangan"
    await assert_superseded(chain, portal, first, renewal.application["certificate"])


async def test_a_change_of_name_keeps_the_skk_number_and_validity(chain: Chain, running_chain: RunningChain) -> None:
    person = new_person("u")
    portal, first = await held_skk(chain, running_chain, person, TEKNISI, None)  # no window for a change
    old = first.application["certificate"]
    new_name = f"{person.full_name} Wijaya"
    # Five years to go: no renewal yet; the refusal names the field and the day the window opens.
    early = await chain.http.post(f"{chain.portal_url}{APPS}", headers=as_holder(portal),
                                  json={"application_kind": "perpanjangan", "previous_skk_number": old["skk_number"]})
    assert early.status_code in (409, 422) and fields(early) == ["previous_skk_number"], early.text
    assert window_opens(date.fromisoformat(str(old["valid_until"])[:10])).strftime("%d-%m-%Y") in early.text

    draft = await new_draft(chain, portal, "perubahan", old["skk_number"])
    app_id = draft["id"]
    personal = draft["sections"]["personal"]
    proof = await upload(chain, portal, "bukti_perubahan", person.email)
    r = await put_section(chain, portal, app_id, "personal", {
        **personal, "full_name": new_name, "documents": {**personal["documents"], "bukti_perubahan": proof}})
    assert r.status_code == 200, r.text
    await portal.submit(app_id)

    staff = chain.staff[TEKNISI.lsp_code]
    await lsp_reaches(chain, TEKNISI.lsp_code, app_id, "forwarded")
    await staff.verify_application(app_id, "accepted")
    await lsp_reaches(chain, TEKNISI.lsp_code, app_id, "accepted")
    await staff.decide(app_id, "kompeten", "komite")  # straight from accepted
    await portal_reaches(chain, portal, app_id, "certificate_issued")
    pdf = await portal.download_certificate(app_id)  # the holder takes it: completed
    assert pdf.content.startswith(b"%PDF-")
    app = await portal_reaches(chain, portal, app_id, "completed")

    assert app.get("invoice") is None
    siki = await chain.siki.timeline(app_id)
    steps = [t["status"] for t in siki["timeline"]]
    assert steps == ["submitted", "forwarded", "accepted", "competent", "skk_numbered", "recorded",
                     "certificate_issued", "completed"], steps
    new = app["certificate"]
    assert new["skk_number"] == old["skk_number"] and new["recording_number"] != old["recording_number"]
    assert str(new["valid_until"])[:10] == str(old["valid_until"])[:10]
    verified = await chain.lpjk.verify_certificate(new["recording_number"])
    assert verified["holder_name_masked"] == mask_name(new_name) != mask_name(person.full_name)
    await assert_superseded(chain, portal, first, new)
