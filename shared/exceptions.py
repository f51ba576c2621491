"""The errors that domain rules and use cases raise: plain Python, no HTTP.

Each service's entry points translate them to problem+json through one table
(:func:`shared.errors.install_problem_handlers`): the base classes here map to 404, 409, 422,
403, 413, 415, 429, 502 and 503; a service can map its own subclasses differently.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request refused by a rule. ``errors`` name the offending fields (``{"field", "message"}``);
    ``extra`` adds members to the problem body (for example ``status`` of the application)."""

    title: str | None = None

    def __init__(self, detail: str, *, errors: list[dict[str, str]] | None = None, title: str | None = None,
                 type_: str = "about:blank", headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = [dict(e) for e in (errors or [])]
        if title is not None:
            self.title = title
        self.type = type_
        self.headers = headers
        self.extra = extra


class NotFound(DomainError):
    """The thing does not exist, or is not the caller's to see."""


class Conflict(DomainError):
    """The request does not fit the current state (a state machine refused it, a duplicate)."""


class Invalid(DomainError):
    """The input breaks a rule; ``errors`` say which fields."""

    @classmethod
    def fields(cls, errors: list[dict[str, str]], detail: str | None = None, **extra: Any) -> Invalid:
        names = ", ".join(e["field"] for e in errors)
        return cls(detail or f"invalid fields: {names}", errors=errors, **extra)

    @classmethod
    def field(cls, field: str, message: str, **extra: Any) -> Invalid:
        return cls.fields([{"field": field, "message": message}], **extra)


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class Unauthenticated(DomainError):
    """The caller could not be identified."""


class Gone(DomainError):
    """The thing existed but is used up or expired (for example an activation link)."""


class TooLarge(DomainError):
    """An upload or a body over its limit."""


class UnsupportedType(DomainError):
    """An upload of a type that is not accepted."""


class TooManyRequests(DomainError):
    """A throttle refused the request."""


class UpstreamRefused(DomainError):
    """Another party answered, but with an error this service cannot turn into anything better."""


class Unavailable(DomainError):
    """Another party could not be reached; nothing was changed."""
