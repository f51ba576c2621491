from __future__ import annotations

import pytest

from services.siki.domain.flow import NotReportable, TransitionRefused, plan_report, submission_check
from shared.contracts.states import ApplicationStatus as S
from shared.errors import DEFAULT_STATUSES, status_of


def test_report_while_submitted_records_forwarded_first() -> None:
    plan = plan_report(S.SUBMITTED, S.ACCEPTED)
    assert plan.forwarded_first and plan.target == S.ACCEPTED


def test_report_from_forwarded_needs_nothing_first() -> None:
    assert plan_report(S.FORWARDED, S.RETURNED).forwarded_first is False


def test_explicit_forwarded_report_while_submitted() -> None:
    plan = plan_report(S.SUBMITTED, S.FORWARDED)
    assert plan == plan.__class__(forwarded_first=False, target=S.FORWARDED)


@pytest.mark.parametrize(("current", "reported"), [
    (S.SUBMITTED, S.INVOICED),  # checked from forwarded: only returned/accepted allowed
    (S.ACCEPTED, S.PAYMENT_VERIFIED),
    (S.COMPLETED, S.RECORDED),
    (S.FORWARDED, S.FORWARDED),
])
def test_disallowed_transition_is_409(current: S, reported: S) -> None:
    with pytest.raises(TransitionRefused) as info:
        plan_report(current, reported)
    assert status_of(info.value, DEFAULT_STATUSES) == 409
    assert current.value in info.value.detail and reported.value in info.value.detail


@pytest.mark.parametrize("reported", [S.SUBMITTED, S.PAYMENT_UPLOADED, S.APPEALED, S.COMPLETED, S.DRAFT])
def test_lsp_cannot_report_the_portals_states(reported: S) -> None:
    with pytest.raises(NotReportable) as info:
        plan_report(S.INVOICED, reported)
    assert status_of(info.value, DEFAULT_STATUSES) == 422


def test_submission_check() -> None:
    assert submission_check(None, None, 1) == "new"
    assert submission_check(S.SUBMITTED, 1, 1) == "duplicate"
    assert submission_check(S.RETURNED, 2, 1) == "duplicate"
    assert submission_check(S.RETURNED, 1, 2) == "resubmit"
    with pytest.raises(ValueError, match="only from 'returned'"):
        submission_check(S.FORWARDED, 1, 2)
