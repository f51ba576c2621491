"""Where SIKI may send an LSP's webhooks (SSRF): the rule for a webhook URL, checked when an
operator registers it and again before every delivery attempt (DNS answers change).

Strict (production, or ``SKK_WEBHOOK_URLS_PUBLIC_ONLY``): ``https`` only, and the host must
resolve, every address it resolves to public (globally routable unicast). Dev: ``http`` too,
and loopback and private addresses (the dev LSPs on 127.0.0.1, a compose network), but never
link-local (the cloud metadata endpoint 169.254.169.254), multicast, unspecified or reserved
addresses. In both, no user name or password in the URL. Plain Python: the resolver (host,
port -> addresses) is given by the caller.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from shared.exceptions import Invalid

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the addresses it resolves to (IP literals as text); empty when it does not resolve.
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class WebhookUrlRefused(Invalid):
    """A webhook URL SIKI will not send to; ``reason`` says why (no secret in it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"webhook URL refused: {reason}", errors=[{"field": "webhook_url", "message": reason}])
        self.reason = reason


def _embedded(ip: IpAddress) -> Iterator[IpAddress]:
    """Every IPv4 address carried inside the address (IPv4-mapped, 6to4, Teredo, NAT64:
    ``::ffff:127.0.0.1`` reaches 127.0.0.1), then the address itself."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            yield ip.ipv4_mapped
        if ip.sixtofour is not None:
            yield ip.sixtofour
        if ip.teredo is not None:
            yield from ip.teredo
        if ip in _NAT64:
            yield ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    yield ip


def address_problem(ip: IpAddress, *, strict: bool) -> str | None:
    """Why SIKI may not connect to ``ip`` (None: it may)."""
    for a in _embedded(ip):
        shown = str(a) if a == ip else f"{a} (inside {ip})"
        if a.is_unspecified:
            return f"{shown} is the unspecified address"
        if a.is_multicast:
            return f"{shown} is a multicast address"
        if a.is_link_local:
            return f"{shown} is a link-local address"
        if a.is_loopback:
            if strict:
                return f"{shown} is a loopback address"
            continue
        if a.is_reserved:
            return f"{shown} is a reserved address"
        if a.is_private or not a.is_global:
            if strict:
                return f"{shown} is not a public address"
            continue
    return None


@dataclass(frozen=True)
class Target:
    """A parsed webhook URL: where SIKI would connect."""

    scheme: str
    host: str
    port: int


def parse_webhook_url(url: str, *, strict: bool) -> Target:
    """The URL's scheme, host and port, or :class:`WebhookUrlRefused`."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:  # a malformed host or port
        raise WebhookUrlRefused("not a valid URL") from exc
    scheme = parts.scheme.lower()
    allowed = ("https",) if strict else ("https", "http")
    if scheme not in allowed:
        raise WebhookUrlRefused("only https URLs are accepted" if strict else "only http and https URLs are accepted")
    if parts.username is not None or parts.password is not None:
        raise WebhookUrlRefused("a user name or password in the URL is not accepted")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise WebhookUrlRefused("the URL has no host")
    return Target(scheme, host, port or (443 if scheme == "https" else 80))


def _literal(host: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


@dataclass(frozen=True)
class WebhookUrlGuard:
    """The rule (strict or dev) and the resolver it looks names up with."""

    strict: bool
    resolve: Resolver

    async def check(self, url: str) -> tuple[str, ...]:
        """The addresses ``url`` may be reached at now; :class:`WebhookUrlRefused` when SIKI may
        not send there. A name that does not resolve is refused in strict mode (it cannot be
        shown public) and passed in dev (the HTTP client will fail on its own)."""
        target = parse_webhook_url(url, strict=self.strict)
        literal = _literal(target.host.split("%", 1)[0])  # an IPv6 literal may carry a zone
        if literal is not None:
            addresses: list[IpAddress] = [literal]
        else:
            addresses = []
            for text in await self.resolve(target.host, target.port):
                ip = _literal(text.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
                if ip is None:
                    raise WebhookUrlRefused(f"{target.host} resolves to an address that is not an IP address")
                addresses.append(ip)
            if not addresses and self.strict:
                raise WebhookUrlRefused(f"{target.host} does not resolve")
        for ip in addresses:
            problem = address_problem(ip, strict=self.strict)
            if problem is not None:
                where = "" if literal is not None else f"{target.host} resolves to "
                raise WebhookUrlRefused(f"{where}{problem}; SIKI sends webhooks to public addresses only"
                                        if self.strict else f"{where}{problem}")
        return tuple(str(ip) for ip in addresses)
