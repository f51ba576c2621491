from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.portal.domain.applications import (
    APPEAL_ALLOWED,
    DOWNLOADABLE,
    EDITABLE,
    PROOF_ALLOWED,
    ActionNotAllowed,
    build_submission,
    in_timeline_order,
    late_step,
    next_command_no,
    require_status,
    should_apply,
    status_message,
)
from services.portal.tests.factories import ALL_KINDS, all_sections
from shared.contracts.states import ApplicationStatus

S = ApplicationStatus
DOCS = {kind: f"id-{kind}" for kind in ALL_KINDS}


@pytest.mark.parametrize(("allowed", "ok", "refused"), [
    (EDITABLE, [S.DRAFT, S.RETURNED], [S.SUBMITTED, S.FORWARDED, S.INVOICED]),
    (PROOF_ALLOWED, [S.INVOICED, S.PAYMENT_REJECTED], [S.ACCEPTED, S.PAYMENT_UPLOADED, S.CANCELLED]),
    (APPEAL_ALLOWED, [S.NOT_YET_COMPETENT], [S.COMPETENT, S.APPEALED, S.APPEAL_REJECTED]),
    (DOWNLOADABLE, [S.CERTIFICATE_ISSUED, S.COMPLETED], [S.RECORDED, S.COMPETENT]),
])
def test_which_state_allows_which_action(allowed: frozenset[S], ok: list[S], refused: list[S]) -> None:
    for s in ok:
        require_status(s.value, allowed, "act")
    for s in refused:
        with pytest.raises(ActionNotAllowed, match=s.value):
            require_status(s.value, allowed, "act")


def test_command_numbers() -> None:
    assert next_command_no(0) == 1
    assert next_command_no(1) == 2
    assert next_command_no(1, in_flight=2) == 3  # SIKI may hold the one in flight
    assert next_command_no(3, in_flight=1) == 4


def test_only_newer_events_apply() -> None:
    assert should_apply(0, 1)
    assert should_apply(3, 5)
    assert not should_apply(3, 3)
    assert not should_apply(3, 2)


def test_older_events_are_late_steps_not_duplicates() -> None:
    assert late_step(3, 2) and late_step(5, 1)
    assert not late_step(3, 3)  # the same step again: a duplicate, nothing to record
    assert not late_step(3, 4)  # newer: it moves the status


def test_timeline_order_by_seq_with_the_portals_own_steps() -> None:
    # As written: the portal's own draft (no seq), SIKI's 1 and 3, the portal's own
    # payment_uploaded, then 2 arriving late.
    written = [("draft", None), ("submitted", 1), ("accepted", 3), ("payment_uploaded", None), ("forwarded", 2)]
    assert [s for s, _ in in_timeline_order(written, lambda e: e[1])] == [
        "draft", "submitted", "forwarded", "accepted", "payment_uploaded"]
    assert in_timeline_order([], lambda e: None) == []


def test_build_submission() -> None:
    sections = all_sections(DOCS)
    docs = {i: {"sha256": "a" * 64, "content_type": "application/pdf", "size": 10} for i in DOCS.values()}
    now = datetime(2026, 1, 1, tzinfo=UTC)
    sub = build_submission(application_id="app-1", submission_no=2, application_kind="baru", user_id="u1",
                           email="b@example.id", full_name="Budi Santoso", sections=sections, documents=docs,
                           public_url="http://portal.test/", now=now)
    assert sub.submission_no == 2
    assert sub.nik == sections["personal"]["nik"]
    assert (sub.lsp_code, sub.jabatan_kerja_code, sub.jenjang) == ("LSP-A", "SI012001", 6)
    assert {d.id for d in sub.documents} == set(DOCS.values())
    ktp = next(d for d in sub.documents if d.kind == "ktp")
    assert ktp.url == "http://portal.test/api/v1/internal/documents/id-ktp"


@pytest.mark.parametrize("status", list(S))
def test_every_status_has_a_message(status: S) -> None:
    assert status_message(status)


def test_message_carries_reasons() -> None:
    text = status_message(S.RETURNED, reasons=["APL-02 belum ditandatangani", "KTP buram"])
    assert "APL-02 belum ditandatangani" in text and "KTP buram" in text
