"""The state machine as a table: every allowed (action, state) pair and every refused one."""

from __future__ import annotations

import pytest

from services.lsp.domain.machine import (
    RULES,
    Action,
    ActionRefused,
    Role,
    RoleRefused,
    StateRefused,
    allowed_actions,
    check_action,
)
from shared.contracts.states import TRANSITIONS
from shared.contracts.states import ApplicationStatus as S
from shared.exceptions import Conflict, Forbidden

A = Action
# Written out from SPEC section 2 and the issue, not derived from RULES: the table RULES must match.
EXPECTED: dict[Action, tuple[str, set[S], tuple[S, ...]]] = {
    A.ACCEPT_APPLICATION: ("admin", {S.FORWARDED}, (S.ACCEPTED, S.INVOICED)),
    A.REJECT_APPLICATION: ("admin", {S.FORWARDED}, (S.RETURNED,)),
    A.VERIFY_PAYMENT_VALID: ("admin", {S.PAYMENT_UPLOADED}, (S.PAYMENT_VERIFIED,)),
    A.VERIFY_PAYMENT_INVALID: ("admin", {S.PAYMENT_UPLOADED}, (S.PAYMENT_REJECTED,)),
    A.START_CERTIFICATION: ("admin", {S.PAYMENT_VERIFIED}, (S.IN_CERTIFICATION,)),
    A.SCHEDULE_ASSESSMENT: ("admin", {S.IN_CERTIFICATION, S.APPEAL_UPHELD}, (S.SCHEDULED,)),
    A.SUBMIT_ASSESSMENT_REPORT: ("asesor", {S.SCHEDULED}, (S.ASSESSED,)),
    A.DECIDE_KOMPETEN: ("komite", {S.ASSESSED}, (S.COMPETENT,)),
    A.DECIDE_BELUM_KOMPETEN: ("komite", {S.ASSESSED}, (S.NOT_YET_COMPETENT,)),
    A.UPHOLD_APPEAL: ("komite", {S.APPEALED}, (S.APPEAL_UPHELD,)),
    A.REJECT_APPEAL: ("komite", {S.APPEALED}, (S.APPEAL_REJECTED,)),
    A.CANCEL_OVERDUE: ("system", {S.INVOICED, S.PAYMENT_REJECTED}, (S.CANCELLED,)),
    A.RECEIVE_RESUBMISSION: ("siki", {S.RETURNED}, (S.SUBMITTED, S.FORWARDED)),
    A.RECEIVE_PAYMENT_PROOF: ("siki", {S.INVOICED, S.PAYMENT_REJECTED}, (S.PAYMENT_UPLOADED,)),
    A.RECEIVE_APPEAL: ("siki", {S.NOT_YET_COMPETENT}, (S.APPEALED,)),
    A.RECEIVE_COMPLETION: ("siki", {S.CERTIFICATE_ISSUED}, (S.COMPLETED,)),
    # SPEC section 8: withdrawable until the LSP decides.
    A.RECEIVE_WITHDRAWAL: ("siki", {S.SUBMITTED, S.FORWARDED, S.RETURNED, S.ACCEPTED, S.INVOICED,
                                    S.PAYMENT_UPLOADED, S.PAYMENT_REJECTED, S.PAYMENT_VERIFIED,
                                    S.IN_CERTIFICATION, S.SCHEDULED, S.ASSESSED}, (S.WITHDRAWN,)),
}

ALLOWED = [(a, s) for a, (_, states, _) in EXPECTED.items() for s in sorted(states)]
REFUSED = [(a, s) for a in Action for s in S if s not in EXPECTED[a][1]]


def test_table_covers_every_action() -> None:
    assert set(EXPECTED) == set(Action) == set(RULES)


@pytest.mark.parametrize(("action", "state"), ALLOWED, ids=lambda v: str(v))
def test_allowed_transition(action: Action, state: S) -> None:
    role, _, results = EXPECTED[action]
    rule = check_action(action, state, {role})
    assert rule.results == results
    assert rule.role.value == role
    # Every step is one SIKI's shared table allows too.
    previous = state
    for nxt in rule.results:
        assert nxt in TRANSITIONS[previous], (previous, nxt)
        previous = nxt


@pytest.mark.parametrize(("action", "state"), REFUSED, ids=lambda v: str(v))
def test_refused_with_409_naming_the_state(action: Action, state: S) -> None:
    role = EXPECTED[action][0]
    with pytest.raises(ActionRefused) as err:
        check_action(action, state, {role})
    # The class says how an HTTP answer maps it (409); the domain knows no status codes.
    assert isinstance(err.value, StateRefused) and isinstance(err.value, Conflict)
    assert err.value.extra["current_status"] == state.value
    assert repr(state.value) in err.value.detail


@pytest.mark.parametrize("action", list(Action))
def test_wrong_role_is_403_whatever_the_state(action: Action) -> None:
    role, states, _ = EXPECTED[action]
    wrong = {r.value for r in Role} - {role}
    for state in S:
        with pytest.raises(ActionRefused) as err:
            check_action(action, state, wrong)
        assert isinstance(err.value, RoleRefused) and isinstance(err.value, Forbidden)  # 403
    # A person holding several roles may act with the right one.
    assert check_action(action, next(iter(states)), wrong | {role})


def test_allowed_actions_per_state() -> None:
    for state in S:
        assert allowed_actions(state) == {a for a, (_, states, _) in EXPECTED.items() if state in states}
    assert allowed_actions(S.CANCELLED) == frozenset()
    assert allowed_actions(S.APPEAL_REJECTED) == frozenset()
    assert allowed_actions(S.WITHDRAWN) == frozenset()  # final: every staff action refused (409)


def test_system_steps_need_no_role() -> None:
    assert check_action(Action.CANCEL_OVERDUE, S.INVOICED, None).results == (S.CANCELLED,)
    with pytest.raises(ActionRefused):
        check_action(Action.CANCEL_OVERDUE, S.PAYMENT_VERIFIED, None)
