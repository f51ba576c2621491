"""NIK binding (issue 11, attack 3 "NIK squatting"): a NIK belongs to at most one account; the
operator's audited rebind fixes a squatted NIK. Every refusal is read back: nothing stored."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import event, select

from services.portal.db import bindings as binding_rows
from services.portal.db.models import Application, NikBinding, NikBindingAudit, User
from services.portal.domain.nik import BOUND_ELSEWHERE
from services.portal.settings import DEV_NIK_BINDING_SECRET, PortalSettings
from services.portal.tests.factories import Portal, all_sections, make_nik, personal, portal_settings, running_portal
from shared.tests.operators import add_operator, create_operator_session

SIKI = "http://siki.test/api/v1"
PROBLEM = "application/problem+json"
NIK = make_nik()  # what personal() saves by default
OPERATOR_EMAIL = "operator@portal.dev"  # the dev operator (role admin), seeded in dev mode


async def get_app(portal: Portal, headers: dict[str, str], app_id: str) -> dict[str, Any]:
    r = await portal.client.get(f"/api/v1/applications/{app_id}", headers=headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def put_personal(portal: Portal, headers: dict[str, str], app_id: str, docs: dict[str, str],
                       **over: Any) -> httpx.Response:
    return await portal.client.put(f"/api/v1/applications/{app_id}/sections/personal", headers=headers,
                                   json=personal(docs, **over))


async def fill_all(portal: Portal, headers: dict[str, str], app_id: str, docs: dict[str, str]) -> None:
    for name, payload in all_sections(docs).items():
        r = await portal.client.put(f"/api/v1/applications/{app_id}/sections/{name}", headers=headers, json=payload)
        assert r.status_code == 200, r.text


async def submit(portal: Portal, headers: dict[str, str], app_id: str) -> tuple[httpx.Response, respx.Route]:
    with respx.mock:
        route = respx.post(f"{SIKI}/applications").mock(return_value=httpx.Response(202, json={}))
        r = await portal.client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)
    return r, route


async def user_id(portal: Portal, email: str) -> str:
    async with portal.runtime.sessions() as s:
        return str((await s.execute(select(User.id).where(User.email == email))).scalar_one())


async def bindings(portal: Portal) -> dict[str, str]:
    async with portal.runtime.sessions() as s:
        return {r.nik_key: r.user_id for r in (await s.execute(select(NikBinding))).scalars()}


def key(nik: str) -> str:
    return hmac.new(DEV_NIK_BINDING_SECRET.encode(), nik.encode(), hashlib.sha256).hexdigest()


def assert_bound_elsewhere(r: httpx.Response) -> None:
    assert r.status_code == 409, r.text
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["field"] == "personal.nik"
    message = r.json()["errors"][0]["message"]
    assert message == BOUND_ELSEWHERE and "hubungi operator" in message


async def test_a_second_account_cannot_save_a_bound_nik(portal: Portal) -> None:
    owner, squatter = await portal.applicant("owner@example.id"), await portal.applicant("squat@example.id")
    owner_app, _ = await portal.complete_draft(owner)
    docs = await portal.upload_all(squatter)
    squat_app = await portal.draft(squatter)
    before = await get_app(portal, squatter, squat_app)
    r = await put_personal(portal, squatter, squat_app, docs)
    assert_bound_elsewhere(r)
    assert await get_app(portal, squatter, squat_app) == before  # nothing stored
    assert await bindings(portal) == {key(NIK): await user_id(portal, "owner@example.id")}
    # The stored binding is a keyed hash: the NIK itself is not in the table.
    assert NIK not in json.dumps(await bindings(portal))
    # The squatter may use a NIK of their own.
    other_nik = make_nik(serial=2)
    assert (await put_personal(portal, squatter, squat_app, docs, nik=other_nik)).status_code == 200
    # The real owner's application goes through, with their account id.
    r, route = await submit(portal, owner, owner_app)
    assert r.status_code == 200, r.text
    sent = json.loads(route.calls.last.request.content)
    assert sent["nik"] == NIK and sent["applicant"]["user_id"] == await user_id(portal, "owner@example.id")


async def test_squatter_first_then_the_operator_rebinds(portal: Portal) -> None:
    squatter, owner = await portal.applicant("squat@example.id"), await portal.applicant("owner@example.id")
    squat_app, _ = await portal.complete_draft(squatter)  # binds the NIK to the squatter
    r, _ = await submit(portal, squatter, squat_app)
    assert r.status_code == 200, r.text
    docs = await portal.upload_all(owner)
    owner_app = await portal.draft(owner)
    assert_bound_elsewhere(await put_personal(portal, owner, owner_app, docs))
    assert (await get_app(portal, owner, owner_app))["sections"] == {}
    owner_id, squatter_id = await user_id(portal, "owner@example.id"), await user_id(portal, "squat@example.id")
    assert await bindings(portal) == {key(NIK): squatter_id}

    # The operator checked the owner's KTP in person and rebinds the NIK: at SIKI first, audited.
    # Who rebinds is the operator logged in (issue 12), not a name in the body.
    operator = await create_operator_session(portal.client, "portal")
    body = {"nik": NIK, "account_email": "Owner@Example.id", "identity_check_reference": "KTP-CHECK-2026-0042"}
    with respx.mock:
        route = respx.post(f"{SIKI}/nik-bindings").mock(return_value=httpx.Response(
            200, json={"nik_masked": "317101********01", "account_id": owner_id}))
        r = await portal.client.post("/api/v1/operator/nik-bindings", headers=operator, json=body)
    assert r.status_code == 200, r.text
    assert json.loads(route.calls.last.request.content) == {
        "nik": NIK, "account_id": owner_id, "requested_by": OPERATOR_EMAIL,
        "reason": "identity check KTP-CHECK-2026-0042"}
    assert route.calls.last.request.headers["authorization"].startswith("Bearer ")
    out = r.json()
    assert out["account_id"] == owner_id and out["previous_account_id"] == squatter_id
    assert out["account_email"] == "owner@example.id" and out["nik_masked"] == "317101********01"
    assert await bindings(portal) == {key(NIK): owner_id}
    async with portal.runtime.sessions() as s:
        audit = (await s.execute(select(NikBindingAudit))).scalars().all()
    assert [(a.operator_name, a.previous_user_id, a.user_id, a.identity_check_reference) for a in audit] == [
        (OPERATOR_EMAIL, squatter_id, owner_id, "KTP-CHECK-2026-0042")]
    assert NIK not in json.dumps([{c: str(getattr(a, c)) for c in ("nik_key", "nik_masked")} for a in audit])
    assert audit[0].at is not None

    # Now the owner saves and submits; the squatter can neither save nor submit that NIK again.
    assert (await put_personal(portal, owner, owner_app, docs)).status_code == 200
    await fill_all(portal, owner, owner_app, docs)
    r, _ = await submit(portal, owner, owner_app)
    assert r.status_code == 200, r.text
    second = await portal.draft(squatter)
    squat_docs = await portal.upload_all(squatter)
    assert_bound_elsewhere(await put_personal(portal, squatter, second, squat_docs))
    await returned_by_lsp(portal, squatter, squat_app)
    r, route = await submit(portal, squatter, squat_app)
    assert_bound_elsewhere(r)
    assert not route.called
    # Refused as a whole: no command is kept to be sent again.
    async with portal.runtime.sessions() as s:
        assert (await s.execute(select(Application.in_flight).where(Application.id == squat_app))).scalar_one() is None


async def returned_by_lsp(portal: Portal, headers: dict[str, str], app_id: str) -> None:
    """Put a returned application back to editable, as SIKI's events would (for a resubmission)."""
    from services.portal.tests.factories import status_event

    await portal.feed(status_event(app_id, 1, "submitted"), status_event(app_id, 2, "forwarded", lsp_code="LSP-A"),
                      status_event(app_id, 3, "returned", reasons=["KTP buram"]))
    assert (await get_app(portal, headers, app_id))["status"] == "returned"


