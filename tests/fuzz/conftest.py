"""The five services in-process for the fuzz run: each app on its own SQLite file, started once
per session (schemathesis's ASGI transport runs the lifespan), with the credentials each kind
of caller holds.

Budget and replay: ``SKK_FUZZ_EXAMPLES`` examples per operation and credential set (default
small, for ``make test``), ``SKK_FUZZ_SEED`` the seed (random unless given; printed with every
failure so the run can be replayed).
"""

from __future__ import annotations

import atexit
import os
import random
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.python import asgi

from shared.auth import ServiceTokenSigner
from shared.devdefaults import dev_api_key
from shared.operators import dev_operator_email
from shared.settings import DEV_PASSWORD

EXAMPLES = int(os.environ.get("SKK_FUZZ_EXAMPLES") or 5)
SEED = int(os.environ.get("SKK_FUZZ_SEED") or random.randrange(2**32))
SERVICES = ("portal", "siki", "lsp", "bnsp_mock", "lpjk_mock")

Headers = dict[str, str]


@dataclass
class Target:
    """One running service: its app, its schema, and a header set per kind of caller."""

    name: str
    app: FastAPI
    work_dir: Path
    login: Callable[[Target], dict[str, Headers]]
    schema: Any = None
    _client: asgi.ASGIClient | None = None
    webhook_secret: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def client(self) -> asgi.ASGIClient:
        if self._client is None:
            self._client = asgi.get_client(cast(Any, self.app)).__enter__()  # starts the lifespan once
        return self._client

    def credentials(self) -> dict[str, Headers]:
        """Headers per caller kind, logged in once (a login hashes a password: too slow per
        test); dropped after an operation that may end sessions (logout, password change)."""
        self.client  # noqa: B018 - the app must be running to log in
        if "credentials" not in self.extra:
            self.extra["credentials"] = {"anonymous": {}, **self.login(self)}
        return dict(self.extra["credentials"])


def _bearer(token: str) -> Headers:
    return {"Authorization": f"Bearer {token}"}


def _service(caller: str, audience: str) -> Headers:
    return _bearer(ServiceTokenSigner.dev(caller).token(audience))


def _operator(t: Target, service: str) -> dict[str, Headers]:
    """The dev operator's session; none while the login is throttled (the fuzzing of
    ``create_operator_session`` fails logins from the same client)."""
    r = t.client.post("/api/v1/operator/session", json={"email": dev_operator_email(service),
                                                        "password": DEV_PASSWORD})
    if r.status_code == 429:
        return {}
    assert r.status_code == 201, r.text
    return {"operator": _bearer(r.json()["access_token"])}


def _portal_login(t: Target) -> dict[str, Headers]:
    from services.portal.tests.factories import PASSWORD, activation_token_from

    email = t.extra.setdefault("email", f"fuzz-{uuid.uuid4().hex[:8]}@example.id")
    if not t.extra.get("activated"):
        r = t.client.post("/api/v1/auth/register", json={
            "first_name": "Budi", "last_name": "Santoso", "email": email, "phone": "081234567890",
            "is_individual": True, "data_truth_consent": True})
        assert r.status_code == 202, r.text
        mails = _wait_for_mail(Path(t.extra["mail_dir"]))
        r = t.client.post("/api/v1/auth/activate", json={
            "token": activation_token_from(mails[-1].read_bytes()), "password": PASSWORD,
            "password_repeat": PASSWORD})
        assert r.status_code == 200, r.text
        t.extra["activated"] = True
    r = t.client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    headers: dict[str, Headers] = {**_operator(t, "portal"), "siki": _service("siki", "portal"),
                                   "lsp": _service("lsp:LSP-A", "portal")}
    if r.status_code == 200:  # a fuzzed password change may have locked the account out: go on without
        headers["applicant"] = _bearer(r.json()["access_token"])
    return headers


def _wait_for_mail(folder: Path, timeout: float = 15.0) -> list[Path]:
    """The portal sends mail from its outbox, after the request: wait for the file."""
    deadline = time.monotonic() + timeout
    while True:
        mails = sorted(folder.glob("*.eml")) if folder.exists() else []
        if mails:
            return mails
        assert time.monotonic() < deadline, "no activation email"
        time.sleep(0.05)


