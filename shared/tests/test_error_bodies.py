"""Error bodies say what the caller must fix and nothing of the internals: a bug answers a
generic 500 carrying the correlation id that finds its traceback in the log."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from shared.errors import install_problem_handlers
from shared.logging import correlation_id_var
from shared.paging import DEFAULT_LIMIT, Limit, Offset
from shared.reference.identity import nik_errors
from shared.request_middleware import CorrelationIdMiddleware

SECRET = "postgresql://skk:hunter2@db.internal:5432/portal"


def _app(seen: dict[str, str | None]) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(CorrelationIdMiddleware)

    @app.get("/boom")
    async def boom() -> None:
        seen["cid"] = correlation_id_var.get()
        raise RuntimeError(f"could not connect to {SECRET}")

    @app.get("/items")
    async def items(limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> dict[str, int]:
        return {"limit": limit, "offset": offset}

    return app


async def _get(app: FastAPI, path: str, **kw: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.get(path, **kw)  # type: ignore[arg-type]


async def test_a_bug_answers_500_with_the_correlation_id_and_no_exception_text() -> None:
    seen: dict[str, str | None] = {}
    r = await _get(_app(seen), "/boom")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert "hunter2" not in r.text and "RuntimeError" not in r.text and "db.internal" not in r.text
    # The id the request ran under, in the body and the header: what support looks up in the log.
    assert body["correlation_id"] == r.headers["X-Correlation-ID"] == seen["cid"]
    assert r.headers["Cache-Control"] == "no-store"

    given = await _get(_app(seen), "/boom", headers={"X-Correlation-ID": "abc123"})
    assert given.json()["correlation_id"] == "abc123" == given.headers["X-Correlation-ID"]


async def test_page_parameters_out_of_range_name_the_field() -> None:
    app = _app({})
    assert (await _get(app, "/items")).json() == {"limit": 50, "offset": 0}
    for params, field in (({"limit": 201}, "limit"), ({"limit": 0}, "limit"), ({"offset": -1}, "offset"),
                          ({"offset": 2**63}, "offset"), ({"offset": 10**40}, "offset")):
        r = await _get(app, "/items", params=params)
        assert r.status_code == 422, (params, r.text)
        assert r.json()["field"] == field


def test_identity_number_messages_are_plain() -> None:
    [bad_region] = nik_errors("9971011708450001", None, None)
    assert bad_region["field"] == "nik" and "region" in bad_region["message"]
    assert "One of the parts" not in bad_region["message"]  # python-stdnum's wording
