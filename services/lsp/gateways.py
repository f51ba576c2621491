"""The LSP's HTTP gateway to SIKI, with this LSP's key: its status API (``report_status``) and
the re-check of an application's ownership limits (``check_application_eligibility``)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from shared.contracts.siki import EligibilityAnswer
from shared.service_client import ServiceClient


class SikiRefused(Exception):
    """SIKI answered, but not with a 2xx."""


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
