"""Issue 12, no enumeration: register, login, resend_activation and request_password_reset answer
exactly the same (status and body) for an unknown, a pending and an active address; only the
mailbox learns which, by email. Registration never changes an existing account, and names that
could break out of a line are refused."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from services.portal.db.models import ActivationToken, User
from services.portal.tests.account_support import (
    activation_token_in,
    active_account,
    audit_actions,
    emails_to,
    settle,
    user_row,
)
from services.portal.tests.factories import PASSWORD, Portal

UNKNOWN, PENDING, ACTIVE = "unknown@example.id", "pending@example.id", "active@example.id"
PROBLEM = "application/problem+json"


def shape(r: httpx.Response, email_addr: str) -> tuple[int, str, object]:
    """The answer with the address itself taken out (register echoes what it was sent)."""
    body = r.json()
    if isinstance(body, dict) and body.get("email") == email_addr:
        body = {**body, "email": "<the address>"}
    return r.status_code, r.headers["content-type"], body


async def three_accounts(portal: Portal) -> str:
    """A pending and an active account (the unknown one needs nothing): the active user's id."""
    assert (await portal.register(PENDING, first_name="Pending")).status_code == 202
    return await active_account(portal, ACTIVE, first_name="Aktif")


async def test_register_answers_the_same_and_the_mailbox_learns_the_truth(portal: Portal) -> None:
    await three_accounts(portal)
    before = {a: len(await emails_to(portal, a)) for a in (UNKNOWN, PENDING, ACTIVE)}
    answers = {a: await portal.register(a, first_name="Penyerang", phone="+6289999999999")
               for a in (UNKNOWN, PENDING, ACTIVE)}
    shapes = {a: shape(r, a) for a, r in answers.items()}
    assert shapes[UNKNOWN] == shapes[PENDING] == shapes[ACTIVE], shapes
    assert shapes[UNKNOWN][0] == 202 and "id" not in answers[UNKNOWN].json()

    new = {a: (await emails_to(portal, a))[before[a]:] for a in (UNKNOWN, PENDING, ACTIVE)}
    assert [len(m) for m in new.values()] == [1, 1, 1]
    assert "/activate?token=" in new[UNKNOWN][0]["body"] and "Yth. Penyerang" in new[UNKNOWN][0]["body"]
    # The pending owner gets a fresh link, addressed by the name they registered with.
    assert "/activate?token=" in new[PENDING][0]["body"] and "Yth. Pending" in new[PENDING][0]["body"]
    # The active owner learns someone tried, and how to log in or reset; no link that sets a password.
    active_mail = new[ACTIVE][0]
    assert "sudah terdaftar" in active_mail["body"] and "/reset-password" in active_mail["body"]
    assert "token=" not in active_mail["body"] and "Yth. Aktif" in active_mail["body"]


async def test_login_fails_the_same_for_wrong_password_unknown_and_pending(portal: Portal) -> None:
    await three_accounts(portal)
    answers = [await portal.login(a, "Salah-Tebak-123") for a in (UNKNOWN, PENDING, ACTIVE)]
    shapes = [shape(r, "") for r in answers]
    assert shapes[0] == shapes[1] == shapes[2] and shapes[0][0] == 401 and shapes[0][1] == PROBLEM, shapes
    assert [r.headers.get("www-authenticate") for r in answers] == ["Bearer"] * 3
    # The owner's right password still works (three failures are far from the throttle).
    assert (await portal.login(ACTIVE)).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/auth/password-reset", "/api/v1/auth/activation/resend"])
async def test_reset_and_resend_answer_the_same(portal: Portal, path: str) -> None:
    await three_accounts(portal)
    answers = [await portal.client.post(path, json={"email": a}) for a in (UNKNOWN, PENDING, ACTIVE)]
    shapes = [shape(r, a) for r, a in zip(answers, (UNKNOWN, PENDING, ACTIVE), strict=True)]
    assert shapes[0] == shapes[1] == shapes[2] and shapes[0][0] == 202, shapes


async def test_reset_request_tells_each_mailbox_what_applies(portal: Portal) -> None:
    await three_accounts(portal)
    before = {a: len(await emails_to(portal, a)) for a in (UNKNOWN, PENDING, ACTIVE)}
    for a in (UNKNOWN, PENDING, ACTIVE):
        assert (await portal.client.post("/api/v1/auth/password-reset", json={"email": a})).status_code == 202
    new = {a: (await emails_to(portal, a))[before[a]:] for a in (UNKNOWN, PENDING, ACTIVE)}
    assert new[UNKNOWN] == []
    assert len(new[PENDING]) == 1 and "/activate?token=" in new[PENDING][0]["body"]
    assert len(new[ACTIVE]) == 1 and "/reset-password?token=" in new[ACTIVE][0]["body"]


