"""Issue 12: LPJK operators are people with roles; revoking needs the role ``records`` and is
audited with the operator's name, and the audit log needs the role ``audit``."""

from __future__ import annotations

from services.lpjk_mock.tests.helpers import auth, record_body, running
from shared.tests.operators import add_operator, create_operator_session


async def test_revocation_needs_the_records_role_and_is_audited(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        rec = (await client.post("/api/v1/records", json=record_body(), headers=auth())).json()
        path = f"/api/v1/records/{rec['recording_number']}/revoke"
        auditor = await add_operator(app, client, "auditor@lpjk.example.id", ["audit"])
        clerk = await add_operator(app, client, "clerk@lpjk.example.id", ["records"])

        # An operator without the role: 403 naming it, nothing revoked.
        denied = await client.post(path, json={"reason": "document fraud"}, headers=auditor)
        assert denied.status_code == 403 and denied.json()["required_role"] == ["records"]
        assert denied.headers["content-type"].startswith("application/problem+json")
        v = (await client.get(f"/api/v1/public/certificates/{rec['recording_number']}")).json()
        assert v["revoked"] is False

        assert (await client.post(path, json={"reason": "document fraud"}, headers=clerk)).status_code == 200
        # The clerk may not read the audit log; the auditor (and the dev admin) may.
        assert (await client.get("/api/v1/audit-events", headers=clerk)).status_code == 403
        events = (await client.get("/api/v1/audit-events", params={"action": "record.revoked"},
                                   headers=auditor)).json()
        assert [(e["actor"], e["target_id"], e["application_id"]) for e in events] == [
            ("operator:lpjk:clerk@lpjk.example.id", rec["recording_number"], "app-1")]
        assert "document fraud" not in str(events)  # free text stays out of the log
        admin = await create_operator_session(client, "lpjk")
        check = (await client.get("/api/v1/audit-events/verification", headers=admin)).json()
        assert check["ok"] is True and check["checked"] >= 4
