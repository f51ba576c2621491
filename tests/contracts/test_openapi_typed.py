"""Every operation of every service documents what it answers: a typed 2xx body (a schema that says
something: not ``{}``, not a bare object or a list of anything; a binary or text string is fine;
a 204 has no body) and its errors as ``application/problem+json`` with ``ProblemDetails``."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.contracts.openapi import SERVICES
from tests.contracts.apps import openapi_of

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = "#/components/schemas/ProblemDetails"


def _resolve(doc: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return dict(node)


def untyped(doc: dict[str, Any], schema: Any, seen: frozenset[str] = frozenset()) -> str | None:
    """Why ``schema`` says nothing about the body, or None when it is typed."""
    if not isinstance(schema, dict) or not schema:
        return "empty schema {}"
    if "$ref" in schema:
        ref = schema["$ref"]
        return None if ref in seen else untyped(doc, _resolve(doc, ref), seen | {ref})
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            members = [s for s in schema[key] if s != {"type": "null"}]
            if not members:
                return f"{key} of nothing but null"
            reasons = [r for r in (untyped(doc, s, seen) for s in members) if r]
            return f"{key} member: {reasons[0]}" if reasons else None
    kind = schema.get("type")
    if kind == "object" or (kind is None and ("properties" in schema or "additionalProperties" in schema)):
        if schema.get("properties"):
            return None
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            inner = untyped(doc, extra, seen)
            return f"object whose values are untyped ({inner})" if inner else None
        return "bare object without properties or typed additionalProperties"
    if kind == "array":
        inner = untyped(doc, schema.get("items"), seen)
        return f"array of untyped items ({inner})" if inner else None
    if kind is None and not ({"enum", "const"} & set(schema)):
        return f"schema without a type: {schema}"
    return None


def _references_problem(doc: dict[str, Any], schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    if schema.get("$ref") == PROBLEM_REF:
        return True
    return any(_references_problem(doc, s) for key in ("anyOf", "oneOf", "allOf") for s in schema.get(key, []))


def offences(doc: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for path, item in doc.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            name = f"{op.get('operationId', '?')} ({method.upper()} {path})"
            responses: dict[str, Any] = op.get("responses", {})
            success = {code: r for code, r in responses.items() if str(code).startswith("2")}
            if not success:
                found.append(f"{name}: no 2xx response")
            for code, answer in sorted(success.items()):
                if code == "204":
                    continue
                content = answer.get("content") or {}
                if not content:
                    found.append(f"{name}: {code} has no content schema")
                for media, body in sorted(content.items()):
                    why = untyped(doc, body.get("schema"))
                    if why:
                        found.append(f"{name}: {code} {media}: {why}")
            if not any(_references_problem(doc, (r.get("content") or {}).get(PROBLEM_JSON, {}).get("schema"))
                       for r in responses.values()):
                found.append(f"{name}: no {PROBLEM_JSON} response with the ProblemDetails schema")
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_is_typed(service: str) -> None:
    doc = openapi_of(service)
    assert doc.get("paths"), f"{service}: no operations"
    found = offences(doc)
    assert not found, f"{service}: {len(found)} untyped answers:\n  " + "\n  ".join(found)


def test_the_check_sees_untyped_answers() -> None:
    doc: dict[str, Any] = {"components": {"schemas": {
        "Loose": {"type": "object", "additionalProperties": True, "title": "Loose"},
        "Typed": {"type": "object", "properties": {"id": {"type": "string"}}},
        "ProblemDetails": {"type": "object", "properties": {"title": {"type": "string"}}},
    }}}
    assert untyped(doc, {}) and untyped(doc, {"type": "object"})
    assert untyped(doc, {"$ref": "#/components/schemas/Loose"})
    assert untyped(doc, {"type": "array", "items": {}}) and untyped(doc, {"anyOf": [{}, {"type": "null"}]})
    assert untyped(doc, {"type": "object", "additionalProperties": {"type": "object"}})
    assert not untyped(doc, {"$ref": "#/components/schemas/Typed"})
    assert not untyped(doc, {"type": "array", "items": {"$ref": "#/components/schemas/Typed"}})
    assert not untyped(doc, {"type": "object", "additionalProperties": {"type": "string"}})
    assert not untyped(doc, {"type": "string", "format": "binary"})
    problem = {"content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}}
    doc["paths"] = {
        "/a": {"get": {"operationId": "a", "responses": {
            "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Loose"}}}}}}},
        "/b": {"post": {"operationId": "b", "responses": {"204": {}, "404": problem}}},
    }
    found = offences(doc)
    assert len(found) == 2 and found[0].startswith("a (GET /a): 200 application/json: bare object")
    assert found[1].startswith("a (GET /a): no application/problem+json")
