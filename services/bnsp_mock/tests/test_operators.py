"""Issue 12: BNSP's operators (people with accounts) read BNSP's audit log with the role audit."""

from __future__ import annotations

import httpx

from services.bnsp_mock.app import create_app
from services.bnsp_mock.settings import BnspSettings
from shared.tests.operators import add_operator, create_operator_session


async def test_the_audit_log_is_for_operators_with_the_audit_role(sqlite_url: str) -> None:
    app = create_app(BnspSettings(database_url=sqlite_url, log_json=False))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bnsp") as client:
            assert (await client.get("/api/v1/audit-events")).status_code == 401
            admin = await create_operator_session(client, "bnsp")  # the dev operator (role admin)
            auditor = await add_operator(app, client, "auditor@bnsp.example.id", ["audit"])
            events = await client.get("/api/v1/audit-events", params={"action": "operator.created"}, headers=auditor)
            assert events.status_code == 200
            assert [(e["actor"], e["action"]) for e in events.json()] == [
                ("cli:test", "operator.created"), ("service:bnsp", "operator.created")]
            check = (await client.get("/api/v1/audit-events/verification", headers=admin)).json()
            assert check["ok"] is True
