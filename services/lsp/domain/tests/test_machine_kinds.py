"""The state machine per kind of application: a change (perubahan) is accepted without an invoice
and decided Kompeten from ``accepted``; baru and perpanjangan follow the usual rules."""

from __future__ import annotations

import itertools

import pytest

from services.lsp.domain.machine import (
    CHANGE_RULES,
    RULES,
    Action,
    KindRefused,
    StateRefused,
    allowed_actions,
    check_action,
    rules_for,
)
from shared.contracts.states import TRANSITIONS
from shared.contracts.states import ApplicationStatus as S
from shared.exceptions import Conflict


@pytest.mark.parametrize("kind", [None, "baru", "perpanjangan"])
def test_baru_and_renewal_follow_the_usual_rules(kind: str | None) -> None:
    assert rules_for(kind) == RULES
    assert check_action(Action.ACCEPT_APPLICATION, S.FORWARDED, {"admin"}, kind).results == (S.ACCEPTED, S.INVOICED)
    with pytest.raises(StateRefused):
        check_action(Action.DECIDE_KOMPETEN, S.ACCEPTED, {"komite"}, kind)
    assert check_action(Action.DECIDE_BELUM_KOMPETEN, S.ASSESSED, {"komite"}, kind)


def test_a_change_is_accepted_without_an_invoice() -> None:
    rule = check_action(Action.ACCEPT_APPLICATION, S.FORWARDED, {"admin"}, "perubahan")
    assert rule.results == (S.ACCEPTED,)


def test_a_change_is_decided_kompeten_from_accepted_only() -> None:
    assert check_action(Action.DECIDE_KOMPETEN, S.ACCEPTED, {"komite"}, "perubahan").results == (S.COMPETENT,)
    with pytest.raises(StateRefused):
        check_action(Action.DECIDE_KOMPETEN, S.ASSESSED, {"komite"}, "perubahan")
    assert Action.DECIDE_KOMPETEN in allowed_actions(S.ACCEPTED, "perubahan")
    assert Action.DECIDE_KOMPETEN not in allowed_actions(S.ACCEPTED, "baru")
    assert Action.RECEIVE_WITHDRAWAL in allowed_actions(S.ACCEPTED, "perubahan")  # before the decision


@pytest.mark.parametrize("state", list(S))
def test_a_change_is_never_decided_belum_kompeten(state: S) -> None:
    with pytest.raises(KindRefused) as refused:
        check_action(Action.DECIDE_BELUM_KOMPETEN, state, {"komite"}, "perubahan")
    assert isinstance(refused.value, Conflict)
    assert refused.value.errors[0]["field"] == "result"


def test_the_role_is_still_checked_first_on_a_change() -> None:
    from services.lsp.domain.machine import RoleRefused

    with pytest.raises(RoleRefused):
        check_action(Action.DECIDE_BELUM_KOMPETEN, S.ACCEPTED, {"admin"}, "perubahan")
    with pytest.raises(RoleRefused):
        check_action(Action.DECIDE_KOMPETEN, S.ACCEPTED, {"admin"}, "perubahan")


def test_every_change_step_is_in_the_shared_table() -> None:
    for rule in CHANGE_RULES.values():
        for start in rule.from_states:
            path = (start, *rule.results)
            for a, b in itertools.pairwise(path):
                assert b in TRANSITIONS[a], (a, b)
