"""SIKI's HTTP gateway to the portal's ``fetch_application_document``, with SIKI's own service
token (audience ``portal``), translating the portal's answers into domain errors."""

from __future__ import annotations

from services.siki.usecases.context import sha256_hex
from services.siki.usecases.documents import FetchedDocument
from shared.exceptions import NotFound, Unavailable, UpstreamRefused
from shared.service_client import ServiceCallError, ServiceClient

UNREACHABLE = "the portal could not be reached to fetch the document; try again later"


class PortalDocumentsGateway:
    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def fetch(self, application_id: str, document_id: str, lsp_code: str) -> FetchedDocument:
        try:
            resp = await self.client.request(
                "GET", f"/api/v1/internal/applications/{application_id}/documents/{document_id}",
                params={"lsp_code": lsp_code})
        except ServiceCallError as exc:
            raise Unavailable(UNREACHABLE, errors=[{"field": "document_id", "message": UNREACHABLE}]) from exc
        if resp.status_code == 404:
            raise NotFound("document not found for this application",
                           errors=[{"field": "document_id", "message": "no such document in this application"}])
        if resp.status_code >= 500:
            raise Unavailable(UNREACHABLE, errors=[{"field": "document_id", "message": UNREACHABLE}])
        if resp.status_code != 200:
            message = f"the portal refused SIKI's fetch of the document (HTTP {resp.status_code})"
            raise UpstreamRefused(message, errors=[{"field": "document_id", "message": message}])
        claimed = resp.headers.get("x-content-sha256")
        if claimed is not None and claimed != sha256_hex(resp.content):
            message = "the portal's answer does not match the SHA-256 it names"
            raise UpstreamRefused(message, errors=[{"field": "document_id", "message": message}])
        content_type = resp.headers.get("content-type", "application/octet-stream").split(";")[0].strip()
        return FetchedDocument(data=resp.content, content_type=content_type, kind=resp.headers.get("x-document-kind"))
