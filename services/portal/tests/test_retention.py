"""The retention job (docs/RETENTION.md) against backdated rows: what is past its time goes, what
is not (or is still needed by another row) stays."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from scripts.simulator.files import tiny_pdf
from services.portal.db.models import (
    ActivationToken,
    Application,
    Document,
    DocumentReference,
    NikBinding,
    Notification,
    PasswordResetToken,
    TimelineEntry,
    User,
)
from services.portal.tests.account_support import active_account, audit_actions, user_row
from services.portal.tests.factories import Portal, portal_settings, running_portal
from shared.bus import utcnow
from shared.tests.waiting import wait_until

DAY = timedelta(days=1)


async def count(portal: Portal, model: Any, *where: Any) -> int:
    async with portal.runtime.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(model).where(*where))).scalar_one())


async def backdate(portal: Portal, model: Any, where: Any, **values: Any) -> None:
    async with portal.runtime.sessions() as s, s.begin():
        await s.execute(update(model).where(where).values(**values))


def store_has(portal: Portal, sha256: str) -> bool:
    return bool(portal.app.state.portal.usecases.documents.store.exists(sha256))


async def test_retention_purges_what_is_past_its_time(portal: Portal) -> None:
    now = utcnow()
    retention = portal.app.state.portal.usecases.retention

    # Accounts never activated: one 31 days old (goes, with its link), one 29 days old (stays).
    await portal.register("lama@example.id")
    await portal.register("baru@example.id")
    await backdate(portal, User, User.email == "lama@example.id", created_at=now - 31 * DAY)
    await backdate(portal, User, User.email == "baru@example.id", created_at=now - 29 * DAY)
    old_user = await user_row(portal, "lama@example.id")
    assert old_user is not None

    # An active account with: a spent reset link 8 days old (goes) and a fresh unused one (stays);
    # an abandoned draft and a recent one sharing a document; an upload nobody names, 200 days old.
    user_id = await active_account(portal, "aktif@example.id")
    headers = {"Authorization": f"Bearer {(await portal.login('aktif@example.id')).json()['access_token']}"}
    for _ in range(2):
        await portal.client.post("/api/v1/auth/password-reset", json={"email": "aktif@example.id"})
    async with portal.runtime.sessions() as s:
        spent, fresh = (await s.execute(select(PasswordResetToken.token_hash))).scalars().all()
    await backdate(portal, PasswordResetToken, PasswordResetToken.token_hash == spent,
                   used_at=now - 8 * DAY, expires_at=now - 8 * DAY)

    only_old = (await portal.upload(headers, "ktp", tiny_pdf("only-old"))).json()
    shared_doc = (await portal.upload(headers, "npwp", tiny_pdf("shared"))).json()
    unnamed = (await portal.upload(headers, "photo", tiny_pdf("unnamed"))).json()
    same_content = (await portal.upload(headers, "ktp", tiny_pdf("unnamed"))).json()  # another row, same bytes
    old_draft, new_draft = await portal.draft(headers), await portal.draft(headers)
    async with portal.runtime.sessions() as s, s.begin():
        for app_id, doc_id in ((old_draft, only_old["id"]), (old_draft, shared_doc["id"]),
                               (new_draft, shared_doc["id"]), (new_draft, same_content["id"])):
            s.add(DocumentReference(application_id=app_id, document_id=doc_id, source="section"))
        s.add(Notification(id=str(uuid.uuid4()), user_id=user_id, application_id=old_draft, status="draft",
                           message="x", created_at=now))
        s.add(NikBinding(nik_key="k" * 64, user_id=user_id, bound_at=now))
    await backdate(portal, Application, Application.id == old_draft, updated_at=now - 181 * DAY)
    await backdate(portal, Document, Document.id.in_([only_old["id"], unnamed["id"]]), created_at=now - 200 * DAY)

    purged = await retention.run()

    assert await user_row(portal, "lama@example.id") is None
    assert await count(portal, ActivationToken, ActivationToken.user_id == old_user.id) == 0
    assert await user_row(portal, "baru@example.id") is not None
    assert await count(portal, PasswordResetToken, PasswordResetToken.token_hash == spent) == 0
    assert await count(portal, PasswordResetToken, PasswordResetToken.token_hash == fresh) == 1

    assert await count(portal, Application, Application.id == old_draft) == 0
    assert await count(portal, TimelineEntry, TimelineEntry.application_id == old_draft) == 0
    assert await count(portal, Notification, Notification.application_id == old_draft) == 0
    assert await count(portal, Application, Application.id == new_draft) == 1
    # The draft's own document and the unnamed old upload go; the one the recent draft names stays.
    assert await count(portal, Document, Document.id == only_old["id"]) == 0
    assert await count(portal, Document, Document.id == unnamed["id"]) == 0
    assert await count(portal, Document, Document.id == shared_doc["id"]) == 1
    assert not store_has(portal, only_old["sha256"])
    assert store_has(portal, shared_doc["sha256"])
    # The unnamed upload's bytes are still another document's: the file stays.
    assert store_has(portal, unnamed["sha256"])
    # The account still has a draft: its (unfixed) NIK binding is left alone.
    assert await count(portal, NikBinding) == 1
    assert (purged.accounts, purged.drafts, purged.documents, purged.files) == (1, 1, 2, 1)
    # The account's quota counts what it still holds (the two purged documents taken off).
    async with portal.runtime.sessions() as s:
        counted = (await s.execute(select(User.document_count, User.document_bytes).where(User.id == user_id))).one()
        held = (await s.execute(select(func.count(), func.sum(Document.size)).where(Document.user_id == user_id))).one()
    assert tuple(counted) == tuple(held) and held[0] == 2

    entries = [e for e in await audit_actions(portal) if e[0] == "retention.purged"]
    assert len(entries) == 1 and entries[0][1] == "service:portal" and entries[0][4]["drafts"] == 1

    # A second pass finds nothing more and writes no audit entry.
    again = await retention.run()
    assert not again.anything
    assert len([e for e in await audit_actions(portal) if e[0] == "retention.purged"]) == 1


async def test_the_last_draft_going_releases_an_unfixed_nik_binding(portal: Portal) -> None:
    now = utcnow()
    headers = await portal.applicant("nik@example.id")
    user = await user_row(portal, "nik@example.id")
    assert user is not None
    draft = await portal.draft(headers)
    async with portal.runtime.sessions() as s, s.begin():
        s.add(NikBinding(nik_key="a" * 64, user_id=user.id, bound_at=now))
        s.add(NikBinding(nik_key="b" * 64, user_id=user.id, bound_at=now, fixed_at=now))
    await backdate(portal, Application, Application.id == draft, updated_at=now - 181 * DAY)
    await portal.app.state.portal.usecases.retention.run()
    assert await count(portal, Application) == 0
    # The binding never sent to SIKI goes; a fixed one stays.
    assert [k[0] for k in await _keys(portal)] == ["b"]
    assert await user_row(portal, "nik@example.id") is not None  # an activated account is kept


async def _keys(portal: Portal) -> list[str]:
    async with portal.runtime.sessions() as s:
        return list((await s.execute(select(NikBinding.nik_key))).scalars().all())


async def test_settings_tune_the_periods_and_the_job_is_scheduled(tmp_path: Path, sqlite_url: str) -> None:
    settings = portal_settings(tmp_path, sqlite_url, unactivated_account_retention_days=1,
                               retention_interval_seconds=0.05)
    async with running_portal(settings) as portal:
        await portal.register("sehari@example.id")
        await backdate(portal, User, User.email == "sehari@example.id", created_at=utcnow() - 2 * DAY)
        # The background job runs every 50 ms.
        await wait_until(lambda: user_row(portal, "sehari@example.id"), lambda row: row is None,
                         what="the unactivated account removed")