async def test_the_operator_path_refuses_without_changing_anything(portal: Portal) -> None:
    squatter, owner = await portal.applicant("squat@example.id"), await portal.applicant("owner@example.id")
    await portal.complete_draft(squatter)
    squatter_id = await user_id(portal, "squat@example.id")
    body = {"nik": NIK, "account_email": "owner@example.id", "identity_check_reference": "KTP-1"}
    operator = await create_operator_session(portal.client, "portal")
    auditor_only = await add_operator(portal.app, portal.client, "auditor@portal.example.id", ["audit"])
    url = "/api/v1/operator/nik-bindings"
    with respx.mock(assert_all_called=False) as mock:
        siki = mock.post(f"{SIKI}/nik-bindings").mock(return_value=httpx.Response(200, json={}))
        cases = [
            (await portal.client.post(url, json=body), 401, "authorization"),
            (await portal.client.post(url, json=body, headers={"Authorization": "Bearer wrong"}), 401,
             "authorization"),
            (await portal.client.post(url, json=body, headers=owner), 401, "authorization"),  # an applicant's token
            (await portal.client.post(url, json={**body, "nik": "12345"}, headers=operator), 422, "nik"),
            (await portal.client.post(url, json={**body, "nik": "3171019999999999"}, headers=operator), 422, "nik"),
            (await portal.client.post(url, json={**body, "account_email": "nobody@example.id"}, headers=operator),
             404, "account_email"),
            (await portal.client.post(url, json={**body, "identity_check_reference": " "}, headers=operator), 422,
             "identity_check_reference"),
            (await portal.client.post(url, json=body, headers=auditor_only), 403, "authorization"),  # no role
        ]
        for r, status, field in cases:
            assert r.status_code == status and r.headers["content-type"] == PROBLEM, r.text
            assert r.json()["field"] == field, r.json()
        assert not siki.called
    answers: list[tuple[httpx.Response | Exception, int]] = [
        (httpx.Response(503), 503), (httpx.ConnectError("down"), 503),
        (httpx.Response(409, json={"detail": "no"}), 409)]
    for answer, status in answers:
        with respx.mock:
            route = respx.post(f"{SIKI}/nik-bindings")
            route.mock(side_effect=answer) if isinstance(answer, Exception) else route.mock(return_value=answer)
            r = await portal.client.post(url, json=body, headers=operator)
        assert r.status_code == status and r.headers["content-type"] == PROBLEM, r.text
    assert await bindings(portal) == {key(NIK): squatter_id}
    async with portal.runtime.sessions() as s:
        assert (await s.execute(select(NikBindingAudit))).scalars().all() == []


