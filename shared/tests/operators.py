"""Test helpers for operator accounts: log in as a service's dev operator (seeded in dev mode)."""

from __future__ import annotations

import httpx

from shared.operators import dev_operator_email
from shared.settings import DEV_PASSWORD

SESSION_PATH = "/api/v1/operator/session"


async def create_operator_session(client: httpx.AsyncClient, service: str, *, email: str | None = None,
                                  password: str = DEV_PASSWORD, base_url: str = "") -> dict[str, str]:
    """Logs in (``create_operator_session``) as ``email`` (default: the dev operator of
    ``service``, role admin) and answers the Authorization header to call with."""
    r = await client.post(base_url.rstrip("/") + SESSION_PATH,
                          json={"email": email or dev_operator_email(service), "password": password})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def add_operator(app: object, client: httpx.AsyncClient, email: str, roles: list[str], *,
                       password: str = "a-long-test-password-42") -> dict[str, str]:
    """Creates an operator in ``app`` (as the command line would) and logs in as them."""
    operators = app.state.operators  # type: ignore[attr-defined]
    await operators.create(email=email, full_name="Test Operator", roles=roles, password=password, actor="cli:test")
    return await create_operator_session(client, operators.service, email=email, password=password)
