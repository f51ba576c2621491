"""The chaos suite's checks on made-up rows: a duplicate, a missing step, a lost or doubled
email, the broker client's noise told apart from other errors."""

from __future__ import annotations

import json
from pathlib import Path

from scripts.chaos.__main__ import parse_replicas
from scripts.chaos.checks import (
    _emails,
    _log_checks,
    _missing,
    _surplus,
    _unique,
    abandoned_on_connection,
    compare_statuses,
)
from scripts.simulator.journeys import JourneyResult, Plan
from scripts.simulator.mailbox import Mail
from scripts.simulator.people import make_people

SIKI = {"a1": ["submitted", "forwarded", "returned", "submitted", "forwarded"]}


def test_surplus_counts_entries_beyond_sikis_steps() -> None:
    rows = [{"application_id": "a1", "status": s} for s in ["submitted", "submitted", "forwarded", "forwarded"]]
    assert _surplus("t", rows, SIKI).offending == 0  # twice each, as SIKI's timeline
    rows.append({"application_id": "a1", "status": "returned"})
    rows.append({"application_id": "a1", "status": "returned"})
    check = _surplus("t", rows, SIKI)
    assert check.offending == 1 and "returned: 2 (SIKI 1)" in check.examples[0]


def test_missing_reports_a_step_the_portal_lacks() -> None:
    rows = [{"application_id": "a1", "status": s} for s in ["submitted", "forwarded", "returned", "forwarded"]]
    check = _missing("t", rows, SIKI)
    assert check.offending == 1 and "submitted: portal 1, SIKI 2" in check.examples[0]


class _Box:
    def __init__(self, mails: list[Mail]) -> None:
        self.mails = mails

    def messages(self, to: str | None = None) -> list[Mail]:
        return self.mails


def test_emails_against_the_requests() -> None:
    requested = [{"payload": json.dumps({"to": "A@x.id", "subject": "diterima", "body": "b"})}] * 2
    two = [Mail(("a@x.id",), "diterima", "b", 0.0, f"<ev-{i}@skk.example.id>") for i in (1, 2)]
    dup, lost, resent = _emails(requested, _Box(two))  # type: ignore[arg-type]
    assert (dup.offending, lost.offending, resent.offending) == (0, 0, 0)  # asked twice, sent twice
    third = Mail(("a@x.id",), "diterima", "b", 0.0, "<ev-3@skk.example.id>")
    dup, lost, resent = _emails(requested, _Box([*two, third]))  # type: ignore[arg-type]
    assert (dup.offending, lost.offending) == (1, 0) and not dup.ok
    dup, lost, resent = _emails(requested, _Box(two[:1]))  # type: ignore[arg-type]
    assert (dup.offending, lost.offending) == (0, 1)
    # Handed over again after a crash with the same Message-ID: one message, listed, not failing.
    dup, lost, resent = _emails(requested, _Box([*two, two[0]]))  # type: ignore[arg-type]
    assert (dup.offending, lost.offending, resent.offending) == (0, 0, 1) and resent.ok


def test_emails_requested_in_the_sealed_outbox_are_read() -> None:
    """The portal's outbox keeps its payloads sealed (shared.outbox.SealedOutboxMixin)."""
    from shared.crypto import DataKeys
    from shared.settings import ServiceSettings

    keys = DataKeys.from_settings(ServiceSettings(service_name="portal"))
    sealed = keys.encrypt(json.dumps({"to": "A@x.id", "subject": "diterima", "body": "b"}), "outbox.payload")
    assert "A@x.id" not in sealed
    mail = Mail(("a@x.id",), "diterima", "b", 0.0, "<ev-1@skk.example.id>")
    dup, lost, _ = _emails([{"payload": sealed}], _Box([mail]))  # type: ignore[arg-type]
    assert (dup.offending, lost.offending) == (0, 0)


async def test_unique_numbers_and_rows() -> None:
    class Db:
        async def rows(self, name: str, sql: str) -> list[dict[str, str]]:
            return [{"application_id": "a1", "number": "INV-1"}, {"application_id": "a2", "number": "INV-1"}]

    check = await _unique(Db(), "invoices", [("LSP-A", "invoices")], "application_id", "number")  # type: ignore[arg-type]
    assert check.offending == 1 and "INV-1" in check.examples[0]


def test_log_checks_tell_broker_noise_from_other_errors(tmp_path: Path) -> None:
    log = tmp_path / "siki.log"
    log.write_text("\n".join([
        '{"event": "service started", "level": "info"}',
        "2026-12-03 06:48:26,280 WARNING aiormq.connection Cancelling cause reader exited abnormally",
        "Traceback (most recent call last):",
        '  File "x.py", line 1, in f',
        "ConnectionResetError: [Errno 104] Connection reset by peer",
        "2026-12-03 06:48:26,282 ERROR aio_pika.tools Callback error: RuntimeError: closed",
        '{"event": "unhandled error", "level": "error"}',
        "2026-12-03 06:46:14,394 ERROR uvicorn.error Exception in ASGI application",
        "Traceback (most recent call last):",
    ]) + "\n")
    noise, other = _log_checks([log])
    assert noise.offending == 2  # the traceback under aiormq's warning, aio_pika's error
    assert other.offending == 3  # the service's own error, uvicorn's, its traceback


def test_abandoned_journeys_are_told_apart() -> None:
    person = make_people(1, seed=1, tag="t")[0]
    plan = Plan(lsp_code="LSP-A", jabatan_kerja_code="SI033006")
    assert abandoned_on_connection(JourneyResult(person, plan, error="ConnectError: All connection attempts failed"))
    assert not abandoned_on_connection(JourneyResult(person, plan, error="AssertionError: stuck in invoiced"))


def test_parse_replicas() -> None:
    assert parse_replicas("siki=2,portal=2,LSP-A=3") == {"siki": 2, "portal": 2, "LSP-A": 3}
    assert parse_replicas("none") == {}


def test_statuses_compared_both_ways() -> None:
    agree = {"portal": {"a1": "completed"}, "siki": {"a1": "completed"}, "LSP-A": {}, "LSP-B": {"a1": "completed"}}
    assert compare_statuses(agree) == []
    behind = {**agree, "LSP-B": {"a1": "certificate_issued"}}
    assert compare_statuses(behind) == ["a1: portal completed, SIKI completed, LSP certificate_issued"]
    # Submitted at SIKI, but the portal never learnt it (still a draft there: left out).
    orphan = {**agree, "siki": {"a1": "completed", "a2": "submitted"}}
    assert compare_statuses(orphan) == ["a2: siki submitted, a draft or unknown at the portal"]
