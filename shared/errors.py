"""RFC 9457 problem details, with the offending fields named.

Every error a service answers is ``application/problem+json``. Validation problems carry
``errors``: a list of ``{"field": "personal.nik", "message": "..."}`` and, for convenience,
``field`` naming the first one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from shared import exceptions as ex
from shared.logging import correlation_id_var, get_logger, new_correlation_id

PROBLEM_JSON = "application/problem+json"
log = get_logger(__name__)

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    410: "Gone",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class FieldError(dict[str, str]):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(field=field, message=message)


class Problem(Exception):
    """Raise anywhere in a request to answer with problem+json."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        type_: str = "about:blank",
        errors: list[FieldError] | list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or _TITLES.get(status, "Error")
        self.type = type_
        self.errors = [dict(e) for e in (errors or [])]
        self.headers = headers
        self.extra = extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status, "detail": self.detail}
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
            body["field"] = self.errors[0]["field"]
        body.update(self.extra)
        return body


def validation_problem(errors: list[FieldError] | list[dict[str, str]], detail: str | None = None) -> Problem:
    fields = ", ".join(e["field"] for e in errors)
    return Problem(422, detail or f"invalid fields: {fields}", errors=errors)


def not_found(what: str = "resource") -> Problem:
    return Problem(404, f"{what} not found")


def conflict(detail: str, **extra: Any) -> Problem:
    return Problem(409, detail, **extra)


def problem_response(problem: Problem, request: Request | None = None) -> JSONResponse:
    return JSONResponse(
        problem.body(str(request.url.path) if request else None),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def _loc_to_field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for err in exc.errors():
        msg = str(err.get("msg", "invalid"))
        out.append({"field": _loc_to_field(err.get("loc", ())), "message": msg})
    return out


# How the shared domain errors answer; a service passes its own additions to
# :func:`install_problem_handlers`. The most specific class in an exception's MRO wins.
DEFAULT_STATUSES: dict[type[Exception], int] = {
    ex.Invalid: 422,
    ex.NotFound: 404,
    ex.Conflict: 409,
    ex.Forbidden: 403,
    ex.Unauthenticated: 401,
    ex.Gone: 410,
    ex.TooLarge: 413,
    ex.UnsupportedType: 415,
    ex.TooManyRequests: 429,
    ex.UpstreamRefused: 502,
    ex.Unavailable: 503,
    ex.DomainError: 400,
}


def status_of(exc: BaseException, statuses: Mapping[type[Exception], int]) -> int:
    for cls in type(exc).__mro__:
        if cls in statuses:
            return statuses[cls]  # type: ignore[index]
    return 400


def problem_from(exc: ex.DomainError, statuses: Mapping[type[Exception], int] = DEFAULT_STATUSES) -> Problem:
    """The problem+json answer for a domain or use-case error."""
    status = status_of(exc, statuses)
    return Problem(status, exc.detail, title=exc.title, type_=exc.type, errors=exc.errors, headers=exc.headers,
                   **exc.extra)


def install_problem_handlers(app: FastAPI, statuses: Mapping[type[Exception], int] | None = None) -> None:
    table: dict[type[Exception], int] = {**DEFAULT_STATUSES, **(statuses or {})}

    @app.exception_handler(ex.DomainError)
    async def _domain(request: Request, exc: ex.DomainError) -> JSONResponse:
        return problem_response(problem_from(exc, table), request)

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(validation_problem(_validation_errors(exc)), request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return problem_response(Problem(exc.status_code, detail, headers=getattr(exc, "headers", None)), request)

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, exc: ClientDisconnect) -> JSONResponse:
        # The caller hung up while its body was being read (it timed out, or was killed): nobody
        # reads this answer and nothing was done; not a fault of ours.
        log.info("client disconnected before its request was read", path=request.url.path)
        return problem_response(Problem(400, "the client closed the connection before the request was read"),
                                request)

    @app.exception_handler(PoolTimeout)
    async def _busy(request: Request, exc: PoolTimeout) -> JSONResponse:
        # Every database connection stayed busy for the pool's whole wait: an overload, not a
        # bug. The caller is told to come back (a service client or the bus retries a 503),
        # and nothing was done, since no statement ran.
        log.warning("database connections exhausted; answered 503", path=request.url.path)
        return problem_response(Problem(503, "the service is busy; try again shortly", title="Service Unavailable",
                                        headers={"Retry-After": "1"}), request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(internal_error(request), request)


def internal_error(request: Request) -> Problem:
    """The answer to a bug: nothing of the exception (it goes to the log, with the traceback),
    only the correlation id that finds it there. Starlette calls this handler outside every
    middleware, so the id is read from the request's state and the headers that matter on an
    error are set here."""
    state = request.scope.get("state")
    cid = str(state.get("correlation_id") or "") if isinstance(state, dict) else ""
    cid = cid or new_correlation_id()
    token = correlation_id_var.set(cid)
    try:
        log.exception("unhandled error", path=request.url.path)
    finally:
        correlation_id_var.reset(token)
    return Problem(500, "internal error; quote the correlation id when reporting it", correlation_id=cid,
                   headers={"X-Correlation-ID": cid, "Cache-Control": "no-store",
                            "X-Content-Type-Options": "nosniff"})


class FieldProblem(BaseModel):
    field: str
    message: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details; validation problems name the fields in ``errors``."""

    model_config = ConfigDict(extra="allow", title="ProblemDetails")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    field: str | None = None
    errors: list[FieldProblem] | None = None
    correlation_id: str | None = Field(None, description="on a 500: the id to quote when reporting it")


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for these error codes, each a problem+json document."""
    return {code: {"description": _TITLES.get(code, "Error"), "model": ProblemDetails} for code in codes}


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = problem_responses(400, 401, 403, 404, 409, 422)

_PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetails"}


def framework_statuses(operation: dict[str, Any]) -> list[int]:
    """The 4xx any route answers whatever its code, from what the operation takes: a body can be
    malformed (400: not JSON, or an unreadable form), too large (413, the body limit before the
    route runs) or invalid (422); a parameter can be invalid (422)."""
    codes: list[int] = []
    if "requestBody" in operation:
        codes += [400, 413, 422]
    elif operation.get("parameters"):
        codes.append(422)
    return codes


def problem_openapi(app: FastAPI) -> None:
    """Make every error response of ``app``'s OpenAPI a problem+json document with its schema.

    FastAPI documents error models as ``application/json`` and validation errors with its own
    schema; the services answer ``application/problem+json`` with :class:`ProblemDetails`.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = build()
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")\
                .get("$defs", {}).items():
            schemas.setdefault(name, schema)
        schemas["ProblemDetails"] = {k: v for k, v in ProblemDetails.model_json_schema(
            ref_template="#/components/schemas/{model}").items() if k != "$defs"}
        for path in doc.get("paths", {}).values():
            for op in path.values():
                responses = op.setdefault("responses", {})
                for code in framework_statuses(op):
                    responses.setdefault(str(code), {"description": _TITLES[code]})
                for code, answer in responses.items():
                    if code == "default" or int(code) >= 400:
                        answer["content"] = {PROBLEM_JSON: {"schema": _PROBLEM_REF}}
                responses.setdefault("default", {"description": "Any other error",
                                                 "content": {PROBLEM_JSON: {"schema": _PROBLEM_REF}}})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