async def test_registering_a_pending_address_changes_nothing_of_it(portal: Portal) -> None:
    r = await portal.register(PENDING, first_name="Siti", last_name="Rahma", phone="081234567890")
    assert r.status_code == 202
    original = activation_token_in((await emails_to(portal, PENDING))[0]["body"])
    before = await user_row(portal, PENDING)
    assert before is not None

    # Someone else registers the same address with their own details.
    r = await portal.register(PENDING, first_name="Penyusup", last_name="Jahat", phone="+6289999999999")
    assert r.status_code == 202
    after = await user_row(portal, PENDING)
    assert after is not None
    assert (after.id, after.first_name, after.last_name, after.phone, after.created_at) == (
        before.id, "Siti", "Rahma", "081234567890", before.created_at)
    async with portal.runtime.sessions() as s:
        assert (await s.execute(select(func.count()).select_from(User))).scalar_one() == 1
        alive = (await s.execute(select(func.count()).select_from(ActivationToken)
                                 .where(ActivationToken.used_at.is_(None)))).scalar_one()
    assert alive == 2

    # The owner's original link still activates the account.
    r = await portal.client.post("/api/v1/auth/activate",
                                 json={"token": original, "password": PASSWORD, "password_repeat": PASSWORD})
    assert r.status_code == 200, r.text
    assert (await portal.login(PENDING)).status_code == 200


async def test_at_most_three_links_stay_alive(portal: Portal) -> None:
    assert (await portal.register(PENDING)).status_code == 202
    for _ in range(2):
        assert (await portal.client.post("/api/v1/auth/activation/resend", json={"email": PENDING})).status_code == 202
    assert len(await emails_to(portal, PENDING)) == 3  # the address's hourly share
    async with portal.runtime.sessions() as s:
        alive = (await s.execute(select(func.count()).select_from(ActivationToken)
                                 .where(ActivationToken.used_at.is_(None)))).scalar_one()
    assert alive == 3


async def test_twenty_registrations_of_one_address_send_at_most_three_emails(portal: Portal) -> None:
    answers = [await portal.register("victim@example.id") for _ in range(20)]
    assert {r.status_code for r in answers} == {202}
    assert len({r.text for r in answers}) == 1  # the throttled ones answer exactly like the first
    await settle(portal)
    assert len(await emails_to(portal, "victim@example.id")) == 3
    assert len(list(portal.mail_dir.glob("*.eml"))) == 3
    # One more from the same client is one too many for the client (20 an hour), whatever the address.
    r = await portal.register("someone-else@example.id")
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert await user_row(portal, "someone-else@example.id") is None


async def test_reset_requests_for_one_address_send_at_most_three_emails(portal: Portal) -> None:
    await active_account(portal, ACTIVE)
    sent = len(await emails_to(portal, ACTIVE))
    for _ in range(10):
        assert (await portal.client.post("/api/v1/auth/password-reset", json={"email": ACTIVE})).status_code == 202
    assert len(await emails_to(portal, ACTIVE)) - sent == 2  # 3 an hour, the activation email was the first


async def test_a_newline_in_a_name_is_refused_and_nothing_is_stored(portal: Portal) -> None:
    r = await portal.register("nl@example.id", first_name="Budi\n\nAkun Anda DIBLOKIR. Verifikasi di http://x")
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert r.json()["field"] == "first_name" and "line breaks" in r.json()["errors"][0]["message"]
    assert await user_row(portal, "nl@example.id") is None
    assert await emails_to(portal, "nl@example.id") == []


async def test_names_are_stored_clean_and_the_audit_names_no_email(portal: Portal) -> None:
    r = await portal.register("clean@example.id", first_name="  Ni   Luh ", last_name="Putu", phone="0812 3456 7890")
    assert r.status_code == 202
    user = await user_row(portal, "clean@example.id")
    assert user is not None and (user.first_name, user.phone) == ("Ni Luh", "081234567890")
    await portal.register("clean@example.id")
    entries = [e for e in await audit_actions(portal) if e[0].startswith("account.")]
    assert [(a, actor, target) for a, actor, target, _, _ in entries] == [
        ("account.registered", "public", user.id), ("account.registration_repeated", "public", user.id)]
    assert all(client == "127.0.0.1" for *_, client, _ in entries)
    assert "clean@example.id" not in repr(entries)
