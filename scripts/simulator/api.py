"""Thin clients of the chain's public APIs (docs/CONTRACTS.md), as an applicant, as LSP staff,
as a SIKI operator and as the public at LPJK, over the generated clients ``clients/<service>_client``
(``make client``). Every call is timed into :class:`Metrics`; an unexpected answer raises
:class:`ApiError` carrying the problem document.

Operations are found by operationId (fixed), request bodies are built from plain dicts with the
model class the generated function declares, and answers are read by field name (``to_dict()``),
so that renamed schemas need no change here. Every service's generated client is built once per
chain and sends through the caller's one ``httpx.AsyncClient`` (its connection pool, limits and
timeout); the bearer token is per call. Every POST carries a fresh ``Idempotency-Key`` and every
request is retried as :mod:`scripts.simulator.retrying` allows (dropped connections, 502/503), so
a journey survives a restart of the service it talks to.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import importlib
import inspect
import io
import json
import pkgutil
import time
import types
import typing
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import httpx

from scripts.simulator.retrying import IDEMPOTENCY_KEY, RetryPolicy, send_with_retries
from shared.settings import DEV_PASSWORD

# SIKI's dev operator (seeded in dev mode, role admin; shared/operators.py), password SKK_DEV_PASSWORD.
DEV_OPERATOR_EMAIL = "operator@siki.dev"
OPERATOR_SESSION_PATH = "/api/v1/operator/session"
OK = (200, 201, 202)

_BEARER: ContextVar[str | None] = ContextVar("simulator_bearer", default=None)
_LAST: ContextVar[httpx.Response | None] = ContextVar("simulator_last_response", default=None)


class ApiError(Exception):
    def __init__(self, op: str, status: int, body: Any) -> None:
        super().__init__(f"{op}: HTTP {status}: {str(body)[:600]}")
        self.op = op
        self.status = status
        self.body = body


@dataclass
class Metrics:
    """Latency (seconds) of every call, by operation name."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, op: str, seconds: float, ok: bool) -> None:
        self.latencies[op].append(seconds)
        if not ok:
            self.errors[op] += 1

    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())


