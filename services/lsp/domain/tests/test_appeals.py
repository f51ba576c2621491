"""Who may decide an appeal, and when an undecided appeal is overdue (domain/appeals.py)."""

from __future__ import annotations

from datetime import date

import pytest

from services.lsp.domain.appeals import (
    DEFAULT_DECISION_WORKING_DAYS,
    appeal_decider_problem,
    decision_due,
    is_appeal_overdue,
)
from shared.calendar import indonesian_holidays

NO_HOLIDAYS: frozenset[date] = frozenset()


def test_a_komite_who_took_no_part_may_decide() -> None:
    assert appeal_decider_problem("komite3", assessors=["asesor1", "komite"], deciders=["komite2"]) is None
    assert appeal_decider_problem("komite3", assessors=[], deciders=[None]) is None


@pytest.mark.parametrize(("assessors", "deciders", "words"), [
    (["komite"], [], "asesor of this application"),               # scheduled or reported on an assessment
    (["asesor1", "komite"], ["komite2"], "asesor of this application"),  # in an earlier round too
    (["asesor1"], ["komite"], "decided this application's competence"),
    (["asesor1", "asesor2"], [None, "komite"], "decided this application's competence"),
])
def test_who_took_part_may_not(assessors: list[str], deciders: list[str | None], words: str) -> None:
    problem = appeal_decider_problem("komite", assessors=assessors, deciders=deciders)
    assert problem is not None and words in problem and "another komite member" in problem


def test_decision_due_counts_working_days() -> None:
    # Filed Friday 2025-05-02: 7 working days later (no holidays) is Tuesday 2025-05-13.
    assert decision_due(date(2025, 5, 2), 7, NO_HOLIDAYS) == date(2025, 5, 13)
    # REFERENCE.md: 7 working days after 2025-03-27 is 2025-04-16 counting collective leave too.
    assert decision_due(date(2025, 3, 27), 7, indonesian_holidays(True)) == date(2025, 4, 16)
    assert decision_due(date(2025, 3, 27), 7, indonesian_holidays(False)) == date(2025, 4, 9)
    assert DEFAULT_DECISION_WORKING_DAYS == 7


def test_overdue_only_after_the_last_day() -> None:
    filed = date(2025, 5, 2)
    assert not is_appeal_overdue(filed, date(2025, 5, 2), 7, NO_HOLIDAYS)
    assert not is_appeal_overdue(filed, date(2025, 5, 13), 7, NO_HOLIDAYS)  # the last day itself
    assert is_appeal_overdue(filed, date(2025, 5, 14), 7, NO_HOLIDAYS)
    assert is_appeal_overdue(filed, date(2025, 5, 6), 1, NO_HOLIDAYS)  # Mon 5 May was the 1st working day
