"""The LSP's state machine: which action, by which role, from which states, to which states.

Every result state sequence is a path in the chain's shared transition table
(``shared.contracts.states.TRANSITIONS``); the unit tests check that, so the LSP can never
ask SIKI for a step SIKI would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.contracts.kinds import CHANGE
from shared.contracts.states import WITHDRAWABLE_STATES
from shared.contracts.states import ApplicationStatus as S
from shared.exceptions import Conflict, DomainError, Forbidden


class Role(StrEnum):
    ADMIN = "admin"
    ASESOR = "asesor"
    KOMITE = "komite"
    # Steps the LSP takes on SIKI's word (webhooks) or on its own clock (the deadline sweep).
    SIKI = "siki"
    SYSTEM = "system"


class Action(StrEnum):
    ACCEPT_APPLICATION = "accept_application"
    REJECT_APPLICATION = "reject_application"
    VERIFY_PAYMENT_VALID = "verify_payment_valid"
    VERIFY_PAYMENT_INVALID = "verify_payment_invalid"
    START_CERTIFICATION = "start_certification"
    SCHEDULE_ASSESSMENT = "schedule_assessment"
    SUBMIT_ASSESSMENT_REPORT = "submit_assessment_report"
    DECIDE_KOMPETEN = "decide_kompeten"
    DECIDE_BELUM_KOMPETEN = "decide_belum_kompeten"
    UPHOLD_APPEAL = "uphold_appeal"
    REJECT_APPEAL = "reject_appeal"
    CANCEL_OVERDUE = "cancel_overdue"
    RECEIVE_RESUBMISSION = "receive_resubmission"
    RECEIVE_PAYMENT_PROOF = "receive_payment_proof"
    RECEIVE_APPEAL = "receive_appeal"
    RECEIVE_COMPLETION = "receive_completion"
    RECEIVE_WITHDRAWAL = "receive_withdrawal"


@dataclass(frozen=True)
class Rule:
    role: Role
    from_states: frozenset[S]
    # The states the application passes through, in order; the last is where it ends.
    results: tuple[S, ...]


RULES: dict[Action, Rule] = {
    # Accepting signs APL-01 (accepted, "pre-assessment") and issues the invoice at once.
    Action.ACCEPT_APPLICATION: Rule(Role.ADMIN, frozenset({S.FORWARDED}), (S.ACCEPTED, S.INVOICED)),
    Action.REJECT_APPLICATION: Rule(Role.ADMIN, frozenset({S.FORWARDED}), (S.RETURNED,)),
    Action.VERIFY_PAYMENT_VALID: Rule(Role.ADMIN, frozenset({S.PAYMENT_UPLOADED}), (S.PAYMENT_VERIFIED,)),
    Action.VERIFY_PAYMENT_INVALID: Rule(Role.ADMIN, frozenset({S.PAYMENT_UPLOADED}), (S.PAYMENT_REJECTED,)),
    Action.START_CERTIFICATION: Rule(Role.ADMIN, frozenset({S.PAYMENT_VERIFIED}), (S.IN_CERTIFICATION,)),
    Action.SCHEDULE_ASSESSMENT: Rule(Role.ADMIN, frozenset({S.IN_CERTIFICATION, S.APPEAL_UPHELD}),
                                     (S.SCHEDULED,)),
    Action.SUBMIT_ASSESSMENT_REPORT: Rule(Role.ASESOR, frozenset({S.SCHEDULED}), (S.ASSESSED,)),
    Action.DECIDE_KOMPETEN: Rule(Role.KOMITE, frozenset({S.ASSESSED}), (S.COMPETENT,)),
    Action.DECIDE_BELUM_KOMPETEN: Rule(Role.KOMITE, frozenset({S.ASSESSED}), (S.NOT_YET_COMPETENT,)),
    Action.UPHOLD_APPEAL: Rule(Role.KOMITE, frozenset({S.APPEALED}), (S.APPEAL_UPHELD,)),
    Action.REJECT_APPEAL: Rule(Role.KOMITE, frozenset({S.APPEALED}), (S.APPEAL_REJECTED,)),
    Action.CANCEL_OVERDUE: Rule(Role.SYSTEM, frozenset({S.INVOICED, S.PAYMENT_REJECTED}), (S.CANCELLED,)),
    Action.RECEIVE_RESUBMISSION: Rule(Role.SIKI, frozenset({S.RETURNED}), (S.SUBMITTED, S.FORWARDED)),
    Action.RECEIVE_PAYMENT_PROOF: Rule(Role.SIKI, frozenset({S.INVOICED, S.PAYMENT_REJECTED}),
                                       (S.PAYMENT_UPLOADED,)),
    Action.RECEIVE_APPEAL: Rule(Role.SIKI, frozenset({S.NOT_YET_COMPETENT}), (S.APPEALED,)),
    Action.RECEIVE_COMPLETION: Rule(Role.SIKI, frozenset({S.CERTIFICATE_ISSUED}), (S.COMPLETED,)),
    # The applicant withdrew before a decision (SPEC section 8): final, every later action refused.
    Action.RECEIVE_WITHDRAWAL: Rule(Role.SIKI, WITHDRAWABLE_STATES, (S.WITHDRAWN,)),
}

# A change (perubahan) of the holder's data on a held SKK: verified by the admin, then decided by
# the komite straight from ``accepted`` (no invoice, no assessment; the shared table allows
# accepted -> competent for a change only). Belum kompeten is not a choice for a change: a wrong
# change is returned at verification. The other rules never meet a change (it never reaches
# their states).
CHANGE_RULES: dict[Action, Rule] = {
    Action.ACCEPT_APPLICATION: Rule(Role.ADMIN, frozenset({S.FORWARDED}), (S.ACCEPTED,)),
    Action.DECIDE_KOMPETEN: Rule(Role.KOMITE, frozenset({S.ACCEPTED}), (S.COMPETENT,)),
    Action.DECIDE_BELUM_KOMPETEN: Rule(Role.KOMITE, frozenset(), (S.NOT_YET_COMPETENT,)),
}


def rules_for(kind: str | None) -> dict[Action, Rule]:
    """The rules of an application of ``kind`` (baru and perpanjangan follow :data:`RULES`)."""
    return {**RULES, **CHANGE_RULES} if kind == CHANGE else RULES


STAFF_ROLES = frozenset({Role.ADMIN, Role.ASESOR, Role.KOMITE})


class ActionRefused(DomainError):
    """The action is not allowed now: :class:`RoleRefused` or :class:`StateRefused`."""


class RoleRefused(ActionRefused, Forbidden):
    """The caller lacks the action's role (``required_role`` names it)."""

    def __init__(self, action: Action, role: Role) -> None:
        super().__init__(f"{action.value} needs the role {role.value!r}", required_role=role.value)


