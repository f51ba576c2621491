from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import pytest

from services.lpjk_mock.domain import status as st
from shared.contracts.states import CertificateStatus as S
from shared.credentials import STATUS_LIST_SIZE

ALLOWED = {
    (S.ACTIVE, S.SUSPENDED), (S.SUSPENDED, S.ACTIVE),
    (S.ACTIVE, S.REVOKED), (S.SUSPENDED, S.REVOKED),
    (S.ACTIVE, S.SUPERSEDED), (S.SUSPENDED, S.SUPERSEDED),
}
ACTION_OF = {S.SUSPENDED: "suspend", S.ACTIVE: "reinstate", S.REVOKED: "revoke", S.SUPERSEDED: "supersede"}


@pytest.mark.parametrize(("current", "action"), list(itertools.product(st.STORED, st.ACTIONS)))
def test_every_action_from_every_stored_standing(current: S, action: str) -> None:
    target = st.ACTIONS[action]
    if current == target:
        change = st.apply(current, action)
        assert change == st.Change(current, current, changed=False)  # a repeat: nothing changes
    elif (current, target) in ALLOWED:
        assert st.apply(current.value, action) == st.Change(current, target, changed=True)
        assert st.can_move(current, target)
    else:
        with pytest.raises(st.TransitionRefused) as refused:
            st.apply(current, action)
        assert refused.value.errors == [{"field": "status", "message": f"the certificate is {current.value}"}]
        assert refused.value.extra == {"certificate_status": current.value}
        assert not st.can_move(current, target)


def test_the_table_is_exactly_the_allowed_transitions_and_final_standings_stay() -> None:
    table = {(a, b) for a, targets in st.TRANSITIONS.items() for b in targets}
    assert table == ALLOWED
    assert set(st.TRANSITIONS) == set(st.STORED) and S.EXPIRED not in st.TRANSITIONS
    for final in st.FINAL:
        assert st.TRANSITIONS[final] == frozenset()
    assert {ACTION_OF[t] for t in st.ACTIONS.values()} == set(st.ACTIONS)


def test_refusal_wording() -> None:
    with pytest.raises(st.TransitionRefused, match="a revoked certificate cannot be reinstated"):
        st.apply(S.REVOKED, "reinstate")
    with pytest.raises(st.TransitionRefused, match="a superseded certificate cannot be suspended"):
        st.apply(S.SUPERSEDED, "suspend")
    with pytest.raises(ValueError):
        st.apply("expired", "suspend")
    with pytest.raises(ValueError):
        st.apply("lost", "suspend")


TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(("stored", "issued", "until", "expected"), [
    (S.ACTIVE, TODAY - timedelta(days=10), TODAY + timedelta(days=10), (S.ACTIVE, True, None)),
    (S.ACTIVE, TODAY, TODAY, (S.ACTIVE, True, None)),  # both ends count
    (S.ACTIVE, TODAY - timedelta(days=10), TODAY - timedelta(days=1), (S.EXPIRED, False, "expired")),
    (S.ACTIVE, TODAY + timedelta(days=1), TODAY + timedelta(days=9), (S.ACTIVE, False, "not yet valid")),
    (S.SUSPENDED, TODAY, TODAY + timedelta(days=9), (S.SUSPENDED, False, "suspended")),
    (S.REVOKED, TODAY, TODAY + timedelta(days=9), (S.REVOKED, False, "revoked")),
    (S.SUPERSEDED, TODAY, TODAY + timedelta(days=9), (S.SUPERSEDED, False, "superseded")),
    # A revoked, superseded or suspended certificate says so even after its end date.
    (S.REVOKED, TODAY - timedelta(days=10), TODAY - timedelta(days=1), (S.REVOKED, False, "revoked")),
    (S.SUPERSEDED, TODAY - timedelta(days=10), TODAY - timedelta(days=1), (S.SUPERSEDED, False, "superseded")),
    (S.SUSPENDED, TODAY - timedelta(days=10), TODAY - timedelta(days=1), (S.SUSPENDED, False, "suspended")),
])
def test_standing(stored: S, issued: date, until: date, expected: tuple[S, bool, str | None]) -> None:
    assert st.standing(stored, issued, until, TODAY) == st.Standing(*expected)


def test_draw_index_is_uniform_over_the_whole_list_and_skips_taken() -> None:
    rng = random.Random(16)
    taken: set[int] = set()
    for _ in range(2000):
        i = st.draw_index(taken, rng.randrange)
        assert 0 <= i < STATUS_LIST_SIZE and i not in taken
        taken.add(i)
    ordered = sorted(taken)
    # Not sequential: issuance order says nothing; the draws spread over the whole list.
    assert ordered != list(range(2000))
    assert ordered[0] < STATUS_LIST_SIZE // 8 and ordered[-1] > STATUS_LIST_SIZE * 7 // 8
    assert sum(i < STATUS_LIST_SIZE // 2 for i in taken) in range(850, 1150)


def test_draw_index_finds_the_last_free_entries_and_refuses_a_full_list() -> None:
    size = 64
    taken = set(range(size)) - {5, 41}
    always_taken = lambda n: 0  # noqa: E731 - every random draw hits index 0, which is taken
    assert st.draw_index(taken, always_taken, size=size) == 5
    assert st.draw_index(taken, lambda n: n - 1, size=size) == 41
    with pytest.raises(ValueError, match="full"):
        st.draw_index(set(range(size)), size=size)
    assert st.draw_index(set(), size=1) == 0
