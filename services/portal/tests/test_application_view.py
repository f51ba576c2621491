"""``get_application`` reads the application and its timeline in one statement (a JSON array
built by the database) and answers exactly what the two statements it replaced answered: same
fields, same timeline order (late steps, the portal's own steps), same instants, on SQLite and
on PostgreSQL (whatever the session's time zone)."""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url

from scripts.simulator.files import tiny_pdf
from services.portal.db.models import Application, DocumentReference
from services.portal.db.repositories import _OWN_VIEW, _TIMELINE, _timeline_of
from services.portal.tests.factories import Portal, education_item, portal_settings, running_portal, status_event
from services.portal.tests.test_after_submit import INVOICE, submitted
from services.portal.usecases.views import application_out
from shared.database import create_engine

# Set while the view is read: only its statements count (the relay and the portal's other
# background jobs use the same engine meanwhile).
_VIEWING: ContextVar[bool] = ContextVar("viewing", default=False)


async def _two_statement_view(portal: Portal, user_id: str, app_id: str) -> str:
    """What the view answered before: the application, then its timeline ordered in SQL."""
    async with portal.runtime.engine.connect() as conn:
        row = (await conn.execute(_OWN_VIEW, {"application_id": app_id, "user_id": user_id})).first()
        entries = (await conn.execute(_TIMELINE, {"application_id": app_id})).all()
    return application_out(row, entries).model_dump_json()


async def check_view(portal: Portal) -> None:
    applicant = await portal.applicant()
    app_id = await submitted(portal, applicant)
    # A late step (2 after 3 and 4), SIKI's confirmation of the portal's own "submitted" after
    # them, and a note: the order is SIKI's, the portal's entries after what preceded them.
    await portal.feed(status_event(app_id, 3, "accepted", note="lengkap"),
                      status_event(app_id, 4, "invoiced", invoice=INVOICE))
    await portal.feed(status_event(app_id, 2, "forwarded", lsp_code="LSP-A"))
    async with portal.runtime.sessions() as s:
        user_id = (await s.execute(select(Application.user_id).where(Application.id == app_id))).scalar_one()

    statements: list[str] = []

    @event.listens_for(portal.runtime.engine.sync_engine, "before_cursor_execute")
    def _seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if _VIEWING.get():
            statements.append(statement)

    token = _VIEWING.set(True)
    try:
        view = await portal.app.state.portal.usecases.applications.get(user_id, app_id)
    finally:
        _VIEWING.reset(token)
    event.remove(portal.runtime.engine.sync_engine, "before_cursor_execute", _seen)
    assert len(statements) == 1  # one round trip (and on PostgreSQL no BEGIN / ROLLBACK either)
    assert view.model_dump_json() == await _two_statement_view(portal, user_id, app_id)
    assert [e.status for e in view.timeline] == ["draft", "submitted", "forwarded", "accepted", "invoiced"]
    assert all(e.at is not None and e.at.utcoffset() is not None and not e.at.utcoffset() for e in view.timeline)
    r = await portal.client.get(f"/api/v1/applications/{app_id}", headers=applicant)
    assert r.status_code == 200 and r.json()["timeline"][3]["note"] == view.timeline[3].note


async def test_one_statement_view_answers_as_before_on_sqlite(portal: Portal) -> None:
    await check_view(portal)


@pytest.mark.postgres
async def test_one_statement_view_answers_as_before_on_postgres(tmp_path: Path, pg_url: str) -> None:
    # A session time zone other than UTC: PostgreSQL writes the instants into the JSON with it.
    engine = create_engine(pg_url)
    async with engine.begin() as conn:
        await conn.execute(text(f'ALTER DATABASE "{make_url(pg_url).database}" SET timezone TO \'Asia/Jakarta\''))
    await engine.dispose()
    async with running_portal(portal_settings(tmp_path, pg_url)) as portal:
        await check_view(portal)


def test_no_timeline_reads_as_empty() -> None:
    # PostgreSQL's json_agg over no rows is NULL, SQLite's json_group_array '[]'.
    assert _timeline_of(None) == [] and _timeline_of([]) == []


async def check_section_save(portal: Portal) -> None:
    """A returned application's section saved with another document: the answer shows what
    ``get_application`` shows (the timeline included), the sections' references follow, and the
    documents and the timeline are read in one statement."""
    applicant = await portal.applicant()
    app_id = await submitted(portal, applicant)
    await portal.feed(status_event(app_id, 2, "forwarded", lsp_code="LSP-A"),
                      status_event(app_id, 3, "returned", reasons=["ijazah buram"]))
    r = await portal.client.get(f"/api/v1/applications/{app_id}", headers=applicant)
    before = r.json()["sections"]["education"]["items"][0]["documents"]
    rescanned = await portal.upload(applicant, "diploma", tiny_pdf("ijazah, scanned again"))
    assert rescanned.status_code == 201, rescanned.text
    docs = {**before, "diploma": rescanned.json()["id"]}
    statements: list[str] = []

    @event.listens_for(portal.runtime.engine.sync_engine, "before_cursor_execute")
    def _seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if _VIEWING.get():
            statements.append(" ".join(statement.split()))

    token = _VIEWING.set(True)
    try:
        saved = await portal.client.put(f"/api/v1/applications/{app_id}/sections/education", headers=applicant,
                                        json={"items": [education_item(docs)]})
    finally:
        _VIEWING.reset(token)
    event.remove(portal.runtime.engine.sync_engine, "before_cursor_execute", _seen)
    assert saved.status_code == 200, saved.text
    shown = (await portal.client.get(f"/api/v1/applications/{app_id}", headers=applicant)).json()
    assert {k: v for k, v in saved.json().items() if k not in ("section", "complete", "missing")} == shown
    assert [e["status"] for e in shown["timeline"]] == ["draft", "submitted", "forwarded", "returned"]
    reads = [s for s in statements if "timeline_entries" in s]
    assert len(reads) == 1 and "FROM documents" in reads[0], statements
    async with portal.runtime.sessions() as s:
        named = set((await s.execute(select(DocumentReference.document_id).where(
            DocumentReference.application_id == app_id, DocumentReference.source == "section"))).scalars())
    assert docs["diploma"] in named and before["diploma"] not in named


async def test_a_section_save_answers_the_view_on_sqlite(portal: Portal) -> None:
    await check_section_save(portal)


@pytest.mark.postgres
async def test_a_section_save_answers_the_view_on_postgres(tmp_path: Path, pg_url: str) -> None:
    async with running_portal(portal_settings(tmp_path, pg_url)) as portal:
        await check_section_save(portal)
