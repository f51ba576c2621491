"""Staff administration (issue 13, SPEC section 8 "Accounts"): the manager creates, lists and
updates staff; each new account is activated through an emailed one-time link (a real SMTP
server, aiosmtpd) and has no password before; deactivation and a removed role count from the
next request; bad input is named and changes nothing; only a manajer administers; the first
manager of a production LSP comes from the command line."""

from __future__ import annotations

import asyncio
import email
import re
from collections.abc import AsyncIterator
from email.message import Message
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from sqlalchemy import func, select

from services.lsp.__main__ import main as lsp_main
from services.lsp.db.models import AuditEntry, OutboxEvent, Staff, StaffActivation
from services.lsp.tests.support import Lsp, running, settings_for
from services.lsp.tests.test_reports_and_sweep import PROD
from services.portal.tests.test_email_smtp import Sink, smtp_sink, wait_for  # noqa: F401 (the fixture)

pytestmark = pytest.mark.usefixtures("siki")

STAFF = "/api/v1/staff"
ACTIVATION = "/api/v1/staff/activation"
GOOD_PASSWORD = "Rahasia-Kuat-2026"


@pytest.fixture
async def lsp(sqlite_url: str, smtp_sink: tuple[Sink, str]) -> AsyncIterator[Lsp]:  # noqa: F811
    async with running(settings_for(sqlite_url, smtp_url=smtp_sink[1])) as instance:
        yield instance


def mails_to(sink: Sink, address: str) -> list[Message]:
    return [email.message_from_bytes(raw) for _, rcpts, raw in sink.messages if address in rcpts]


def text_of(msg: Message) -> str:
    payload = msg.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(msg.get_content_charset() or "utf-8")


def token_in(msg: Message) -> str:
    found = re.search(r"/aktivasi-staf\?token=(\S+)", text_of(msg))
    assert found, text_of(msg)
    return unquote(found.group(1))


async def one_mail(sink: Sink, address: str) -> Message:
    await wait_for(lambda: mails_to(sink, address))
    await asyncio.sleep(0.3)  # a second copy would have arrived by now
    found = mails_to(sink, address)
    assert len(found) == 1, [m["Subject"] for m in found]
    return found[0]


async def login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/api/v1/auth/token", data={"username": username, "password": password})


def fields(r: httpx.Response) -> set[str]:
    assert r.headers["content-type"].startswith("application/problem+json"), r.text
    return {e["field"] for e in r.json()["errors"]}


async def counts(lsp: Lsp) -> tuple[int, int, int, int]:
    """Staff, activation links, staged events and audit entries: what bad input must not change."""
    async with lsp.app.state.lsp.sessions() as s:
        return tuple([int(await s.scalar(select(func.count()).select_from(m)) or 0)  # type: ignore[return-value]
                      for m in (Staff, StaffActivation, OutboxEvent, AuditEntry)])


async def audit_actions(lsp: Lsp, target: str) -> list[str]:
    async with lsp.app.state.lsp.sessions() as s:
        rows = await s.execute(select(AuditEntry.action).where(AuditEntry.target_id == target).order_by(AuditEntry.id))
        return list(rows.scalars())


ASESOR = {"username": "asesor9", "full_name": "Ir. Dewi Lestari, S.T., M.T.", "email": "Dewi@LSP-A.example.id",
          "roles": ["asesor"], "asesor_registration_number": "met.000.001234  2019"}


# --- create, activate by email, list --------------------------------------------------------


