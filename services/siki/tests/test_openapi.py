from __future__ import annotations

from typing import Any

from services.siki.tests.conftest import running

SPEC_OPERATIONS = {
    "submit_application", "upload_payment_proof", "file_appeal", "report_status", "get_timeline",
    "register_lsp", "list_lsps", "list_skk_by_nik", "list_webhook_deliveries", "redeliver_webhook",
}
CONTRACT_PATHS = {
    ("post", "/api/v1/applications"): "submit_application",
    ("post", "/api/v1/applications/{application_id}/payment-proofs"): "upload_payment_proof",
    ("post", "/api/v1/applications/{application_id}/appeals"): "file_appeal",
    ("post", "/api/v1/applications/{application_id}/status"): "report_status",
    ("get", "/api/v1/applications/{application_id}/timeline"): "get_timeline",
    ("get", "/api/v1/applications/{application_id}/certificate"): "get_certificate_pdf",
    ("post", "/api/v1/applications/{application_id}/withdrawal"): "withdraw_application",
    ("get", "/api/v1/applications/{application_id}/eligibility"): "check_application_eligibility",
    ("post", "/api/v1/nik-bindings"): "rebind_nik",
    ("post", "/api/v1/lsps"): "register_lsp",
    ("get", "/api/v1/lsps"): "list_lsps",
    ("post", "/api/v1/lsps/{code}/rotate-secret"): "rotate_lsp_secret",
    ("post", "/api/v1/skk/query"): "list_skk_by_nik",
    ("get", "/api/v1/webhook-deliveries"): "list_webhook_deliveries",
    ("post", "/api/v1/webhook-deliveries/{delivery_id}/redeliver"): "redeliver_webhook",
}


async def test_operations_are_at_their_contract_paths(make_settings: Any) -> None:
    async with running(make_settings()) as h:
        spec = (await h.client.get("/openapi.json")).json()
    found = {(method, path): op["operationId"] for path, ops in spec["paths"].items() for method, op in ops.items()}
    for key, op_id in CONTRACT_PATHS.items():
        assert found.get(key) == op_id, key
    assert SPEC_OPERATIONS <= set(found.values())
