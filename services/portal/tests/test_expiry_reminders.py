"""Expiry reminders through the real email path (the outbox, the mail queue, an aiosmtpd sink):
90 and 30 days before the SKK's validity ends, each once, with the renewal link; revoked and
superseded certificates skipped; the dev ``as_of`` trigger refused in production mode; two
sweeps at once (one process, and two replicas on PostgreSQL) send each reminder once."""

from __future__ import annotations

import asyncio
import email
import email.policy
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, update

from services.portal.db.models import Application, ExpiryReminder, OutboxEvent
from services.portal.settings import PortalSettings
from services.portal.tests import test_email_smtp
from services.portal.tests.factories import Portal, portal_settings, running_portal, status_event
from services.portal.tests.test_applicant_emails import smtp_applicant
from services.portal.tests.test_email_smtp import Sink, wait_for
from services.portal.usecases.reminders import wib_today
from shared.settings import Mode
from shared.tests.operators import create_operator_session

smtp_sink = test_email_smtp.smtp_sink  # the aiosmtpd sink on an ephemeral port (a fixture)

UNTIL = date(2031, 12, 20)
SUBJECT = "Masa berlaku SKK Konstruksi Anda segera berakhir"
TRIGGER = "/api/v1/operator/expiry-reminders"


def certificate(skk: str, valid_until: date = UNTIL, **over: Any) -> dict[str, Any]:
    return {"skk_number": skk, "registration_number": f"REG-{skk}", "recording_number": f"LPJK-{skk}",
            "issued_on": (valid_until - timedelta(days=5 * 365)).isoformat(),
            "valid_until": valid_until.isoformat(), "qr_payload": "payload.sig", **over}


def reminders_to(sink: Sink, address: str) -> list[tuple[email.message.EmailMessage, str]]:
    out = []
    for _, rcpt, raw in sink.messages:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(msg, email.message.EmailMessage)
        if rcpt == [address] and str(msg["Subject"]).strip() == SUBJECT:
            part = msg.get_body(preferencelist=("plain",))
            assert part is not None
            out.append((msg, str(part.get_content())))  # type: ignore[union-attr]
    return out


async def holder(portal: Portal, sink: Sink, address: str, skk: str, *, valid_until: date = UNTIL,
                 with_sections: bool = False) -> tuple[dict[str, str], str]:
    """An applicant whose application got its certificate (SIKI's certificate_issued step)."""
    headers = await smtp_applicant(portal, sink, address)
    if with_sections:
        app_id, _ = await portal.complete_draft(headers)
    else:
        app_id = await portal.draft(headers)
    await portal.feed(status_event(app_id, 1, "certificate_issued", certificate=certificate(skk, valid_until)))
    return headers, app_id


async def sweep(portal: Portal, operator: dict[str, str], as_of: date | None) -> dict[str, Any]:
    r = await portal.client.post(TRIGGER, headers=operator, json={"as_of": as_of.isoformat()} if as_of else {})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def settled(portal: Portal) -> None:
    """Every staged email handed to the sink (the outbox relayed, the mail queue drained)."""
    await asyncio.sleep(0.3)
    await portal.runtime.bus.drain()
    await asyncio.sleep(0.2)


async def set_certificate(portal: Portal, app_id: str, cert: dict[str, Any]) -> None:
    async with portal.runtime.sessions() as s, s.begin():
        await s.execute(update(Application).where(Application.id == app_id).values(certificate=cert))