async def test_a_new_asesor_activates_by_email_and_logs_in(lsp: Lsp, smtp_sink: tuple[Sink, str]) -> None:  # noqa: F811
    sink, _ = smtp_sink
    r = await lsp.client.post(STAFF, json=ASESOR, headers=await lsp.as_("manajer"))
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["username"] == "asesor9" and made["email"] == "dewi@lsp-a.example.id"
    assert made["asesor_registration_number"] == "MET.000.001234 2019"
    assert made["active"] is True and made["activated"] is False and made["created_by"] == "staff:LSP-A:manajer"

    # No password before activation: every password is refused with the wrong-password answer.
    refused = await login(lsp.client, "asesor9", GOOD_PASSWORD)
    wrong = await login(lsp.client, "admin", "not-the-password-1")
    assert refused.status_code == wrong.status_code == 401
    assert refused.json()["detail"] == wrong.json()["detail"]

    msg = await one_mail(sink, "dewi@lsp-a.example.id")
    assert msg["Subject"] == f"Aktivasi akun staf {lsp.settings.lsp_name}"
    body = text_of(msg)
    assert "Ir. Dewi Lestari, S.T., M.T." in body and "asesor9" in body and "72 jam" in body
    token = token_in(msg)
    assert f"{lsp.settings.public_url}/aktivasi-staf?token=" in body
    page = await lsp.client.get("/aktivasi-staf", params={"token": token})  # a server-rendered form (web/)
    assert page.status_code == 200 and 'id="form-aktivasi"' in page.text and 'name="token"' in page.text

    r = await lsp.client.post(ACTIVATION, json={"token": token, "password": "pendek", "password_repeat": "lain"})
    assert r.status_code == 422 and fields(r) == {"password", "password_repeat"}
    r = await lsp.client.post(ACTIVATION, json={"token": token, "password": "asesor9-rahasia-1",
                                                "password_repeat": "asesor9-rahasia-1"})
    assert r.status_code == 422 and fields(r) == {"password"}  # the username inside
    r = await lsp.client.post(ACTIVATION, json={"token": "x" + token, "password": GOOD_PASSWORD,
                                                "password_repeat": GOOD_PASSWORD})
    assert r.status_code == 422 and fields(r) == {"token"}
    r = await lsp.client.post(ACTIVATION, json={"token": token, "password": GOOD_PASSWORD,
                                                "password_repeat": GOOD_PASSWORD})
    assert r.status_code == 200, r.text
    assert r.json() == {"username": "asesor9", "roles": ["asesor"]}
    again = await lsp.client.post(ACTIVATION, json={"token": token, "password": GOOD_PASSWORD + "x",
                                                    "password_repeat": GOOD_PASSWORD + "x"})
    assert again.status_code == 410 and fields(again) == {"token"}

    r = await login(lsp.client, "asesor9", GOOD_PASSWORD)
    assert r.status_code == 200 and r.json()["roles"] == ["asesor"]

    r = await lsp.client.get(STAFF, params={"limit": 3, "offset": 0}, headers=await lsp.as_("manajer"))
    assert r.status_code == 200
    page = r.json()
    assert page["total"] == 8 and page["limit"] == 3 and len(page["items"]) == 3  # 7 dev accounts + 1
    r = await lsp.client.get(STAFF, params={"limit": 200}, headers=await lsp.as_("manajer"))
    listed = {s["username"]: s for s in r.json()["items"]}
    assert listed["asesor9"]["activated"] is True and listed["asesor9"]["activated_at"]
    assert set(listed) == {"manajer", "admin", "asesor1", "asesor2", "komite", "komite2", "komite3", "asesor9"}
    assert all(s["asesor_registration_number"] for s in listed.values() if "asesor" in s["roles"])
    assert await audit_actions(lsp, "asesor9") == ["staff.created", "account.login_failed", "staff.activated",
                                                   "account.login"]


async def test_a_fresh_link_voids_the_earlier_one(lsp: Lsp, smtp_sink: tuple[Sink, str]) -> None:  # noqa: F811
    sink, _ = smtp_sink
    body = {"username": "admin2", "full_name": "Siti Aminah", "email": "siti@lsp-a.example.id", "roles": ["admin"]}
    assert (await lsp.client.post(STAFF, json=body, headers=await lsp.as_("manajer"))).status_code == 201
    first = token_in(await one_mail(sink, "siti@lsp-a.example.id"))
    r = await lsp.client.patch(f"{STAFF}/admin2", json={"resend_activation": True}, headers=await lsp.as_("manajer"))
    assert r.status_code == 200, r.text
    await wait_for(lambda: len(mails_to(sink, "siti@lsp-a.example.id")) == 2)
    second = token_in(mails_to(sink, "siti@lsp-a.example.id")[1])
    old = await lsp.client.post(ACTIVATION, json={"token": first, "password": GOOD_PASSWORD,
                                                  "password_repeat": GOOD_PASSWORD})
    assert old.status_code == 410
    ok = await lsp.client.post(ACTIVATION, json={"token": second, "password": GOOD_PASSWORD,
                                                 "password_repeat": GOOD_PASSWORD})
    assert ok.status_code == 200
    r = await lsp.client.patch(f"{STAFF}/admin2", json={"resend_activation": True}, headers=await lsp.as_("manajer"))
    assert r.status_code == 409 and fields(r) == {"resend_activation"}


# --- changes count from the next request ----------------------------------------------------


