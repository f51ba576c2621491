"""The applicant's documents: uploads checked by their bytes and their structure (a plain PDF,
JPEG or PNG and nothing else), size-limited, held to the account's quota and stored once per
content, and the fetch through which SIKI and the LSPs read them by reference."""

from __future__ import annotations

import asyncio
import time
import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.documents import Usage, insert_document, usage_of
from services.portal.db.models import Document
from services.portal.db.repositories import fetchable_document
from services.portal.domain.documents import ALLOWED_TYPES, NOT_ALLOWED, sha256_hex, sniff_content_type
from services.portal.domain.sections import DOCUMENT_KINDS
from services.portal.files import structure_problem
from services.portal.settings import PortalSettings
from services.portal.storage import DocumentStore
from services.portal.usecases.common import Upload
from services.portal.usecases.views import DocumentOut, StoredFile, document_out
from shared.bus import utcnow
from shared.database import engine_of, read_session
from shared.exceptions import Conflict, Invalid, NotFound, TooLarge, UnsupportedType
from shared.idempotency_marks import remember, replayed
from shared.lapsing import Lapsing

# How long what this process last counted of an account stands in for the pre-upload read, and
# for how many accounts at most (accounts uploading within the last minute; some 300 bytes each).
USAGE_HINT_SECONDS = 60.0
USAGE_HINT_ACCOUNTS = 10_000


async def read_upload(upload: Upload, max_bytes: int, field: str = "file") -> bytes:
    """The uploaded bytes, refusing more than ``max_bytes`` and empty files."""
    data = await upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge(f"the file is larger than {max_bytes} bytes",
                       errors=[{"field": field, "message": f"at most {max_bytes} bytes"}])
    if not data:
        raise Invalid("the file is empty", errors=[{"field": field, "message": "the file is empty"}])
    return data


async def checked_content_type(data: bytes, field: str = "file") -> str:
    """The file's type, judged by its bytes and confirmed by parsing it; refused (415) when it is
    not a whole, plain PDF, JPEG or PNG (a polyglot, active content, trailing data, damage)."""
    content_type = sniff_content_type(data)
    if content_type is None:
        raise UnsupportedType(f"the file must be one of {', '.join(ALLOWED_TYPES)} (judged by its content)",
                              errors=[{"field": field, "message": NOT_ALLOWED}])
    problem = await asyncio.to_thread(structure_problem, data, content_type)
    if problem is not None:
        raise UnsupportedType(f"the file was refused: {problem}", errors=[{"field": field, "message": problem}])
    return content_type


