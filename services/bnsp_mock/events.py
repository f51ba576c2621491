"""What the bnsp service publishes and consumes on the bus: nothing.

BNSP answers LSPs synchronously (``create_issuance``) and keeps no event-driven state: it
publishes no event and consumes none. Its outbox and inbox tables exist only because every
service's runtime has them.
"""

from __future__ import annotations

from shared.contracts.events import Event
from shared.runtime import ServiceRuntime

PUBLISHES: tuple[type[Event], ...] = ()
CONSUMES: tuple[type[Event], ...] = ()


def register_consumers(runtime: ServiceRuntime) -> None:
    """Subscribe this service's consumers: none (see :data:`CONSUMES`)."""
