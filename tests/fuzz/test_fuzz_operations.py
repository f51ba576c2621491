"""Schemathesis over every operation of every service, in-process, as every kind of caller and
as nobody: valid (positive) and invalid (negative) requests from each operation's OpenAPI.

Every answer: no 5xx; a 4xx is ``application/problem+json`` and that status is listed for the
operation (``default`` does not count); a documented answer matches its schema. The LSP's
signed webhook receiver gets bodies generated from its documented model, signed as SIKI signs.

Budget: ``SKK_FUZZ_EXAMPLES`` per operation (conftest); a failure names ``SKK_FUZZ_SEED``.
"""

from __future__ import annotations

import json
import time
import uuid
import zlib
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from standardwebhooks import Webhook

from tests.fuzz.conftest import EXAMPLES, SEED, SERVICES, Target, target

PROBLEM_JSON = "application/problem+json"
WEBHOOK_OP = ("lsp", "receive_siki_webhook")
WEBHOOK_FACTOR = 6
# Operations that may end the sessions the credentials hold: the next test logs in afresh.
SESSION_ENDERS = {"logout", "staff_logout", "delete_operator_session", "change_password",
                  "change_operator_password", "update_staff", "reset_password"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


def _operations() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name in SERVICES:
        doc = target(name).app.openapi()
        for item in doc["paths"].values():
            for method, op in item.items():
                if method in ("get", "put", "post", "patch", "delete"):
                    out.append((name, op["operationId"]))
    return out


OPERATIONS = _operations()


def _content_type(response: Any) -> str:
    value = response.headers.get("content-type") or response.headers.get("Content-Type") or ""
    return str(value[0] if isinstance(value, list) else value)


def _describe(case: Any, response: Any) -> str:
    body = case.body if not isinstance(case.body, bytes) else case.body[:200]
    return (f"{case.method} {case.formatted_path} query={case.query} body={body!r:.500} "
            f"-> {response.status_code} {response.text[:300] if hasattr(response, 'text') else ''}")


def check_problem(status: int, content_type: str, documented: dict[str, Any], what: str) -> None:
    """A 4xx answers problem+json, and the operation lists that status itself."""
    assert status < 500, f"{what}: server error {status}"
    if 400 <= status < 500:
        assert content_type.split(";")[0].strip() == PROBLEM_JSON, f"{what}: {status} answered as {content_type}"
        assert str(status) in documented, f"{what}: {status} is not documented (only {sorted(documented)})"


def _strategy(t: Target, op_id: str) -> Any:
    operation = t.schema.find_operation_by_id(op_id)
    return st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                     operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))


def _settings(examples: int = EXAMPLES) -> settings:
    return settings(max_examples=examples, deadline=None, database=None, derandomize=False,
                    phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    suppress_health_check=list(HealthCheck))


def _seed(nodeid: str) -> int:
    # One seed for the run, mixed with the test's id so each operation draws its own examples.
    return SEED ^ zlib.crc32(nodeid.encode())


@pytest.mark.parametrize(("service", "op_id"), [p for p in OPERATIONS if p != WEBHOOK_OP],
                         ids=[f"{s}.{o}" for s, o in OPERATIONS if (s, o) != WEBHOOK_OP])
def test_operation(service: str, op_id: str, request: pytest.FixtureRequest) -> None:
    t = target(service)
    creds = t.credentials()
    operation = t.schema.find_operation_by_id(op_id)
    documented = operation.definition.raw.get("responses", {})

    @seed(_seed(request.node.nodeid))
    @_settings()
    @given(case=_strategy(t, op_id), caller=st.sampled_from(sorted(creds)))
    def run(case: Any, caller: str) -> None:
        headers = {**(case.headers or {}), **creds[caller]}
        response = case.call(session=t.client, headers=headers)
        what = f"{service} {op_id} as {caller}: {_describe(case, response)}"
        check_problem(response.status_code, _content_type(response), documented, what)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()
    if op_id in SESSION_ENDERS:
        t.extra.pop("credentials", None)  # the next operation logs in again


def _signed(secret: str, body: Any) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    wid = f"msg_{uuid.uuid4().hex}"
    ts = int(time.time())
    sig = Webhook(secret).sign(wid, datetime.fromtimestamp(ts, UTC), raw.decode())
    return raw, {"webhook-id": wid, "webhook-timestamp": str(ts), "webhook-signature": sig,
                 "content-type": "application/json"}


def test_signed_webhook_receiver(request: pytest.FixtureRequest) -> None:
    """SIKI's webhooks as SIKI signs them, the body drawn from the documented model (valid and
    invalid), plus unsigned ones: the receiver answers 2xx or a documented 4xx problem+json."""
    t = target("lsp")
    assert t.webhook_secret
    operation = t.schema.find_operation_by_id(WEBHOOK_OP[1])
    documented = operation.definition.raw.get("responses", {})
    assert "requestBody" in operation.definition.raw, "the webhook receiver documents no body"
    t.credentials()

    # The riskiest body of all (a party's input taken after a signature): more examples.
    @seed(_seed(request.node.nodeid))
    @_settings(WEBHOOK_FACTOR * EXAMPLES)
    @given(case=_strategy(t, WEBHOOK_OP[1]), sign=st.booleans())
    def run(case: Any, sign: bool) -> None:
        body = case.body if sign and not isinstance(case.body, bytes | str) else None
        if body is None:
            response = case.call(session=t.client)
            headers: dict[str, str] = {}
        else:
            raw, headers = _signed(t.webhook_secret or "", body)
            response = t.client.post(operation.path, data=raw, headers=headers)
        what = f"lsp receive_siki_webhook ({'signed' if body is not None else 'unsigned'}): {_describe(case, response)}"
        check_problem(response.status_code, _content_type(response), documented, what)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()
