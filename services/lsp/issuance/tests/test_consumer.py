from __future__ import annotations

import base64
import hashlib
import io
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from sqlalchemy import func, select

from services.bnsp_mock.db.models import Issuance as BnspIssuance
from services.lpjk_mock.db.models import OutboxEvent as LpjkOutbox
from services.lpjk_mock.db.models import SkkRecord
from services.lsp.issuance.signing import dev_identity
from services.lsp.issuance.tests.harness import NIK, Chain, chain, lsp_runtime, wait_for
from shared.bus import InProcessBus, RabbitMqBus, RetryPolicy
from shared.contracts.events import SKK_RECORDED
from shared.contracts.states import ApplicationStatus as S

ISSUING = ["skk_numbered", "recorded", "certificate_issued"]


async def _count(app: object, model: type, *where: Any) -> int:
    runtime = app.state.runtime  # type: ignore[attr-defined]
    async with runtime.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(model).where(*where))).scalar_one())


async def _authorities_hold_one(c: Chain) -> None:
    assert await _count(c.bnsp, BnspIssuance) == 1
    assert await _count(c.lpjk, SkkRecord) == 1
    assert await _count(c.lpjk, LpjkOutbox, LpjkOutbox.type == SKK_RECORDED) == 1


async def test_a_kompeten_application_gets_numbers_a_record_and_a_signed_certificate(tmp_path: Path) -> None:
    async with chain(tmp_path) as c:
        await c.fake.add(c.lsp, "app-1", S.COMPETENT)
        await c.request_issuance("app-1")
        row = await c.wait_issued("app-1")

        assert [s for s, _ in await c.fake.steps(c.lsp, "app-1")] == ISSUING
        assert {a for _, a in await c.fake.steps(c.lsp, "app-1")} == {"LSP-A/system"}
        assert c.to_bnsp.calls == 1 and c.to_lpjk.calls == 1
        await _authorities_hold_one(c)

        # What the LSP stored is what the authorities hold.
        async with c.lpjk.state.runtime.sessions() as s:
            record = (await s.execute(select(SkkRecord))).scalar_one()
        assert row.skk_number == record.skk_number and row.registration_number == record.registration_number
        assert row.recording_number == record.recording_number and row.qr_payload == record.qr_payload
        assert row.issued_on == record.issued_on and row.valid_until == record.valid_until
        assert (row.valid_until - row.issued_on).days in (1825, 1826)  # 5 years less a day
        assert row.pdf is not None and row.pdf_sha256 == hashlib.sha256(row.pdf).hexdigest()

        # The steps reported the certificate, and the PDF went with certificate_issued.
        recorded, issued = c.fake.calls[1], c.fake.calls[2]
        assert recorded["certificate"].recording_number == row.recording_number
        assert recorded["certificate"].qr_payload == row.qr_payload
        assert issued["certificate"].pdf_sha256 == row.pdf_sha256
        assert base64.b64decode(issued["certificate_pdf_base64"]) == row.pdf
        assert "skk_number" in c.fake.calls[0]["extra"]

        # The PDF carries the numbers and a signature that validates against the LSP's certificate.
        text = PdfReader(io.BytesIO(row.pdf)).pages[0].extract_text()
        assert row.skk_number and row.registration_number and row.recording_number and row.verification_url
        for value in (row.skk_number, row.registration_number, row.recording_number, "317101********01"):
            assert value in text
        assert NIK not in text
        sig = PdfFileReader(io.BytesIO(row.pdf)).embedded_signatures[0]
        vc = ValidationContext(trust_roots=[dev_identity("LSP-A", "LSP Konstruksi A (dev)").certificate],
                               allow_fetching=False)
        status = await async_validate_pdf_signature(sig, vc)
        assert status.bottom_line, status.pretty_print_details()

        # The certificate verifies publicly at LPJK through the URL the QR code opens.
        async with httpx.AsyncClient(transport=c.to_lpjk.inner, base_url="http://lpjk") as pub:
            path = row.verification_url.split("://", 1)[1].split("/", 1)[1]
            verdict = (await pub.get("/" + path)).json()
        assert verdict["valid"] is True and verdict["skk_number"] == row.skk_number

        # A second request for the same application changes nothing.
        await c.request_issuance("app-1")
        await c.steps.run("app-1")
        assert c.to_bnsp.calls == 1 and c.to_lpjk.calls == 1
        assert len(c.fake.calls) == 3


async def test_a_crash_between_bnsps_answer_and_the_commit_repeats_the_call_not_the_number(tmp_path: Path) -> None:
    async with chain(tmp_path) as c:
        await c.fake.add(c.lsp, "app-1", S.COMPETENT)
        c.fake.crash_after[S.SKK_NUMBERED] = 1
        await c.request_issuance("app-1")
        row = await c.wait_issued("app-1")
        assert c.to_bnsp.calls == 2  # asked again after the crash ...
        await _authorities_hold_one(c)  # ... and BNSP answered with the same numbers
        assert [s for s, _ in await c.fake.steps(c.lsp, "app-1")] == ISSUING
        assert row.skk_number is not None and row.skk_number.endswith(".0000001")


