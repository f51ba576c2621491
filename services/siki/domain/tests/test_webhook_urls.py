"""The webhook URL rule (SSRF): strict (production) and dev, with a resolver given by the test."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence

import pytest

from services.siki.domain.webhook_urls import WebhookUrlGuard, WebhookUrlRefused, address_problem


def resolver(answers: Mapping[str, Sequence[str]]):  # type: ignore[no-untyped-def]
    asked: list[tuple[str, int]] = []

    async def resolve(host: str, port: int) -> Sequence[str]:
        asked.append((host, port))
        return answers.get(host, [])

    resolve.asked = asked  # type: ignore[attr-defined]
    return resolve


DNS = {
    "lsp.example.id": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "internal.example.id": ["10.1.2.3"],
    "mixed.example.id": ["93.184.216.34", "192.168.1.10"],
    "metadata.example.id": ["169.254.169.254"],
    "localhost": ["127.0.0.1", "::1"],
}

STRICT = WebhookUrlGuard(strict=True, resolve=resolver(DNS))
DEV = WebhookUrlGuard(strict=False, resolve=resolver(DNS))


async def test_strict_accepts_https_to_public_addresses_only() -> None:
    assert await STRICT.check("https://lsp.example.id/hooks/siki") == (
        "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946")
    assert await STRICT.check("https://93.184.216.34:8443/hooks") == ("93.184.216.34",)


@pytest.mark.parametrize(("url", "words"), [
    # The URLs.
    ("http://169.254.169.254/latest/meta-data/", "only https"),
    ("https://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://127.0.0.1:5432/", "only https"),
    ("https://127.0.0.1:5432/", "loopback"),
    ("https://internal.example.id/hooks", "internal.example.id resolves to 10.1.2.3 is not a public address"),
    # One private answer among public ones is enough to refuse.
    ("https://mixed.example.id/hooks", "192.168.1.10"),
    ("https://metadata.example.id/", "link-local"),
    ("https://localhost/hooks", "loopback"),
    ("https://[::1]/hooks", "loopback"),
    ("https://[fc00::1]/hooks", "not a public address"),
    ("https://[fe80::1]/hooks", "link-local"),
    ("https://[ff02::1]/hooks", "multicast"),
    ("https://224.0.0.1/hooks", "multicast"),
    ("https://0.0.0.0/hooks", "unspecified"),
    ("https://[::]/hooks", "unspecified"),
    ("https://240.0.0.1/hooks", "reserved"),
    ("https://100.64.0.1/hooks", "not a public address"),
    # IPv4 inside IPv6: mapped, 6to4, NAT64.
    ("https://[::ffff:169.254.169.254]/", "169.254.169.254 (inside ::ffff:a9fe:a9fe)"),
    ("https://[::ffff:127.0.0.1]/", "127.0.0.1"),
    ("https://[2002:7f00:1::]/", "127.0.0.1 (inside 2002:7f00:1::)"),
    ("https://[64:ff9b::a00:1]/", "10.0.0.1"),
    ("https://unknown.example.id/hooks", "does not resolve"),
    ("https://user:pw@lsp.example.id/hooks", "user name or password"),
    ("ftp://lsp.example.id/hooks", "only https"),
    ("https:///hooks", "no host"),
    ("https://lsp.example.id:99999/", "not a valid URL"),
])
async def test_strict_refusals_name_the_reason(url: str, words: str) -> None:
    with pytest.raises(WebhookUrlRefused) as refused:
        await STRICT.check(url)
    assert words in refused.value.reason
    assert refused.value.errors == [{"field": "webhook_url", "message": refused.value.reason}]


async def test_numeric_host_forms_are_checked_by_what_they_resolve_to() -> None:
    # "2130706433" and "0x7f.1" are 127.0.0.1 to getaddrinfo; the rule checks the answers.
    guard = WebhookUrlGuard(strict=True, resolve=resolver({"2130706433": ["127.0.0.1"], "0x7f.1": ["127.0.0.1"]}))
    for url in ("https://2130706433/", "https://0x7f.1/"):
        with pytest.raises(WebhookUrlRefused, match="loopback"):
            await guard.check(url)


async def test_dev_allows_loopback_http_and_private_but_not_metadata() -> None:
    assert await DEV.check("http://127.0.0.1:8002/api/v1/webhooks/siki") == ("127.0.0.1",)
    assert await DEV.check("http://localhost:8002/") == ("127.0.0.1", "::1")
    assert await DEV.check("http://internal.example.id/") == ("10.1.2.3",)
    # A name that does not resolve is left to the HTTP client (test hosts, respx).
    assert await DEV.check("http://lsp-a.test/api/v1/webhooks/siki") == ()
    for url in ("http://169.254.169.254/latest/meta-data/", "http://metadata.example.id/", "http://0.0.0.0:8002/",
                "http://[::ffff:169.254.169.254]/", "http://224.0.0.1/", "gopher://127.0.0.1/"):
        with pytest.raises(WebhookUrlRefused):
            await DEV.check(url)


def test_address_problem_is_none_for_public_addresses() -> None:
    for text in ("8.8.8.8", "93.184.216.34", "2606:4700::1111"):
        assert address_problem(ipaddress.ip_address(text), strict=True) is None
