"""Structured JSON logs with the correlation id, and personal data kept out of them.

What never reaches a log line in clear (UU 27/2022):

- NIK and NPWP in every written form: 15 or 16 digits, bare or with spaces, dots or dashes
  ("3171 0101 0101 0001", "3171-01-01...", "01.234.567.8-901.000"), the first four digits kept;
- email addresses: the first character and the domain kept ("a***@example.id");
- Indonesian phone numbers: ``+62`` followed by 8 to 12 digits, and mobile numbers written
  ``62 8...`` or ``08...`` (with spaces, dots or dashes), the first four digits kept. Landline
  numbers without ``+62`` ("(021) 555-1234") are not recognised: they are not personal on their own
  and look like any other number;
- the values of fields named for secrets, identity numbers, names and contact details
  (:data:`SENSITIVE_KEYS`): ``***`` whatever they hold.

Both structlog event dicts (keys and values, nested) and stdlib ``logging`` records (the message
formatted with its arguments, whatever their types, and the traceback) are masked. ``name`` alone
is not a masked key: services, queues and LSPs have names; a person's name is logged under
``first_name``, ``last_name``, ``full_name`` or ``holder_name`` (all masked).
"""

from __future__ import annotations

import importlib
import logging
import re
import sys
import uuid
from collections.abc import MutableMapping
from contextvars import ContextVar
from typing import Any

from shared.lean_imports import unused_extras_hidden

with unused_extras_hidden():  # structlog's console renderer pulls rich in (shared/lean_imports.py)
    import structlog

correlation_id_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)

SENSITIVE_KEYS = frozenset({
    # secrets
    "password", "password_repeat", "current_password", "new_password", "token", "access_token",
    "refresh_token", "secret", "webhook_secret", "authorization", "cookie", "api_key",
    # identity numbers
    "nik", "npwp",
    # a person's name, birth and contact details
    "first_name", "last_name", "full_name", "holder_name", "applicant_name", "mother_name", "nama",
    "birth_date", "birth_place", "address", "phone", "phone_number",
})
_MASKED = "***"

_EMAIL = re.compile(r"(?<![\w.%+-])([A-Za-z0-9%+_-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
# 15 or 16 digits, a space, dot or dash allowed between any two.
_ID_NUMBER = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){14,15}(?!\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+62[ .\-]?\(?\d\)?(?:[ .\-]?\d){7,11}|(?:62[ .\-]?|0)8(?:[ .\-]?\d){7,11})(?!\d)")
# A long hexadecimal identifier (a UUID, a SHA-256, a correlation id) is not an identity number
# even where a run of its digits is as long as one.
_HEX_TOKEN = re.compile(r"[0-9A-Fa-f-]+")
_MAX_DEPTH = 12


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def get_correlation_id() -> str:
    cid = correlation_id_var.get()
    if cid is None:
        cid = new_correlation_id()
        correlation_id_var.set(cid)
    return cid


def _keep_digits(text: str, keep: int) -> str:
    out, seen = [], 0
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= keep else "*")
        else:
            out.append(ch)
    return "".join(out)


def _inside_hex_identifier(text: str, start: int, end: int) -> bool:
    left = start
    while left > 0 and _HEX_TOKEN.fullmatch(text[left - 1]):
        left -= 1
    token = _HEX_TOKEN.match(text, left)
    if token is None or token.end() < end:
        return False
    body = token.group(0).replace("-", "")
    return len(body) >= 32 and any(c.isalpha() for c in body)


def mask_identity_numbers(text: str) -> str:
    """NIK and NPWP (15 or 16 digits, separators allowed), the first four digits kept."""
    def one(m: re.Match[str]) -> str:
        if _inside_hex_identifier(text, m.start(), m.end()):
            return m.group(0)
        return _keep_digits(m.group(0), 4)
    return _ID_NUMBER.sub(one, text)


