"""Event authenticity on the consuming side (docs/CONTRACTS.md "Event authenticity"): an event
takes effect only if the producer its transport vouches for (``Delivery.producer``) is the
envelope's ``source`` and may publish that type according to the catalogue
(``shared/contracts/events.py``). Anything else is refused: dead-lettered at once with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.bus.base import Delivery
from shared.bus.envelope import EventEnvelope
from shared.contracts.events import Event


@dataclass(frozen=True)
class Refusal:
    code: str  # the metric's reason label: no_producer, unknown_user, source_mismatch, producer_not_allowed
    reason: str  # said on the dead letter and in the log (never a payload)


def producer_refusal(cls: type[Event], envelope: EventEnvelope, delivery: Delivery) -> Refusal | None:
    """Why ``envelope`` (of catalogue type ``cls``) must be refused, or None when its producer is allowed."""
    producer, kind = delivery.producer, envelope.type
    if producer is None:
        if delivery.producer_user is not None:
            return Refusal("unknown_user", f"broker user {delivery.producer_user!r} stands for no service "
                                           f"and may not publish {kind}")
        return Refusal("no_producer", f"nobody vouches for the producer of {kind} (no broker user_id, no source)")
    if envelope.source != producer:
        return Refusal("source_mismatch", f"producer {producer!r} may not publish {kind} "
                                          f"as {envelope.source!r}")
    if not cls.produced_by(producer) or not _own_instance(cls, producer, kind):
        return Refusal("producer_not_allowed", f"producer {producer!r} may not publish {kind}")
    return None


def _own_instance(cls: type[Event], producer: str, routing_key: str) -> bool:
    """An LSP's own event (``lsp.<code>.<name>``) only from that very LSP."""
    for_lsp = getattr(cls, "for_lsp", None)
    if for_lsp is None or not producer.startswith("lsp:"):
        return True
    return bool(for_lsp(producer.split(":", 1)[1]) == routing_key)