async def test_a_mistyped_nik_is_released_when_the_draft_changes(portal: Portal) -> None:
    typo, owner = await portal.applicant("typo@example.id"), await portal.applicant("owner@example.id")
    docs = await portal.upload_all(typo)
    app_id = await portal.draft(typo)
    assert (await put_personal(portal, typo, app_id, docs)).status_code == 200  # the owner's NIK, by mistake
    own_nik = make_nik(serial=7)
    assert (await put_personal(portal, typo, app_id, docs, nik=own_nik)).status_code == 200
    typo_id = await user_id(portal, "typo@example.id")
    assert await bindings(portal) == {key(own_nik): typo_id}
    owner_docs = await portal.upload_all(owner)
    assert (await put_personal(portal, owner, await portal.draft(owner), owner_docs)).status_code == 200
    # Still named by another draft of the account: kept.
    second = await portal.draft(typo)
    assert (await put_personal(portal, typo, second, docs, nik=own_nik)).status_code == 200
    assert (await put_personal(portal, typo, app_id, docs, nik=make_nik(serial=8))).status_code == 200
    assert (await bindings(portal))[key(own_nik)] == typo_id


async def test_a_nik_sent_to_siki_stays_bound(portal: Portal) -> None:
    applicant = await portal.applicant("a@example.id")
    app_id, docs = await portal.complete_draft(applicant)
    r, _ = await submit(portal, applicant, app_id)
    assert r.status_code == 200, r.text
    await returned_by_lsp(portal, applicant, app_id)  # returned: editable again
    assert (await put_personal(portal, applicant, app_id, docs, nik=make_nik(serial=3))).status_code == 200
    assert key(NIK) in await bindings(portal)  # SIKI holds it for this account: not released