class Documents:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], store: DocumentStore,
                 settings: PortalSettings) -> None:
        self.sessions = sessions
        self.engine = engine_of(sessions)
        self.store = store
        self.settings = settings
        # Per account: its documents and bytes as this process last read them, plus what it kept
        # since, until a minute after that read.
        self._usage: Lapsing[str, Usage] = Lapsing(USAGE_HINT_ACCOUNTS)

    async def keep(self, user_id: str, kind: str, upload: Upload, *,
                   reference: tuple[str, str] | None = None) -> DocumentOut:
        """Check and keep one upload: the bytes once per content, a row per upload (committed).
        ``reference`` (application id, source): the application that names it, recorded with it."""
        notes = replayed()
        if notes is not None and notes.get("document_id"):
            # This very request (same Idempotency-Key) kept the file in an attempt that died before
            # answering: the same document, not a second one.
            async with read_session(self.sessions) as s:
                kept = await s.get(Document, notes["document_id"])
            if kept is not None and kept.user_id == user_id:
                return document_out(kept)
        data = await read_upload(upload, self.settings.max_upload_bytes)
        content_type = await checked_content_type(data)
        digest = sha256_hex(data)
        doc = Document(id=str(uuid.uuid4()), user_id=user_id, kind=kind, sha256=digest, content_type=content_type,
                       size=len(data), created_at=utcnow())
        # Checked before any bytes are stored; the insert decides for good (another upload of the
        # account may take the last place meanwhile: then its bytes stay, as after a failed commit).
        if not self._far_below_quota(user_id, len(data)):
            self._within_quota(await self._count(user_id), len(data))
        await self.store.put(digest, data)
        remember(document_id=doc.id)
        if not await insert_document(self.engine, doc, most=self.settings.max_documents_per_account,
                                     most_bytes=self.settings.max_document_bytes_per_account, reference=reference):
            # Another upload took the last place meanwhile (this raises); or a place was freed as well.
            self._within_quota(await self._count(user_id), len(data))
            raise Conflict("the account's documents changed while the file was checked; send it again",
                           errors=[{"field": "file", "message": "the account's documents changed meanwhile"}])
        self._counted(user_id, len(data))
        return document_out(doc)

    async def _count(self, user_id: str) -> Usage:
        """The account's usage read now (one round trip), remembered as this process's hint."""
        usage = await usage_of(self.engine, user_id)
        now = time.monotonic()
        self._usage.put(user_id, usage, until=now + USAGE_HINT_SECONDS, now=now)
        return usage

    def _counted(self, user_id: str, size: int) -> None:
        """The hint after this process kept one more document of ``size`` bytes for the account
        (lapsing when the read it started from does)."""
        now = time.monotonic()
        hint = self._usage.get(user_id, now)
        if hint is not None:
            self._usage.update(user_id, Usage(hint.documents + 1, hint.bytes + size), now)

    def _far_below_quota(self, user_id: str, adding: int) -> bool:
        """Whether the pre-upload read can be skipped: this process counted the account within the
        last minute, and with this upload it would still hold at most half its quota (documents and
        bytes). The read only keeps the bytes of a refused upload off the disk; the insert keeps the
        quota either way. Uploads through other processes since can only have been added to what
        was counted, and half the quota is a margin an account does not cross in a minute in
        ordinary use; if it did, the insert refuses, the refusal reads the count again, and only
        that upload's bytes stay behind (as after a race between two uploads). Documents removed
        since only make the hint count high, so the read is taken where it could be skipped."""
        hint = self._usage.get(user_id, time.monotonic())
        if hint is None:
            return False
        return (2 * (hint.documents + 1) <= self.settings.max_documents_per_account
                and 2 * (hint.bytes + adding) <= self.settings.max_document_bytes_per_account)

    def _within_quota(self, usage: Usage, adding: int) -> None:
        most, most_bytes = self.settings.max_documents_per_account, self.settings.max_document_bytes_per_account
        count, size = usage
        if count + 1 > most:
            raise Conflict(f"the account already holds {count} documents, the most it may keep",
                           errors=[{"field": "file", "message": f"at most {most} documents per account"}])
        if size + adding > most_bytes:
            raise Conflict(f"the account's documents would exceed {most_bytes} bytes in all",
                           errors=[{"field": "file", "message": f"at most {most_bytes} bytes of documents per "
                                                                f"account; {max(most_bytes - size, 0)} left"}])

    async def upload(self, user_id: str, kind: str, upload: Upload) -> DocumentOut:
        """``upload_document``: one of the kinds the sections (or a payment) name."""
        if kind not in DOCUMENT_KINDS:
            raise Invalid.field("kind", f"unknown kind; one of {', '.join(sorted(DOCUMENT_KINDS))}")
        return await self.keep(user_id, kind, upload)

    async def fetch(self, document_id: str, caller: str) -> StoredFile:
        """``fetch_document`` for another service: SIKI routes every document; an LSP reads only
        those an application submitted to it references (its sections or payment proofs), refused
        exactly like an unknown id."""
        lsp_code = caller.removeprefix("lsp:") if caller.startswith("lsp:") else None
        async with read_session(self.sessions) as s:
            doc = await fetchable_document(s, document_id, lsp_code)
        if doc is None or not self.store.exists(doc.sha256):
            raise NotFound("document not found", errors=[{"field": "document_id", "message": "no such document"}])
        return StoredFile(data=await self.store.get(doc.sha256), content_type=doc.content_type, sha256=doc.sha256)
