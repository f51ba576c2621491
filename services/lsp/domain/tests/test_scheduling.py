from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from services.lsp.domain.scheduling import Booking, assessment_day, assessor_problems, is_double_booked

WIB = ZoneInfo("Asia/Jakarta")


def test_same_day_active_is_double_booked() -> None:
    bookings = [Booking("asesor1", date(2025, 5, 5), True), Booking("asesor2", date(2025, 5, 6), False)]
    assert is_double_booked("asesor1", date(2025, 5, 5), bookings)
    assert not is_double_booked("asesor1", date(2025, 5, 6), bookings)
    assert not is_double_booked("asesor2", date(2025, 5, 6), bookings)  # that one is finished


def test_day_is_local() -> None:
    # 20:00 UTC is already the next day in Jakarta.
    assert assessment_day(datetime(2025, 5, 5, 20, 0, tzinfo=UTC), WIB) == date(2025, 5, 6)
    assert assessment_day(datetime(2025, 5, 5, 20, 0), WIB) == date(2025, 5, 5)


def test_assessor_rules() -> None:
    ok = assessor_problems(assessor_username="asesor1", assessor_roles=["asesor"], previous_assessors=[],
                           after_upheld_appeal=False)
    assert ok == []
    assert assessor_problems(assessor_username="x", assessor_roles=None, previous_assessors=[],
                             after_upheld_appeal=False)[0]["field"] == "assessor_username"
    assert assessor_problems(assessor_username="admin", assessor_roles=["admin"], previous_assessors=[],
                             after_upheld_appeal=False)
    same = assessor_problems(assessor_username="asesor1", assessor_roles=["asesor"],
                             previous_assessors=["asesor1"], after_upheld_appeal=True)
    assert same and "not assessed" in same[0]["message"]
    # Before any appeal the same assessor may be scheduled again (e.g. a rescheduled round).
    assert not assessor_problems(assessor_username="asesor1", assessor_roles=["asesor"],
                                 previous_assessors=["asesor1"], after_upheld_appeal=False)
