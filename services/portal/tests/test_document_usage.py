"""The upload quota on PostgreSQL, where an upload's rows are one statement (db/documents.py):
the account's counters, the document, a payment proof's reference and the request's notes go
together or not at all; two uploads at once cannot both take the last place; a keyed upload
retried after the process died answers with the same document; and the counters agree with the
documents the account holds."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from scripts.simulator.files import tiny_pdf
from services.portal.app import MIGRATIONS
from services.portal.db.models import Document, User
from services.portal.tests.factories import Portal, portal_settings, running_portal
from services.portal.tests.test_documents import stored_files
from services.portal.tests.test_idempotency import counter, keyed_upload
from services.portal.usecases import documents as documents_usecases
from shared.database import create_engine, run_migrations
from shared.tests.idempotency_support import check_keyed_post, check_retry_after_death


async def usage(portal: Portal, email: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """The account's counters and what its documents add up to."""
    async with portal.runtime.sessions() as s:
        me = (await s.execute(select(User.id).where(User.email == email))).scalar_one()
        counted = (await s.execute(select(User.document_count, User.document_bytes).where(User.id == me))).one()
        held = (await s.execute(select(func.count(), func.coalesce(func.sum(Document.size), 0))
                                .where(Document.user_id == me))).one()
    return (int(counted[0]), int(counted[1])), (int(held[0]), int(held[1]))


async def test_two_uploads_at_once_cannot_both_take_the_last_place(tmp_path: Path, pg_url: str) -> None:
    settings = portal_settings(tmp_path, pg_url, max_documents_per_account=3)
    async with running_portal(settings) as one, running_portal(settings) as two:
        headers = await one.applicant("race@example.id")
        assert (await one.upload(headers, "ktp", tiny_pdf("first"))).status_code == 201
        # Four uploads race for the two places left, through two processes.
        answers = await asyncio.gather(*(p.upload(headers, "ktp", tiny_pdf(f"race {i}"))
                                         for i, p in enumerate((one, two, one, two))))
        assert sorted(r.status_code for r in answers) == [201, 201, 409, 409], [r.text for r in answers]
        refused = [r for r in answers if r.status_code == 409]
        assert all(r.json()["field"] == "file" for r in refused)
        counted, held = await usage(one, "race@example.id")
        assert counted == held and held[0] == 3


async def test_the_bytes_quota_holds_and_counts_what_was_kept(tmp_path: Path, pg_url: str) -> None:
    first, second, third = tiny_pdf("a"), tiny_pdf("b"), tiny_pdf("c")
    settings = portal_settings(tmp_path, pg_url, max_document_bytes_per_account=len(first) + len(second) + 10)
    async with running_portal(settings) as portal:
        owner = await portal.applicant("bytes@example.id")
        assert (await portal.upload(owner, "ktp", first)).status_code == 201
        assert (await portal.upload(owner, "npwp", second)).status_code == 201
        r = await portal.upload(owner, "photo", third)
        assert r.status_code == 409 and r.json()["field"] == "file" and "bytes" in r.json()["errors"][0]["message"]
        assert await usage(portal, "bytes@example.id") == ((2, len(first) + len(second)),) * 2


async def test_a_keyed_upload_is_kept_once_on_postgres(tmp_path: Path, pg_url: str) -> None:
    async with running_portal(portal_settings(tmp_path, pg_url)) as portal:
        headers = await portal.applicant("keyed@example.id")
        send = keyed_upload(portal, headers)
        await check_keyed_post(portal.app, portal.client, send, counter(portal, Document))
        # The notes (the document's id) go in the upload's one statement: a retry after the
        # process died before answering finds them and answers with the same document.
        await check_retry_after_death(portal.app, portal.client, send, counter(portal, Document))
        counted, held = await usage(portal, "keyed@example.id")
        assert counted == held


@contextmanager
def recorded_statements(portal: Portal) -> Iterator[list[str]]:
    """Every statement the portal sends its database inside the block, whitespace folded, but
    the outbox relay's (its idle peek may fall inside the block)."""
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        folded = " ".join(statement.split())
        if " FROM outbox " not in folded + " ":
            statements.append(folded)

    engine = portal.runtime.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


USAGE_READ = "SELECT users.document_count"


async def test_an_upload_writes_its_rows_in_one_statement(tmp_path: Path, pg_url: str) -> None:
    async with running_portal(portal_settings(tmp_path, pg_url)) as portal:
        headers = await portal.applicant()
        # The account's standing is read once, then remembered (not measured).
        assert (await portal.upload(headers, "npwp", tiny_pdf("before"))).status_code == 201
        with recorded_statements(portal) as statements:
            r = await keyed_upload(portal, headers)("one-statement", 1)
        assert r.status_code == 201, r.text
        writes = [s for s in statements if "INSERT INTO documents" in s]
        assert len(writes) == 1
        assert "UPDATE users SET document_count" in writes[0] and "UPDATE idempotency_keys" in writes[0]
        # The claim, the upload's statement, the stored answer: nothing else. The usage read is
        # skipped: this process counted the account a moment ago, far below its quota.
        assert len(statements) == 3, "\n".join(s[:90] for s in statements)
        assert not any(s.startswith(USAGE_READ) for s in statements)
        assert not any(s.startswith(("BEGIN", "COMMIT")) for s in statements)


