"""Every list any service answers is paged with a capped page size (shared/paging.py): an
operation whose 2xx body is an array, or a page object with ``items``, takes ``limit`` (at
most 200) and a bounded ``offset``. Only fixed catalogues and answers about a single thing are
exempt, by name."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.contracts.openapi import SERVICES
from shared.paging import MAX_LIMIT, MAX_OFFSET
from tests.contracts.apps import openapi_of

# Bounded by what they describe, not by how much data accumulates.
NOT_PAGED = {
    "list_reference_data",  # the reference catalogue shipped with the code
    "list_signing_keys",  # LPJK's keyring from settings (a JWKS: its shape is a standard's)
    "jwks",  # the service's own keys
    "list_skk_by_nik",  # one NIK's holdings, bounded by the ownership limits
    "get_timeline",  # one application's steps
}


def _schema(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = doc
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _is_list(doc: dict[str, Any], op: dict[str, Any]) -> bool:
    for code, answer in op.get("responses", {}).items():
        if not str(code).startswith("2"):
            continue
        for media in answer.get("content", {}).values():
            schema = _schema(doc, media.get("schema", {}))
            if schema.get("type") == "array":
                return True
            items = schema.get("properties", {}).get("items")
            if items is not None and _schema(doc, items).get("type") == "array":
                return True
    return False


def _lists() -> list[tuple[str, str, str, dict[str, Any]]]:
    found = []
    for service in SERVICES:
        doc = openapi_of(service)
        for path, operations in doc.get("paths", {}).items():
            for method, op in operations.items():
                if isinstance(op, dict) and _is_list(doc, op) and op.get("operationId") not in NOT_PAGED:
                    found.append((service, f"{method.upper()} {path}", op.get("operationId", "?"), op))
    return found


def test_the_known_lists_are_found() -> None:
    names = {(service, op_id) for service, _, op_id, _ in _lists()}
    assert {("portal", "list_notifications"), ("portal", "list_applications"), ("siki", "list_lsps"),
            ("siki", "list_webhook_deliveries"), ("lsp", "list_applications"), ("lsp", "list_schemes")} <= names


@pytest.mark.parametrize(("service", "where", "operation_id", "op"),
                         [pytest.param(*x, id=f"{x[0]}:{x[2]}") for x in _lists()])
def test_every_list_caps_its_page(service: str, where: str, operation_id: str, op: dict[str, Any]) -> None:
    params = {p["name"]: p for p in op.get("parameters", []) if p.get("in") == "query"}
    assert "limit" in params and "offset" in params, f"{service} {where} ({operation_id}) is not paged"
    limit, offset = params["limit"]["schema"], params["offset"]["schema"]
    assert limit.get("minimum") == 1 and 0 < limit.get("maximum", 10**9) <= MAX_LIMIT, (operation_id, limit)
    assert offset.get("minimum") == 0 and offset.get("maximum", 10**18) <= MAX_OFFSET, (operation_id, offset)
