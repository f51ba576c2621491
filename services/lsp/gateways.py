"""The LSP's HTTP gateway to SIKI, with this LSP's key: its status API (``report_status``) and
the re-check of an application's ownership limits (``check_application_eligibility``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from shared.contracts.siki import EligibilityAnswer
from shared.exceptions import NotFound, Unavailable, UpstreamRefused
from shared.service_client import ServiceCallError, ServiceClient

if TYPE_CHECKING:
    import httpx


class SikiRefused(Exception):
    """SIKI answered, but not with a 2xx (``status_code``: its answer's, if it answered)."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class FetchedDocument:
    """A document's bytes as SIKI relayed them from the portal, with the type SIKI named."""

    data: bytes
    content_type: str


SIKI_UNREACHABLE = "SIKI could not be reached to fetch the document; try again later"


class SikiGateway:
    def __init__(self, client: ServiceClient, checks: ServiceClient | None = None) -> None:
        self.client = client
        # A client with a short timeout and no retries: the re-check runs while SIKI waits for
        # the webhook's answer (or a staff member for theirs); if SIKI does not answer at once,
        # the application is checked again later rather than held up.
        self.checks = checks or client

    async def report_status(self, application_id: str, report: dict[str, Any], *, report_id: str) -> None:
        """Send one status report; SIKI takes a repeated ``report_id`` once. Raises
        :class:`SikiRefused` on an answer other than 2xx, the client's error if SIKI is unreachable."""
        resp = await self.client.request("POST", f"/api/v1/applications/{application_id}/status",
                                         json=report, idempotency_key=report_id)
        if not 200 <= resp.status_code < 300:
            raise SikiRefused(f"SIKI answered {resp.status_code}: {resp.text[:500]}", resp.status_code)

    async def submit_forms(self, application_id: str, upload: dict[str, Any]) -> None:
        """SIKI's ``submit_application_forms`` (FR.APL.01/02 on receipt; SIKI keeps the latest).
        Raises :class:`SikiRefused` on an answer other than 2xx."""
        resp = await self.client.request("PUT", f"/api/v1/applications/{application_id}/forms", json=upload)
        if not 200 <= resp.status_code < 300:
            raise SikiRefused(f"SIKI answered {resp.status_code}: {resp.text[:500]}")

    async def check_eligibility(self, application_id: str) -> EligibilityAnswer:
        """SIKI's ``check_application_eligibility`` for one of this LSP's applications. Raises
        :class:`SikiRefused` on an answer other than 200 (or not the contract's), the client's
        error if SIKI is unreachable."""
        resp = await self.checks.request("GET", f"/api/v1/applications/{application_id}/eligibility")
        if resp.status_code != 200:
            raise SikiRefused(f"SIKI answered {resp.status_code}: {resp.text[:500]}")
        try:
            return EligibilityAnswer.model_validate(resp.json())
        except (ValueError, ValidationError) as exc:
            raise SikiRefused(f"SIKI's eligibility answer is not the contract's: {exc}") from exc

    async def fetch_document(self, application_id: str, document_id: str) -> FetchedDocument:
        """SIKI's ``fetch_application_document`` for one of this LSP's applications (relayed from
        the portal). Raises NotFound (SIKI or the portal knows no such document of this
        application), Unavailable (SIKI, or through it the portal, cannot be reached) or
        UpstreamRefused (any other answer)."""
        try:
            resp = await self.client.request("GET", f"/api/v1/applications/{application_id}/documents/{document_id}")
        except ServiceCallError as exc:
            raise Unavailable(SIKI_UNREACHABLE, errors=[{"field": "document_id", "message": SIKI_UNREACHABLE}]) from exc
        if resp.status_code == 404:
            raise NotFound("the document is not available from SIKI or the portal",
                           errors=[{"field": "document_id", "message": "not found at SIKI or the portal"}])
        if resp.status_code in (502, 503, 504):
            message = f"SIKI could not fetch the document from the portal: {_detail(resp)}; try again later"
            raise Unavailable(message, errors=[{"field": "document_id", "message": message}])
        if resp.status_code != 200:
            message = f"SIKI refused to relay the document (HTTP {resp.status_code}): {_detail(resp)}"
            raise UpstreamRefused(message, errors=[{"field": "document_id", "message": message}])
        content_type = resp.headers.get("content-type", "application/octet-stream").split(";")[0].strip()
        return FetchedDocument(data=resp.content, content_type=content_type)


def _detail(resp: httpx.Response) -> str:
    """The ``detail`` of a problem+json answer (or the start of any other)."""
    try:
        body = resp.json()
    except ValueError:
        return str(resp.text[:200]) or "no detail"
    return str(body.get("detail") if isinstance(body, dict) else body)[:300]
