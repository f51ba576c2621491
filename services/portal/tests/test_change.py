"""Change (perubahan) of the holder's data in the portal: a draft of an active held SKK, the new
full name and its supporting document required, SIKI sent the changed fields with the new name
as the applicant's; a suspended SKK refused; once the change issued its certificate (the same SKK
number), renewals start from it and the reminders go to it alone."""

from __future__ import annotations

from datetime import date, timedelta

from services.portal.tests.factories import Portal, status_event
from services.portal.tests.renewal_support import (
    certificate,
    create,
    fields,
    held,
    listed,
    put,
    set_certificate,
    soon,
    submit_to_siki,
)

NEW_NAME = "Budi Santoso Wijaya"


async def test_a_change_of_the_full_name(portal: Portal, applicant: dict[str, str]) -> None:
    far = date.today() + timedelta(days=900)  # a change needs no renewal window
    source_id, _ = await held(portal, applicant, "SKK-C-0001", far)
    r = await create(portal, applicant, "perubahan", "SKK-C-0001")
    assert r.status_code == 201, r.text
    app = r.json()
    assert app["application_kind"] == "perubahan" and app["previous_skk_number"] == "SKK-C-0001"
    personal = app["sections"]["personal"]
    old_name = personal["full_name"]
    # Nothing changed yet, no supporting document: refused, naming both; SIKI hears nothing.
    r, sent = await submit_to_siki(portal, applicant, app["id"])
    assert r.status_code == 422 and sent is None
    assert fields(r) == ["personal.full_name", "personal.documents.bukti_perubahan"]
    # The new name and its document.
    doc = (await portal.upload(applicant, "bukti_perubahan")).json()["id"]
    r = await put(portal, applicant, app["id"], "personal",
                  {**personal, "full_name": NEW_NAME, "documents": {**personal["documents"], "bukti_perubahan": doc}})
    assert r.status_code == 200 and r.json()["complete"], r.text
    r, sent = await submit_to_siki(portal, applicant, app["id"])
    assert r.status_code == 200, r.text
    assert sent is not None and sent.application_kind == "perubahan"
    assert sent.previous_skk_number == "SKK-C-0001" and sent.changed_fields == ["full_name"]
    assert sent.applicant.full_name == NEW_NAME and sent.pkb_credits is None
    assert doc in {d.id for d in sent.documents if d.kind == "bukti_perubahan"}
    # The held SKK's application keeps the old name.
    source = (await portal.client.get(f"/api/v1/applications/{source_id}", headers=applicant)).json()
    assert source["sections"]["personal"]["full_name"] == old_name != NEW_NAME


async def test_change_refusals(portal: Portal, applicant: dict[str, str]) -> None:
    suspended_id, _ = await held(portal, applicant, "SKK-C-0010")
    await set_certificate(portal, suspended_id, certificate("SKK-C-0010", soon(), status="suspended"))
    before = await listed(portal, applicant)
    r = await create(portal, applicant, "perubahan", "SKK-C-0010")
    assert r.status_code == 409 and fields(r) == ["previous_skk_number"] and "aktif" in r.text
    r = await create(portal, applicant, "perubahan", None)
    assert r.status_code == 422 and fields(r) == ["previous_skk_number"]
    assert await listed(portal, applicant) == before
    # A supporting document of a change has no place in a first application; the NIK stays the holder's.
    app_id, _ = await portal.complete_draft(applicant)
    sections = (await portal.client.get(f"/api/v1/applications/{app_id}", headers=applicant)).json()["sections"]
    doc = (await portal.upload(applicant, "bukti_perubahan")).json()["id"]
    p = sections["personal"]
    r = await put(portal, applicant, app_id, "personal", {**p, "documents": {**p["documents"], "bukti_perubahan": doc}})
    assert r.status_code == 422 and fields(r) == ["personal.documents.bukti_perubahan"]


async def test_after_the_change_the_skk_is_held_by_it(portal: Portal, applicant: dict[str, str]) -> None:
    until = soon(80)
    source_id, _ = await held(portal, applicant, "SKK-C-0020", until)
    change = (await create(portal, applicant, "perubahan", "SKK-C-0020")).json()
    personal = change["sections"]["personal"]
    doc = (await portal.upload(applicant, "bukti_perubahan")).json()["id"]
    await put(portal, applicant, change["id"], "personal",
              {**personal, "full_name": NEW_NAME, "documents": {**personal["documents"], "bukti_perubahan": doc}})
    r, _ = await submit_to_siki(portal, applicant, change["id"])
    assert r.status_code == 200, r.text
    # The change issued: the same SKK number and validity end, the old certificate superseded.
    await portal.feed(status_event(change["id"], 2, "certificate_issued",
                                   certificate=certificate("SKK-C-0020", until, recording_number="LPJK-C-NEW")))
    reminders = portal.app.state.expiry_reminders
    sweep = await reminders.run(until - timedelta(days=85))
    assert [(r.application_id, r.skk_number) for r in sweep.sent] == [(change["id"], "SKK-C-0020")]
    await set_certificate(portal, source_id, certificate("SKK-C-0020", until, status="superseded"))
    # A renewal of that SKK now starts from the change: the new name prefilled.
    r = await create(portal, applicant, "perpanjangan", "SKK-C-0020")
    assert r.status_code == 201, r.text
    renewal = r.json()
    assert renewal["sections"]["personal"]["full_name"] == NEW_NAME
    assert "bukti_perubahan" not in renewal["sections"]["personal"]["documents"]
    assert renewal["sections"]["qualification"]["application_kind"] == "perpanjangan"
