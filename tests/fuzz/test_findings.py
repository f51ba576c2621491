"""The fuzz run's findings (issue 15), each pinned by a request that used to answer 500, a lax
value that used to be accepted, or an answer that broke its schema; and each finding's class
checked over every operation of every service."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import TypeAdapter
from standardwebhooks import Webhook

from services.lsp.tests import support as lsp_support
from services.siki.tests.conftest import build_settings as siki_settings
from services.siki.tests.conftest import running as running_siki
from services.siki.tests.conftest import submission as siki_submission
from shared.errors import PROBLEM_JSON
from tests.fuzz.conftest import SERVICES, target

HUGE = 2**63  # past every integer column: used to overflow a query or a bind parameter


def problem(r: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON), r.headers["content-type"]
    body: dict[str, Any] = r.json()
    if field is not None:
        assert field in {e["field"] for e in body.get("errors", [])}, body
    return body


# --- the 500s ----------------------------------------------------------------------------------


async def test_lsp_list_applications_refuses_an_absurd_offset(sqlite_url: str) -> None:
    async with lsp_support.running(lsp_support.settings_for(sqlite_url)) as lsp:
        r = await lsp.client.get("/api/v1/applications", params={"offset": HUGE}, headers=await lsp.as_("admin"))
        problem(r, 422, "offset")


@pytest.mark.parametrize(("change", "field"), [
    ({"submission_no": HUGE}, "data.submission_no"),
    ({"sections": {"personal": "x"}}, "data.sections.personal"),
    ({"submission_no": True}, "data.submission_no"),
    ({"submitted_at": -1}, "data.submitted_at"),
])
async def test_lsp_signed_webhook_with_a_bad_shape_is_a_422(sqlite_url: str, change: dict[str, Any],
                                                            field: str) -> None:
    async with lsp_support.running(lsp_support.settings_for(sqlite_url)) as lsp:
        r = await lsp.webhook("application.submitted", {**lsp_support.submission(), **change})
        problem(r, 422, field)


async def test_siki_submit_application_refuses_an_absurd_submission_no(sqlite_url: str) -> None:
    async with running_siki(siki_settings(sqlite_url)) as h:
        problem(await h.submit(siki_submission(submission_no=HUGE)), 422, "submission_no")


# --- lax values ----------------------------------------------------------------------------------


async def test_siki_refuses_numbers_as_booleans_or_timestamps_and_booleans_as_numbers(sqlite_url: str) -> None:
    async with running_siki(siki_settings(sqlite_url)) as h:
        lsp = {"code": "LSP-LAX", "name": "LSP Lax", "webhook_url": "http://lsp-lax.test/hook", "active": 0}
        problem(await h.client.post("/api/v1/lsps", json=lsp, headers=h.operator), 422, "active")
        problem(await h.submit({**siki_submission(), "submitted_at": -1}), 422, "submitted_at")
        proof = {"proof_no": True, "uploaded_at": datetime.now(UTC).isoformat(),
                 "document": {"id": "d", "kind": "payment_proof", "sha256": "0" * 64,
                              "content_type": "application/pdf", "size": 1}}
        r = await h.client.post("/api/v1/applications/app-x/payment-proofs", json=proof, headers=h.portal)
        problem(r, 422, "proof_no")
        # An ISO string is still a timestamp.
        r = await h.submit(siki_submission())
        assert r.status_code == 202, r.text


async def test_lsp_sweep_refuses_a_number_as_a_day(sqlite_url: str) -> None:
    async with lsp_support.running(lsp_support.settings_for(sqlite_url)) as lsp:
        r = await lsp.client.post("/api/v1/deadline-sweep", json={"as_of": 0}, headers=await lsp.as_("admin"))
        problem(r, 422, "as_of")


async def test_bnsp_refuses_a_number_as_a_decision_time(sqlite_url: str) -> None:
    from services.bnsp_mock.tests.helpers import auth, plan, running

    async with running(sqlite_url) as (_, client):
        problem(await client.post("/api/v1/issuances", json=plan(decided_at=-1), headers=auth()), 422, "decided_at")


# --- time zones ----------------------------------------------------------------------------------


async def test_siki_lsp_registry_answers_aware_datetimes_on_sqlite(sqlite_url: str) -> None:
    await _registry_datetimes_are_aware(sqlite_url)


async def test_siki_lsp_registry_answers_aware_datetimes_on_postgres(pg_url: str) -> None:
    await _registry_datetimes_are_aware(pg_url)


async def _registry_datetimes_are_aware(url: str) -> None:
    async with running_siki(siki_settings(url)) as h:
        r = await h.client.post("/api/v1/lsps/LSP-A/rotate-secret", params={"grace_seconds": 60},
                                headers=h.operator)
        assert r.status_code == 200, r.text
        rotated = r.json()
        r = await h.client.get("/api/v1/lsps", headers=h.operator)
        assert r.status_code == 200, r.text
        listed = r.json()
    stamps = [rotated[k] for k in ("created_at", "rotated_at", "previous_secret_until")]
    stamps += [x[k] for x in listed for k in ("created_at", "rotated_at", "previous_secret_until") if x[k]]
    assert len(stamps) >= 4
    for stamp in stamps:
        assert datetime.fromisoformat(stamp).tzinfo is not None, stamp


# --- LPJK's public routes --------------------------------------------------------------------------


async def test_lpjk_malformed_json_is_a_documented_400(sqlite_url: str) -> None:
    from services.lpjk_mock.tests.helpers import running

    async with running(sqlite_url) as (app, client):
        # Bytes that are no text: 400; text that is no JSON: 422 (both problem+json).
        r = await client.post("/api/v1/public/qr/verify", content=b"\x00\xff\xfe",
                              headers={"content-type": "application/json"})
        problem(r, 400)
        r = await client.post("/api/v1/public/qr/verify", content=b"{not json",
                              headers={"content-type": "application/json"})
        problem(r, 422)
        responses = app.openapi()["paths"]["/api/v1/public/qr/verify"]["post"]["responses"]
        for code in ("400", "422"):
            assert list(responses[code]["content"]) == [PROBLEM_JSON], responses[code]


# --- the classes, over every operation of every service -----------------------------------------------


def _apps() -> list[tuple[str, FastAPI]]:
    return [(name, target(name).app) for name in SERVICES]


def _resolve(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = doc["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _integers(doc: dict[str, Any], node: Any, where: str, seen: set[int]) -> list[tuple[str, dict[str, Any]]]:
    node = _resolve(doc, node)
    if not isinstance(node, dict) or id(node) in seen:
        return []
    seen.add(id(node))
    found = [(where, node)] if node.get("type") == "integer" else []
    for key in ("anyOf", "oneOf", "allOf"):
        for i, sub in enumerate(node.get(key, [])):
            found += _integers(doc, sub, f"{where}|{i}", seen)
    for name, sub in node.get("properties", {}).items():
        found += _integers(doc, sub, f"{where}.{name}", seen)
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            found += _integers(doc, node[key], f"{where}[]", seen)
    return found


def test_every_integer_a_request_carries_is_bounded() -> None:
    unbounded: list[str] = []
    for name, app in _apps():
        doc = app.openapi()
        for path, item in doc["paths"].items():
            for method, op in item.items():
                schemas = [(f"{p['in']}:{p['name']}", p.get("schema", {})) for p in op.get("parameters", [])]
                for media in op.get("requestBody", {}).get("content", {}).values():
                    schemas.append(("body", media.get("schema", {})))
                for where, schema in schemas:
                    for at, node in _integers(doc, schema, where, set()):
                        if "maximum" not in node or ("minimum" not in node and "exclusiveMinimum" not in node):
                            unbounded.append(f"{name} {method.upper()} {path} {at}")
    assert not unbounded, "integers without bounds:\n" + "\n".join(unbounded)


def _lax_scalars(core: Any, where: str = "") -> list[str]:
    """Nodes of a pydantic core schema that accept a number as a bool or a timestamp (or a bool
    as a number): int, bool, datetime and date validators not in strict mode."""
    found: list[str] = []
    if isinstance(core, dict):
        if core.get("type") in ("int", "bool", "datetime", "date") and not core.get("strict"):
            found.append(f"{where} ({core['type']})")
        for key, value in core.items():
            if key not in ("serialization", "metadata"):
                found += _lax_scalars(value, f"{where}/{key}")
    elif isinstance(core, list):
        for i, value in enumerate(core):
            found += _lax_scalars(value, f"{where}[{i}]")
    return found


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    out: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            out.append(route)
        elif hasattr(route, "original_router"):  # FastAPI's included router: its own routes
            out += _api_routes(list(route.original_router.routes))
    return out


def test_every_request_body_model_is_strict() -> None:
    lax: list[str] = []
    checked = 0
    for name, app in _apps():
        for route in _api_routes(list(app.routes)):
            if not route.dependant.body_params:
                continue
            checked += 1
            for param in route.dependant.body_params:
                if param.field_info.__class__.__name__ in ("Form", "File"):
                    continue  # form fields are strings on the wire: parsed, not strict JSON types
                annotation: Any = param.field_info.annotation
                for where in _lax_scalars(TypeAdapter(annotation).core_schema):
                    lax.append(f"{name} {route.path} {param.name}{where}")
    assert checked > 20, f"only {checked} operations with a body found"
    assert not lax, "lax scalars in request bodies:\n" + "\n".join(lax)


def test_every_4xx_is_documented_as_problem_json() -> None:
    wrong: list[str] = []
    for name, app in _apps():
        for path, item in app.openapi()["paths"].items():
            for method, op in item.items():
                responses = op["responses"]
                needed = (["400", "413", "422"] if "requestBody" in op else []) + \
                         (["422"] if op.get("parameters") else [])
                wrong += [f"{name} {method} {path}: {c} undocumented" for c in needed if c not in responses]
                for code, answer in responses.items():
                    if code == "default" or int(code) >= 400:
                        if list(answer.get("content", {})) != [PROBLEM_JSON]:
                            wrong.append(f"{name} {method} {path}: {code} is {list(answer.get('content', {}))}")
    assert not wrong, "\n".join(wrong)


def test_signed_webhook_receiver_documents_its_body() -> None:
    op = target("lsp").app.openapi()["paths"]["/api/v1/webhooks/siki"]["post"]
    branches = op["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    assert {b["properties"]["type"]["const"] for b in branches} >= {"application.submitted", "payment.proof_uploaded"}


def _signed_raw(secret: str, body: bytes) -> dict[str, str]:
    wid, ts = f"msg_{uuid.uuid4().hex}", int(time.time())
    return {"webhook-id": wid, "webhook-timestamp": str(ts), "content-type": "application/json",
            "webhook-signature": Webhook(secret).sign(wid, datetime.fromtimestamp(ts, UTC), body.decode())}


async def test_lsp_webhook_data_that_is_not_an_object_is_a_422(sqlite_url: str) -> None:
    async with lsp_support.running(lsp_support.settings_for(sqlite_url)) as lsp:
        secret = lsp.settings.siki_webhook_secret.get_secret_value()
        raw = json.dumps({"type": "appeal.filed", "timestamp": datetime.now(UTC).isoformat(), "data": []}).encode()
        r = await lsp.client.post("/api/v1/webhooks/siki", content=raw, headers=_signed_raw(secret, raw))
        problem(r, 422, "data")


# --- found by a longer run (SKK_FUZZ_SEED=777 SKK_FUZZ_EXAMPLES=80) ---------------------------------


async def test_siki_register_lsp_refuses_a_host_the_resolver_cannot_encode(sqlite_url: str) -> None:
    async with running_siki(siki_settings(sqlite_url)) as h:
        body = {"code": "LSP-IDN", "name": "LSP Idn", "webhook_url": "http://\u00e6\u0094\u00e2:"}
        problem(await h.client.post("/api/v1/lsps", json=body, headers=h.operator), 422, "webhook_url")


def test_lsp_staff_login_documents_its_throttle() -> None:
    responses = target("lsp").app.openapi()["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert list(responses["429"]["content"]) == [PROBLEM_JSON]
