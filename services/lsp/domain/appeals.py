"""Appeal rules at the LSP (REFERENCE.md "Appeals"; SPEC section 8, "Applications"): who may
decide an appeal, and when an undecided appeal is overdue for the manager's attention."""

from __future__ import annotations

from collections.abc import Container, Iterable
from datetime import date

from shared.calendar import add_working_days, is_overdue

# Practice at construction LSPs: an appeal is answered within 7 working days (configurable).
DEFAULT_DECISION_WORKING_DAYS = 7


def appeal_decider_problem(komite: str, *, assessors: Iterable[str | None],
                           deciders: Iterable[str | None]) -> str | None:
    """Why ``komite`` may not decide the appeal of an application, or None.

    Nobody who took part in the decision being appealed answers the appeal: not an asesor
    scheduled for (or who reported on) any assessment of the application, nor a komite member
    who decided its competence in any round.
    """
    if komite in {a for a in assessors if a}:
        return ("an asesor of this application cannot decide its appeal; another komite member who "
                "neither assessed nor decided it must")
    if komite in {d for d in deciders if d}:
        return ("the komite member who decided this application's competence cannot decide its appeal; "
                "another komite member who neither assessed nor decided it must")
    return None


def decision_due(filed_on: date, working_days: int, calendar: Container[date]) -> date:
    """The last day the appeal filed on ``filed_on`` (a local date) may be decided: the
    ``working_days``-th working day after it (the filing day itself does not count)."""
    return add_working_days(filed_on, working_days, calendar)


def is_appeal_overdue(filed_on: date, today: date, working_days: int, calendar: Container[date]) -> bool:
    """Undecided past the end of its last day: flagged to the manager."""
    return is_overdue(decision_due(filed_on, working_days, calendar), today)