class StateRefused(ActionRefused, Conflict):
    """The application is not in a state the action starts from (``current_status`` names it)."""

    def __init__(self, action: Action, state: S, allowed: frozenset[S]) -> None:
        names = ", ".join(sorted(s.value for s in allowed))
        detail = f"{action.value} is not allowed while the application is {state.value!r} (only from: {names})"
        super().__init__(detail, errors=[{"field": "status", "message": detail}], current_status=state.value)


class KindRefused(ActionRefused, Conflict):
    """The action is never allowed on an application of this kind (``application_kind`` names it)."""

    def __init__(self, action: Action, kind: str) -> None:
        detail = f"{action.value} is not allowed on an application of kind {kind!r}"
        if action is Action.DECIDE_BELUM_KOMPETEN:
            detail += ": a change is not assessed; a wrong change is returned at verification"
        super().__init__(detail, errors=[{"field": "result" if action is Action.DECIDE_BELUM_KOMPETEN else "status",
                                          "message": detail}], application_kind=kind)


def allowed_actions(state: S, kind: str | None = None) -> frozenset[Action]:
    return frozenset(a for a, r in rules_for(kind).items() if state in r.from_states)


def check_action(action: Action, state: S, roles: frozenset[str] | set[str] | None = None,
                 kind: str | None = None) -> Rule:
    """The rule of ``action`` if ``roles`` (None: a system step) may take it from ``state`` on an
    application of ``kind`` (None: baru).

    The role is checked first: someone who may never take an action learns nothing of the
    application's state from trying it.
    """
    rule = rules_for(kind)[action]
    if roles is not None and rule.role.value not in roles:
        raise RoleRefused(action, rule.role)
    if not rule.from_states:
        raise KindRefused(action, str(kind))
    if state not in rule.from_states:
        raise StateRefused(action, state, rule.from_states)
    return rule
