"""Where a certificate's QR code lands. Since the compact payload (issue 16) it encodes
``{PUBLIC_URL}/V/{payload}`` (web/routes.py ``qr_code_target``: the page for a browser, the JSON
answer for a program, as below). Certificates issued before encode
``{public_url}/api/v1/public/certificates/{number}?qr=<JWS>``
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


def payload_page_url(payload: str) -> str:
    """The public page answering for a QR payload (the compact form names no number in its URL)."""
    return f"/verifikasi?{urlencode({'qr': payload})}"


def see_page(url: str) -> RedirectResponse:
    # Sent outside the security-headers middleware: the headers that matter here are set.
    return RedirectResponse(url, status_code=303, headers={
        "cache-control": "no-store", "referrer-policy": "no-referrer", "x-content-type-options": "nosniff"})


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
                await see_page(page_url(number, qr_token))(scope, receive, send)
                return
        await self.app(scope, receive, send)
