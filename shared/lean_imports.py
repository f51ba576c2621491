"""Libraries imported without the optional extras a service never uses, so that it starts smaller
(issue 17: idle RSS under 100 MiB).

``import structlog`` imports its console renderer, which imports rich when installed (for
tracebacks on a terminal); ``import uvicorn`` imports its watchfiles reloader when installed. A
service logs JSON and never reloads its code, yet paid for them. ``services/__init__.py`` imports
the two libraries here, before any service module does, with the extras hidden: structlog then
keeps its plain tracebacks and uvicorn its stat reloader, as they do where the extras are not
installed. ``shared.logging`` brings structlog's console renderer back with rich for console logs.

``import httpx`` imports its command-line client (click, rich and pygments) when they are
installed; a service never runs httpx's command line, and imports httpx only at its first call
to another service (shared/service_client.py), when nothing hides the extras any more. Its
command-line module, ``httpx._main``, is therefore marked absent for the whole process: httpx
then defines its stub ``main``, as it does where the extras are not installed. (Hiding the three
extras from structlog, httpx and uvicorn saved 4.3 MiB of RSS, 2026-12-04.)

FastAPI imports ``pydantic.v1`` only to ask whether a route's model is a pydantic v1
model, which it then refuses; no service has one and no installed library imports it otherwise.
``pydantic.v1`` is therefore marked absent for the whole process: FastAPI's question then
answers "no" without the import, as it does where pydantic ships without ``v1`` (1.5 MiB less idle
RSS in every service, 2026-12-05).

Every pydantic model, the libraries' included, builds its validator and serializer when it first
validates or serialises (pydantic's ``defer_build``), not when its class is defined: a service
imports some 170 models (the event catalogue, FastAPI's OpenAPI document, every answer's shape)
and uses a few dozen of them, and those only once requests and events arrive. 2.0 MiB less idle
RSS in every service (2026-12-06). A model's first use builds it once for the process (0.4 ms of
CPU each for the event catalogue); the benchmark's warm-up runs before anything is measured.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

UNUSED_EXTRAS = ("rich", "pygments", "watchfiles")
# Never needed by any code a service runs (see the module's docstring).
NEVER_IMPORTED = ("pydantic.v1", "httpx._main")


@contextlib.contextmanager
def unused_extras_hidden() -> Iterator[None]:
    """``import rich``, ``import pygments`` and ``import watchfiles`` raise ImportError inside the
    block (unless one is imported already: then hiding would only make libraries disagree)."""
    if any(name in sys.modules for name in UNUSED_EXTRAS):
        yield
        return
    for name in UNUSED_EXTRAS:
        sys.modules[name] = None  # type: ignore[assignment]  # what ``import`` takes for "absent"
    try:
        yield
    finally:
        for name in UNUSED_EXTRAS:
            del sys.modules[name]


def build_models_on_first_use() -> None:
    """Every pydantic model defined from now on defers building its validator and serializer to its
    first use (see the module's docstring); a model that sets ``defer_build`` itself keeps its own."""
    import warnings

    import pydantic
    from pydantic.warnings import UnsupportedFieldAttributeWarning

    pydantic.BaseModel.model_config["defer_build"] = True
    # FastAPI builds each route's request and answer adapters from the route's own ``Field``
    # (its alias included), silencing this warning while it does; deferred, they build on first
    # use, outside that silence, and would warn of what FastAPI meant.
    warnings.filterwarnings("ignore", category=UnsupportedFieldAttributeWarning)


def import_without_unused_extras() -> None:
    """structlog and uvicorn imported (once per process) without rich, pygments and watchfiles;
    NEVER_IMPORTED marked absent unless something imported it already; pydantic's models built on
    first use."""
    build_models_on_first_use()
    for name in NEVER_IMPORTED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # what ``import`` takes for "absent"
    with unused_extras_hidden():
        import structlog  # noqa: F401
        import uvicorn  # noqa: F401
