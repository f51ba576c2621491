"""Dev mode: ``backdate_issuance`` lets a test hold an SKK issued years ago (a renewal's window
open) through the real journey; only an admin operator may, only for an application not yet
issued, only into the past; production mode has no such route."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.bnsp_mock.app import create_app
from services.bnsp_mock.settings import BnspSettings
from services.bnsp_mock.tests.helpers import auth, plan, running
from services.bnsp_mock.tests.test_production_secrets import OPERATOR_JWT_SECRET
from shared.servicekeys import new_private_key_pem
from shared.tests.datakeys import production_data_keys
from shared.tests.operators import add_operator, create_operator_session

PATH = "/api/v1/dev/backdated-issuances"


async def test_an_application_is_issued_as_of_the_instant_set_beforehand(sqlite_url: str) -> None:
    back = datetime.now(UTC) - timedelta(days=5 * 365 - 120)
    async with running(sqlite_url) as (app, client):
        body = {"lsp_code": "LSP-A", "application_id": "app-1", "issued_at": back.isoformat()}
        assert (await client.post(PATH, json=body)).status_code == 401
        auditor = await add_operator(app, client, "auditor@bnsp.example.id", ["audit"])
        assert (await client.post(PATH, json=body, headers=auditor)).status_code == 403
        admin = await create_operator_session(client, "bnsp")
        future = {**body, "issued_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()}
        refused = await client.post(PATH, json=future, headers=admin)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "issued_at"
        set_ = await client.post(PATH, json=body, headers=admin)
        assert set_.status_code == 200, set_.text

        issued = await client.post("/api/v1/issuances", json=plan("app-1"), headers=auth())
        assert issued.status_code == 201, issued.text
        assert datetime.fromisoformat(issued.json()["issued_at"]) == back
        assert f".{back.year}." in issued.json()["skk_number"]  # the year of its (backdated) issue
        other = await client.post("/api/v1/issuances", json=plan("app-2"), headers=auth())
        assert datetime.fromisoformat(other.json()["issued_at"]) > back + timedelta(days=365)

        again = await client.post(PATH, json=body, headers=admin)  # issued: its date stands
        assert again.status_code == 409 and again.json()["field"] == "application_id"


def test_production_mode_has_no_backdating() -> None:
    settings = BnspSettings(mode="production", service_signing_key_pem=new_private_key_pem(),
                            operator_jwt_secret=OPERATOR_JWT_SECRET, **production_data_keys())
    paths = create_app(settings).openapi()["paths"]
    assert "/api/v1/issuances" in paths and PATH not in paths
    assert PATH in create_app(BnspSettings()).openapi()["paths"]