async def test_a_crash_between_bnsp_and_lpjk_makes_no_second_number_or_record(tmp_path: Path) -> None:
    async with chain(tmp_path) as c:
        await c.fake.add(c.lsp, "app-1", S.COMPETENT)
        await c.fake.add(c.lsp, "app-2", S.COMPETENT)
        # app-1: LPJK unreachable once, after BNSP answered and the numbers were stored.
        c.to_lpjk.fail_next = 1
        await c.request_issuance("app-1")
        first = await c.wait_issued("app-1")
        assert c.to_bnsp.calls == 1 and c.to_lpjk.calls == 2
        # app-2: LPJK recorded, then the LSP crashed before committing: LPJK is asked again.
        c.fake.crash_after[S.RECORDED] = 1
        await c.request_issuance("app-2")
        second = await c.wait_issued("app-2")
        assert c.to_bnsp.calls == 2 and c.to_lpjk.calls == 4
        assert await _count(c.bnsp, BnspIssuance) == 2
        assert await _count(c.lpjk, SkkRecord) == 2
        assert await _count(c.lpjk, LpjkOutbox, LpjkOutbox.type == SKK_RECORDED) == 2
        assert first.skk_number != second.skk_number and first.recording_number != second.recording_number
        assert [s for s, _ in await c.fake.steps(c.lsp, "app-2")] == ISSUING


async def test_a_restart_finishes_an_issuance_whose_event_was_lost(tmp_path: Path) -> None:
    async with chain(tmp_path) as c:
        await c.fake.add(c.lsp, "app-1", S.COMPETENT)
        c.to_lpjk.fail_next = 1000  # LPJK down until the "restart"
        await c.request_issuance("app-1")
        await wait_for(lambda: c.bus.dead_letters("lsp.LSP-A"), lambda dead: len(dead) == 1)
        row = await c.issuance("app-1")
        assert row is not None and row.skk_number and row.recording_number is None
        # The process restarts (the in-process queue is gone); LPJK is back.
        c.to_lpjk.fail_next = 0
        await c.lsp.shutdown()
        bus = InProcessBus(RetryPolicy(max_attempts=3, base_seconds=0.05, max_seconds=0.1))
        runtime, _ = lsp_runtime(str(c.lsp.settings.database_url), bus, c.fake, c.to_bnsp, c.to_lpjk,
                                 issuance_resume_interval_seconds=0.2)
        await runtime.startup()
        await bus.start()
        try:
            c.lsp = runtime
            done = await c.wait_issued("app-1")
        finally:
            await bus.stop()
            await runtime.shutdown()
        assert done.skk_number == row.skk_number
        assert c.to_bnsp.calls == 1
        await _authorities_hold_one(c)
        assert [s for s, _ in await c.fake.steps(c.lsp, "app-1")] == ISSUING


async def test_an_application_that_is_not_kompeten_gets_nothing(tmp_path: Path) -> None:
    async with chain(tmp_path) as c:
        await c.fake.add(c.lsp, "app-1", S.NOT_YET_COMPETENT)
        assert await c.steps.run("app-1") is None
        assert c.to_bnsp.calls == 0 and await c.issuance("app-1") is None


async def test_a_refusal_by_bnsp_raises_and_stores_nothing(tmp_path: Path) -> None:
    async with chain(tmp_path) as c:
        await c.fake.add(c.lsp, "app-1", S.COMPETENT, nik="12345")
        with pytest.raises(Exception, match="422"):
            await c.steps.run("app-1")
        row = await c.issuance("app-1")
        assert row is not None and row.skk_number is None
        assert c.fake.calls == []


@pytest.mark.postgres
@pytest.mark.rabbitmq
async def test_issuance_on_postgres_and_rabbitmq(tmp_path: Path, pg_url: str, amqp_url: str) -> None:
    bus = RabbitMqBus(amqp_url, exchange=f"skk.test.{uuid.uuid4().hex[:8]}",
                      default_policy=RetryPolicy(max_attempts=6, base_seconds=0.05, max_seconds=0.2))
    try:
        async with chain(tmp_path, lsp_database_url=pg_url, bus=bus) as c:
            await c.fake.add(c.lsp, "app-1", S.COMPETENT)
            c.fake.crash_after[S.SKK_NUMBERED] = 1
            c.to_lpjk.fail_next = 1
            await c.request_issuance("app-1")
            row = await c.wait_issued("app-1")
            assert c.to_bnsp.calls == 2 and c.to_lpjk.calls == 2
            await _authorities_hold_one(c)
            assert [s for s, _ in await c.fake.steps(c.lsp, "app-1")] == ISSUING
            assert row.pdf is not None and row.pdf.startswith(b"%PDF")
    finally:
        await bus.delete_topology()  # the test's exchange and queues, not left on the broker
        await bus.stop()
