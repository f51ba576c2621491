"""The simulator's API clients over the generated clients (clients/), without a chain: what goes on
the wire, how answers and errors come back, and that one shared httpx client carries every call."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import httpx
import pytest

from scripts.contracts.openapi import path_of
from scripts.simulator.api import ApiError, LspStaff, Metrics, Portal, Service, SikiOperator
from scripts.simulator.retrying import RetryPolicy


@cache
def _doc(service: str) -> dict[str, Any]:
    return dict(json.loads(path_of(service).read_text(encoding="utf-8")))


def sample(service: str, schema: dict[str, Any], **fields: Any) -> Any:
    """A minimal valid instance of a schema of the committed OpenAPI document (required fields only),
    so that these tests follow the models as they change."""
    doc = _doc(service)
    if "$ref" in schema:
        return sample(service, doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], **fields)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return sample(service, next(s for s in schema[key] if s.get("type") != "null"), **fields)
    if "const" in schema or "enum" in schema:
        return schema.get("const", (schema.get("enum") or [None])[0])
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        out = {name: sample(service, schema["properties"][name]) for name in schema.get("required", [])}
        return {**out, **fields}
    formats = {"date-time": "2030-01-02T09:00:00+07:00", "date": "2030-01-02"}
    return {"string": formats.get(schema.get("format", ""), "x"), "integer": 1, "number": 1, "boolean": True,
            "array": []}.get(str(kind), "x")


def answer(service: str, op: str, code: int = 200, **fields: Any) -> httpx.Response:
    """A documented answer of operation ``op``."""
    for item in _doc(service)["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == op:
                for status, response in operation["responses"].items():
                    if status.startswith("2"):
                        schema = response["content"]["application/json"]["schema"]
                        return httpx.Response(code, json=sample(service, schema, **fields))
    raise LookupError(op)


class Recorder:
    def __init__(self, answers: dict[tuple[str, str], httpx.Response]) -> None:
        self.answers = answers
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answers[(request.method, request.url.path)]


def problem(status: int, detail: str) -> httpx.Response:
    return httpx.Response(status, json={"type": "about:blank", "title": "Conflict", "status": status, "detail": detail},
                          headers={"content-type": "application/problem+json"})


@pytest.fixture
def recorder() -> Recorder:
    return Recorder({})


@pytest.fixture
async def http(recorder: Recorder) -> Any:
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder), timeout=httpx.Timeout(7.0)) as client:
        yield client


async def test_calls_go_through_the_shared_client_with_the_callers_token(recorder: Recorder,
                                                                         http: httpx.AsyncClient) -> None:
    recorder.answers[("POST", "/api/v1/documents")] = answer("portal", "upload_document", 201, id="doc-1")
    recorder.answers[("GET", "/api/v1/applications/app-1")] = answer("portal", "get_application", id="app-1",
                                                                     status="draft")
    metrics = Metrics()
    portal = Portal(Service("portal_client", http, "http://portal.test:8000/"), metrics)
    portal.token = "applicant-token"
    assert await portal.upload("ktp", "ktp.pdf", b"%PDF-", "application/pdf") == "doc-1"
    app = await portal.get_application("app-1")
    assert app["id"] == "app-1" and app["status"] == "draft"
    upload, get = recorder.requests
    assert str(upload.url) == "http://portal.test:8000/api/v1/documents"
    assert upload.headers["authorization"] == "Bearer applicant-token"
    body = upload.read()
    assert b'name="kind"' in body and b"ktp" in body
    assert b'name="file"; filename="ktp.pdf"' in body and b"Content-Type: application/pdf" in body and b"%PDF-" in body
    assert get.headers["authorization"] == "Bearer applicant-token"
    assert get.extensions["timeout"]["read"] == 7.0  # the shared client's timeout
    assert sorted(metrics.latencies) == ["portal.get_application", "portal.upload_document"]
    assert not metrics.errors


async def test_a_problem_answer_raises_api_error_with_its_status_and_body(recorder: Recorder,
                                                                          http: httpx.AsyncClient) -> None:
    recorder.answers[("POST", "/api/v1/applications/app-1/schedule")] = problem(409, "asesor1 is already booked")
    recorder.answers[("POST", "/api/v1/auth/token")] = answer("lsp", "staff_login", access_token="staff-token")
    metrics = Metrics()
    staff = LspStaff(Service("lsp_client", http, "http://lsp.test"), metrics, "LSP-A")
    with pytest.raises(ApiError) as raised:
        await staff.schedule("app-1", "asesor1", "TUK-1", "2030-01-02T09:00:00+07:00")
    assert raised.value.status == 409 and "already" in str(raised.value.body)
    assert raised.value.op == "lsp.schedule_assessment"
    login, schedule = recorder.requests
    assert login.headers.get("authorization") is None
    assert schedule.headers["authorization"] == "Bearer staff-token"
    assert json.loads(schedule.read()) == {"assessor_username": "asesor1", "tuk_code": "TUK-1",
                                           "scheduled_at": "2030-01-02T09:00:00+07:00"}
    assert metrics.errors == {"lsp.schedule_assessment": 1}


async def test_an_undocumented_answer_is_an_api_error_too(recorder: Recorder, http: httpx.AsyncClient) -> None:
    recorder.answers[("GET", "/api/v1/applications/app-1/timeline")] = httpx.Response(
        502, text="Bad Gateway", headers={"content-type": "text/plain"})
    recorder.answers[("GET", "/api/v1/webhook-deliveries")] = httpx.Response(200, json={"unexpected": True})
    recorder.answers[("POST", "/api/v1/operator/session")] = httpx.Response(
        201, json={"access_token": "operator-token", "token_type": "bearer", "expires_in": 3600})
    siki = SikiOperator(Service("siki_client", http, "http://siki.test", policy=RetryPolicy(budget=0)), Metrics())
    with pytest.raises(ApiError) as raised:
        await siki.timeline("app-1")
    assert raised.value.status == 502 and raised.value.body == "Bad Gateway"
    with pytest.raises(ApiError) as raised:  # a 2xx that does not match the documented schema
        await siki.webhook_deliveries(application_id="app-1", status="delivered")
    assert raised.value.status == 200 and "not as documented" in str(raised.value.body)
    assert recorder.requests[-1].url.params["status"] == "delivered"
    assert recorder.requests[-1].headers["authorization"] == "Bearer operator-token"
    # The operator logged in once, as a person (issue 12), before its first call.
    login = recorder.requests[0]
    assert (login.method, login.url.path, "authorization" in login.headers) == ("POST", "/api/v1/operator/session",
                                                                                 False)
    assert json.loads(login.read()) == {"email": "operator@siki.dev", "password": "Dev-Password-123"}
    assert sum(r.url.path == "/api/v1/operator/session" for r in recorder.requests) == 1


class _Sessions:
    """A service whose tokens end: each login answers a new token, only the newest is accepted."""

    def __init__(self, service: str, login: tuple[str, str], call: tuple[str, str], op: str,
                 login_answer: Any) -> None:
        self.service, self.login, self.call, self.op, self.login_answer = service, login, call, op, login_answer
        self.issued: list[str] = []
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if (request.method, request.url.path) == self.login:
            self.issued.append(f"token-{len(self.issued) + 1}")
            return self.login_answer(self.issued[-1])
        assert (request.method, request.url.path) == self.call
        if not self.issued or request.headers.get("authorization") != f"Bearer {self.issued[-1]}":
            return problem(401, "the session has ended")
        return answer(self.service, self.op)


async def test_staff_whose_session_ended_log_in_again_and_the_call_is_made_once_more() -> None:
    lsp = _Sessions("lsp", ("POST", "/api/v1/auth/token"), ("POST", "/api/v1/applications/app-1/schedule"),
                    "schedule_assessment", lambda t: answer("lsp", "staff_login", access_token=t))
    async with httpx.AsyncClient(transport=httpx.MockTransport(lsp)) as http:
        staff = LspStaff(Service("lsp_client", http, "http://lsp.test"), Metrics(), "LSP-A")
        await staff.schedule("app-1", "asesor1", "TUK-1", "2030-01-02T09:00:00+07:00")
        lsp.issued.append("token-ended-elsewhere")  # e.g. an hour later: the token it holds is refused
        await staff.schedule("app-1", "asesor1", "TUK-1", "2030-01-02T09:00:00+07:00")
    paths = [(r.url.path, r.headers.get("authorization")) for r in lsp.requests]
    assert paths == [("/api/v1/auth/token", None), ("/api/v1/applications/app-1/schedule", "Bearer token-1"),
                     ("/api/v1/applications/app-1/schedule", "Bearer token-1"), ("/api/v1/auth/token", None),
                     ("/api/v1/applications/app-1/schedule", "Bearer token-3")]
    assert staff.tokens == {"admin": "token-3"}


async def test_an_operator_whose_session_ended_logs_in_again_but_a_second_refusal_is_an_error() -> None:
    siki = _Sessions("siki", ("POST", "/api/v1/operator/session"), ("GET", "/api/v1/applications/app-1/timeline"),
                     "get_timeline", lambda t: httpx.Response(
                         201, json={"access_token": t, "token_type": "bearer", "expires_in": 3600}))
    async with httpx.AsyncClient(transport=httpx.MockTransport(siki)) as http:
        operator = SikiOperator(Service("siki_client", http, "http://siki.test"), Metrics(), token="stale")
        await operator.timeline("app-1")
        assert operator.token == "token-1"
        siki.login_answer = lambda t: problem(401, "wrong password")  # e.g. the password was changed meanwhile
        siki.issued.append("token-ended-elsewhere")
        with pytest.raises(ApiError) as raised:
            await operator.timeline("app-1")
    assert raised.value.op == "siki.create_operator_session" and raised.value.status == 401
