"""The application's states and the transitions between them (SPEC section 2).

Shared by the portal, SIKI and the LSP: SIKI's timeline is the record of truth and refuses a
transition this table does not allow; the LSP and the portal keep the same states.
"""

from __future__ import annotations

from enum import StrEnum


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    FORWARDED = "forwarded"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    INVOICED = "invoiced"
    CANCELLED = "cancelled"
    PAYMENT_UPLOADED = "payment_uploaded"
    PAYMENT_REJECTED = "payment_rejected"
    PAYMENT_VERIFIED = "payment_verified"
    IN_CERTIFICATION = "in_certification"
    SCHEDULED = "scheduled"
    ASSESSED = "assessed"
    COMPETENT = "competent"
    NOT_YET_COMPETENT = "not_yet_competent"
    APPEALED = "appealed"
    APPEAL_UPHELD = "appeal_upheld"
    APPEAL_REJECTED = "appeal_rejected"
    SKK_NUMBERED = "skk_numbered"
    RECORDED = "recorded"
    CERTIFICATE_ISSUED = "certificate_issued"
    COMPLETED = "completed"
    # The applicant withdrew before a decision (SPEC section 8): final, frees its place.
    WITHDRAWN = "withdrawn"


S = ApplicationStatus

TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.FORWARDED}),
    S.FORWARDED: frozenset({S.RETURNED, S.ACCEPTED}),
    S.RETURNED: frozenset({S.SUBMITTED}),
    # A change (perubahan) is verified and decided without invoice or assessment: accepted ->
    # competent. Only that kind may take this edge; SIKI and the LSP check the kind.
    S.ACCEPTED: frozenset({S.INVOICED, S.COMPETENT}),
    # The payment deadline runs from the invoice until the proof is verified.
    S.INVOICED: frozenset({S.PAYMENT_UPLOADED, S.CANCELLED}),
    S.PAYMENT_UPLOADED: frozenset({S.PAYMENT_VERIFIED, S.PAYMENT_REJECTED}),
    S.PAYMENT_REJECTED: frozenset({S.PAYMENT_UPLOADED, S.CANCELLED}),
    S.PAYMENT_VERIFIED: frozenset({S.IN_CERTIFICATION}),
    S.IN_CERTIFICATION: frozenset({S.SCHEDULED}),
    S.SCHEDULED: frozenset({S.ASSESSED}),
    S.ASSESSED: frozenset({S.COMPETENT, S.NOT_YET_COMPETENT}),
    S.NOT_YET_COMPETENT: frozenset({S.APPEALED}),
    S.APPEALED: frozenset({S.APPEAL_UPHELD, S.APPEAL_REJECTED}),
    S.APPEAL_UPHELD: frozenset({S.SCHEDULED}),
    S.APPEAL_REJECTED: frozenset(),
    S.COMPETENT: frozenset({S.SKK_NUMBERED}),
    S.SKK_NUMBERED: frozenset({S.RECORDED}),
    S.RECORDED: frozenset({S.CERTIFICATE_ISSUED}),
    S.CERTIFICATE_ISSUED: frozenset({S.COMPLETED}),
    S.CANCELLED: frozenset(),
    S.COMPLETED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# An applicant may withdraw until the LSP decides (SPEC section 8, withdraw_application).
WITHDRAWABLE_STATES = frozenset({
    S.SUBMITTED, S.FORWARDED, S.RETURNED, S.ACCEPTED, S.INVOICED, S.PAYMENT_UPLOADED,
    S.PAYMENT_REJECTED, S.PAYMENT_VERIFIED, S.IN_CERTIFICATION, S.SCHEDULED, S.ASSESSED,
})
for _state in WITHDRAWABLE_STATES:
    TRANSITIONS[_state] = TRANSITIONS[_state] | {S.WITHDRAWN}

FINAL_STATES = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)

# Applications "in progress" for the ownership limits: from submission until the SKK is
# recorded (from then on it counts as an SKK held). Ended ones do not count.
IN_PROGRESS_STATES = frozenset({
    S.SUBMITTED, S.FORWARDED, S.RETURNED, S.ACCEPTED, S.INVOICED, S.PAYMENT_UPLOADED,
    S.PAYMENT_REJECTED, S.PAYMENT_VERIFIED, S.IN_CERTIFICATION, S.SCHEDULED, S.ASSESSED,
    S.COMPETENT, S.SKK_NUMBERED, S.APPEALED, S.APPEAL_UPHELD,
})
# The ownership limits count, besides those, every application that is or could still become an
# SKK: its SKK recorded by SIKI's own states (counted once with the register's row for it), and
# ``not_yet_competent`` while its appeal window is open (SIKI decides that with the calendar).
SKK_RECORDED_STATES = frozenset({S.RECORDED, S.CERTIFICATE_ISSUED, S.COMPLETED})


class TransitionError(ValueError):
    def __init__(self, current: ApplicationStatus, target: ApplicationStatus) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none (final state)"
        super().__init__(f"cannot move from {current.value!r} to {target.value!r}; allowed next: {allowed}")
        self.current = current
        self.target = target


def can_transition(current: ApplicationStatus, target: ApplicationStatus) -> bool:
    return target in TRANSITIONS[current]


def check_transition(current: ApplicationStatus, target: ApplicationStatus) -> None:
    if not can_transition(current, target):
        raise TransitionError(current, target)


class CertificateStatus(StrEnum):
    """A recorded certificate's standing at LPJK (issue 16). ``expired`` is not stored: it is the
    answer for an ``active`` one past its ``valid_until``."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"  # replaced by a renewal's or a change's certificate
    EXPIRED = "expired"
