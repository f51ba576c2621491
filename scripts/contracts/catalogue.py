"""What the generated event documents need to know about the catalogue, beyond the catalogue itself:
the broker topology (exchange, queue names), who consumes which queue, and readable names."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from shared.bus.rabbitmq import ATTEMPT_HEADER
from shared.contracts.events import CATALOGUE, Event
from shared.settings import ServiceSettings

EXCHANGE: str = ServiceSettings.model_fields["bus_exchange"].default
# What a ``*`` in a routing key stands for, by the key's first word (``lsp.*.report_pending``).
WILDCARD_PARAMETERS = {"lsp": "lsp_code"}
ATTEMPT = ATTEMPT_HEADER


def events() -> list[type[Event]]:
    """The catalogue, sorted by routing key (the order of the documents)."""
    return sorted(CATALOGUE, key=lambda cls: cls.event_type)


def parameter_of(event_type: str) -> str | None:
    """The name standing for the ``*`` of a routing key, or None when it has none."""
    if "*" not in event_type:
        return None
    return WILDCARD_PARAMETERS.get(event_type.split(".", 1)[0], "word")


def address(event_type: str) -> str:
    """The AsyncAPI channel address: ``lsp.*.report_pending`` -> ``lsp.{lsp_code}.report_pending``."""
    name = parameter_of(event_type)
    return event_type if name is None else event_type.replace("*", "{" + name + "}")


def readable_key(event_type: str) -> str:
    """``lsp.*.report_pending`` -> ``lsp.<lsp_code>.report_pending`` (for tables)."""
    name = parameter_of(event_type)
    return event_type if name is None else event_type.replace("*", f"<{name}>")


def type_pattern(event_type: str) -> str:
    """A regular expression matching the concrete routing keys of a wildcard type."""
    return "^" + r"\.".join("[^.]+" if w == "*" else re.escape(w) for w in event_type.split(".")) + "$"


def source_pattern(producers: tuple[str, ...]) -> str:
    """The envelope ``source`` values :meth:`Event.produced_by` accepts: ``siki`` or ``lsp:<code>``."""
    return "^(?:" + "|".join(re.escape(p) for p in sorted(producers)) + ")(?::.+)?$"


def consumer_of(queue: str) -> str:
    """The service that consumes a queue (its first word): ``siki.webhooks`` -> ``siki``."""
    return queue.split(".", 1)[0]


def readable_queue(queue: str) -> str:
    return queue.replace("*", "<lsp_code>") if queue.startswith("lsp.") else queue


def readable_producer(producer: str) -> str:
    return "each LSP (`lsp:<code>`)" if producer == "lsp" else producer


def broker_queue(queue: str) -> str:
    """The RabbitMQ queue name of a logical queue (``shared/bus/rabbitmq.py``: ``<exchange>.<queue>``)."""
    return f"{EXCHANGE}.{readable_queue(queue)}"


def type_name(tp: Any) -> str:
    """A short readable name of a field annotation: ``ApplicationStatus | None``, ``list[str]``."""
    if tp is type(None):
        return "None"
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(a) for a in typing.get_args(tp))
    if origin is typing.Annotated:  # a strict or bounded type reads as its base type
        return type_name(typing.get_args(tp)[0])
    if origin is not None:
        args = ", ".join(type_name(a) for a in typing.get_args(tp))
        return f"{getattr(origin, '__name__', str(origin))}[{args}]"
    return getattr(tp, "__name__", str(tp))


def payload_fields(cls: type[Event]) -> list[tuple[str, str, bool]]:
    """``(name, type, required)`` of each payload field, in declaration order."""
    return [(name, type_name(f.annotation), f.is_required()) for name, f in cls.model_fields.items()]
