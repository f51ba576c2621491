"""Issue 16, a certificate over its life at LPJK: operators suspend, reinstate and revoke (audited,
with the certificate.status_changed event), create_record(replaces) supersedes, and verification
answers the standing (expired too); bad input and refused changes leave everything as it was."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import column, insert, select, table, text

from services.lpjk_mock.db.models import AuditEntry, OutboxEvent, SkkRecord
from services.lpjk_mock.tests.helpers import NIK, auth, record_body, running
from shared.contracts.events import SKK_RECORDED, CertificateStatusChanged
from shared.tests.operators import add_operator, create_operator_session

CERTIFICATE_STATUS_CHANGED = CertificateStatusChanged.event_type


async def _record(client: httpx.AsyncClient, skk: str = "SI012022.4.2026.0000001", app_id: str = "app-1",
                  **over: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/records", json=record_body(skk, app_id, **over), headers=auth())
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _state(app: Any) -> tuple[dict[str, SkkRecord], list[OutboxEvent], list[AuditEntry]]:
    async with app.state.runtime.sessions() as s:
        rows = {r.recording_number: r for r in (await s.execute(select(SkkRecord))).scalars()}
        events = list((await s.execute(select(OutboxEvent).order_by(OutboxEvent.seq))).scalars())
        audit = list((await s.execute(select(AuditEntry).where(AuditEntry.action.like("%.%"))
                                      .order_by(AuditEntry.id))).scalars())
    return rows, events, [a for a in audit if a.target_type == "skk_record"]


def _status_events(events: list[OutboxEvent]) -> list[dict[str, Any]]:
    return [e.payload for e in events if e.type == CERTIFICATE_STATUS_CHANGED]


async def _verify(client: httpx.AsyncClient, rec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    by_number = (await client.get(f"/api/v1/public/certificates/{rec['recording_number']}")).json()
    by_qr = (await client.post("/api/v1/public/qr/verify", json={"qr_payload": rec["qr_payload"]})).json()
    return by_number, by_qr


async def test_suspend_reinstate_revoke_with_events_audit_and_verification(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        rec = await _record(client)
        rn = rec["recording_number"]
        op = await create_operator_session(client, "lpjk")
        for v in await _verify(client, rec):
            assert (v["valid"], v["status"], v["revoked"], v["superseded_by"]) == (True, "active", False, None)

        r = await client.post(f"/api/v1/records/{rn}/suspension", json={"reason": "investigasi sewa SKK"}, headers=op)
        assert r.status_code == 200, r.text
        assert r.json() | {"changed_at": None} == {
            "recording_number": rn, "status": "suspended", "previous_status": "active", "changed": True,
            "reason": "investigasi sewa SKK", "changed_at": None, "status_seq": 1, "superseded_by": None}
        for v in await _verify(client, rec):
            assert (v["valid"], v["status"], v["reason"], v["revoked"]) == (False, "suspended", "suspended", False)

        r = await client.post(f"/api/v1/records/{rn}/reinstatement", json={"reason": "tidak terbukti"}, headers=op)
        assert r.status_code == 200 and r.json()["status"] == "active" and r.json()["status_seq"] == 2
        for v in await _verify(client, rec):
            assert (v["valid"], v["status"]) == (True, "active")

        r = await client.post(f"/api/v1/records/{rn}/revocation", json={"reason": "dokumen palsu"}, headers=op)
        assert r.status_code == 200 and r.json()["status"] == "revoked" and r.json()["status_seq"] == 3
        for v in await _verify(client, rec):
            assert (v["valid"], v["status"], v["reason"], v["revoked"]) == (False, "revoked", "revoked", True)

        rows, events, audit = await _state(app)
        assert rows[rn].status == "revoked" and rows[rn].revoked_at is not None
        assert rows[rn].revoked_reason == "dokumen palsu"
        changes = _status_events(events)
        assert [(e["seq"], e["previous_status"], e["status"], e["reason"]) for e in changes] == [
            (1, "active", "suspended", "investigasi sewa SKK"), (2, "suspended", "active", "tidak terbukti"),
            (3, "active", "revoked", "dokumen palsu")]
        assert all(e["recording_number"] == rn and e["skk_number"] == rec["skk_number"] and e["lsp_code"] == "LSP-A"
                   and e["application_id"] == "app-1" for e in changes)
        assert [e.application_id for e in events if e.type == CERTIFICATE_STATUS_CHANGED] == ["app-1"] * 3
        assert [(a.action, a.target_id, a.detail["status"]) for a in audit] == [
            ("certificate.suspended", rn, "suspended"), ("certificate.reinstated", rn, "active"),
            ("record.revoked", rn, "revoked")]
        assert all(a.actor.startswith("operator:") or "@" in a.actor for a in audit)
        assert NIK not in str([a.detail for a in audit])


async def test_bad_input_is_refused_naming_the_field_and_changes_nothing(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        rec = await _record(client)
        rn = rec["recording_number"]
        op = await create_operator_session(client, "lpjk")
        for path in ("suspension", "reinstatement", "revocation"):
            for body in ({}, {"reason": ""}, {"reason": "x" * 501}, {"reason": 5}):
                r = await client.post(f"/api/v1/records/{rn}/{path}", json=body, headers=op)
                assert r.status_code == 422, (path, body, r.text)
                assert r.headers["content-type"].startswith("application/problem+json")
                assert r.json()["field"] == "reason", r.json()
        unknown = await client.post("/api/v1/records/LPJK-2026-7KD3-M9QX-2HZ4/suspension", json={"reason": "x"},
                                    headers=op)
        assert unknown.status_code == 404 and unknown.json()["field"] == "recording_number"
        too_long = await client.post(f"/api/v1/records/{'L' * 65}/suspension", json={"reason": "x"}, headers=op)
        assert too_long.status_code == 422 and too_long.json()["field"] == "recording_number"
        rows, events, audit = await _state(app)
        assert rows[rn].status == "active" and rows[rn].status_seq == 0 and rows[rn].status_reason is None
        assert [e.type for e in events] == [SKK_RECORDED] and audit == []


async def test_operators_only_with_the_records_role(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        rn = (await _record(client))["recording_number"]
        auditor = await add_operator(app, client, "auditor@lpjk.example.id", ["audit"])
        for path in ("suspension", "reinstatement", "revocation"):
            url = f"/api/v1/records/{rn}/{path}"
            assert (await client.post(url, json={"reason": "x"})).status_code == 401
            assert (await client.post(url, json={"reason": "x"}, headers=auth())).status_code == 401  # an LSP
            assert (await client.post(url, json={"reason": "x"}, headers=auditor)).status_code == 403
        records_op = await add_operator(app, client, "records@lpjk.example.id", ["records"])
        ok = await client.post(f"/api/v1/records/{rn}/suspension", json={"reason": "x"}, headers=records_op)
        assert ok.status_code == 200
        rows, events, audit = await _state(app)
        assert rows[rn].status == "suspended" and len(_status_events(events)) == 1
        assert [a.actor for a in audit] == [audit[0].actor] and "records@" in audit[0].actor


async def test_refused_transitions_answer_409_and_repeats_change_nothing(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        rec = await _record(client)
        rn = rec["recording_number"]
        op = await create_operator_session(client, "lpjk")
        url = f"/api/v1/records/{rn}"
        # Reinstating an active certificate and suspending twice: repeats, one event in all.
        again = await client.post(f"{url}/reinstatement", json={"reason": "x"}, headers=op)
        assert again.status_code == 200 and again.json()["changed"] is False and again.json()["status_seq"] == 0
        first = (await client.post(f"{url}/suspension", json={"reason": "first"}, headers=op)).json()
        second = await client.post(f"{url}/suspension", json={"reason": "second"}, headers=op)
        assert second.status_code == 200
        assert second.json() | {"changed": True, "previous_status": "active"} == first
        assert second.json()["reason"] == "first" and second.json()["changed"] is False
        assert (await client.post(f"{url}/revocation", json={"reason": "fraud"}, headers=op)).status_code == 200
        assert (await client.post(f"{url}/revocation", json={"reason": "again"}, headers=op)).json()["changed"] is False
        # The old revoke_record is the same use case: a repeat too.
        old_api = await client.post(f"{url}/revoke", json={"reason": "once more"}, headers=op)
        assert old_api.status_code == 200 and old_api.json()["recording_number"] == rn
        _, events_before, _ = await _state(app)
        for path in ("suspension", "reinstatement"):
            refused = await client.post(f"{url}/{path}", json={"reason": "x"}, headers=op)
            assert refused.status_code == 409, refused.text
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert refused.json()["field"] == "status" and refused.json()["certificate_status"] == "revoked"
        rows, events, audit = await _state(app)
        assert rows[rn].status == "revoked" and rows[rn].status_seq == 2 and rows[rn].status_reason == "fraud"
        assert len(_status_events(events)) == 2 and len(events) == len(events_before)
        assert [a.detail["changed"] for a in audit] == [False, True, False, True, False, False]


async def test_revoke_record_still_revokes_and_publishes(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        rec = await _record(client)
        op = await create_operator_session(client, "lpjk")
        r = await client.post(f"/api/v1/records/{rec['recording_number']}/revoke", json={"reason": "fraud"},
                              headers=op)
        assert r.status_code == 200 and r.json()["qr_payload"] == rec["qr_payload"]
        _, events, audit = await _state(app)
        assert [(e["status"], e["seq"]) for e in _status_events(events)] == [("revoked", 1)]
        assert audit[0].action == "record.revoked" and audit[0].detail["already_revoked"] is False


async def test_a_change_supersedes_with_the_same_skk_number(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        old = await _record(client)
        body = record_body(application_id="app-2", full_name="Budi Santosa", replaces=old["recording_number"])
        r = await client.post("/api/v1/records", json=body, headers=auth())
        assert r.status_code == 201, r.text
        new = r.json()
        assert new["skk_number"] == old["skk_number"] and new["recording_number"] != old["recording_number"]
        again = await client.post("/api/v1/records", json=body, headers=auth())  # a retry: the same record
        assert again.status_code == 200 and again.json()["recording_number"] == new["recording_number"]

        for v in await _verify(client, old):
            assert (v["valid"], v["status"], v["superseded_by"]) == (False, "superseded", new["recording_number"])
        for v in await _verify(client, new):
            assert (v["valid"], v["status"], v["holder_name_masked"]) == (True, "active", "B*** S******")
        rows, events, _ = await _state(app)
        assert rows[old["recording_number"]].status == "superseded"
        assert rows[new["recording_number"]].replaces == old["recording_number"]
        assert [e.type for e in events] == [SKK_RECORDED, CERTIFICATE_STATUS_CHANGED, SKK_RECORDED]
        change = _status_events(events)[0]
        assert (change["recording_number"], change["status"], change["previous_status"], change["seq"],
                change["superseded_by"]) == (old["recording_number"], "superseded", "active", 1,
                                             new["recording_number"])
        # A superseded certificate is final; the first request (without replaces) is now another's.
        op = await create_operator_session(client, "lpjk")
        refused = await client.post(f"/api/v1/records/{old['recording_number']}/suspension", json={"reason": "x"},
                                    headers=op)
        assert refused.status_code == 409
        stale = await client.post("/api/v1/records", json=record_body(), headers=auth())
        assert stale.status_code == 409 and stale.json()["recording_number"] == new["recording_number"]


async def test_a_renewal_supersedes_a_suspended_one_and_bad_replaces_are_refused(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        old = await _record(client)
        other = await _record(client, "SI012022.4.2026.0000009", "app-9", nik="3171011708450009")
        op = await create_operator_session(client, "lpjk")
        revoked = await _record(client, "SI012022.4.2026.0000008", "app-8")
        await client.post(f"/api/v1/records/{revoked['recording_number']}/revocation", json={"reason": "x"}, headers=op)
        _, events_before, _ = await _state(app)
        renewal = record_body("SI012022.4.2031.0000001", "app-r")
        for replaces, code in (("LPJK-2026-7KD3-M9QX-2HZ4", 422), (other["recording_number"], 422),
                               (revoked["recording_number"], 409)):
            r = await client.post("/api/v1/records", json={**renewal, "replaces": replaces}, headers=auth())
            assert r.status_code == code, r.text
            assert r.json()["field"] == "replaces"
        rows, events, _ = await _state(app)
        assert len(rows) == 3 and len(events) == len(events_before)

        await client.post(f"/api/v1/records/{old['recording_number']}/suspension", json={"reason": "x"}, headers=op)
        r = await client.post("/api/v1/records", json={**renewal, "replaces": old["recording_number"]}, headers=auth())
        assert r.status_code == 201, r.text
        (v, _) = await _verify(client, old)
        assert (v["status"], v["superseded_by"]) == ("superseded", r.json()["recording_number"])
        _, events, _ = await _state(app)
        last = _status_events(events)[-1]
        assert (last["previous_status"], last["status"], last["seq"]) == ("suspended", "superseded", 2)
        # A repeat naming another replaced certificate is another request: refused.
        changed = await client.post("/api/v1/records", json={**renewal, "replaces": None}, headers=auth())
        assert changed.status_code == 409 and changed.json()["field"] == "replaces"


async def test_expired_is_answered_for_an_active_certificate_past_its_end(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        yesterday = date.today() - timedelta(days=1)
        rec = await _record(client, issued_on="2021-06-01", valid_until=yesterday.isoformat())
        for v in await _verify(client, rec):
            assert (v["valid"], v["status"], v["reason"], v["revoked"]) == (False, "expired", "expired", False)
        op = await create_operator_session(client, "lpjk")
        await client.post(f"/api/v1/records/{rec['recording_number']}/revocation", json={"reason": "x"}, headers=op)
        for v in await _verify(client, rec):
            assert v["status"] == "revoked"  # the standing wins over the dates


@pytest.mark.postgres
async def test_a_change_and_its_concurrent_twins_on_postgres(pg_url: str) -> None:
    """The partial unique index (one current certificate per SKK number) on PostgreSQL: twins of
    one change answer with one new certificate; the old one is superseded once."""
    async with running(pg_url) as (app, client):
        old = await _record(client)
        body = record_body(application_id="app-2", full_name="Budi Santosa", replaces=old["recording_number"])
        answers = await asyncio.gather(*[client.post("/api/v1/records", json=body, headers=auth())
                                         for _ in range(4)])
        assert sorted(r.status_code for r in answers) == [200, 200, 200, 201], [r.text for r in answers]
        assert len({r.json()["recording_number"] for r in answers}) == 1
        rows, events, _ = await _state(app)
        assert sorted(r.status for r in rows.values()) == ["active", "superseded"]
        assert len(_status_events(events)) == 1


async def test_the_migration_gives_old_rows_a_standing_and_random_indexes(tmp_path: Any) -> None:
    from services.lpjk_mock.app import MIGRATIONS
    from shared.database import create_engine, run_migrations

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/legacy.db")
    try:
        await run_migrations(engine, MIGRATIONS, revision="0007_idempotency")
        cols = ("recording_number", "skk_number", "registration_number", "lsp_code", "application_id", "nik",
                "full_name", "klasifikasi_code", "subklasifikasi_code", "kualifikasi", "jabatan_kerja_code",
                "jenjang", "issued_on", "valid_until", "facts", "qr_payload", "key_id", "recorded_at", "revoked_at",
                "revoked_reason")
        rows = [{**{c: "x" for c in cols}, "recording_number": f"REC-{i}", "skk_number": f"SKK-{i}", "jenjang": 4,
                 "issued_on": date(2026, 1, 1), "valid_until": date(2031, 1, 1),
                 "recorded_at": datetime(2026, 1, 1, tzinfo=UTC),
                 "revoked_at": datetime(2026, 2, 1, tzinfo=UTC) if i == 0 else None,
                 "revoked_reason": "palsu" if i == 0 else None} for i in range(20)]
        async with engine.begin() as conn:
            await conn.execute(insert(table("skk_record", *(column(c) for c in cols))), rows)
        await run_migrations(engine, MIGRATIONS)
        async with engine.connect() as conn:
            got = (await conn.execute(text(
                "SELECT recording_number, status, status_reason, status_seq, status_list_index, status_changed_at "
                "FROM skk_record ORDER BY recording_number"))).all()
        by_number = {r[0]: r for r in got}
        assert by_number["REC-0"][1:4] == ("revoked", "palsu", 0) and by_number["REC-0"][5] is not None
        assert all(r[1:4] == ("active", None, 0) for n, r in by_number.items() if n != "REC-0")
        indexes = [r[4] for r in got]
        assert len(set(indexes)) == 20 and all(0 <= i < 131072 for i in indexes)
        assert sorted(indexes) != list(range(min(indexes), min(indexes) + 20))  # not a sequence
    finally:
        await engine.dispose()


async def test_a_status_list_index_drawn_twice_is_drawn_again(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """As if a concurrent record had drawn the same index between the check and the insert: the
    unique index refuses it, nothing is stored, and the record draws again."""
    from services.lpjk_mock.db import repository
    from services.lpjk_mock.domain import status

    draws = iter([7, 7, 9])
    monkeypatch.setattr(status, "draw_index", lambda taken: next(draws))

    async def never_taken(session: Any, index: int) -> bool:
        return False

    monkeypatch.setattr(repository, "index_taken", never_taken)
    async with running(sqlite_url) as (app, client):
        first = await _record(client)
        second = await _record(client, "SI012022.4.2026.0000002", "app-2")
        rows, events, _ = await _state(app)
        assert {r.recording_number: r.status_list_index for r in rows.values()} == {
            first["recording_number"]: 7, second["recording_number"]: 9}
        assert [e.type for e in events] == [SKK_RECORDED, SKK_RECORDED]


async def test_a_recording_number_drawn_twice_is_drawn_again(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is read before the insert to see whether a drawn number is free (a one in 2**55
    event): the primary key refuses the twin, nothing is stored, and the record draws again."""
    from services.lpjk_mock.domain import numbers

    make = numbers.recording_number
    draws = iter([bytes(7), bytes(7), bytes([1] * 7)])
    monkeypatch.setattr(numbers, "recording_number", lambda year, _: make(year, next(draws)))
    async with running(sqlite_url) as (app, client):
        first = await _record(client)
        second = await _record(client, "SI012022.4.2026.0000002", "app-2")
        rows, events, _ = await _state(app)
        year = int(first["recording_number"].split("-")[1])
        assert first["recording_number"] == make(year, bytes(7))
        assert second["recording_number"] == make(year, bytes([1] * 7))
        assert set(rows) == {first["recording_number"], second["recording_number"]}
        assert [e.type for e in events] == [SKK_RECORDED, SKK_RECORDED]
