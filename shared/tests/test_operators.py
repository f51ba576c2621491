"""Operator accounts (issue 12), on a small app of their own: logging in and out, the token
checked against the account on every request, roles, the throttle that slows an attacker
without locking the owner out, and the audit of each step."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Annotated, Any

import httpx
import jwt
import pytest
import sqlalchemy as sa
from fastapi import Depends, FastAPI
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from shared.audit import AuditHeadMixin, AuditMixin, Auditor
from shared.database import NAMING_CONVENTION, create_engine, make_session_factory
from shared.errors import install_problem_handlers
from shared.exceptions import Conflict, Invalid
from shared.operator_accounts import Operators
from shared.operators import (
    OperatorMixin,
    OperatorPrincipal,
    OperatorSettings,
    dev_operator_jwt_secret,
    mint_token,
    password_problem,
)
from shared.operators_api import install_operators, operator_with
from shared.tests.operators import create_operator_session
from shared.throttle import Rule, Throttle

SERVICE = "testsvc"
SECRET = dev_operator_jwt_secret(SERVICE)
PASSWORD = "correct-horse-battery-42"
OWNER = "ani@example.id"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Operator(OperatorMixin, Base):
    pass


class AuditEntry(AuditMixin, Base):
    pass


class AuditHead(AuditHeadMixin, Base):
    pass


@dataclass
class Rig:
    app: FastAPI
    operators: Operators
    auditor: Auditor
    sessions: Any

    def client(self, address: str = "10.0.0.7") -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://svc.test")

    async def actions(self) -> list[tuple[str, str, str | None]]:
        async with self.sessions() as s:
            rows = (await s.execute(sa.select(AuditEntry).order_by(AuditEntry.id))).scalars().all()
        return [(r.actor, r.action, r.client) for r in rows]


@asynccontextmanager
async def rig(tmp_path: Any, *, recheck_seconds: float = 5.0) -> AsyncIterator[Rig]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/ops.db")
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    sessions = make_session_factory(engine)
    auditor = Auditor(AuditEntry)
    operators = Operators(service=SERVICE, model=Operator, sessions=sessions, auditor=auditor,
                          roles=("registry", "audit"), throttle=Throttle.for_engine(engine), secret=SECRET,
                          ttl_seconds=600, recheck_seconds=recheck_seconds)
    app = FastAPI()
    install_problem_handlers(app)
    app.state.runtime = SimpleNamespace(sessions=sessions)  # what audit_router reads

    @app.post("/api/v1/registry-changes", status_code=204)
    async def change_registry(operator: Annotated[OperatorPrincipal, Depends(operator_with("registry"))]) -> None:
        """An operation for the role registry."""

    install_operators(app, operators, auditor)
    try:
        await operators.create(email=" Ani@Example.ID ", full_name="Ani Wijaya", roles=["registry"],
                               password=PASSWORD, actor="cli:test")
        yield Rig(app, operators, auditor, sessions)
    finally:
        await engine.dispose()


async def login(client: httpx.AsyncClient, email: str = OWNER, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/api/v1/operator/session", json={"email": email, "password": password})


async def test_login_call_logout_and_the_audit_of_each(tmp_path: Any) -> None:
    async with rig(tmp_path) as r, r.client() as client:
        headers = await create_operator_session(client, SERVICE, email="ANI@example.id", password=PASSWORD)
        me = await client.get("/api/v1/operator/me", headers=headers)
        assert me.status_code == 200
        assert me.json() == {"id": me.json()["id"], "email": OWNER, "full_name": "Ani Wijaya",
                             "roles": ["registry"], "service": SERVICE}
        assert (await client.post("/api/v1/registry-changes", headers=headers)).status_code == 204
        claims = jwt.decode(headers["Authorization"].split()[1], options={"verify_signature": False})
        assert claims["aud"] == "testsvc-operator" and claims["ver"] == 0 and claims["exp"] - claims["iat"] == 600
        assert "roles" not in claims and "email" not in claims

        assert (await client.delete("/api/v1/operator/session", headers=headers)).status_code == 204
        after = await client.get("/api/v1/operator/me", headers=headers)
        assert after.status_code == 401 and after.json()["field"] == "authorization"
        assert after.headers["content-type"].startswith("application/problem+json")
        assert await r.actions() == [
            ("cli:test", "operator.created", None),
            (f"operator:testsvc:{OWNER}", "operator.login", "10.0.0.7"),
            (f"operator:testsvc:{OWNER}", "operator.logout", "10.0.0.7"),
        ]
        # A new login works again (logout ends tokens, not the account).
        assert (await login(client)).status_code == 201


async def test_unknown_wrong_and_deactivated_get_the_same_answer(tmp_path: Any) -> None:
    async with rig(tmp_path) as r, r.client() as client:
        await r.operators.create(email="gone@example.id", full_name="Gone", roles=["audit"], password=PASSWORD,
                                 actor="cli:test")
        await r.operators.deactivate("gone@example.id", actor="cli:test")
        answers = [await login(client, "nobody@example.id"), await login(client, OWNER, "wrong-password-123"),
                   await login(client, "gone@example.id")]
        assert {a.status_code for a in answers} == {401}
        assert len({a.text for a in answers}) == 1, [a.text for a in answers]
        assert answers[0].json()["field"] == "password"
        async with r.sessions() as s:
            failed = (await s.execute(sa.select(AuditEntry.actor, AuditEntry.target_id, AuditEntry.client)
                                      .where(AuditEntry.action == "operator.login_failed")
                                      .order_by(AuditEntry.id))).all()
            ids = dict((await s.execute(sa.select(Operator.email, Operator.id))).all())
        # Whoever tried is unknown; the account tried is named by its id, an unknown email not at all.
        assert [tuple(f) for f in failed] == [("public", None, "10.0.0.7"), ("public", ids[OWNER], "10.0.0.7"),
                                              ("public", ids["gone@example.id"], "10.0.0.7")]
        assert "nobody@example.id" not in str(await r.actions())


async def test_a_deactivated_operators_token_is_refused_on_its_next_request(tmp_path: Any) -> None:
    async with rig(tmp_path) as r, r.client() as client:
        headers = await create_operator_session(client, SERVICE, email=OWNER, password=PASSWORD)
        assert (await client.post("/api/v1/registry-changes", headers=headers)).status_code == 204
        await r.operators.deactivate(OWNER, actor="cli:admin")
        refused = await client.post("/api/v1/registry-changes", headers=headers)
        assert refused.status_code == 401 and "ended" in refused.json()["detail"]


async def test_a_change_made_by_another_process_counts_within_the_recheck_time(tmp_path: Any) -> None:
    async with rig(tmp_path, recheck_seconds=0.3) as r, r.client() as client:
        headers = await create_operator_session(client, SERVICE, email=OWNER, password=PASSWORD)
        assert (await client.post("/api/v1/registry-changes", headers=headers)).status_code == 204
        # Another process (the command line) removes the role straight in the database.
        async with r.sessions() as s, s.begin():
            await s.execute(sa.update(Operator).where(Operator.email == OWNER).values(roles=["audit"]))
        await asyncio.sleep(0.35)
        denied = await client.post("/api/v1/registry-changes", headers=headers)
        assert denied.status_code == 403 and denied.json()["required_role"] == ["registry"]
        assert denied.json()["field"] == "authorization"



async def test_a_session_begun_in_another_process_is_good_at_once(tmp_path: Any) -> None:
    """Another process ended the sessions (the version moved in the database only) and the
    operator logged in again: the new token is judged by a fresh read, not refused for the
    account this process read before."""
    async with rig(tmp_path, recheck_seconds=600) as r, r.client() as client:
        old = await create_operator_session(client, SERVICE, email=OWNER, password=PASSWORD)
        assert (await client.post("/api/v1/registry-changes", headers=old)).status_code == 204
        async with r.sessions() as s, s.begin():
            await s.execute(sa.update(Operator).where(Operator.email == OWNER)
                            .values(token_version=Operator.token_version + 1))
        fresh = await create_operator_session(client, SERVICE, email=OWNER, password=PASSWORD)
        assert (await client.post("/api/v1/registry-changes", headers=fresh)).status_code == 204
        assert (await client.post("/api/v1/registry-changes", headers=old)).status_code == 401

async def test_roles_admin_holds_them_all_and_the_audit_log_needs_audit(tmp_path: Any) -> None:
    async with rig(tmp_path) as r, r.client() as client:
        owner = await create_operator_session(client, SERVICE, email=OWNER, password=PASSWORD)
        assert (await client.get("/api/v1/audit-events", headers=owner)).status_code == 403
        await r.operators.create(email="boss@example.id", full_name="Boss", roles=["admin"], password=PASSWORD,
                                 actor="cli:test")
        boss = await create_operator_session(client, SERVICE, email="boss@example.id", password=PASSWORD)
        assert (await client.post("/api/v1/registry-changes", headers=boss)).status_code == 204
        events = await client.get("/api/v1/audit-events", params={"action": "operator.login"}, headers=boss)
        assert events.status_code == 200
        assert [e["actor"] for e in events.json()] == ["operator:testsvc:boss@example.id",
                                                       f"operator:testsvc:{OWNER}"]
        assert (await client.get("/api/v1/audit-events/verification", headers=boss)).json()["ok"] is True
        with pytest.raises(Invalid):
            await r.operators.set_roles(OWNER, ["superuser"], actor="cli:test")
        with pytest.raises(Conflict):
            await r.operators.create(email="ANI@example.id", full_name="Twin", roles=["audit"], password=PASSWORD,
                                     actor="cli:test")


async def test_brute_force_is_slowed_per_email_and_client_while_the_owner_logs_in_elsewhere(tmp_path: Any) -> None:
    async with rig(tmp_path) as r, r.client("203.0.113.66") as attacker, r.client("10.0.0.7") as owner:
        for i in range(5):
            assert (await login(attacker, OWNER, f"guess-number-{i:04d}")).status_code == 401
        # The sixth try from that client waits, even with the right password.
        blocked = await login(attacker, OWNER, PASSWORD)
        assert blocked.status_code == 429 and 0 < int(blocked.headers["retry-after"]) <= 60
        assert blocked.json()["field"] == "password"
        # The owner, from their own address, is not locked out.
        assert (await login(owner)).status_code == 201
        # Another account from the attacker's address is still tried (until the per-client limit).
        assert (await login(attacker, "someone@example.id", "guess-0000-xyz")).status_code == 401


async def test_one_client_trying_many_emails_is_slowed_too(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # The per-client rule's own tiers are a setting of the module; 3 a minute keeps the test short.
    monkeypatch.setattr("shared.operator_accounts.LOGIN_PER_CLIENT", Rule("operator-login-client", "3/minute"))
    async with rig(tmp_path) as r, r.client("203.0.113.66") as attacker, r.client("10.0.0.7") as owner:
        for i in range(3):
            assert (await login(attacker, f"victim{i}@example.id", "guess-0000-xyz")).status_code == 401
        assert (await login(attacker, "victim99@example.id", "guess-0000-xyz")).status_code == 429
        assert (await login(owner)).status_code == 201


async def test_tokens_are_checked_without_telling_why(tmp_path: Any) -> None:
    async with rig(tmp_path) as r, r.client() as client:
        good = (await login(client)).json()["access_token"]
        operator_id = jwt.decode(good, options={"verify_signature": False})["sub"]
        now = time.time()
        forged = [
            mint_token(service=SERVICE, operator_id=operator_id, token_version=0, secret="another-secret-" * 3,
                       ttl_seconds=60),
            mint_token(service="othersvc", operator_id=operator_id, token_version=0, secret=SECRET, ttl_seconds=60),
            mint_token(service=SERVICE, operator_id=operator_id, token_version=0, secret=SECRET, ttl_seconds=60,
                       now=now - 120),
            mint_token(service=SERVICE, operator_id=operator_id, token_version=1, secret=SECRET, ttl_seconds=60),
            jwt.encode({**jwt.decode(good, options={"verify_signature": False}), "typ": "staff"}, SECRET,
                       algorithm="HS256"),
            "not.a.token",
        ]
        for token in forged:
            r_ = await client.get("/api/v1/operator/me", headers={"Authorization": f"Bearer {token}"})
            assert r_.status_code == 401, token
            assert "Signature" not in r_.text and "audience" not in r_.text.lower()
        assert (await client.get("/api/v1/operator/me")).status_code == 401


async def test_changing_the_password_ends_the_other_sessions(tmp_path: Any) -> None:
    async with rig(tmp_path) as r, r.client() as client:
        old = await create_operator_session(client, SERVICE, email=OWNER, password=PASSWORD)
        weak = await client.post("/api/v1/operator/password", headers=old,
                                 json={"current_password": PASSWORD, "new_password": OWNER})
        assert weak.status_code == 422 and weak.json()["field"] == "new_password"
        changed = await client.post("/api/v1/operator/password", headers=old,
                                    json={"current_password": PASSWORD, "new_password": "a-brand-new-secret-7"})
        assert changed.status_code == 200, changed.text
        fresh = {"Authorization": f"Bearer {changed.json()['access_token']}"}
        assert (await client.get("/api/v1/operator/me", headers=old)).status_code == 401
        assert (await client.get("/api/v1/operator/me", headers=fresh)).status_code == 200
        assert (await login(client)).status_code == 401
        assert (await login(client, OWNER, "a-brand-new-secret-7")).status_code == 201
        assert "operator.password_changed" in [a[1] for a in await r.actions()]


def test_password_rules_and_the_dev_secret() -> None:
    assert password_problem("short", OWNER) == "at least 12 characters"
    assert password_problem(OWNER.upper(), OWNER) == "must not be the email address"
    assert password_problem("a-long-password", OWNER) is None
    assert dev_operator_jwt_secret("siki") != dev_operator_jwt_secret("lpjk")
    dev = OperatorSettings(service_name="siki")
    assert dev.operator_secret() == dev_operator_jwt_secret("siki")
    assert OperatorSettings(service_name="siki", operator_jwt_secret="x" * 10).operator_secret() == "x" * 10
