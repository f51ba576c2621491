"""Thin clients of the chain's public APIs (docs/CONTRACTS.md), as an applicant, as LSP staff,
as a SIKI operator and as the public at LPJK. Every call is timed into :class:`Metrics`; an
unexpected answer raises :class:`ApiError` carrying the problem document."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from shared.settings import DEV_PASSWORD

API = "/api/v1"
DEV_OPERATOR_TOKEN = "dev-siki-operator-token-change-me"  # services/siki/settings.py (dev default)


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


def _body(r: httpx.Response) -> Any:
    try:
        return r.json()
    except ValueError:
        return r.text[:500]


class _Client:
    def __init__(self, http: httpx.AsyncClient, base_url: str, metrics: Metrics, prefix: str) -> None:
        self.http = http
        self.base = base_url.rstrip("/") + API
        self.metrics = metrics
        self.prefix = prefix

    async def call(self, op: str, method: str, path: str, *, expect: tuple[int, ...] = (200, 201, 202),
                   token: str | None = None, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", None) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        start = time.perf_counter()
        ok = False
        try:
            r = await self.http.request(method, self.base + path, headers=headers, **kw)
            ok = r.status_code in expect
        finally:
            self.metrics.add(f"{self.prefix}.{op}", time.perf_counter() - start, ok)
        if not ok:
            raise ApiError(f"{self.prefix}.{op}", r.status_code, _body(r))
        return r


class Portal(_Client):
    """One applicant's session on the portal."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, metrics: Metrics) -> None:
        super().__init__(http, base_url, metrics, "portal")
        self.token: str | None = None

    async def register(self, p: Any) -> dict[str, Any]:
        r = await self.call("register", "POST", "/auth/register", json={
            "first_name": p.first_name, "last_name": p.last_name, "email": p.email, "phone": p.phone,
            "is_individual": True, "data_truth_consent": True,
        })
        return dict(r.json())

    async def activate(self, token: str, password: str) -> None:
        await self.call("activate_account", "POST", "/auth/activate",
                        json={"token": token, "password": password, "password_repeat": password})

    async def login(self, email: str, password: str) -> None:
        r = await self.call("login", "POST", "/auth/token", data={"username": email, "password": password})
        self.token = str(r.json()["access_token"])

    async def reference_data(self) -> dict[str, Any]:
        return dict((await self.call("list_reference_data", "GET", "/reference-data")).json())

    async def upload(self, kind: str, filename: str, content: bytes, content_type: str) -> str:
        r = await self.call("upload_document", "POST", "/documents", token=self.token,
                            data={"kind": kind}, files={"file": (filename, content, content_type)})
        return str(r.json()["id"])

    async def create_application(self, kind: str = "baru") -> dict[str, Any]:
        r = await self.call("create_application", "POST", "/applications", token=self.token,
                            json={"application_kind": kind})
        return dict(r.json())

    async def put_section(self, app_id: str, section: str, payload: dict[str, Any]) -> dict[str, Any]:
        r = await self.call("put_application_section", "PUT", f"/applications/{app_id}/sections/{section}",
                            token=self.token, json=payload)
        return dict(r.json()) if r.content else {}

    async def submit(self, app_id: str) -> dict[str, Any]:
        r = await self.call("submit_application", "POST", f"/applications/{app_id}/submit", token=self.token)
        return dict(r.json()) if r.content else {}

    async def get_application(self, app_id: str) -> dict[str, Any]:
        return dict((await self.call("get_application", "GET", f"/applications/{app_id}", token=self.token)).json())

    async def list_applications(self) -> list[dict[str, Any]]:
        body = (await self.call("list_applications", "GET", "/applications", token=self.token)).json()
        return list(body["items"] if isinstance(body, dict) and "items" in body else body)

    async def get_invoice(self, app_id: str) -> dict[str, Any]:
        return dict((await self.call("get_invoice", "GET", f"/applications/{app_id}/invoice",
                                     token=self.token)).json())

    async def upload_payment_proof(self, app_id: str, filename: str, content: bytes, content_type: str) -> None:
        await self.call("upload_payment_proof", "POST", f"/applications/{app_id}/payment-proof", token=self.token,
                        files={"file": (filename, content, content_type)})

    async def file_appeal(self, app_id: str, reason: str) -> None:
        await self.call("file_appeal", "POST", f"/applications/{app_id}/appeal", token=self.token,
                        json={"reason": reason})

    async def download_certificate(self, app_id: str) -> httpx.Response:
        return await self.call("download_certificate", "GET", f"/applications/{app_id}/certificate",
                               token=self.token)

    async def notifications(self) -> list[dict[str, Any]]:
        body = (await self.call("list_notifications", "GET", "/notifications", token=self.token)).json()
        return list(body["items"] if isinstance(body, dict) and "items" in body else body)


