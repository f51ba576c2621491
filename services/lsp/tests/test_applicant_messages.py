"""What the applicant is told about the assessment: the ``scheduled`` report carries the time
in the LSP's zone (WIB), the TUK's name and the asesor's name, not only codes and a date."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import respx

from services.lsp.tests.support import drive, running, settings_for
from services.lsp.usecases.steps import local_moment

WIB = timezone(timedelta(hours=7), "WIB")


async def test_schedule_report_carries_time_tuk_and_asesor(sqlite_url: str, siki: respx.Route) -> None:
    async with running(settings_for(sqlite_url)) as lsp:
        aid = await drive(lsp, "scheduled")
        await lsp.wait_reports_sent(aid)
    reports = [json.loads(c.request.content) for c in siki.calls]
    scheduled = next(r for r in reports if r["status"] == "scheduled")
    info = scheduled["assessment"]
    at = datetime.fromisoformat(info["scheduled_at"])
    local = at.astimezone(WIB)
    assert info["tuk_code"] == "TUK-A-01" and info["tuk_name"] == "TUK Sewaktu LSP-A Jakarta"
    assert info["assessor_username"] == "asesor1" and info["assessor_name"]
    # The note says it too, as the applicant reads it: the day, the time in WIB, where, with whom.
    note = scheduled["note"]
    assert f"{local:%d-%m-%Y} pukul {local:%H.%M} WIB" in note
    assert "TUK Sewaktu LSP-A Jakarta (TUK-A-01)" in note and info["assessor_name"] in note


def test_local_moment_is_in_the_lsps_zone() -> None:
    from zoneinfo import ZoneInfo

    at = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)  # a Friday, 09.00 in Jakarta
    assert local_moment(at, ZoneInfo("Asia/Jakarta")) == "Jumat, 04-12-2026 pukul 09.00 WIB"
    assert local_moment(at, ZoneInfo("Asia/Makassar")) == "Jumat, 04-12-2026 pukul 10.00 WITA"
