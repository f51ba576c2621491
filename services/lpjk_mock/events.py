"""What the lpjk service publishes and consumes on the bus.

Publishes:

- ``skk.recorded`` (:class:`SkkRecorded`, with the holder's NIK, for SIKI's register of SKK per
  NIK): staged in the outbox by ``usecases.records.Records.create`` in the transaction that stores
  a new record, so the record and its event commit together; a repeat publishes nothing.
- ``certificate.status_changed`` (:class:`CertificateStatusChanged`, for SIKI's register and the
  holder's portal): staged by ``usecases.status`` with each suspension, reinstatement, revocation
  and supersession (by ``create_record`` with ``replaces``), ``seq`` the certificate's
  ``status_seq``; a repeat of the same action publishes nothing.

Consumes nothing: LSPs reach LPJK over HTTP (``create_record``), and the public verifies there.
"""

from __future__ import annotations

from shared.contracts.events import CertificateStatusChanged, Event, SkkRecorded
from shared.runtime import ServiceRuntime

PUBLISHES: tuple[type[Event], ...] = (SkkRecorded, CertificateStatusChanged)
CONSUMES: tuple[type[Event], ...] = ()


def register_consumers(runtime: ServiceRuntime) -> None:
    """Subscribe this service's consumers: none (see :data:`CONSUMES`)."""