async def race(portal: Portal, nik: str = NIK) -> list[int]:
    """Two accounts save the same NIK at once: the codes answered; exactly one account is bound."""
    headers = [await portal.applicant(), await portal.applicant()]
    docs = [await portal.upload_all(h) for h in headers]
    apps = [await portal.draft(h) for h in headers]
    answers = await asyncio.gather(*(put_personal(portal, h, a, d, nik=nik)
                                     for h, a, d in zip(headers, apps, docs, strict=True)))
    winner = 0 if answers[0].status_code == 200 else 1
    assert (await get_app(portal, headers[1 - winner], apps[1 - winner]))["sections"] == {}
    assert (await bindings(portal))[key(nik)] == account_of(portal, headers[winner])
    return sorted(r.status_code for r in answers)


def account_of(portal: Portal, headers: dict[str, str]) -> str:
    from services.portal.security import read_access_token

    return read_access_token(headers["Authorization"].split()[1], secret=portal.settings.jwt_secret.get_secret_value())


async def test_two_accounts_saving_at_once_exactly_one_wins(portal: Portal) -> None:
    assert await race(portal) == [200, 409]


@pytest.mark.postgres
async def test_two_accounts_saving_at_once_on_postgres(tmp_path: Path, pg_url: str) -> None:
    async with running_portal(portal_settings(tmp_path, pg_url)) as portal:
        for serial in range(11, 16):
            assert await race(portal, make_nik(serial=serial)) == [200, 409]


async def test_a_claim_is_one_statement_that_names_the_bound_account(tmp_path: Path, sqlite_url: str) -> None:
    await _claims(tmp_path, sqlite_url)


@pytest.mark.postgres
async def test_a_claim_is_one_statement_that_names_the_bound_account_on_postgres(tmp_path: Path,
                                                                                pg_url: str) -> None:
    await _claims(tmp_path, pg_url)


async def _claims(tmp_path: Path, url: str) -> None:
    """A claim of a NIK bound already changes nothing and answers with the account that has it."""
    async with running_portal(portal_settings(tmp_path, url)) as portal:
        first = account_of(portal, await portal.applicant())
        second = account_of(portal, await portal.applicant())
        statements: list[str] = []

        def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            statements.append(statement)

        engine = portal.runtime.engine.sync_engine
        event.listen(engine, "before_cursor_execute", seen)
        then = datetime(2026, 1, 2, tzinfo=UTC)
        try:
            async with portal.runtime.sessions() as s, s.begin():
                assert await binding_rows.claim(s, "k" * 64, first, then) == first
            async with portal.runtime.sessions() as s, s.begin():
                assert await binding_rows.claim(s, "k" * 64, second, then + timedelta(days=1)) == first
                assert await binding_rows.claim(s, "k" * 64, first, then + timedelta(days=2)) == first
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        assert len([q for q in statements if "nik_bindings" in q]) == 3
        async with portal.runtime.sessions() as s:
            row = (await s.execute(select(NikBinding.user_id, NikBinding.bound_at))).one()
        assert row.user_id == first and row.bound_at.replace(tzinfo=UTC) == then


def test_production_refuses_the_dev_operator_jwt_secret_and_binding_secret() -> None:
    import base64
    import os

    from shared.operators import dev_operator_jwt_secret
    from shared.servicekeys import new_private_key_pem

    base: dict[str, Any] = {"mode": "production", "service_signing_key_pem": new_private_key_pem(),
                            "jwt_secret": "a-real-jwt-secret-0123456789abcdef",
                            "data_keys": {"k1": base64.b64encode(os.urandom(32)).decode()},
                            "blind_index_key": base64.b64encode(os.urandom(32)).decode()}
    # Issue 12: operators sign in with accounts; their tokens are signed with operator_jwt_secret.
    with pytest.raises(ValueError, match="SKK_OPERATOR_JWT_SECRET") as err:
        PortalSettings(**base, nik_binding_secret="n7Q#vL2p-real-binding-secret-9xZ4kW",
                       operator_jwt_secret=dev_operator_jwt_secret("portal"))
    assert dev_operator_jwt_secret("portal") not in str(err.value)
    with pytest.raises(ValueError, match="SKK_NIK_BINDING_SECRET"):
        PortalSettings(**base, operator_jwt_secret="o8R$wM3q-real-operator-secret-7yT5jV")
    PortalSettings(**base, operator_jwt_secret="o8R$wM3q-real-operator-secret-7yT5jV",
                   nik_binding_secret="n7Q#vL2p-real-binding-secret-9xZ4kW")
