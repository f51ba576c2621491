"""Uploads as an attacker sends them: bodies too large to read, polyglots and active content,
more documents than an account may keep. Each is refused with problem+json naming the field,
and nothing is stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scripts.simulator.files import tiny_jpeg, tiny_pdf, tiny_png
from services.portal.db.models import Document
from services.portal.tests import hostile_files as hostile
from services.portal.tests.factories import Portal, portal_settings, running_portal
from shared.http_surface import MULTIPART_ALLOWANCE

PROBLEM = "application/problem+json"
MiB = 1024 * 1024


async def count_documents(portal: Portal) -> int:
    async with portal.runtime.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(Document))).scalar_one())


def stored_files(portal: Portal) -> list[Path]:
    root = Path(portal.settings.document_dir)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


class CountingBody:
    """A multipart upload streamed in chunks (no Content-Length): ``pulled`` is how much of it
    the server asked for."""

    def __init__(self, file_bytes: int, chunk: int = 64 * 1024) -> None:
        self.head = (b'--b\r\nContent-Disposition: form-data; name="kind"\r\n\r\nktp\r\n'
                     b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
                     b"Content-Type: application/pdf\r\n\r\n%PDF-1.7\n")
        self.file_bytes, self.chunk, self.pulled = file_bytes, chunk, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self.pulled += len(self.head)
        yield self.head
        sent = 0
        while sent < self.file_bytes:
            piece = b"0" * min(self.chunk, self.file_bytes - sent)
            sent += len(piece)
            self.pulled += len(piece)
            yield piece
        self.pulled += 8
        yield b"\r\n--b--\r\n"


async def test_a_40_mib_streamed_upload_is_refused_having_read_little_more_than_the_limit(
        portal: Portal, applicant: dict[str, str]) -> None:
    files = stored_files(portal)
    body = CountingBody(40 * MiB)
    r = await portal.client.post("/api/v1/documents", content=body,
                                 headers={**applicant, "content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM
    assert r.json()["field"] == "file"
    assert body.pulled <= portal.settings.max_upload_bytes + MULTIPART_ALLOWANCE + body.chunk
    assert await count_documents(portal) == 0 and stored_files(portal) == files


async def test_the_payment_proof_route_has_the_upload_limit_and_json_routes_the_default(
        portal: Portal, applicant: dict[str, str]) -> None:
    body = CountingBody(40 * MiB)
    r = await portal.client.post("/api/v1/applications/any/payment-proof", content=body,
                                 headers={**applicant, "content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413 and r.json()["field"] == "file"
    assert body.pulled <= portal.settings.max_upload_bytes + MULTIPART_ALLOWANCE + body.chunk
    # A JSON body over the service's default limit, whatever its Content-Length claims.
    r = await portal.client.post("/api/v1/applications", headers=applicant,
                                 json={"application_kind": "baru", "padding": "x" * (2 * MiB)})
    assert r.status_code == 413 and r.json()["field"] == "body"


@pytest.mark.parametrize(("name", "data"), [
    ("pdf/html polyglot", hostile.pdf_html_polyglot()),
    ("pdf with html appended", hostile.pdf_with_html_appended()),
    ("pdf, javascript opening it", hostile.pdf_open_action_javascript()),
    ("pdf, javascript in an object stream", hostile.pdf_javascript_in_object_stream()),
    ("pdf, launching a program", hostile.pdf_launch_action()),
    ("pdf with an attachment", hostile.pdf_embedded_file()),
    ("jpeg header then php", hostile.jpeg_header_then_php()),
    ("jpeg, php after its end", hostile.jpeg_with_php_after_eoi()),
    ("jpeg, html in its comment", hostile.jpeg_with_php_in_comment()),
    ("truncated png", hostile.png_truncated()),
    ("png, zip appended", hostile.png_with_zip_appended()),
    ("png, svg in a text chunk", hostile.png_svg_in_text_chunk()),
    ("png bomb", hostile.png_too_many_pixels()),
])
async def test_files_that_only_look_like_their_type_are_refused(portal: Portal, applicant: dict[str, str],
                                                                name: str, data: bytes) -> None:
    files = stored_files(portal)
    r = await portal.upload(applicant, "ktp", data, "scan.pdf", "application/pdf")
    assert r.status_code == 415, (name, r.text)
    assert r.headers["content-type"] == PROBLEM and r.json()["field"] == "file"
    assert r.json()["errors"][0]["message"] in r.json()["detail"]
    assert await count_documents(portal) == 0 and stored_files(portal) == files


async def test_real_files_are_accepted(portal: Portal, applicant: dict[str, str]) -> None:
    for data, content_type in [(tiny_pdf("ijazah"), "application/pdf"), (tiny_jpeg("foto"), "image/jpeg"),
                               (tiny_png("foto"), "image/png")]:
        r = await portal.upload(applicant, "ktp", data)
        assert r.status_code == 201, r.text
        assert r.json()["content_type"] == content_type
    assert await count_documents(portal) == 3


async def test_an_account_keeps_at_most_its_quota_of_documents(tmp_path: Path, sqlite_url: str) -> None:
    settings = portal_settings(tmp_path, sqlite_url, max_documents_per_account=3)
    async with running_portal(settings) as portal:
        owner, other = await portal.applicant(), await portal.applicant()
        for i in range(3):
            assert (await portal.upload(owner, "ktp", tiny_pdf(f"ktp {i}"))).status_code == 201
        files = stored_files(portal)
        r = await portal.upload(owner, "ktp", tiny_pdf("one too many"))
        assert r.status_code == 409 and r.headers["content-type"] == PROBLEM and r.json()["field"] == "file"
        assert "at most 3 documents" in r.json()["errors"][0]["message"]
        assert await count_documents(portal) == 3 and stored_files(portal) == files
        # Another account has its own quota.
        assert (await portal.upload(other, "ktp", tiny_pdf("other's ktp"))).status_code == 201


async def test_an_account_keeps_at_most_its_quota_of_bytes(tmp_path: Path, sqlite_url: str) -> None:
    first, second, third = tiny_pdf("a"), tiny_pdf("b"), tiny_pdf("c")
    settings = portal_settings(tmp_path, sqlite_url, max_document_bytes_per_account=len(first) + len(second) + 10)
    async with running_portal(settings) as portal:
        owner = await portal.applicant()
        assert (await portal.upload(owner, "ktp", first)).status_code == 201
        assert (await portal.upload(owner, "npwp", second)).status_code == 201
        files = stored_files(portal)
        r = await portal.upload(owner, "photo", third)
        assert r.status_code == 409 and r.json()["field"] == "file"
        assert await count_documents(portal) == 2 and stored_files(portal) == files
