"""The LSP's HTTP gateway to SIKI: its status API (``report_status``), with this LSP's key."""

from __future__ import annotations

from typing import Any

from shared.service_client import ServiceClient


class SikiRefused(Exception):
    """SIKI answered, but not with a 2xx."""


class SikiGateway:
    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def report_status(self, application_id: str, report: dict[str, Any], *, report_id: str) -> None:
        """Send one status report; SIKI takes a repeated ``report_id`` once. Raises
        :class:`SikiRefused` on an answer other than 2xx, the client's error if SIKI is unreachable."""
        resp = await self.client.request("POST", f"/api/v1/applications/{application_id}/status",
                                         json=report, idempotency_key=report_id)
        if not 200 <= resp.status_code < 300:
            raise SikiRefused(f"SIKI answered {resp.status_code}: {resp.text[:500]}")
