"""Structured JSON logs with the correlation id, and personal data kept out of them.

NIK and NPWP must never reach a log line: fields with those names are masked, and any run of
15 or 16 digits in a message or value is masked too, whatever key carries it.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import MutableMapping
from contextvars import ContextVar
from typing import Any

import structlog

correlation_id_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)

_SENSITIVE_KEYS = frozenset({"nik", "npwp", "password", "password_repeat", "token", "secret", "authorization"})
_ID_NUMBER = re.compile(r"(?<!\d)\d{15,16}(?!\d)")


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def get_correlation_id() -> str:
    cid = correlation_id_var.get()
    if cid is None:
        cid = new_correlation_id()
        correlation_id_var.set(cid)
    return cid


def mask_identity_numbers(text: str) -> str:
    return _ID_NUMBER.sub(lambda m: m.group(0)[:4] + "*" * (len(m.group(0)) - 4), text)


def _redact(value: Any, key: str | None = None) -> Any:
    if key is not None and key.lower() in _SENSITIVE_KEYS:
        return "***"
    if isinstance(value, str):
        return mask_identity_numbers(value)
    if isinstance(value, dict):
        return {k: _redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(v) for v in value]
    return value


def redact_processor(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event_dict.keys()):
        event_dict[key] = _redact(event_dict[key], key if key != "event" else None)
    return event_dict


def _add_correlation_id(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    cid = correlation_id_var.get()
    if cid is not None and "correlation_id" not in event_dict:
        event_dict["correlation_id"] = cid
    return event_dict


class _RedactingFilter(logging.Filter):
    """Masks identity numbers in records of libraries that log through stdlib logging."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_identity_numbers(record.msg)
        if record.args:
            record.args = tuple(mask_identity_numbers(a) if isinstance(a, str) else a for a in record.args) \
                if isinstance(record.args, tuple) else record.args
        return True


_configured = False


def configure_logging(level: str = "INFO", json: bool = True) -> None:
    global _configured
    shared_processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        _add_correlation_id,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact_processor,
    ]
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[*shared_processors, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )
    if not _configured:
        handler = logging.StreamHandler(sys.stderr)
        handler.addFilter(_RedactingFilter())
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root = logging.getLogger()
        root.handlers = [handler]
        root.setLevel(level.upper())
        for noisy in ("aiormq", "aio_pika", "httpx", "httpcore", "mail.log", "fontTools"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        _configured = True


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)
