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
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from scripts.simulator.generated import ApiError, Metrics, PartyClient, Service, answer_body, data, list_items
from shared.settings import DEV_PASSWORD

# SIKI's dev operator (seeded in dev mode, role admin; shared/operators.py), password SKK_DEV_PASSWORD.
DEV_OPERATOR_EMAIL = "operator@siki.dev"
OPERATOR_SESSION_PATH = "/api/v1/operator/session"


async def _with_a_live_session(client: PartyClient, op: str, token_of: Callable[[], Awaitable[str]],
                               forget: Callable[[str], Awaitable[None]], params: dict[str, Any]) -> Any:
    """``op`` with the session's token; when it is refused (an access token lasts
    SKK_ACCESS_TOKEN_TTL_SECONDS, an hour by default, or a logout ended it), log in again, as the
    person would, and make the call once more. A second refusal is an error, not a loop."""
    token = await token_of()
    try:
        return await client.call(op, token=token, **params)
    except ApiError as exc:
        if exc.status != 401:
            raise
    await forget(token)
    return await client.call(op, token=await token_of(), **params)


class Portal(PartyClient):
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
        return list_items(data((await self.call("list_applications", token=self.token)).parsed))

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
        return list_items(data((await self.call("list_notifications", token=self.token)).parsed))


class LspStaff(PartyClient):
    """The staff of one LSP; logs each dev account in once and keeps its token until it is refused."""

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
        async def forget(token: str) -> None:
            async with self._locks[username]:
                if self.tokens.get(username) == token:
                    del self.tokens[username]

        return await _with_a_live_session(self, op, lambda: self.token_of(username), forget, params)

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
        return list_items(data((await self.as_("admin", "list_applications", **params)).parsed))

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


class SikiOperator(PartyClient):
    """A SIKI operator (a person's account): logs in (``create_operator_session``) and keeps the
    token until it is refused; the dev operator unless told otherwise."""

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
                    raise ApiError("siki.create_operator_session", r.status_code, answer_body(r.content))
                self.token = str(r.json()["access_token"])
        return self.token

    async def _as_operator(self, op: str, **params: Any) -> Any:
        async def forget(token: str) -> None:
            async with self._login:
                if self.token == token:
                    self.token = None

        return await _with_a_live_session(self, op, self.token_of, forget, params)

    async def timeline(self, app_id: str) -> dict[str, Any]:
        return dict(data((await self._as_operator("get_timeline", application_id=app_id)).parsed))

    async def skk_by_nik(self, nik: str) -> dict[str, Any]:
        return dict(data((await self._as_operator("list_skk_by_nik", body={"nik": nik})).parsed))

    async def webhook_deliveries(self, **filters: str) -> list[dict[str, Any]]:
        params: dict[str, Any] = dict(filters)
        return list_items(data((await self._as_operator("list_webhook_deliveries", **params)).parsed))


class Lpjk(PartyClient):
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
