"""Settings, logging, errors, topic matching, service tokens and the service client."""

from __future__ import annotations

import io
import json
import pathlib
from contextlib import redirect_stderr

import httpx
import pytest
import respx
from fastapi import FastAPI
from pydantic import BaseModel

from shared.auth import ServiceTokenSigner, TrustedKey, verify_service_token
from shared.bus import topic_matches
from shared.errors import PROBLEM_JSON, Problem, install_problem_handlers
from shared.logging import configure_logging, get_logger, mask_identity_numbers
from shared.service_client import ServiceCallError, ServiceClient
from shared.servicekeys import load_private_key, new_private_key_pem
from shared.settings import Mode, ServiceSettings
from shared.tests.datakeys import production_data_keys


def test_dev_mode_starts_with_defaults() -> None:
    s = ServiceSettings()
    assert s.mode == Mode.DEV and s.is_dev


def test_production_refuses_default_secrets() -> None:
    with pytest.raises(ValueError, match="refuses default secrets; set SKK_SERVICE_SIGNING_KEY_PEM"):
        ServiceSettings(mode="production")


def test_production_accepts_real_secrets() -> None:
    s = ServiceSettings(mode="production", service_signing_key_pem=new_private_key_pem(), **production_data_keys())
    assert s.mode == Mode.PRODUCTION


def test_every_key_is_overridable_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKK_DATABASE_URL", "postgresql+asyncpg://u@h/db")
    monkeypatch.setenv("SKK_AMQP_URL", "amqp://guest:guest@127.0.0.1/")
    monkeypatch.setenv("SKK_BUS_MAX_ATTEMPTS", "9")
    s = ServiceSettings()
    assert (s.database_url, s.amqp_url, s.bus_max_attempts) == (
        "postgresql+asyncpg://u@h/db", "amqp://guest:guest@127.0.0.1/", 9)


@pytest.mark.parametrize(("pattern", "key", "match"), [
    ("a.b", "a.b", True), ("a.b", "a.c", False), ("a.*", "a.b", True), ("a.*", "a.b.c", False),
    ("a.#", "a", True), ("a.#", "a.b.c", True), ("#", "x.y", True), ("*.b.#", "x.b", True),
    ("lsp.LSP-A.*", "lsp.LSP-B.report_pending", False), ("lsp.LSP-A.*", "lsp.LSP-A.report_pending", True),
])
def test_topic_matching(pattern: str, key: str, match: bool) -> None:
    assert topic_matches(pattern, key) is match


def test_logs_never_carry_nik_or_npwp() -> None:
    configure_logging("INFO", json=True)
    buf = io.StringIO()
    with redirect_stderr(buf):
        import structlog

        structlog.configure(logger_factory=structlog.PrintLoggerFactory(buf))
        get_logger("t").info("submitted by 3171011708450001", nik="3171011708450001",
                             data={"npwp": "012345678901234", "note": "npwp 0123456789012345"})
    line = buf.getvalue()
    assert "3171011708450001" not in line and "012345678901234" not in line and "0123456789012345" not in line
    record = json.loads(line.strip().splitlines()[-1])
    assert record["nik"] == "***" and record["data"]["npwp"] == "***"
    configure_logging("INFO", json=True)


def test_mask_identity_numbers_leaves_short_numbers() -> None:
    assert mask_identity_numbers("invoice 2025 amount 1500000") == "invoice 2025 amount 1500000"
    assert mask_identity_numbers("x 3171011708450001 y") == "x 3171************ y"


class Body(BaseModel):
    nik: str
    jenjang: int


async def test_problem_json_names_the_field() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/x")
    async def x(body: Body) -> dict[str, str]:
        raise Problem(409, "cannot", errors=[{"field": "status", "message": "final"}])

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        bad = await c.post("/x", json={"nik": "1", "jenjang": "seven"})
        assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM_JSON
        assert bad.json()["field"] == "jenjang" and bad.json()["errors"][0]["field"] == "jenjang"
        conflict = await c.post("/x", json={"nik": "1", "jenjang": 7})
        assert conflict.status_code == 409 and conflict.json()["title"] == "Conflict"
        missing = await c.get("/nowhere")
        assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM_JSON


def test_service_tokens() -> None:
    key = load_private_key(new_private_key_pem())
    trusted = {"k1": TrustedKey("k1", "portal", key.public_key())}
    signer = ServiceTokenSigner("portal", key, "k1", ttl_seconds=60)
    tok = signer.token("siki")
    assert verify_service_token(tok, trusted=trusted, audience="siki") == "portal"
    assert signer.token("siki") == tok  # cached
    with pytest.raises(Problem) as wrong_aud:
        verify_service_token(tok, trusted=trusted, audience="lpjk")
    assert wrong_aud.value.status == 401
    other = load_private_key(new_private_key_pem())
    with pytest.raises(Problem):
        verify_service_token(tok, trusted={"k1": TrustedKey("k1", "portal", other.public_key())}, audience="siki")
    expired = ServiceTokenSigner("portal", key, "k1", ttl_seconds=-120)
    with pytest.raises(Problem):
        verify_service_token(expired.token("siki"), trusted=trusted, audience="siki")


