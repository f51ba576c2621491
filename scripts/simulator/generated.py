"""The machinery under the simulator's party clients (scripts/simulator/api.py): operations of
the generated clients found by operationId, arguments built from plain dicts, every call timed
into :class:`Metrics`, an unexpected answer raised as :class:`ApiError`, every request sent
through one retrying ``httpx.AsyncClient`` (scripts/simulator/retrying.py)."""


from __future__ import annotations

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
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import httpx

from scripts.simulator.retrying import IDEMPOTENCY_KEY, RetryPolicy, send_with_retries

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


def answer_body(content: bytes) -> Any:
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


def list_items(body: Any) -> list[Any]:
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


class PartyClient:
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
                                                          f"{answer_body(raw.content)}") from exc
                raise ApiError(name, raw.status_code, answer_body(raw.content)) from None
            ok = answer.status_code in expect
        finally:
            _BEARER.reset(bearer)
            _LAST.reset(last)
            self.metrics.add(name, time.perf_counter() - start, ok)
        if not ok:
            raise ApiError(name, int(answer.status_code), answer_body(answer.content))
        return answer


