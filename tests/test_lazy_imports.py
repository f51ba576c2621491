"""Start-up memory (issue 17: idle RSS under 100 MiB per service): what a service needs only for
some requests (the PDF and image stack: certificates, forms, upload checks) is imported where it is
used, what it never needs (terminal extras that libraries pull in when installed) is not imported,
and no argon2 hash (64 MiB each) is computed while the service starts. Measure with
``python -m scripts.bench.idle_rss --contributors``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ["portal", "siki", "lsp", "bnsp_mock", "lpjk_mock"]
# Each one several MiB (fontTools, pypdf and Pillow together ~9 MiB in the portal).
HEAVY = ["fpdf", "fontTools", "pyhanko", "pypdf", "segno", "PIL", "qrcode", "reportlab"]
# Imported by structlog, httpx and uvicorn when installed, never used by a service (4.3 MiB):
# shared/lean_imports.py.
UNUSED_EXTRAS = ["rich", "pygments", "watchfiles"]
# Marked absent for the whole process (FastAPI imports it only to refuse pydantic v1 models: 1.5 MiB;
# httpx's command line, with click, rich and pygments).
NEVER_IMPORTED = ["pydantic.v1", "httpx._main"]
# Only some requests need them (file type sniffing of uploads: 1 MiB; throttles, with what
# `limits` imports: 1 MiB; templates of pages and mails, jinja2: 1 MiB; NIK and NPWP checks,
# python-stdnum and the pydoc it imports: 1 MiB; aiohttp and httpx, the chain's HTTP client, on
# the first call out: 7 and 1.3 MiB; aiosmtplib with the first mail: 1.0 MiB with the parts of
# `email` it brings).
ON_FIRST_USE = ["puremagic", "limits", "deprecated", "wrapt", "jinja2", "stdnum", "pydoc", "aiohttp",
                "httpx_aiohttp", "httpx", "aiosmtplib"]
# The certificate's layout and its XMP metadata (with xml.etree): imported by the first certificate
# an LSP issues (0.9 MiB). LPJK's verification page reads PDFs with shared.certificate_pdf.
ON_FIRST_CERTIFICATE = ["services.lsp.issuance.pdf", "shared.certificate_pdf", "xml.etree.ElementTree"]

# Run in a fresh interpreter: the test process has imported everything already. It builds the
# app as ``python -m services.<svc>`` does, counting argon2 hashes on the way.
PROBE = """
import importlib, json, os, sys, tempfile
import argon2
hashes = []
_hash = argon2.PasswordHasher.hash
def counting_hash(self, *args, **kwargs):
    hashes.append(1)
    return _hash(self, *args, **kwargs)
argon2.PasswordHasher.hash = counting_hash
service = sys.argv[1]
sys.path.insert(0, sys.argv[2])
os.chdir(tempfile.mkdtemp())
os.environ["SKK_HTTP_BACKEND"] = "aiohttp"  # as the chain's processes run
importlib.import_module(f"services.{service}.__main__")
importlib.import_module(f"services.{service}.app").create_app()
import pydantic
models, todo = [], list(pydantic.BaseModel.__subclasses__())
while todo:
    model = todo.pop()
    models.append(model)
    todo.extend(model.__subclasses__())
print(json.dumps({"hashes": len(hashes),
                  "loaded": sorted(name for name, module in sys.modules.items() if module is not None),
                  "models": len(models),
                  "built": sorted({f"{m.__module__}.{m.__qualname__}" for m in models if m.__pydantic_complete__})}))
"""


def _probe(service: str, database_url: str | None = None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "SKK_DATABASE_URL"}
    if database_url:
        env["SKK_DATABASE_URL"] = database_url  # building the app connects to nothing
    done = subprocess.run([sys.executable, "-c", PROBE, service, str(ROOT)], capture_output=True, text=True,
                          timeout=120, check=False, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("service", SERVICES)
def test_building_the_app_leaves_the_pdf_and_image_stack_unimported_and_hashes_nothing(service: str) -> None:
    result = _probe(service)
    loaded = result["loaded"]
    assert isinstance(loaded, list)
    # Packages imported (a name marked absent, NEVER_IMPORTED's, is in sys.modules as None: not one).
    packages = {name.split(".")[0] for name in loaded}
    assert sorted(set(HEAVY + UNUSED_EXTRAS + ON_FIRST_USE) & packages) == []
    assert result["hashes"] == 0
    assert sorted(set(NEVER_IMPORTED + (ON_FIRST_CERTIFICATE if service == "lsp" else [])) & set(loaded)) == []


PYDANTIC_V1_PROBE = """
import sys
import services  # marks pydantic.v1 absent (shared/lean_imports.py)
import pydantic
from fastapi import FastAPI
from fastapi._compat import shared
from fastapi.testclient import TestClient

assert sys.modules["pydantic.v1"] is None
assert not shared.is_pydantic_v1_model_class(pydantic.BaseModel)
assert not shared.annotation_is_pydantic_v1(list[pydantic.BaseModel])

class Body(pydantic.BaseModel):
    x: int

app = FastAPI()

@app.post("/m")
def echo(body: Body) -> Body:
    return body