def _body(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return content.decode(errors="replace")[:500]


def data(value: Any) -> Any:
    """A parsed answer as plain JSON-like data (models by their field names)."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list):
        return [data(v) for v in value]
    return value


def _items(body: Any) -> list[Any]:
    return list(body["items"] if isinstance(body, dict) and "items" in body else body)


class _Unused(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise RuntimeError("the simulator's requests go through the shared client (_Bound.request)")


class _Bound(httpx.AsyncClient):
    """The caller's shared client seen at one base URL, as the generated client wants it: its
    ``request`` goes through the shared client (one connection pool, its limits and timeout) with
    the bearer token of the call under way, and remembers the raw answer."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, policy: RetryPolicy | None = None) -> None:
        super().__init__(base_url=base_url, timeout=http.timeout, transport=_Unused())
        self.shared = http
        self.prefix = base_url.rstrip("/")
        self.policy = policy or RetryPolicy()

    async def request(self, method: str, url: httpx.URL | str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        token = _BEARER.get()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if method.upper() == "POST" and IDEMPOTENCY_KEY not in headers:
            # A fresh key per POST, the same on each of its retries: the service runs it once.
            headers[IDEMPOTENCY_KEY] = str(uuid.uuid4())
        target = str(url)
        sending = {k: kwargs.pop(k) for k in ("auth", "follow_redirects") if k in kwargs}
        request = self.shared.build_request(method, target if "://" in target else self.prefix + target,
                                            headers=headers, **kwargs)
        response = await send_with_retries(self.shared, request, self.policy, **sending)
        _LAST.set(response)
        return response


@functools.cache
def _operations(package: str) -> dict[str, types.ModuleType]:
    """The generated package's operation modules by operationId (``api/<tag>/<operationId>.py``)."""
    api = importlib.import_module(f"clients.{package}.api")
    found: dict[str, types.ModuleType] = {}
    for tag in pkgutil.iter_modules(api.__path__):
        group = importlib.import_module(f"{api.__name__}.{tag.name}")
        for op in pkgutil.iter_modules(group.__path__):
            found[op.name] = importlib.import_module(f"{group.__name__}.{op.name}")
    return found


@functools.cache
def _parameters(module: types.ModuleType) -> dict[str, Any]:
    return {name: p.annotation for name, p in inspect.signature(module.asyncio_detailed).parameters.items()}


def _classes(annotation: Any) -> list[type]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members: tuple[Any, ...] = typing.get_args(annotation)
    else:
        members = (annotation,)
    return [m for m in members if isinstance(m, type) and m not in (type(None), Any)]


class Service:
    """One party's generated client at one base URL, sending through a shared ``httpx.AsyncClient``."""

    def __init__(self, package: str, http: httpx.AsyncClient, base_url: str, *,
                 policy: RetryPolicy | None = None) -> None:
        self.package = package
        root = importlib.import_module(f"clients.{package}")
        self.file_type = importlib.import_module(f"clients.{package}.types").File
        self.client = root.AuthenticatedClient(base_url=base_url, token="")  # the token comes per call
        self.client.set_async_httpx_client(_Bound(http, base_url, policy))

    def operation(self, op: str) -> types.ModuleType:
        try:
            return _operations(self.package)[op]
        except KeyError:
            raise LookupError(f"clients/{self.package} has no operation {op!r}: run `make client`") from None

    def arguments(self, module: types.ModuleType, values: dict[str, Any]) -> dict[str, Any]:
        annotations = _parameters(module)
        return {name: self._coerce(annotations.get(name), value) for name, value in values.items()}

    def _coerce(self, annotation: Any, value: Any) -> Any:
        """A plain value as the type the generated function declares (model, enum or file upload)."""
        candidates = _classes(annotation)
        if value is None or any(isinstance(value, c) for c in candidates):
            return value
        for cls in candidates:
            if issubclass(cls, enum.Enum) and isinstance(value, str):
                return cls(value)
            if isinstance(value, dict) and hasattr(cls, "from_dict"):
                files = {k: v for k, v in value.items() if isinstance(v, tuple)}  # (name, bytes, content type)
                try:
                    model = cls.from_dict({k: v[1] if k in files else v for k, v in value.items()})
                except (KeyError, TypeError, ValueError):
                    continue
                for name, (filename, content, content_type) in files.items():
                    setattr(model, name, self.file_type(payload=io.BytesIO(content), file_name=filename,
                                                        mime_type=content_type))
                return model
        return value


class _Client:
    def __init__(self, api: Service, metrics: Metrics, prefix: str) -> None:
        self.api = api
        self.metrics = metrics
        self.prefix = prefix

    async def call(self, op: str, *, expect: tuple[int, ...] = OK, token: str | None = None,
                   **params: Any) -> Any:
        """Call operation ``op``; its generated ``Response`` (``status_code``, ``content``, ``headers``,
        ``parsed``) when the status is expected, else :class:`ApiError`."""
        name = f"{self.prefix}.{op}"
        module = self.api.operation(op)
        kwargs = self.api.arguments(module, params)
        bearer = _BEARER.set(token)
        last = _LAST.set(None)
        start = time.perf_counter()
        ok = False
        try:
            try:
                answer = await module.asyncio_detailed(client=self.api.client, **kwargs)
            except (KeyError, TypeError, ValueError) as exc:  # the answer does not parse as documented
                raw = _LAST.get()
                if raw is None:
                    raise
                if raw.status_code in expect:
                    raise ApiError(name, raw.status_code, f"answer not as documented: {exc!r}: "
                                                          f"{_body(raw.content)}") from exc
                raise ApiError(name, raw.status_code, _body(raw.content)) from None
            ok = answer.status_code in expect
        finally:
            _BEARER.reset(bearer)
            _LAST.reset(last)
            self.metrics.add(name, time.perf_counter() - start, ok)
        if not ok:
            raise ApiError(name, int(answer.status_code), _body(answer.content))
        return answer


class Portal(_Client):
    """One applicant's session on the portal."""

    def __init__(self, api: Service, metrics: Metrics) -> None:
        super().__init__(api, metrics, "portal")
        self.token: str | None = None

    async def register(self, p: Any) -> dict[str, Any]:
        r = await self.call("register", body={
            "first_name": p.first_name, "last_name": p.last_name, "email": p.email, "phone": p.phone,
            "is_individual": True, "data_truth_consent": True,
        })
        return dict(data(r.parsed))

    async def activate(self, token: str, password: str) -> None:
        await self.call("activate_account", body={"token": token, "password": password, "password_repeat": password})

    async def login(self, email: str, password: str) -> None:
        r = await self.call("login", body={"username": email, "password": password})
        self.token = str(r.parsed.access_token)

    async def reference_data(self) -> dict[str, Any]:
        return dict(data((await self.call("list_reference_data")).parsed))

    async def upload(self, kind: str, filename: str, content: bytes, content_type: str) -> str:
        r = await self.call("upload_document", token=self.token,
                            body={"kind": kind, "file": (filename, content, content_type)})
        return str(r.parsed.id)

    async def create_application(self, kind: str = "baru") -> dict[str, Any]:
        r = await self.call("create_application", token=self.token, body={"application_kind": kind})
        return dict(data(r.parsed))

    async def put_section(self, app_id: str, section: str, payload: dict[str, Any]) -> dict[str, Any]:
        r = await self.call("put_application_section", token=self.token, application_id=app_id, section=section,
                            body=payload)
        return dict(data(r.parsed)) if r.content else {}

    async def submit(self, app_id: str) -> dict[str, Any]:
        try:
            r = await self.call("submit_application", token=self.token, application_id=app_id)
        except ApiError as exc:
            # A retried submit whose first attempt took effect but whose answer the portal could
            # not keep (killed between its commit and storing the idempotent answer) meets the
            # rule's 409; as a front end would, read the application to see it was submitted.
            if exc.status != 409 or "cannot submit while the application is" not in str(exc.body):
                raise
            if (await self.get_application(app_id)).get("status") in ("draft", "returned"):
                raise
            return {}
        return dict(data(r.parsed)) if r.content else {}

    async def get_application(self, app_id: str) -> dict[str, Any]:
        return dict(data((await self.call("get_application", token=self.token, application_id=app_id)).parsed))

    async def list_applications(self) -> list[dict[str, Any]]:
        return _items(data((await self.call("list_applications", token=self.token)).parsed))

    async def get_invoice(self, app_id: str) -> dict[str, Any]:
        return dict(data((await self.call("get_invoice", token=self.token, application_id=app_id)).parsed))

    async def upload_payment_proof(self, app_id: str, filename: str, content: bytes, content_type: str) -> None:
        await self.call("upload_payment_proof", token=self.token, application_id=app_id,
                        body={"file": (filename, content, content_type)})

    async def file_appeal(self, app_id: str, reason: str) -> None:
        await self.call("file_appeal", token=self.token, application_id=app_id, body={"reason": reason})

    async def download_certificate(self, app_id: str) -> Any:
        """The answer (``content``: the PDF, ``headers``)."""
        return await self.call("download_certificate", token=self.token, application_id=app_id)

    async def notifications(self) -> list[dict[str, Any]]:
        return _items(data((await self.call("list_notifications", token=self.token)).parsed))


class LspStaff(_Client):
    """The staff of one LSP; logs each dev account in once and keeps its token."""

    def __init__(self, api: Service, metrics: Metrics, code: str, password: str = DEV_PASSWORD) -> None:
        super().__init__(api, metrics, "lsp")
        self.code = code
        self.password = password
        self.tokens: dict[str, str] = {}
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def token_of(self, username: str) -> str:
        async with self._locks[username]:
            if username not in self.tokens:
                r = await self.call("staff_login", body={"username": username, "password": self.password})
                self.tokens[username] = str(r.parsed.access_token)
        return self.tokens[username]

    async def as_(self, username: str, op: str, **params: Any) -> Any:
        return await self.call(op, token=await self.token_of(username), **params)

    async def get_application(self, app_id: str, *, missing_ok: bool = False) -> dict[str, Any] | None:
        try:
            r = await self.as_("admin", "get_application", application_id=app_id)
        except ApiError as exc:
            if missing_ok and exc.status == 404:
                return None
            raise
        return dict(data(r.parsed))

    async def list_applications(self, status: str | None = None) -> list[dict[str, Any]]:
        params = {"status": status} if status else {}
        return _items(data((await self.as_("admin", "list_applications", **params)).parsed))

    async def verify_application(self, app_id: str, decision: str, reasons: list[str] | None = None) -> None:
        await self.as_("admin", "verify_application", application_id=app_id,
                       body={"decision": decision, "reasons": reasons or []})

    async def verify_payment(self, app_id: str, decision: str, reasons: list[str] | None = None) -> None:
        await self.as_("admin", "verify_payment", application_id=app_id,
                       body={"decision": decision, "reasons": reasons or []})

    async def start_certification(self, app_id: str) -> None:
        await self.as_("admin", "start_certification", application_id=app_id)

    async def schedule(self, app_id: str, assessor: str, tuk_code: str, scheduled_at: str) -> None:
        await self.as_("admin", "schedule_assessment", application_id=app_id,
                       body={"assessor_username": assessor, "tuk_code": tuk_code, "scheduled_at": scheduled_at})

    async def report(self, app_id: str, assessor: str, recommendation: str, notes: str = "") -> None:
        await self.as_(assessor, "submit_assessment_report", application_id=app_id,
                       body={"recommendation": recommendation, "notes": notes or f"Rekomendasi {recommendation}"})

    async def decide(self, app_id: str, result: str, decider: str = "komite") -> None:
        await self.as_(decider, "decide_competence", application_id=app_id, body={"result": result})

    async def decide_appeal(self, app_id: str, decision: str, decider: str = "komite") -> None:
        await self.as_(decider, "decide_appeal", application_id=app_id, body={"decision": decision})

    async def deadline_sweep(self, as_of: str | None = None) -> dict[str, Any]:
        r = await self.as_("admin", "run_deadline_sweep", body={"as_of": as_of} if as_of else {})
        return dict(data(r.parsed)) if r.content else {}


class SikiOperator(_Client):
    """A SIKI operator (a person's account): logs in once (``create_operator_session``) and keeps
    the token; the dev operator unless told otherwise."""

    def __init__(self, api: Service, metrics: Metrics, *, email: str = DEV_OPERATOR_EMAIL,
                 password: str = DEV_PASSWORD, token: str | None = None) -> None:
        super().__init__(api, metrics, "siki")
        self.email = email
        self.password = password
        self.token = token
        self._login = asyncio.Lock()

    async def token_of(self) -> str:
        async with self._login:
            if self.token is None:
                # Straight through the shared client: logging in needs no generated model.
                start = time.perf_counter()
                r = await self.api.client.get_async_httpx_client().post(
                    OPERATOR_SESSION_PATH, json={"email": self.email, "password": self.password})
                self.metrics.add("siki.create_operator_session", time.perf_counter() - start, r.status_code == 201)
                if r.status_code != 201:
                    raise ApiError("siki.create_operator_session", r.status_code, _body(r.content))
                self.token = str(r.json()["access_token"])
        return self.token

    async def timeline(self, app_id: str) -> dict[str, Any]:
        token = await self.token_of()
        return dict(data((await self.call("get_timeline", token=token, application_id=app_id)).parsed))

    async def skk_by_nik(self, nik: str) -> dict[str, Any]:
        token = await self.token_of()
        return dict(data((await self.call("list_skk_by_nik", token=token, body={"nik": nik})).parsed))

    async def webhook_deliveries(self, **filters: str) -> list[dict[str, Any]]:
        params: dict[str, Any] = dict(filters)
        token = await self.token_of()
        return _items(data((await self.call("list_webhook_deliveries", token=token, **params)).parsed))


class Lpjk(_Client):
    def __init__(self, api: Service, metrics: Metrics) -> None:
        super().__init__(api, metrics, "lpjk")

    async def verify_certificate(self, recording_number: str) -> dict[str, Any]:
        return dict(data((await self.call("verify_certificate", recording_number=recording_number)).parsed))

    async def verify_qr(self, qr_payload: str) -> dict[str, Any]:
        return dict(data((await self.call("verify_qr_payload", body={"qr_payload": qr_payload})).parsed))


async def wait_until(what: str, fetch: Callable[[], Awaitable[Any]], done: Callable[[Any], bool], *,
                     timeout: float, give_up: Callable[[Any], str | None] | None = None,
                     first_delay: float = 0.05, max_delay: float = 0.5) -> Any:
    """Poll ``fetch`` until ``done(value)``; AssertionError on timeout or when ``give_up``
    names a reason (e.g. the application reached a final state it should not have)."""
    deadline = time.monotonic() + timeout
    delay = first_delay
    last: Any = None
    while True:
        last = await fetch()
        if done(last):
            return last
        if give_up is not None:
            why = give_up(last)
            if why:
                raise AssertionError(f"{what}: {why}")
        if time.monotonic() > deadline:
            shown = last.get("status") if isinstance(last, dict) else last
            raise AssertionError(f"{what}: not reached within {timeout}s (last: {shown!r})")
        await asyncio.sleep(delay)
        delay = min(delay * 1.5, max_delay)
