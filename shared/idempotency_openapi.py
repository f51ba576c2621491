"""The OpenAPI side of ``Idempotency-Key`` (shared/idempotency.py): the header and its answers
documented on every covered operation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from shared.errors import PROBLEM_JSON

HEADER = "Idempotency-Key"
# Operations that need no key: the webhook receivers (idempotent by message id); SIKI's
# ``report_status`` (idempotent by its ``report_id`` under the application's lock across
# processes: a key would add two transactions to the chain's busiest call for nothing); those whose
# answer is a fresh session token (logins, password changes: a token is never stored, and a second
# login is harmless); logouts; and queries that change nothing but are POSTs to keep personal
# data out of URLs. Answers carrying other secrets (an LSP's rotated webhook secret) are kept,
# encrypted: losing that answer would lose the secret.
DEFAULT_EXEMPT = frozenset({
    "receive_siki_webhook", "report_status", "login", "staff_login", "create_operator_session", "change_password",
    "change_operator_password", "logout", "staff_logout", "list_skk_by_nik", "verify_qr_payload",
})

def covered_routes(app: FastAPI, exempt: Iterable[str] = DEFAULT_EXEMPT) -> list[Any]:
    """The documented POST operations that take an ``Idempotency-Key`` (web forms are not
    documented), as FastAPI's route contexts (their paths and regexes with the routers' prefixes)."""
    skip = set(exempt)
    found = []
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute):
            continue
        operation_id = getattr(route, "operation_id", None) or route.name
        if route.include_in_schema and "POST" in (route.methods or ()) and operation_id not in skip:
            found.append(route)
    return found


_PARAMETER = {
    "name": HEADER, "in": "header", "required": False,
    "description": ("Makes a retry safe (draft-ietf-httpapi-idempotency-key-header): a unique value per "
                    "request (a UUID), sent again unchanged with each retry of that request. The same key "
                    "and body within 24 hours returns the first answer without doing anything again "
                    "(with `Idempotent-Replayed: true`); another body is 422; while the first request "
                    "still runs, 409."),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7E]{1,255}$"},
}
_ANSWERS = {
    "400": "Malformed Idempotency-Key",
    "409": "Conflict (also: a request with this Idempotency-Key is still being processed)",
    "422": "Unprocessable Content (also: this Idempotency-Key was used with another request body)",
}


def idempotency_openapi(app: FastAPI, exempt: Iterable[str] = DEFAULT_EXEMPT) -> None:
    """Document the header and its 400/409/422 problem+json answers on every covered operation."""
    build = app.openapi
    exempt = frozenset(exempt)

    def openapi() -> dict[str, Any]:
        doc = build()
        ids = {getattr(r, "operation_id", None) or r.name for r in covered_routes(app, exempt)}
        for path in doc.get("paths", {}).values():
            op = path.get("post")
            if not op or op.get("operationId") not in ids:
                continue
            params = op.setdefault("parameters", [])
            if not any(p.get("name") == HEADER and p.get("in") == "header" for p in params):
                params.append(dict(_PARAMETER))
            responses = op.setdefault("responses", {})
            for code, description in _ANSWERS.items():
                answer = responses.setdefault(code, {"description": description})
                answer["content"] = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


