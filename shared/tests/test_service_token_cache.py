"""A party checks each service token's signature once: the same token again is answered from
memory, but never past its expiry, never for another audience, and a refused token is never kept."""

from __future__ import annotations

import time
from typing import Any

import pytest

import shared.auth as auth
from shared.auth import ServiceIdentity, ServiceTokenSigner
from shared.errors import Problem
from shared.settings import ServiceSettings
from shared.tests.tokens import forged


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the full checks (signature, claims) the identity runs."""
    seen: list[str] = []
    real = auth._verify

    def counted(token: str, **kwargs: Any) -> tuple[str, int]:
        seen.append(token)
        return real(token, **kwargs)

    monkeypatch.setattr(auth, "_verify", counted)
    return seen


def identity() -> ServiceIdentity:
    return ServiceIdentity.from_settings(ServiceSettings(service_name="siki"))


def test_the_same_token_is_checked_once(checks: list[str]) -> None:
    siki, token = identity(), ServiceTokenSigner.dev("portal").token("siki")
    assert [siki.verify(token, "siki") for _ in range(3)] == ["portal"] * 3
    assert checks == [token]
    other = ServiceTokenSigner.dev("lpjk").token("siki")
    assert siki.verify(other, "siki") == "lpjk" and checks == [token, other]


def test_an_expired_token_is_checked_again(checks: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    siki, token = identity(), ServiceTokenSigner.dev("portal", ttl_seconds=60).token("siki")
    assert siki.verify(token, "siki") == "portal"
    now = time.time()
    monkeypatch.setattr(auth.time, "time", lambda: now + 60 + siki.leeway + 1)
    siki.verify(token, "siki")  # PyJWT's own clock still finds it valid; the cache must not answer
    assert checks == [token, token]


def test_another_audience_is_not_answered_from_memory(checks: list[str]) -> None:
    siki, token = identity(), ServiceTokenSigner.dev("portal").token("siki")
    assert siki.verify(token, "siki") == "portal"
    with pytest.raises(Problem) as refused:
        siki.verify(token, "lpjk")
    assert refused.value.status == 401 and checks == [token, token]


def test_a_refused_token_is_refused_every_time(checks: list[str]) -> None:
    siki, bad = identity(), forged("siki", claim="portal")
    for _ in range(2):
        with pytest.raises(Problem):
            siki.verify(bad, "siki")
    assert checks == [bad, bad]


def test_memory_stays_bounded() -> None:
    siki, signer = identity(), ServiceTokenSigner.dev("portal")
    for n in range(auth.VERIFIED_TOKENS_KEPT + 5):
        signer._cache.clear()  # a fresh token each time
        assert siki.verify(signer.token(f"siki-{n}"), f"siki-{n}") == "portal"
    assert len(siki._verified) <= auth.VERIFIED_TOKENS_KEPT
