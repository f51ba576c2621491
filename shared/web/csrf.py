"""CSRF tokens (double submit, signed): an HMAC, under the service's secret, of a random
per-browser key kept in the HttpOnly CSRF cookie (``skk_csrf_<service>``). A cross-site form can neither read the
cookie nor compute the HMAC, so it cannot send the matching ``csrf_token`` field."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

CSRF_FIELD = "csrf_token"


class CookieNames:
    """The cookies of one service instance. Browsers keep cookies per host, not per port, so the
    portal, SIKI and each LSP on one host (``make run`` serves them all on 127.0.0.1) would
    overwrite each other's session if they shared a name: each instance has its own. Over HTTPS
    the ``__Host-`` prefix also pins them to the exact host and to ``Secure``."""

    def __init__(self, service: str, instance: str | None = None, *, secure: bool = False) -> None:
        tag = re.sub(r"[^a-z0-9]+", "_", "_".join(p for p in (service, instance) if p).lower()).strip("_")
        prefix = "__Host-" if secure else ""
        self.session = f"{prefix}skk_session_{tag}"
        self.csrf = f"{prefix}skk_csrf_{tag}"
        self.flash = f"{prefix}skk_flash_{tag}"


class CsrfRefused(Exception):
    """A POST without the right ``csrf_token``: answered by a 403 page."""


def new_anonymous_key() -> str:
    return secrets.token_urlsafe(24)


def token_for(secret: str, basis: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{basis}".encode(), hashlib.sha256).hexdigest()


def token_matches(secret: str, basis: str | None, given: str | None) -> bool:
    if not basis or not given:
        return False
    return hmac.compare_digest(token_for(secret, basis), given)
