"""The issuance steps' HTTP gateways: BNSP ``create_issuance`` and LPJK ``create_record``, both
idempotent (BNSP per LSP and application, LPJK per SKK number)."""

from __future__ import annotations

from shared.contracts.issuance import IssuanceRequest, IssuanceResponse, RecordRequest, RecordResponse
from shared.service_client import ServiceClient


class Bnsp:
    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def create_issuance(self, plan: IssuanceRequest) -> IssuanceResponse:
        """The SKK and registration numbers (the same on a repeated call)."""
        return IssuanceResponse.model_validate(await self.client.call_json(
            "POST", "/api/v1/issuances", json=plan.model_dump(mode="json"),
            idempotency_key=f"{plan.lsp_code}:{plan.application_id}",
        ))


class Lpjk:
    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def create_record(self, request: RecordRequest) -> RecordResponse:
        """The recording number and the signed QR payload (one record per SKK number)."""
        return RecordResponse.model_validate(await self.client.call_json(
            "POST", "/api/v1/records", json=request.model_dump(mode="json"), idempotency_key=request.skk_number,
        ))