async def test_90_and_30_days_before_expiry_each_once(tmp_path: Path, sqlite_url: str,
                                                     smtp_sink: tuple[Sink, str]) -> None:
    sink, url = smtp_sink
    settings = portal_settings(tmp_path, sqlite_url, smtp_url=url, expiry_reminder_interval_seconds=0)
    async with running_portal(settings) as portal:
        budi, budi_app = await holder(portal, sink, "budi.skk@example.id", "SKK-0001", with_sections=True)
        _, revoked_app = await holder(portal, sink, "cabut@example.id", "SKK-0002")
        await set_certificate(portal, revoked_app, certificate("SKK-0002", status="revoked"))
        _, superseded_app = await holder(portal, sink, "ganti@example.id", "SKK-0003")
        await set_certificate(portal, superseded_app, certificate("SKK-0003", status="superseded"))
        _, suspended_app = await holder(portal, sink, "beku@example.id", "SKK-0004")
        await set_certificate(portal, suspended_app, certificate("SKK-0004", status="suspended"))
        operator = await create_operator_session(portal.client, "portal")

        # 91 days before: nothing.
        assert (await sweep(portal, operator, UNTIL - timedelta(days=91)))["sent"] == []
        # 90 days before: one mail, to the holder, with what they need to renew.
        done = await sweep(portal, operator, UNTIL - timedelta(days=90))
        assert sorted((r["skk_number"], r["threshold_days"], r["days_left"]) for r in done["sent"]) == [
            ("SKK-0001", 90, 90), ("SKK-0004", 90, 90)]  # suspended: still the holder's to renew
        await wait_for(lambda: len(reminders_to(sink, "budi.skk@example.id")) == 1)
        (msg, body), = reminders_to(sink, "budi.skk@example.id")
        assert "Yth. Budi," in body
        assert "Nomor SKK: SKK-0001" in body
        assert "Jabatan kerja: " in body and "(SI012001)" in body
        assert "Berlaku sampai dengan: 20-12-2031" in body
        assert "berakhir dalam 90 hari" in body and "Sisa masa berlaku: 90 hari" in body
        assert "http://portal.test/permohonan/baru?jenis=perpanjangan&skk=SKK-0001" in body
        first_id = msg["Message-ID"]
        # One email request in the outbox, whose event id is the Message-ID: a redelivery is the same message.
        async with portal.runtime.sessions() as s:
            staged = (await s.execute(select(OutboxEvent.event_id, OutboxEvent.payload)
                                      .where(OutboxEvent.type == "portal.email_requested"))).all()
        ids = [e for e, p in staged if p["subject"] == SUBJECT and p["to"] == "budi.skk@example.id"]
        assert len(ids) == 1 and first_id == f"<{ids[0]}@skk.example.id>"
        # The same message in the portal's notification list.
        r = await portal.client.get("/api/v1/notifications", headers=budi)
        expiring = [n for n in r.json() if n["status"] == "certificate_expiring"]
        assert len(expiring) == 1 and expiring[0]["application_id"] == budi_app
        assert "SKK Konstruksi SKK-0001 berakhir pada 20-12-2031 (90 hari lagi)" in expiring[0]["message"]
        assert "http://portal.test/permohonan/baru?jenis=perpanjangan&skk=SKK-0001" in expiring[0]["message"]

        # 89 days before, and again: nothing more.
        for _ in range(2):
            assert (await sweep(portal, operator, UNTIL - timedelta(days=89)))["sent"] == []
        await settled(portal)
        assert len(reminders_to(sink, "budi.skk@example.id")) == 1

        # 30 days before: the second mail, once.
        done = await sweep(portal, operator, UNTIL - timedelta(days=30))
        assert sorted((r["skk_number"], r["threshold_days"]) for r in done["sent"]) == [
            ("SKK-0001", 30), ("SKK-0004", 30)]
        assert (await sweep(portal, operator, UNTIL - timedelta(days=30)))["sent"] == []
        assert (await sweep(portal, operator, UNTIL - timedelta(days=1)))["sent"] == []
        # Expired: nothing either.
        assert (await sweep(portal, operator, UNTIL + timedelta(days=1)))["sent"] == []
        await settled(portal)
        mails = reminders_to(sink, "budi.skk@example.id")
        assert len(mails) == 2
        assert "berakhir dalam 30 hari" in mails[1][1] and mails[1][0]["Message-ID"] != first_id
        # Revoked and superseded certificates: never reminded.
        assert reminders_to(sink, "cabut@example.id") == [] and reminders_to(sink, "ganti@example.id") == []
        assert len(reminders_to(sink, "beku@example.id")) == 2
        async with portal.runtime.sessions() as s:
            rows = (await s.execute(select(ExpiryReminder.application_id, ExpiryReminder.threshold_days))).all()
        assert sorted((a, t) for a, t in rows) == sorted(
            [(budi_app, 90), (budi_app, 30), (suspended_app, 90), (suspended_app, 30)])


async def test_a_job_that_was_down_sends_only_the_most_urgent(tmp_path: Path, sqlite_url: str,
                                                              smtp_sink: tuple[Sink, str]) -> None:
    sink, url = smtp_sink
    settings = portal_settings(tmp_path, sqlite_url, smtp_url=url, expiry_reminder_interval_seconds=0)
    async with running_portal(settings) as portal:
        await holder(portal, sink, "telat@example.id", "SKK-0101")
        operator = await create_operator_session(portal.client, "portal")
        # First seen 12 days before expiry: the 30-day mail (12 days left), never the 90-day one.
        done = await sweep(portal, operator, UNTIL - timedelta(days=12))
        assert [(r["threshold_days"], r["days_left"]) for r in done["sent"]] == [(30, 12)]
        assert (await sweep(portal, operator, UNTIL - timedelta(days=11)))["sent"] == []
        await settled(portal)
        (_, body), = reminders_to(sink, "telat@example.id")
        assert "berakhir dalam 12 hari" in body
        assert "Jabatan kerja" not in body  # not known for this application: the line is left out


async def test_two_sweeps_at_once_send_each_reminder_once(tmp_path: Path, sqlite_url: str,
                                                          smtp_sink: tuple[Sink, str]) -> None:
    sink, url = smtp_sink
    settings = portal_settings(tmp_path, sqlite_url, smtp_url=url, expiry_reminder_interval_seconds=0)
    async with running_portal(settings) as portal:
        addresses = [f"serentak{i}@example.id" for i in range(3)]
        for i, address in enumerate(addresses):
            await holder(portal, sink, address, f"SKK-02{i:02d}")
        reminders = portal.app.state.expiry_reminders
        both = await asyncio.gather(*(reminders.run(UNTIL - timedelta(days=90)) for _ in range(4)))
        assert sum(len(b.sent) for b in both) == 3
        await settled(portal)
        for address in addresses:
            assert len(reminders_to(sink, address)) == 1