def _siki_login(t: Target) -> dict[str, Headers]:
    return {"portal": _service("portal", "siki"), "lsp": _bearer(dev_api_key("LSP-A")),
            **_operator(t, "siki")}


def _lsp_login(t: Target) -> dict[str, Headers]:
    out: dict[str, Headers] = {}
    for user in ("admin", "asesor1", "komite1"):
        r = t.client.post("/api/v1/auth/token", data={"username": user, "password": DEV_PASSWORD})
        if r.status_code == 200:  # else throttled by the fuzzing of staff_login (or no such user): without
            out[user] = _bearer(r.json()["access_token"])
    return out


def _mock_login(service: str, audience: str) -> Callable[[Target], dict[str, Headers]]:
    def login(t: Target) -> dict[str, Headers]:
        return {"lsp": _service("lsp:LSP-A", audience), **_operator(t, service)}

    return login


def _build(name: str, root: Path) -> Target:
    work = root / name
    work.mkdir(parents=True, exist_ok=True)
    url = f"sqlite+aiosqlite:///{work}/fuzz.db"
    if name == "portal":
        from services.portal.app import create_app as portal_app
        from services.portal.tests.factories import portal_settings

        ps = portal_settings(work, url)
        return Target(name, portal_app(ps), work, _portal_login, extra={"mail_dir": ps.mail_dir})
    if name == "siki":
        from services.siki.app import create_app as siki_app
        from services.siki.tests.conftest import build_settings

        return Target(name, siki_app(build_settings(url)), work, _siki_login)
    if name == "lsp":
        from services.lsp.app import create_app as lsp_app
        from services.lsp.tests.support import settings_for

        ls = settings_for(url)
        return Target(name, lsp_app(ls), work, _lsp_login,
                      webhook_secret=ls.siki_webhook_secret.get_secret_value())
    if name == "bnsp_mock":
        from services.bnsp_mock.app import create_app as bnsp_app
        from services.bnsp_mock.settings import BnspSettings

        return Target(name, bnsp_app(BnspSettings(database_url=url, log_json=False)), work,
                      _mock_login("bnsp", "bnsp"))
    from services.lpjk_mock.app import create_app as lpjk_app
    from services.lpjk_mock.settings import LpjkSettings

    return Target(name, lpjk_app(LpjkSettings(database_url=url, log_json=False)), work,
                  _mock_login("lpjk", "lpjk"))


_TARGETS: dict[str, Target] = {}
_ROOT: list[Path] = []


def target(name: str) -> Target:
    """The service's app, built once per session (at collection: the operations come from its
    OpenAPI document, read from the app itself and not from the generated docs)."""
    if name not in _TARGETS:
        if not _ROOT:
            _ROOT.append(Path(tempfile.mkdtemp(prefix="skk-fuzz-")))
            atexit.register(shutil.rmtree, _ROOT[0], ignore_errors=True)  # also when no fuzz test ran
        t = _build(name, _ROOT[0])
        t.schema = schemathesis.openapi.from_dict(t.app.openapi())
        t.schema.app = t.app
        _TARGETS[name] = t
    return _TARGETS[name]


@pytest.fixture(scope="session", autouse=True)
def _stop_apps() -> Iterator[None]:
    yield
    if _TARGETS:
        asgi.shutdown_lifespans()
        _TARGETS.clear()
    for root in _ROOT:
        shutil.rmtree(root, ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report: Any = yield
    if report.failed and item.nodeid.startswith("tests/fuzz/test_fuzz_operations.py"):
        report.sections.append(("fuzz replay", f"replay with SKK_FUZZ_SEED={SEED} SKK_FUZZ_EXAMPLES={EXAMPLES} "
                                               f"pytest '{item.nodeid}'"))
    return report  # type: ignore[no-any-return]


def pytest_report_header() -> str:
    return f"fuzz: SKK_FUZZ_SEED={SEED} SKK_FUZZ_EXAMPLES={EXAMPLES}"