async def test_past_half_its_quota_an_account_is_counted_before_its_bytes_are_stored(tmp_path: Path,
                                                                                    pg_url: str) -> None:
    async with running_portal(portal_settings(tmp_path, pg_url, max_documents_per_account=5)) as portal:
        headers = await portal.applicant()
        reads = []
        for i in range(5):
            with recorded_statements(portal) as statements:
                assert (await portal.upload(headers, "ktp", tiny_pdf(f"ktp {i}"))).status_code == 201
            reads.append(sum(s.startswith(USAGE_READ) for s in statements))
        # Counted at the first upload (nothing known), skipped while the upload leaves the account
        # at most half full (2 of 5), counted again from then on.
        assert reads == [1, 0, 1, 1, 1], reads
        files = stored_files(portal)
        with recorded_statements(portal) as statements:
            r = await portal.upload(headers, "ktp", tiny_pdf("one too many"))
        assert r.status_code == 409 and "at most 5 documents" in r.json()["errors"][0]["message"]
        # Refused on the count, before any bytes were stored, and without trying the insert.
        assert stored_files(portal) == files
        assert not any("INSERT INTO documents" in s for s in statements)


async def test_a_count_stands_in_for_a_minute_from_the_read_not_from_the_last_upload(
        tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents_usecases, "USAGE_HINT_SECONDS", 3.0)
    async with running_portal(portal_settings(tmp_path, pg_url)) as portal:
        headers = await portal.applicant()
        reads = []
        # The read, then uploads at once, 0.5 s later and 2.7 s after that: the last comes past
        # the read's 3 s (whatever the uploads take) and within 3 s of the one before it.
        for i, pause in enumerate((0.0, 0.0, 0.5, 2.7)):
            await asyncio.sleep(pause)
            with recorded_statements(portal) as statements:
                assert (await portal.upload(headers, "ktp", tiny_pdf(f"ktp {i}"))).status_code == 201
            reads.append(sum(s.startswith(USAGE_READ) for s in statements))
        assert reads == [1, 0, 0, 1], reads


async def test_uploads_through_another_process_cannot_take_an_account_past_its_quota(tmp_path: Path,
                                                                                   pg_url: str) -> None:
    settings = portal_settings(tmp_path, pg_url, max_documents_per_account=6)
    async with running_portal(settings) as one, running_portal(settings) as two:
        headers = await one.applicant("two-processes@example.id")
        # Process one counts the account at one document: far below the quota, as far as it knows.
        assert (await one.upload(headers, "ktp", tiny_pdf("first"))).status_code == 201
        for i in range(5):  # meanwhile process two fills it
            assert (await two.upload(headers, "ktp", tiny_pdf(f"through two {i}"))).status_code == 201
        # One skips its count and stores the bytes, but the insert refuses, and the refusal counts.
        r = await one.upload(headers, "ktp", tiny_pdf("one too many"))
        assert r.status_code == 409 and "at most 6 documents" in r.json()["errors"][0]["message"], r.text
        counted, held = await usage(one, "two-processes@example.id")
        assert counted == held and held[0] == 6
        # From then on process one knows the account is full: refused on the count, no bytes stored.
        files = stored_files(one)
        with recorded_statements(one) as statements:
            assert (await one.upload(headers, "ktp", tiny_pdf("and another"))).status_code == 409
        assert stored_files(one) == files and any(s.startswith(USAGE_READ) for s in statements)


async def test_the_migration_counts_the_documents_accounts_hold_already(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/usage.db")
    try:
        await run_migrations(engine, MIGRATIONS, revision="0016_previous_skk")
        async with engine.begin() as conn:
            for user in ("u1", "u2"):
                await conn.execute(text(
                    "INSERT INTO users (id, email, first_name, last_name, phone, is_individual, data_truth_consent, "
                    f"created_at) VALUES ('{user}', '{user}@example.id', 'A', 'B', '081234567890', 1, 1, "
                    "'2026-01-01 00:00:00')"))
            for doc, size in (("d1", 100), ("d2", 250)):
                await conn.execute(text(
                    "INSERT INTO documents (id, user_id, kind, sha256, content_type, size, created_at) "
                    f"VALUES ('{doc}', 'u1', 'ktp', '{doc * 32}', 'application/pdf', {size}, '2026-01-01 00:00:00')"))
        await run_migrations(engine, MIGRATIONS)
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT id, document_count, document_bytes FROM users ORDER BY id"))).all()
        assert [tuple(r) for r in rows] == [("u1", 2, 350), ("u2", 0, 0)]
    finally:
        await engine.dispose()