async def test_the_daily_job_sends_by_itself(tmp_path: Path, sqlite_url: str, smtp_sink: tuple[Sink, str]) -> None:
    sink, url = smtp_sink
    settings = portal_settings(tmp_path, sqlite_url, smtp_url=url, expiry_reminder_interval_seconds=0.2)
    async with running_portal(settings) as portal:
        await holder(portal, sink, "otomatis@example.id", "SKK-0301", valid_until=wib_today() + timedelta(days=30))
        await wait_for(lambda: len(reminders_to(sink, "otomatis@example.id")) == 1)
        await asyncio.sleep(0.8)  # several more passes: still one
        assert len(reminders_to(sink, "otomatis@example.id")) == 1


async def test_the_trigger_is_an_admin_operators_and_as_of_is_dev_only(tmp_path: Path, sqlite_url: str) -> None:
    settings = portal_settings(tmp_path, sqlite_url, expiry_reminder_interval_seconds=0)
    async with running_portal(settings) as portal:
        headers = await portal.applicant()
        app_id = await portal.draft(headers)
        await portal.feed(status_event(app_id, 1, "certificate_issued", certificate=certificate("SKK-0401")))
        as_of = {"as_of": (UNTIL - timedelta(days=90)).isoformat()}
        r = await portal.client.post(TRIGGER, json=as_of)
        assert r.status_code == 401
        r = await portal.client.post(TRIGGER, headers=headers, json=as_of)  # an applicant's token
        assert r.status_code == 401
        operator = await create_operator_session(portal.client, "portal")
        r = await portal.client.post(TRIGGER, headers=operator, json={"as_of": "20-12-2031"})
        assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in r.json()["errors"]] == ["as_of"]
        # Production mode: as_of is refused, naming the field, and nothing is sent or recorded.
        reminders = portal.app.state.expiry_reminders
        reminders.settings = portal.settings.model_copy(update={"mode": Mode.PRODUCTION})
        r = await portal.client.post(TRIGGER, headers=operator, json=as_of)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in r.json()["errors"]] == ["as_of"]
        # Without as_of it sweeps today (nothing due today).
        done = await sweep(portal, operator, None)
        assert done["as_of"] == wib_today().isoformat() and done["sent"] == [] and not done["skipped"]
        async with portal.runtime.sessions() as s:
            assert (await s.execute(select(func.count()).select_from(ExpiryReminder))).scalar_one() == 0


@pytest.mark.parametrize("days", ["", "90,abc", "90,0", "30,30"])
def test_bad_reminder_days_are_refused_at_start(days: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="expiry_reminder_days"):
        portal_settings(tmp_path, "sqlite+aiosqlite:///x.db", expiry_reminder_days=days)


def test_reminder_days_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKK_EXPIRY_REMINDER_DAYS", "60,14")
    assert PortalSettings().expiry_reminder_days == "60,14"
    assert PortalSettings(expiry_reminder_days="90,30").expiry_reminder_days == "90,30"


@pytest.mark.postgres
async def test_two_replicas_send_each_reminder_once(pg_url: str, tmp_path: Path,
                                                    smtp_sink: tuple[Sink, str]) -> None:
    sink, url = smtp_sink
    settings = portal_settings(tmp_path, pg_url, smtp_url=url, expiry_reminder_interval_seconds=0)
    async with running_portal(settings) as first, running_portal(settings) as second:
        addresses = [f"replika{i}@example.id" for i in range(3)]
        for i, address in enumerate(addresses):
            await holder(first, sink, address, f"SKK-05{i:02d}")
        as_of = UNTIL - timedelta(days=90)
        one, two = first.app.state.expiry_reminders, second.app.state.expiry_reminders
        # The passes themselves, and the per-certificate step (as if both had got the pass lock).
        sweeps = await asyncio.gather(one.run(as_of), two.run(as_of), one.run(as_of), two.run(as_of))
        assert sum(len(s.sent) for s in sweeps) == 3
        later = as_of + timedelta(days=60)  # the 30-day reminders
        apps = [a for s in sweeps for a in (r.application_id for r in s.sent)]
        steps = await asyncio.gather(*(r._remind(a, later) for a in apps for r in (one, two)))
        assert sorted(s.threshold_days for s in steps if s is not None) == [30, 30, 30]
        for portal in (first, second):
            await settled(portal)
        for address in addresses:
            assert len(reminders_to(sink, address)) == 2
        async with first.runtime.sessions() as s:
            assert (await s.execute(select(func.count()).select_from(ExpiryReminder))).scalar_one() == 6