@respx.mock
async def test_client_retries_only_idempotent_calls() -> None:
    route = respx.post("http://svc/api/v1/x").mock(side_effect=[httpx.ConnectError("down"), httpx.Response(201)])
    client = ServiceClient("http://svc", auth=lambda: "tok", retries=3, backoff_seconds=0.001)
    # With an idempotency key a POST may be retried...
    resp = await client.request("POST", "/api/v1/x", json={}, idempotency_key="k1")
    assert resp.status_code == 201 and route.call_count == 2
    # The same request keeps its key on the retry; the key carries a digest of the body, so a
    # use case that runs again with a rebuilt body sends a new key (its natural key decides then).
    keys = [c.request.headers["Idempotency-Key"] for c in route.calls]
    assert keys[0] == keys[1] and keys[0].startswith("k1.")
    route.mock(return_value=httpx.Response(201))
    await client.request("POST", "/api/v1/x", json={"at": "later"}, idempotency_key="k1")
    assert route.calls.last.request.headers["Idempotency-Key"] != keys[0]
    assert route.calls[0].request.headers["Authorization"] == "Bearer tok"
    assert route.calls[0].request.headers["X-Correlation-ID"]
    # ...without one it is not: a second effect could follow.
    route2 = respx.post("http://svc/api/v1/y").mock(side_effect=[httpx.ConnectError("down"), httpx.Response(201)])
    with pytest.raises(ServiceCallError):
        await client.request("POST", "/api/v1/y", json={})
    assert route2.call_count == 1
    get = respx.get("http://svc/api/v1/z").mock(side_effect=[httpx.Response(503), httpx.Response(200, json={"ok": 1})])
    assert await client.call_json("GET", "/api/v1/z") == {"ok": 1} and get.call_count == 2
    await client.aclose()


async def test_aiohttp_backend_speaks_to_a_real_server() -> None:
    import asyncio
    import contextlib

    import uvicorn

    from shared.runtime import ServiceRuntime

    app = FastAPI()

    @app.post("/echo")
    async def echo(body: dict[str, int]) -> dict[str, int]:
        return {"n": body["n"] + 1}

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]

    from shared.outbox import InboxMixin, OutboxMixin

    settings = ServiceSettings(http_backend="aiohttp", database_url="sqlite+aiosqlite:///:memory:")
    # Never started: only its client factory is under test, so the mixins stand in for models.
    runtime = ServiceRuntime(settings, outbox_model=OutboxMixin, inbox_model=InboxMixin, migrations=".")
    client = runtime.client(f"http://127.0.0.1:{port}", audience="x")
    try:
        from shared.aiohttp_backend import AiohttpRequests
        from shared.httpx_transports import AiohttpOnFirstCall

        direct = client._direct
        assert isinstance(direct, AiohttpRequests) and client._client is None  # httpx's: at its first call
        assert isinstance((await client._httpx_client())._transport, AiohttpOnFirstCall)
        assert await client.call_json("POST", "/echo", json={"n": 41}, idempotency_key="k") == {"n": 42}
        # Opened by the first call, on aiohttp's client, and kept for the next.
        opened = direct._session
        assert type(opened).__name__ == "ClientSession"
        assert await client.call_json("POST", "/echo", json={"n": 1}) == {"n": 2}
        assert direct._session is opened
    finally:
        await client.aclose()
        await runtime.engine.dispose()
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task


def test_script_heads_agree_with_alembic_for_every_service() -> None:
    from pathlib import Path

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from shared.database import script_heads

    root = Path(__file__).resolve().parents[2] / "services"
    folders = sorted(root.glob("*/db/migrations"))
    assert len(folders) == 5
    for folder in folders:
        cfg = Config()
        cfg.set_main_option("script_location", str(folder))
        assert script_heads(folder) == set(ScriptDirectory.from_config(cfg).get_heads()), folder


def test_script_heads_names_every_branch(tmp_path: pathlib.Path) -> None:
    """Two branches off one revision: both are heads (services migrate to ``heads``)."""
    from shared.database import script_heads

    versions = tmp_path / "versions"
    versions.mkdir()
    for rev, down in (("a", None), ("b", "a"), ("c", "a")):
        (versions / f"{rev}.py").write_text(
            f"revision = {rev!r}\ndown_revision = {down!r}\nbranch_labels = None\ndepends_on = None\n"
            "def upgrade() -> None:\n    pass\n", encoding="utf-8")
    assert script_heads(tmp_path) == {"b", "c"}


async def test_migrations_skip_a_database_already_at_its_heads(tmp_path: object) -> None:
    from pathlib import Path

    from sqlalchemy import text

    from shared.database import create_engine, run_migrations, script_heads

    folder = Path(__file__).resolve().parents[2] / "services" / "bnsp_mock" / "db" / "migrations"
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/m.db")
    try:
        await run_migrations(engine, folder)
        async with engine.connect() as conn:
            versions = set((await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars())
        assert versions == script_heads(folder)
        async with engine.begin() as conn:
            await conn.execute(text("DROP TABLE outbox"))
        await run_migrations(engine, folder)  # at its heads: left alone, nothing recreated
        async with engine.connect() as conn:
            tables = set((await conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))).scalars())
        assert "outbox" not in tables and "inbox" in tables
    finally:
        await engine.dispose()
