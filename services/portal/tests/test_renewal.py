"""Renewal (perpanjangan) in the portal: the draft of a held SKK prefilled from the application
that issued it, every refusal naming ``previous_skk_number`` with nothing created, the PKB
credits of an Ahli (too few refused, enough sent to SIKI with the kind and the SKK), and the
expiry reminders skipping an SKK whose renewal was submitted."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

import pytest

from services.portal.domain.renewal import renewal_opens
from services.portal.tests.factories import Portal, portal_settings, running_portal, status_event
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


async def test_a_renewal_is_prefilled_from_the_held_skk(portal: Portal, applicant: dict[str, str]) -> None:
    source_id, _ = await held(portal, applicant, "SKK-R-0001")
    source = (await portal.client.get(f"/api/v1/applications/{source_id}", headers=applicant)).json()
    r = await create(portal, applicant, "perpanjangan", "SKK-R-0001")
    assert r.status_code == 201, r.text
    app = r.json()
    assert app["application_kind"] == "perpanjangan" and app["previous_skk_number"] == "SKK-R-0001"
    assert app["status"] == "draft" and app["lsp_code"] == "LSP-A"
    expected = {**source["sections"], "qualification": {**source["sections"]["qualification"],
                                                        "application_kind": "perpanjangan"}}
    assert app["sections"] == expected
    assert "perpanjangan SKK SKK-R-0001" in app["timeline"][0]["note"]
    summary = next(a for a in await listed(portal, applicant) if a["id"] == app["id"])
    assert summary["previous_skk_number"] == "SKK-R-0001"
    # Prefilled and complete: submitted at once (no PKB needed below jenjang 7), the fields to SIKI.
    r, sent = await submit_to_siki(portal, applicant, app["id"])
    assert r.status_code == 200, r.text
    assert sent is not None and sent.application_kind == "perpanjangan"
    assert sent.previous_skk_number == "SKK-R-0001" and sent.pkb_credits is None and sent.changed_fields == []
    assert sent.sections["qualification"]["application_kind"] == "perpanjangan"


async def test_refusals_name_the_field_and_create_nothing(portal: Portal, applicant: dict[str, str]) -> None:
    other = await portal.applicant()
    other_app = await portal.draft(other)  # the NIK of the factories is this applicant's: no sections
    await portal.feed(status_event(other_app, 1, "certificate_issued", certificate=certificate("SKK-R-0015", soon())))
    await held(portal, applicant, "SKK-R-0010")
    revoked_id, _ = await held(portal, applicant, "SKK-R-0012")
    await set_certificate(portal, revoked_id, certificate("SKK-R-0012", soon(), status="revoked"))
    superseded_id, _ = await held(portal, applicant, "SKK-R-0013")
    await set_certificate(portal, superseded_id, certificate("SKK-R-0013", soon(), status="superseded"))
    far = date.today() + timedelta(days=400)
    await held(portal, applicant, "SKK-R-0014", far)
    before = await listed(portal, applicant)

    cases = [
        ("perpanjangan", None, 422, "wajib"),
        ("perpanjangan", "SKK-TIDAK-ADA", 422, "tidak ditemukan"),
        ("perpanjangan", "SKK-R-0015", 422, "tidak ditemukan"),  # another applicant's SKK
        ("perpanjangan", "SKK-R-0012", 409, "dicabut"),
        ("perpanjangan", "SKK-R-0013", 409, "digantikan"),
        ("perpanjangan", "SKK-R-0014", 409, renewal_opens(far).strftime("%d-%m-%Y")),
        ("baru", "SKK-R-0010", 422, "perpanjangan atau perubahan"),
    ]
    for kind, skk, status, says in cases:
        r = await create(portal, applicant, kind, skk)
        assert r.status_code == status, (kind, skk, r.text)
        assert fields(r) == ["previous_skk_number"], (kind, skk)
        assert says in r.json()["errors"][0]["message"], (kind, skk, r.text)
    assert await listed(portal, applicant) == before

    # One renewal at a time per SKK; another SKK is not held up by it.
    first = await create(portal, applicant, "perpanjangan", "SKK-R-0010")
    assert first.status_code == 201, first.text
    between = await listed(portal, applicant)
    for kind in ("perpanjangan", "perubahan"):
        r = await create(portal, applicant, kind, "SKK-R-0010")
        assert r.status_code == 409 and fields(r) == ["previous_skk_number"], r.text
        assert "sedang berjalan" in r.json()["errors"][0]["message"]
    assert await listed(portal, applicant) == between
    # Withdrawn (as SIKI reports it), the SKK may be renewed again.
    await portal.feed(status_event(first.json()["id"], 1, "withdrawn"))
    assert (await create(portal, applicant, "perpanjangan", "SKK-R-0010")).status_code == 201


async def test_an_expired_skk_is_renewed(portal: Portal, applicant: dict[str, str]) -> None:
    await held(portal, applicant, "SKK-R-0020", date.today() - timedelta(days=100))
    r = await create(portal, applicant, "perpanjangan", "SKK-R-0020")
    assert r.status_code == 201, r.text


async def test_pkb_credits_of_an_ahli(tmp_path: Path, sqlite_url: str) -> None:
    # The factories' scheme is jenjang 6: the table (a setting) asks PKB credits of it here.
    settings = portal_settings(tmp_path, sqlite_url, pkb_minimums="6:120,7:100,8:150,9:200")
    async with running_portal(settings) as portal:
        headers = await portal.applicant()
        await held(portal, headers, "SKK-R-0030")
        app = (await create(portal, headers, "perpanjangan", "SKK-R-0030")).json()
        q = app["sections"]["qualification"]
        # Submitted without the credits and their document: refused, naming both, nothing sent.
        r, sent = await submit_to_siki(portal, headers, app["id"])
        assert r.status_code == 422 and sent is None
        assert fields(r) == ["qualification.pkb_credits", "qualification.documents.pkb"]
        assert "120" in r.json()["errors"][0]["message"]
        # Too few: refused at once, naming the field and the minimum; nothing saved.
        r = await put(portal, headers, app["id"], "qualification", {**q, "pkb_credits": 119})
        assert r.status_code == 422 and fields(r) == ["qualification.pkb_credits"]
        assert "minimal 120" in r.json()["errors"][0]["message"]
        r = await put(portal, headers, app["id"], "qualification", {**q, "pkb_credits": -1})
        assert r.status_code == 422 and fields(r) == ["qualification.pkb_credits"]
        stored = (await portal.client.get(f"/api/v1/applications/{app['id']}", headers=headers)).json()
        assert "pkb_credits" not in stored["sections"]["qualification"]
        # Enough, with the document: saved and sent to SIKI.
        doc = (await portal.upload(headers, "pkb")).json()["id"]
        r = await put(portal, headers, app["id"], "qualification",
                      {**q, "pkb_credits": 120, "documents": {**q["documents"], "pkb": doc}})
        assert r.status_code == 200 and r.json()["complete"], r.text
        r, sent = await submit_to_siki(portal, headers, app["id"])
        assert r.status_code == 200, r.text
        assert sent is not None and sent.pkb_credits == 120 and sent.application_kind == "perpanjangan"
        assert sent.previous_skk_number == "SKK-R-0030"
        assert doc in {d.id for d in sent.documents if d.kind == "pkb"}


async def test_pkb_credits_only_on_a_renewal(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, _ = await portal.complete_draft(applicant)
    q = (await portal.client.get(f"/api/v1/applications/{app_id}", headers=applicant)).json()["sections"]
    r = await put(portal, applicant, app_id, "qualification", {**q["qualification"], "pkb_credits": 100})
    assert r.status_code == 422 and fields(r) == ["qualification.pkb_credits"]
    pkb = (await portal.upload(applicant, "pkb")).json()["id"]
    qd = q["qualification"]
    r = await put(portal, applicant, app_id, "qualification", {**qd, "documents": {**qd["documents"], "pkb": pkb}})
    assert r.status_code == 422 and fields(r) == ["qualification.documents.pkb"]


async def test_reminders_skip_an_skk_whose_renewal_was_submitted(portal: Portal, applicant: dict[str, str]) -> None:
    until = soon(80)
    source_id, _ = await held(portal, applicant, "SKK-R-0040", until)
    renewing, _ = await held(portal, applicant, "SKK-R-0041", until)
    reminders = portal.app.state.expiry_reminders
    renewal = (await create(portal, applicant, "perpanjangan", "SKK-R-0041")).json()
    # A draft alone does not stop the reminders; a submitted renewal does.
    sweep = await reminders.run(until - timedelta(days=85))
    assert sorted(r.skk_number for r in sweep.sent) == ["SKK-R-0040", "SKK-R-0041"]
    r, _ = await submit_to_siki(portal, applicant, renewal["id"])
    assert r.status_code == 200, r.text
    sweep = await reminders.run(until - timedelta(days=20))
    assert [(r.application_id, r.skk_number) for r in sweep.sent] == [(source_id, "SKK-R-0040")]
    assert renewing != source_id


@pytest.mark.postgres
async def test_two_renewals_of_one_skk_at_once_on_postgres(tmp_path: Path, pg_url: str) -> None:
    """The held SKK's application is locked while a renewal is checked and created: one wins."""
    async with running_portal(portal_settings(tmp_path, pg_url)) as portal:
        headers = await portal.applicant()
        await held(portal, headers, "SKK-R-0050")
        answers = await asyncio.gather(*(create(portal, headers, kind, "SKK-R-0050")
                                         for kind in ("perpanjangan", "perpanjangan", "perubahan")))
        assert sorted(r.status_code for r in answers) == [201, 409, 409], [r.text for r in answers]
        assert [a["previous_skk_number"] for a in await listed(portal, headers)].count("SKK-R-0050") == 1