client = TestClient(app)
assert client.post("/m", json={"x": 2}).json() == {"x": 2}
assert client.post("/m", json={"x": "two"}).status_code == 422
assert "pydantic.v1" in sys.modules and sys.modules["pydantic.v1"] is None
print("ok")
"""


def test_routes_with_pydantic_models_still_work_with_pydantic_v1_marked_absent() -> None:
    """FastAPI's check for a pydantic v1 model answers "no" without importing ``pydantic.v1``,
    and a route with a (v2) body model still validates and answers."""
    done = subprocess.run([sys.executable, "-c", PYDANTIC_V1_PROBE], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("ok")


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_serves_without_websockets(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """No service has a WebSocket endpoint: uvicorn's default (``ws="auto"``) would import the
    websockets library when it starts serving (0.5 MiB)."""
    import importlib

    main = importlib.import_module(f"services.{service}.__main__")
    served: dict[str, object] = {}
    monkeypatch.setattr(main, "create_app", lambda settings: object())
    monkeypatch.setattr(main.serving, "run", lambda app, **kwargs: served.update(kwargs))
    main.serve()
    assert served["ws"] == "none"


HTTPX_LATER_PROBE = """
import sys
import services  # marks httpx's command line absent (shared/lean_imports.py)
assert "httpx" not in sys.modules
import httpx
assert sys.modules["httpx._main"] is None  # httpx fell back to its stub ``main``
print(sorted(name for name in ("rich", "pygments") if sys.modules.get(name) is not None))
"""


def test_httpx_imported_after_start_up_brings_no_command_line() -> None:
    """httpx, imported by a service's first call out (after start-up, outside the block that
    hides the extras), defines its stub ``main`` and imports neither rich nor pygments."""
    done = subprocess.run([sys.executable, "-c", HTTPX_LATER_PROBE], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_console_logs_still_render_with_structlog_s_console_renderer() -> None:
    """Console logs (SKK_LOG_JSON=false) bring back the console renderer structlog would have
    built with rich installed."""
    probe = ("import sys; import shared.logging as l; l.configure_logging('INFO', json=False); "
             "import structlog; assert structlog.dev.rich is not None; "
             "structlog.get_logger().info('hello', nik='3171010101010001')")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "hello" in done.stderr + done.stdout
    assert "3171010101010001" not in done.stderr + done.stdout


LIMIT_STRINGS = [
    "5/minute", "5/minute;10/15minutes;20/hour", "30/minute;300/hour", "1 per second", "2 per 3 days",
    "10/Hours", "1/year, 2/month | 3/day", " 5 / minute ", "5/minute:;10/hour", "0/second",
    "", "5", "minute", "5/minutes;", "5/fortnight", "5/minutex", "5//minute", "-1/minute", "5/minute 10/hour",
    "5/minute;;10/hour", "5 minute", "1.5/minute", "5/minute\n",
]


@pytest.mark.parametrize("text", LIMIT_STRINGS)
def test_a_rule_s_tiers_are_checked_at_start_up_as_limits_parses_them(text: str) -> None:
    """shared.throttle checks a rule's string without importing `limits` (issue 17): it accepts
    exactly what `limits` would parse, so a typo still fails when the rule is made."""
    from limits import parse_many

    from shared.throttle import Rule, check_limits

    try:
        parse_many(text)
    except ValueError:
        with pytest.raises(ValueError, match="parse rate limit"):
            check_limits(text)
    else:
        check_limits(text)
        assert Rule("r", text).items == tuple(parse_many(text))


def test_the_fixed_dummy_hashes_match_their_hashers_parameters() -> None:
    """A fixed dummy hash with other parameters would make an unknown account's login cheaper
    (or dearer) than a real one's: the timing would tell which emails exist."""
    from argon2 import extract_parameters

    from services.lsp.usecases import staff
    from services.portal import security

    for dummy, fixed, hasher in ((security._DUMMY_HASH, security._FIXED_DUMMY_HASH, security._hasher),
                                 (staff._DUMMY_HASH, staff._FIXED_DUMMY_HASH, staff._HASHER)):
        assert dummy == fixed
        assert extract_parameters(dummy) == hasher._parameters
        assert hasher.verify(dummy, "not-a-real-password-0" if hasher is security._hasher else "not-a-real-password")


@pytest.mark.parametrize("service", SERVICES)
def test_building_the_app_leaves_most_pydantic_models_unbuilt(service: str) -> None:
    """Pydantic models build their validators on first use (shared/lean_imports.py): after the
    app is built, the event catalogue and nearly every other model a service defines are not
    built yet (2.0 MiB of idle RSS). Without the setting every one of them is."""
    result = _probe(service)
    built, models = result["built"], result["models"]
    assert isinstance(built, list) and isinstance(models, int)
    assert models > 100
    assert len(built) < models / 8, built
    assert [m for m in built if m.startswith("shared.contracts.events.")] == []


@pytest.mark.parametrize("service", [s for s in SERVICES if s != "lpjk_mock"])
def test_a_service_on_postgresql_does_not_import_sqlites_dialect(service: str) -> None:
    """The ``ON CONFLICT`` inserts come from the dialect in use (shared.dialects.conflict_insert):
    on PostgreSQL SQLite's dialect stays unimported (0.5 MiB), and on SQLite PostgreSQL's. (LPJK's
    partial index names both dialects' options, and SQLAlchemy imports a dialect to check its own.)"""
    on_postgres = _probe(service, "postgresql+asyncpg://nobody@127.0.0.1:1/none")["loaded"]
    on_sqlite = _probe(service)["loaded"]
    assert isinstance(on_postgres, list) and isinstance(on_sqlite, list)
    assert "sqlalchemy.dialects.postgresql" in on_postgres and "sqlalchemy.dialects.sqlite" not in on_postgres
    assert "sqlalchemy.dialects.sqlite" in on_sqlite and "sqlalchemy.dialects.postgresql" not in on_sqlite
