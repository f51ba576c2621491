"""The certificate's QR code encodes ``{public_url}/api/v1/public/certificates/{number}?qr=<JWS>``
(usecases/verification.py ``verification_url``): the API's answer for a scanner. A person's phone
camera opens it in a browser, which asks for HTML: that request is sent on to the public page,
``/verifikasi/{number}?qr=<JWS>``, which shows the same answer. Any other caller (``Accept`` without
``text/html``) keeps the JSON answer, so QR codes already printed keep working for both."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from starlette.datastructures import Headers, QueryParams
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

API_PREFIX = "/api/v1/public/certificates/"
PAGE_PREFIX = "/verifikasi/"


def page_url(number: str, qr_token: str | None) -> str:
    url = PAGE_PREFIX + quote(number, safe="")
    return f"{url}?{urlencode({'qr': qr_token})}" if qr_token else url


def wants_html(accept: str) -> bool:
    """A browser navigating: ``text/html`` accepted explicitly (``*/*`` alone is a program)."""
    media = {part.partition(";")[0].strip().lower() for part in accept.split(",")}
    return bool(media & {"text/html", "application/xhtml+xml"})


class QrTargetRedirect:
    """303 from the QR code's API URL to the public page, for browsers only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path: str = scope["path"]
            number = path[len(API_PREFIX):] if path.startswith(API_PREFIX) else ""
            if number and "/" not in number and wants_html(Headers(scope=scope).get("accept", "")):
                qr_token = QueryParams(scope.get("query_string", b"")).get("qr")
                # Outside the security-headers middleware: the headers that matter here are set.
                response = RedirectResponse(page_url(number, qr_token), status_code=303,
                                            headers={"cache-control": "no-store", "referrer-policy": "no-referrer",
                                                     "x-content-type-options": "nosniff"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
