"""Who may move an application to which state, as SIKI enforces it (docs/CONTRACTS.md)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.kinds import CHANGE
from shared.contracts.states import TRANSITIONS, ApplicationStatus
from shared.exceptions import Conflict, Invalid

S = ApplicationStatus

# The portal's commands (and SIKI itself) set these; an LSP never reports them.
NOT_REPORTABLE_BY_LSP = frozenset({S.DRAFT, S.SUBMITTED, S.PAYMENT_UPLOADED, S.APPEALED, S.COMPLETED, S.WITHDRAWN})


@dataclass(frozen=True)
class ReportPlan:
    """What a status report does: ``forwarded_first`` records delivery before the step."""

    forwarded_first: bool
    target: ApplicationStatus


class NotReportable(Invalid):
    """An LSP reported a status that only the portal's commands (or SIKI) set."""

    def __init__(self, detail: str, current: ApplicationStatus, allowed: list[str]) -> None:
        # The problem names the field and, for the caller to recover, where the application is.
        super().__init__(detail, field="status", current_status=current.value, allowed=allowed)
        self.current = current
        self.allowed = allowed


class TransitionRefused(Conflict):
    """The state machine does not allow the step from the application's current status."""

    def __init__(self, detail: str, current: ApplicationStatus, allowed: list[str]) -> None:
        super().__init__(detail, field="status", current_status=current.value, allowed=allowed)
        self.current = current
        self.allowed = allowed


# A change (perubahan) is verified and decided with no invoice and no assessment: from
# ``accepted`` it goes to ``competent`` only; every other kind goes on to the invoice.
_CHANGE_ONLY = {S.ACCEPTED: frozenset({S.COMPETENT})}
_NOT_FOR_CHANGE = {S.ACCEPTED: frozenset({S.INVOICED})}


def next_states(current: ApplicationStatus, kind: str = "baru") -> frozenset[ApplicationStatus]:
    """The states an application of ``kind`` may move to from ``current``."""
    barred = _NOT_FOR_CHANGE if kind == CHANGE else _CHANGE_ONLY
    return TRANSITIONS[current] - barred.get(current, frozenset())


def allowed_next(current: ApplicationStatus, kind: str = "baru") -> list[str]:
    return sorted(s.value for s in next_states(current, kind))


def check_transition(current: ApplicationStatus, target: ApplicationStatus, kind: str = "baru") -> None:
    """Raise :class:`TransitionRefused` unless the state machine allows ``current -> target``."""
    if target not in next_states(current, kind):
        raise _refused(current, current, target, kind)


def _refused(current: ApplicationStatus, effective: ApplicationStatus,
             target: ApplicationStatus, kind: str = "baru") -> TransitionRefused:
    allowed = allowed_next(effective, kind)
    if kind == CHANGE and target in _NOT_FOR_CHANGE.get(effective, ()):
        return TransitionRefused(
            f"cannot move application from {current.value!r} to {target.value!r}: a change (perubahan) has no "
            f"invoice and no assessment; allowed next: {', '.join(allowed)}", current, allowed)
    if target in _CHANGE_ONLY.get(effective, ()):
        return TransitionRefused(
            f"cannot move application from {current.value!r} to {target.value!r}: only a change (perubahan) is "
            f"decided without invoice and assessment; allowed next: {', '.join(allowed)}", current, allowed)
    return TransitionRefused(
        f"cannot move application from {current.value!r} to {target.value!r}; "
        f"allowed next: {', '.join(allowed) or 'none (final state)'}",
        current, allowed,
    )


def plan_report(current: ApplicationStatus, reported: ApplicationStatus, kind: str = "baru") -> ReportPlan:
    """Check an LSP's report against the state machine; raise :class:`NotReportable` or
    :class:`TransitionRefused`.

    A report while SIKI still shows ``submitted`` proves the webhook reached the LSP, so the
    report is checked as if from ``forwarded`` (recorded first, in the same transaction).
    """
    if reported in NOT_REPORTABLE_BY_LSP:
        raise NotReportable(
            f"an LSP does not report {reported.value!r}: the portal's commands set it",
            current, allowed_next(current, kind),
        )
    if current == S.SUBMITTED and reported == S.FORWARDED:
        return ReportPlan(forwarded_first=False, target=S.FORWARDED)
    forwarded_first = current == S.SUBMITTED
    effective = S.FORWARDED if forwarded_first else current
    if reported not in next_states(effective, kind):
        raise _refused(current, effective, reported, kind)
    return ReportPlan(forwarded_first=forwarded_first, target=reported)


def submission_check(current: ApplicationStatus | None, stored_no: int | None, submission_no: int) -> str:
    """``new``, ``duplicate`` (answer again, no effect), ``resubmit``, or raise ValueError."""
    if current is None or stored_no is None:
        return "new"
    if submission_no <= stored_no:
        return "duplicate"
    if current != S.RETURNED:
        raise ValueError(
            f"a resubmission is allowed only from 'returned'; the application is {current.value!r}"
        )
    return "resubmit"