class LspStaff(_Client):
    """The staff of one LSP; logs each dev account in once and keeps its token."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, metrics: Metrics, code: str,
                 password: str = DEV_PASSWORD) -> None:
        super().__init__(http, base_url, metrics, "lsp")
        self.code = code
        self.password = password
        self.tokens: dict[str, str] = {}
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def token_of(self, username: str) -> str:
        async with self._locks[username]:
            if username not in self.tokens:
                r = await self.call("staff_login", "POST", "/auth/token",
                                    data={"username": username, "password": self.password})
                self.tokens[username] = str(r.json()["access_token"])
        return self.tokens[username]

    async def as_(self, username: str, op: str, method: str, path: str, **kw: Any) -> httpx.Response:
        return await self.call(op, method, path, token=await self.token_of(username), **kw)

    async def get_application(self, app_id: str, *, missing_ok: bool = False) -> dict[str, Any] | None:
        try:
            r = await self.as_("admin", "get_application", "GET", f"/applications/{app_id}")
        except ApiError as exc:
            if missing_ok and exc.status == 404:
                return None
            raise
        return dict(r.json())

    async def list_applications(self, status: str | None = None) -> list[dict[str, Any]]:
        params = {"status": status} if status else None
        body = (await self.as_("admin", "list_applications", "GET", "/applications", params=params)).json()
        return list(body["items"] if isinstance(body, dict) and "items" in body else body)

    async def verify_application(self, app_id: str, decision: str, reasons: list[str] | None = None) -> None:
        await self.as_("admin", "verify_application", "POST", f"/applications/{app_id}/verification",
                       json={"decision": decision, "reasons": reasons or []})

    async def verify_payment(self, app_id: str, decision: str, reasons: list[str] | None = None) -> None:
        await self.as_("admin", "verify_payment", "POST", f"/applications/{app_id}/payment-verification",
                       json={"decision": decision, "reasons": reasons or []})

    async def start_certification(self, app_id: str) -> None:
        await self.as_("admin", "start_certification", "POST", f"/applications/{app_id}/start-certification")

    async def schedule(self, app_id: str, assessor: str, tuk_code: str, scheduled_at: str) -> None:
        await self.as_("admin", "schedule_assessment", "POST", f"/applications/{app_id}/schedule",
                       json={"assessor_username": assessor, "tuk_code": tuk_code, "scheduled_at": scheduled_at})

    async def report(self, app_id: str, assessor: str, recommendation: str, notes: str = "") -> None:
        await self.as_(assessor, "submit_assessment_report", "POST", f"/applications/{app_id}/assessment-report",
                       json={"recommendation": recommendation, "notes": notes or f"Rekomendasi {recommendation}"})

    async def decide(self, app_id: str, result: str, decider: str = "komite") -> None:
        await self.as_(decider, "decide_competence", "POST", f"/applications/{app_id}/decision",
                       json={"result": result})

    async def decide_appeal(self, app_id: str, decision: str, decider: str = "komite") -> None:
        await self.as_(decider, "decide_appeal", "POST", f"/applications/{app_id}/appeal-decision",
                       json={"decision": decision})

    async def deadline_sweep(self, as_of: str | None = None) -> dict[str, Any]:
        body = {"as_of": as_of} if as_of else {}
        r = await self.as_("admin", "run_deadline_sweep", "POST", "/deadline-sweep", json=body)
        return dict(r.json()) if r.content else {}


class SikiOperator(_Client):
    def __init__(self, http: httpx.AsyncClient, base_url: str, metrics: Metrics,
                 token: str = DEV_OPERATOR_TOKEN) -> None:
        super().__init__(http, base_url, metrics, "siki")
        self.token = token

    async def timeline(self, app_id: str) -> dict[str, Any]:
        return dict((await self.call("get_timeline", "GET", f"/applications/{app_id}/timeline",
                                     token=self.token)).json())

    async def skk_by_nik(self, nik: str) -> dict[str, Any]:
        return dict((await self.call("list_skk_by_nik", "POST", "/skk/query", token=self.token,
                                     json={"nik": nik})).json())

    async def webhook_deliveries(self, **filters: str) -> list[dict[str, Any]]:
        body = (await self.call("list_webhook_deliveries", "GET", "/webhook-deliveries", token=self.token,
                                params=filters)).json()
        return list(body["items"] if isinstance(body, dict) and "items" in body else body)


class Lpjk(_Client):
    def __init__(self, http: httpx.AsyncClient, base_url: str, metrics: Metrics) -> None:
        super().__init__(http, base_url, metrics, "lpjk")

    async def verify_certificate(self, recording_number: str) -> dict[str, Any]:
        return dict((await self.call("verify_certificate", "GET", f"/public/certificates/{recording_number}")).json())

    async def verify_qr(self, qr_payload: str) -> dict[str, Any]:
        return dict((await self.call("verify_qr_payload", "POST", "/public/qr/verify",
                                     json={"qr_payload": qr_payload})).json())


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