async def test_deactivation_and_a_removed_role_count_from_the_next_request(lsp: Lsp) -> None:
    # The session cache (5 s by default) is on: update_staff must clear it.
    assert lsp.settings.staff_session_cache_seconds > 0
    admin = await lsp.as_("admin")
    manager = await lsp.as_("manajer")
    assert (await lsp.client.post("/api/v1/deadline-sweep", json={}, headers=admin)).status_code == 200

    r = await lsp.client.patch(f"{STAFF}/admin", json={"roles": ["komite"]}, headers=manager)
    assert r.status_code == 200 and r.json()["roles"] == ["komite"]
    refused = await lsp.client.post("/api/v1/deadline-sweep", json={}, headers=admin)
    assert refused.status_code == 403
    assert (await lsp.client.get("/api/v1/applications", headers=admin)).status_code == 200

    r = await lsp.client.patch(f"{STAFF}/admin", json={"active": False, "roles": ["admin"]}, headers=manager)
    assert r.status_code == 200 and r.json()["active"] is False
    assert (await lsp.client.get("/api/v1/applications", headers=admin)).status_code == 401
    assert (await login(lsp.client, "admin", "x")).json()["detail"] == \
        (await login(lsp.client, "admin", lsp.settings.dev_password.get_secret_value())).json()["detail"]

    # Reactivated: the old token stays dead, a new login works.
    r = await lsp.client.patch(f"{STAFF}/admin", json={"active": True}, headers=manager)
    assert r.status_code == 200 and r.json()["active"] is True
    assert (await lsp.client.get("/api/v1/applications", headers=admin)).status_code == 401
    lsp.tokens.pop("admin")
    assert (await lsp.client.post("/api/v1/deadline-sweep", json={}, headers=await lsp.as_("admin"))).status_code == 200
    assert (await audit_actions(lsp, "admin")).count("staff.updated") == 3


async def test_an_asesor_needs_a_registration_number(lsp: Lsp) -> None:
    manager = await lsp.as_("manajer")
    r = await lsp.client.patch(f"{STAFF}/komite2", json={"roles": ["komite", "asesor"]}, headers=manager)
    assert r.status_code == 422 and fields(r) == {"asesor_registration_number"}
    r = await lsp.client.patch(f"{STAFF}/komite2", json={"roles": ["asesor", "komite"],
                                                         "asesor_registration_number": "MET.000.009999 2021"},
                               headers=manager)
    assert r.status_code == 200 and r.json()["roles"] == ["asesor", "komite"]


# --- refused ------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "named"), [
    ({"username": "A"}, {"username"}),
    ({"username": "bad name"}, {"username"}),
    ({"email": "not-an-email"}, {"email"}),
    ({"full_name": "Budi\nAkun Anda DIBLOKIR"}, {"full_name"}),
    ({"full_name": "1234"}, {"full_name"}),
    ({"roles": []}, {"roles"}),
    ({"roles": ["asesor", "superuser"]}, {"roles"}),
    ({"asesor_registration_number": None}, {"asesor_registration_number"}),
    ({"asesor_registration_number": "MET.000\n001234"}, {"asesor_registration_number"}),
    ({"asesor_registration_number": "tanpa angka"}, {"asesor_registration_number"}),
    ({"roles": ["admin"]}, {"asesor_registration_number"}),  # a number for someone who does not assess
    ({"username": "Admin"}, {"username"}),  # taken, whatever the case (409)
    ({"email": "admin@lsp-a.dev.skk.example.id"}, {"email"}),  # taken (409)
    ({"username": "x" * 65}, {"username"}),
])
async def test_bad_input_is_named_and_changes_nothing(lsp: Lsp, smtp_sink: tuple[Sink, str],  # noqa: F811
                                                      change: dict[str, Any], named: set[str]) -> None:
    manager = await lsp.as_("manajer")
    before = await counts(lsp)
    r = await lsp.client.post(STAFF, json={**ASESOR, **change}, headers=manager)
    assert r.status_code in (409, 422), r.text
    assert fields(r) == named
    assert await counts(lsp) == before
    await asyncio.sleep(0.2)
    assert smtp_sink[0].messages == []


async def test_a_bad_update_changes_nothing(lsp: Lsp) -> None:
    manager = await lsp.as_("manajer")
    before = await counts(lsp)
    for body, named in [({"roles": ["root"], "active": False}, {"roles"}),
                        ({"full_name": "\u202eevil", "active": False}, {"full_name"}),
                        ({"roles": ["asesor"], "active": False}, {"asesor_registration_number"})]:
        r = await lsp.client.patch(f"{STAFF}/admin", json=body, headers=manager)
        assert r.status_code == 422 and fields(r) == named, r.text
    assert await counts(lsp) == before
    assert (await lsp.client.get("/api/v1/applications", headers=await lsp.as_("admin"))).status_code == 200
    r = await lsp.client.patch(f"{STAFF}/nobody", json={"active": False}, headers=manager)
    assert r.status_code == 404


async def test_only_a_manager_administers_staff(lsp: Lsp) -> None:
    for user in ("admin", "asesor1", "komite"):
        headers = await lsp.as_(user)
        assert (await lsp.client.get(STAFF, headers=headers)).status_code == 403
        r = await lsp.client.post(STAFF, json=ASESOR, headers=headers)
        assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
        assert (await lsp.client.patch(f"{STAFF}/admin", json={"active": False}, headers=headers)).status_code == 403
    assert (await lsp.client.get(STAFF)).status_code == 401
    assert (await lsp.client.get("/api/v1/applications", headers=await lsp.as_("admin"))).status_code == 200
    # Nor may a manager lock the LSP out by deactivating themselves.
    r = await lsp.client.patch(f"{STAFF}/manajer", json={"active": False}, headers=await lsp.as_("manajer"))
    assert r.status_code == 403 and fields(r) == {"active"}
    r = await lsp.client.patch(f"{STAFF}/manajer", json={"roles": ["admin"]}, headers=await lsp.as_("manajer"))
    assert r.status_code == 403 and fields(r) == {"roles"}


