"""The portal's public surface: the applicant's lists capped and paged in the query, and a
malformed token answered in plain words."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from services.portal.db.repositories import notify
from services.portal.tests.factories import Portal
from shared.bus import utcnow


def user_id_of(headers: dict[str, str]) -> str:
    token = headers["Authorization"].removeprefix("Bearer ")
    return str(jwt.decode(token, options={"verify_signature": False})["sub"])


async def test_list_notifications_honours_the_page(portal: Portal, applicant: dict[str, str]) -> None:
    user_id = user_id_of(applicant)
    start = utcnow()
    async with portal.runtime.sessions() as s, s.begin():
        for i in range(12):
            notify(s, user_id, None, None, f"pesan {i}", start + timedelta(seconds=i))
    other = await portal.applicant()  # someone else's notifications are neither listed nor counted
    async with portal.runtime.sessions() as s, s.begin():
        notify(s, user_id_of(other), None, None, "bukan milik Anda", start)

    page = await portal.client.get("/api/v1/notifications", params={"limit": 5}, headers=applicant)
    assert page.status_code == 200
    assert [n["message"] for n in page.json()] == [f"pesan {i}" for i in (11, 10, 9, 8, 7)]
    assert page.headers["X-Total-Count"] == "12"
    tail = await portal.client.get("/api/v1/notifications", params={"limit": 5, "offset": 10}, headers=applicant)
    assert [n["message"] for n in tail.json()] == ["pesan 1", "pesan 0"]
    assert len((await portal.client.get("/api/v1/notifications", headers=applicant)).json()) == 12

    too_big = await portal.client.get("/api/v1/notifications", params={"limit": 10_000}, headers=applicant)
    assert too_big.status_code == 422 and too_big.json()["field"] == "limit"
    assert too_big.headers["content-type"] == "application/problem+json"
    huge = await portal.client.get("/api/v1/notifications", params={"offset": 2**63}, headers=applicant)
    assert huge.status_code == 422 and huge.json()["field"] == "offset"


async def test_list_applications_honours_the_page(portal: Portal, applicant: dict[str, str]) -> None:
    drafts = [await portal.draft(applicant) for _ in range(6)]
    page = await portal.client.get("/api/v1/applications", params={"limit": 5}, headers=applicant)
    assert page.status_code == 200 and len(page.json()) == 5
    assert page.headers["X-Total-Count"] == "6"
    rest = await portal.client.get("/api/v1/applications", params={"limit": 5, "offset": 5}, headers=applicant)
    assert {a["id"] for a in page.json() + rest.json()} == set(drafts)
    too_big = await portal.client.get("/api/v1/applications", params={"limit": 201}, headers=applicant)
    assert too_big.status_code == 422 and too_big.json()["field"] == "limit"


@pytest.mark.parametrize("token", ["abc.def.ghi", "not-a-token",
                                   jwt.encode({"sub": "x", "iss": "portal", "typ": "access", "iat": 1,
                                               "exp": 4_102_444_800}, "wrong-secret-wrong-secret-wrong-secret",
                                              algorithm="HS256")])
async def test_a_malformed_or_forged_token_gets_a_plain_answer(portal: Portal, token: str) -> None:
    r = await portal.client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert r.json()["field"] == "authorization"
    for library_wording in ("Signature verification failed", "Not enough segments", "Invalid header", "DecodeError"):
        assert library_wording not in r.text