def mask_personal_data(text: str) -> str:
    """Email addresses, NIK/NPWP and Indonesian phone numbers in free text, masked."""
    if not any(c.isdigit() or c == "@" for c in text):
        return text
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    text = mask_identity_numbers(text)
    return _PHONE.sub(lambda m: _keep_digits(m.group(0), 4), text)


def _redact(value: Any, key: str | None = None, depth: int = 0) -> Any:
    if key is not None and key.lower() in SENSITIVE_KEYS:
        return _MASKED
    if isinstance(value, str):
        return mask_personal_data(value)
    if value is None or isinstance(value, bool | float):
        return value
    if depth >= _MAX_DEPTH:
        return _MASKED
    if isinstance(value, dict):
        return {_redact_key(k): _redact(v, str(k), depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact(v, None, depth + 1) for v in value]
    # An int NIK, a model, an exception: rendered (JSON and console renderers use repr), masked
    # if that shows anything personal, else left as it is.
    shown = str(value) if isinstance(value, int) else repr(value)
    masked = mask_personal_data(shown)
    return value if masked == shown else masked


def _redact_key(key: Any) -> Any:
    return mask_personal_data(key) if isinstance(key, str) else key


def redact_processor(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    masked = [(_redact_key(k), _redact(v, k if k != "event" else None)) for k, v in event_dict.items()]
    event_dict.clear()
    event_dict.update(masked)
    return event_dict


def _add_correlation_id(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    cid = correlation_id_var.get()
    if cid is not None and "correlation_id" not in event_dict:
        event_dict["correlation_id"] = cid
    return event_dict


class RedactingFilter(logging.Filter):
    """Masks the records of libraries that log through stdlib ``logging``: the message is
    formatted once with its arguments (whatever their types) and masked, and the traceback is
    rendered and masked, before any formatter sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a message that does not format: keep what it carried, masked
            message = f"{record.msg!s} {record.args!r}"
        record.msg, record.args = mask_personal_data(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True


class _Stderr:
    """Whatever ``sys.stderr`` is when a line is written (a test's capture, a redirect), not the
    one at configuration time."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


# The AMQP client libraries: on a broker outage they write tracebacks, WARNING and ERROR lines
# for every closed channel and reconnect attempt, although the robust connection recovers by
# itself. The bus reports an outage itself (shared.bus.rabbitmq: one WARNING when lost, one INFO
# with the attempt count when back, ERROR only when it lasts), so their lines are demoted to DEBUG.
BROKER_LIBRARIES = ("aiormq", "aio_pika")


class BrokerNoiseFilter(logging.Filter):
    """Demotes a broker library's WARNING and ERROR records to DEBUG (kept, as DEBUG, only when
    that library's logger is set to DEBUG); CRITICAL passes as it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno <= logging.DEBUG or record.levelno >= logging.CRITICAL:
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


_BROKER_NOISE = BrokerNoiseFilter()


def quiet_broker_libraries() -> None:
    """Put :class:`BrokerNoiseFilter` on every logger of the AMQP libraries (a logger's filter
    sees only the records of that logger itself, so each module's logger gets it). Idempotent."""
    names = [n for n in list(logging.root.manager.loggerDict)
             if any(n == lib or n.startswith(lib + ".") for lib in BROKER_LIBRARIES)]
    for name in {*BROKER_LIBRARIES, *names}:
        logger = logging.getLogger(name)
        if _BROKER_NOISE not in logger.filters:
            logger.addFilter(_BROKER_NOISE)


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
    if not json and structlog.dev.rich is None:  # hidden at import (shared/lean_imports.py)
        importlib.reload(structlog.dev)
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[*shared_processors, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(_Stderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )
    if not _configured:
        handler = logging.StreamHandler(_Stderr())
        handler.addFilter(RedactingFilter())
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root = logging.getLogger()
        root.handlers = [handler]
        root.setLevel(level.upper())
        for noisy in ("aiormq", "aio_pika", "httpx", "httpcore", "mail.log", "fontTools"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        _configured = True
    quiet_broker_libraries()


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)
