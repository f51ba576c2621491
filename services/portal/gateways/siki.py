"""SIKI as the portal's use cases see it: its commands over the runtime's service client, and
its answers translated into the shared errors (the applicant's problem, SIKI's reasons kept).

- SIKI unreachable or failing (5xx): :class:`Unavailable` (503, ``Retry-After``); nothing was changed.
- SIKI's 422: :class:`Invalid` with every reason SIKI gave, its own keys kept.
- SIKI's 409: :class:`Conflict` with SIKI's detail and the fields it named.
- anything else: :class:`UpstreamRefused` (502).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from shared.contracts.siki import (
    AppealSubmission,
    ApplicationSubmission,
    NikRebinding,
    PaymentProofSubmission,
    WithdrawalSubmission,
)
from shared.exceptions import Conflict, DomainError, Invalid, Unavailable, UpstreamRefused
from shared.logging import get_logger
from shared.service_client import ServiceCallError, ServiceClient

if TYPE_CHECKING:
    import httpx

log = get_logger(__name__)

APPLICATIONS = "/api/v1/applications"
NIK_BINDINGS = "/api/v1/nik-bindings"


def siki_error(resp: httpx.Response | None, what: str) -> DomainError:
    """SIKI's refusal (``resp``), or its absence (``None``), made the applicant's problem."""
    if resp is None or resp.status_code >= 500:
        return Unavailable(f"SIKI is not reachable now; nothing was changed, try to {what} again later",
                           headers={"Retry-After": "30"})
    try:
        body = resp.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    detail = str(body.get("detail") or f"SIKI refused to {what}")
    if resp.status_code == 422:
        # Every reason SIKI gave, its own keys kept; one without a field is about the application.
        errors: list[dict[str, Any]] = []
        for e in body.get("errors") or []:
            if isinstance(e, dict):
                errors.append(e if "field" in e else {"field": "application", **e})
            elif isinstance(e, str):
                errors.append({"field": "application", "message": e})
        if not errors:
            errors = [{"field": "application", "message": detail}]
        return Invalid(f"SIKI refused to {what}: {detail}", errors=errors)
    if resp.status_code == 409:
        # SIKI's reasons kept (e.g. ``nik``: the NIK is bound to another account at SIKI).
        reasons = [e for e in body.get("errors") or [] if isinstance(e, dict) and "field" in e]
        return Conflict(f"SIKI refused to {what}: {detail}", errors=reasons)
    log.warning("unexpected answer from SIKI", status=resp.status_code, action=what)
    return UpstreamRefused(f"SIKI answered {resp.status_code} to {what}")


class SikiGateway:
    """The commands the portal sends SIKI on the applicant's behalf. Each either succeeds (SIKI
    answered 2xx) or raises one of the errors above; a retry with the same idempotency key is safe."""

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def _send(self, path: str, what: str, body: dict[str, Any], idempotency_key: str) -> None:
        try:
            resp = await self.client.request("POST", path, json=body, idempotency_key=idempotency_key)
        except ServiceCallError as exc:
            log.warning("SIKI unreachable", action=what, error=str(exc))
            raise siki_error(None, what) from exc
        if not 200 <= resp.status_code < 300:
            raise siki_error(resp, what)

    async def submit_application(self, submission: ApplicationSubmission) -> None:
        await self._send(APPLICATIONS, "submit the application", submission.model_dump(mode="json"),
                         f"{submission.id}:{submission.submission_no}")

    async def upload_payment_proof(self, application_id: str, proof: PaymentProofSubmission) -> None:
        await self._send(f"{APPLICATIONS}/{application_id}/payment-proofs", "upload the payment proof",
                         proof.model_dump(mode="json"), f"{application_id}:proof:{proof.proof_no}")

    async def file_appeal(self, application_id: str, appeal: AppealSubmission, appeal_no: int) -> None:
        await self._send(f"{APPLICATIONS}/{application_id}/appeals", "file the appeal",
                         appeal.model_dump(mode="json"), f"{application_id}:appeal:{appeal_no}")

    async def withdraw_application(self, application_id: str, withdrawal: WithdrawalSubmission) -> None:
        """SIKI's ``withdraw_application``: idempotent there (a repeat answers 202 again)."""
        await self._send(f"{APPLICATIONS}/{application_id}/withdrawal", "withdraw the application",
                         withdrawal.model_dump(mode="json"), f"{application_id}:withdrawal")

    async def rebind_nik(self, rebinding: NikRebinding) -> None:
        """SIKI's ``rebind_nik``: from now on SIKI takes this NIK's applications from the account."""
        await self._send(NIK_BINDINGS, "rebind the NIK", rebinding.model_dump(mode="json"),
                         f"rebind:{rebinding.account_id}:{uuid.uuid4().hex}")

    async def _fetch_pdf(self, path: str, what: str) -> bytes | None:
        try:
            resp = await self.client.request("GET", path)
        except ServiceCallError as exc:
            log.warning("SIKI unreachable", action=what, error=str(exc))
            raise siki_error(None, what) from exc
        if resp.status_code == 404:
            return None
        if resp.status_code != 200:
            raise siki_error(resp, what)
        return resp.content

    async def application_form(self, application_id: str, form: str) -> bytes | None:
        """FR.APL.01 / FR.APL.02 as the LSP last sent it through SIKI; ``None`` when SIKI has none (yet)."""
        return await self._fetch_pdf(f"{APPLICATIONS}/{application_id}/forms/{form}", "fetch the form")

    async def certificate_pdf(self, application_id: str) -> bytes | None:
        """The e-certificate's bytes as SIKI keeps them; ``None`` when SIKI has none (yet)."""
        return await self._fetch_pdf(f"{APPLICATIONS}/{application_id}/certificate", "fetch the certificate")