# --- the command line: a production LSP with no seed ----------------------------------------


async def test_a_production_lsp_gets_its_manager_from_the_command_line(
        sqlite_url: str, smtp_sink: tuple[Sink, str], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
        capsys: pytest.CaptureFixture[str]) -> None:
    sink, url = smtp_sink
    settings = settings_for(sqlite_url, **PROD, smtp_url=url, lsp_name="LSP Produksi")
    monkeypatch.setattr("services.lsp.__main__.LspSettings", lambda **_: settings)
    # The issuance steps have production requirements of their own (a signing certificate).
    monkeypatch.setattr("services.lsp.app.register_issuance", lambda *_, **__: None)
    argv = ["create-manager", "--lsp", "LSP-A", "--email", "ani@lsp.example.id", "--full-name", "Ani Wijaya"]

    await asyncio.to_thread(lsp_main, argv)
    assert "manajer LSP-A created" in capsys.readouterr().out
    assert len(mails_to(sink, "ani@lsp.example.id")) == 1
    # Again before activation: a fresh link, the first one void.
    await asyncio.to_thread(lsp_main, argv)
    assert "fresh activation link" in capsys.readouterr().out
    first, second = (token_in(m) for m in mails_to(sink, "ani@lsp.example.id"))
    with pytest.raises(SystemExit, match="email"):
        await asyncio.to_thread(lsp_main, [*argv[:4], "bad", *argv[5:], "--username", "manajer2"])

    async with running(settings) as lsp:
        async with lsp.app.state.lsp.sessions() as s:
            assert await s.get(Staff, "admin") is None  # no dev seed in production
        body = {"password": GOOD_PASSWORD, "password_repeat": GOOD_PASSWORD}
        assert (await lsp.client.post(ACTIVATION, json={"token": first, **body})).status_code == 410
        assert (await lsp.client.post(ACTIVATION, json={"token": second, **body})).status_code == 200
        manager = {"Authorization": f"Bearer {await lsp.login('manajer', GOOD_PASSWORD)}"}
        # The manager builds the team through the API and email activation.
        team: list[dict[str, Any]] = [
            {"username": "admin", "full_name": "Budi Admin", "email": "budi@lsp.example.id", "roles": ["admin"]},
            {"username": "asesor1", "full_name": "Citra Asesor", "email": "citra@lsp.example.id",
             "roles": ["asesor"], "asesor_registration_number": "MET.000.004321 2020"}]
        for member in team:
            r = await lsp.client.post(STAFF, json=member, headers=manager)
            assert r.status_code == 201, r.text
            token = token_in(await one_mail(sink, member["email"]))
            assert (await lsp.client.post(ACTIVATION, json={"token": token, **body})).status_code == 200
            r = await login(lsp.client, member["username"], GOOD_PASSWORD)
            assert r.status_code == 200 and r.json()["roles"] == member["roles"]
        assert await audit_actions(lsp, "manajer") == ["staff.created", "staff.updated", "staff.activated",
                                                       "account.login"]

    # Once activated, the command line refuses to touch the account.
    with pytest.raises(SystemExit, match="username: already taken"):
        await asyncio.to_thread(lsp_main, argv)


async def test_one_link_activates_once_under_concurrency_on_postgres(pg_url: str,
                                                                     smtp_sink: tuple[Sink, str]) -> None:  # noqa: F811
    sink, url = smtp_sink
    async with running(settings_for(pg_url, smtp_url=url)) as lsp:
        body = {"username": "komite4", "full_name": "Made Wirawan", "email": "made@lsp-a.example.id",
                "roles": ["komite"]}
        assert (await lsp.client.post(STAFF, json=body, headers=await lsp.as_("manajer"))).status_code == 201
        token = token_in(await one_mail(sink, "made@lsp-a.example.id"))
        tries = [lsp.client.post(ACTIVATION, json={"token": token, "password": f"{GOOD_PASSWORD}{n}",
                                                   "password_repeat": f"{GOOD_PASSWORD}{n}"}) for n in range(3)]
        answers = sorted(r.status_code for r in await asyncio.gather(*tries))
        assert answers == [200, 410, 410]
        logins = [(await login(lsp.client, "komite4", f"{GOOD_PASSWORD}{n}")).status_code for n in range(3)]
        assert sorted(logins) == [200, 401, 401]
