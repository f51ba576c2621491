"""No request waits for a worker thread to run a plain function (issue 17): FastAPI runs a ``def``
dependency or endpoint in its thread pool, a thread hand-off per request and per dependency (in
the LSP, two per request: 3-4 % of its profile under the bench's load, and the GIL passed back
and forth with the threads that render PDFs). Every dependency and endpoint of every service is
``async def``; the one exception is FastAPI's own login form class."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.security import OAuth2PasswordRequestForm

from services.bnsp_mock.app import create_app as bnsp_app
from services.lpjk_mock.app import create_app as lpjk_app
from services.lsp.app import create_app as lsp_app
from services.portal.app import create_app as portal_app
from services.siki.app import create_app as siki_app

# A login per session, not per request: FastAPI's class stays (its OpenAPI body is the contract's).
ALLOWED: frozenset[Any] = frozenset({OAuth2PasswordRequestForm})
APPS: dict[str, Callable[[], FastAPI]] = {"portal": portal_app, "siki": siki_app, "lsp": lsp_app,
                                          "bnsp_mock": bnsp_app, "lpjk_mock": lpjk_app}


def _routes(container: Any) -> Iterator[Any]:
    """The app's API routes, also those of included routers (kept as their own routers)."""
    for route in getattr(container, "routes", []):
        if hasattr(route, "dependant"):
            yield route
        elif hasattr(route, "original_router"):
            yield from _routes(route.original_router)


def _is_async(call: Any) -> bool:
    """A coroutine or async generator function, or an object whose ``__call__`` is one (a class
    is called to build its instance: plain)."""
    if inspect.isclass(call):
        return False
    target = call if inspect.isfunction(call) or inspect.ismethod(call) else type(call).__call__
    return inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)


def _sync_calls(dependant: Any) -> Iterator[str]:
    for dep in dependant.dependencies:
        if dep.call is not None and dep.call not in ALLOWED and not _is_async(dep.call):
            yield f"{getattr(dep.call, '__module__', '?')}.{getattr(dep.call, '__qualname__', dep.call)}"
        yield from _sync_calls(dep)


@pytest.mark.parametrize("service", sorted(APPS))
def test_every_dependency_and_endpoint_is_async(service: str, sqlite_url: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKK_DATABASE_URL", sqlite_url)
    app = APPS[service]()
    routes = list(_routes(app.router))
    assert len(routes) > 10  # the walk reached the included routers
    sync = sorted({name for route in routes for name in _sync_calls(route.dependant)}
                  | {f"endpoint {route.endpoint.__qualname__}" for route in routes if not _is_async(route.endpoint)})
    assert sync == []


def test_the_check_sees_a_plain_function() -> None:
    def plain() -> int:
        return 1

    async def coroutine() -> int:
        return 1

    class Checker:
        async def __call__(self) -> int:
            return 1

    assert not _is_async(plain) and _is_async(coroutine) and _is_async(Checker()) and not _is_async(Checker)
