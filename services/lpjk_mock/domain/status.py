"""A recorded certificate's standing over its life (plain Python, no I/O): the transitions LPJK
allows, what verification answers for a standing on a given day, and the status-list index.

Stored standings: ``active``, ``suspended``, ``revoked``, ``superseded``. ``expired`` is never
stored: it is the answer for an ``active`` certificate past its ``valid_until`` (in WIB).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import date

from shared.contracts.states import CertificateStatus
from shared.credentials import STATUS_LIST_SIZE
from shared.exceptions import Conflict

ACTIVE, SUSPENDED = CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED
REVOKED, SUPERSEDED, EXPIRED = CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED, CertificateStatus.EXPIRED
STORED: tuple[CertificateStatus, ...] = (ACTIVE, SUSPENDED, REVOKED, SUPERSEDED)
FINAL: frozenset[CertificateStatus] = frozenset({REVOKED, SUPERSEDED})

# from -> the standings it may move to. Revoked and superseded are final.
TRANSITIONS: dict[CertificateStatus, frozenset[CertificateStatus]] = {
    ACTIVE: frozenset({SUSPENDED, REVOKED, SUPERSEDED}),
    SUSPENDED: frozenset({ACTIVE, REVOKED, SUPERSEDED}),
    REVOKED: frozenset(),
    SUPERSEDED: frozenset(),
}

# The operators' actions and the standing each one leads to.
ACTIONS: dict[str, CertificateStatus] = {"suspend": SUSPENDED, "reinstate": ACTIVE, "revoke": REVOKED,
                                         "supersede": SUPERSEDED}

_DONE = {"suspend": "suspended", "reinstate": "reinstated", "revoke": "revoked", "supersede": "superseded"}

# Verification's reasons for a certificate that does not verify (``VerificationResult.reason``).
REASONS: dict[CertificateStatus, str] = {REVOKED: "revoked", SUSPENDED: "suspended", SUPERSEDED: "superseded",
                                         EXPIRED: "expired"}
NOT_YET_VALID = "not yet valid"


class TransitionRefused(Conflict):
    """The certificate's standing does not allow that change (e.g. reinstating a revoked one)."""


@dataclass(frozen=True)
class Change:
    """What an action does to a certificate: ``changed`` False for a repeat of the same action
    (the certificate already stands so), which changes nothing and publishes nothing."""

    previous: CertificateStatus
    status: CertificateStatus
    changed: bool


def can_move(current: CertificateStatus, target: CertificateStatus) -> bool:
    return target in TRANSITIONS[CertificateStatus(current)]


def apply(current: CertificateStatus | str, action: str) -> Change:
    """The change ``action`` (suspend, reinstate, revoke, supersede) makes to a certificate
    standing ``current``; :class:`TransitionRefused` naming the standing if it is not allowed."""
    now = CertificateStatus(current)
    if now not in TRANSITIONS:
        raise ValueError(f"{now} is not a stored standing")
    target = ACTIONS[action]
    if target == now:
        return Change(now, now, changed=False)
    if not can_move(now, target):
        raise TransitionRefused(
            f"a {now.value} certificate cannot be {_DONE[action]}",
            errors=[{"field": "status", "message": f"the certificate is {now.value}"}],
            certificate_status=now.value)
    return Change(now, target, changed=True)


@dataclass(frozen=True)
class Standing:
    """What verification answers: the public status, whether it verifies, and why not."""

    status: CertificateStatus
    valid: bool
    reason: str | None


def standing(stored: CertificateStatus | str, issued_on: date, valid_until: date, today: date) -> Standing:
    """The answer for a certificate standing ``stored`` ``today`` (a WIB date): valid only when
    active within its dates. A final or suspended standing wins over the dates."""
    now = CertificateStatus(stored)
    if now != ACTIVE:
        return Standing(now, False, REASONS[now])
    if today > valid_until:
        return Standing(EXPIRED, False, REASONS[EXPIRED])
    if today < issued_on:
        return Standing(ACTIVE, False, NOT_YET_VALID)
    return Standing(ACTIVE, True, None)


# -- status list index --------------------------------------------------------------------------

def draw_index(taken: Container[int], randbelow: Callable[[int], int] | None = None,
               size: int = STATUS_LIST_SIZE, attempts: int = 64) -> int:
    """A free status-list index drawn uniformly at random from ``0..size-1``, so that an index
    says nothing about when the certificate was issued (herd privacy). ``taken`` answers
    membership; after ``attempts`` misses (a nearly full list) the free ones are listed and one
    of them drawn. ``ValueError`` when the list is full."""
    draw = randbelow or random.SystemRandom().randrange
    for _ in range(attempts):
        i = draw(size)
        if i not in taken:
            return i
    free = [i for i in range(size) if i not in taken]
    if not free:
        raise ValueError(f"the status list is full ({size} entries)")
    return free[draw(len(free))]
