"""Builders of valid portal data (NIK, NPWP, files, the seven sections) and a harness that runs
the portal in-process, for the portal's tests and any other test that needs an applicant.

Every builder returns data that passes the portal's rules; tests break one field at a time.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from stdnum import luhn

from scripts.simulator.files import tiny_jpeg, tiny_pdf, tiny_png
from services.portal.app import create_app
from services.portal.settings import PortalSettings

# Small whole files the portal accepts (it parses them: pypdf, Pillow); tiny_pdf(note) makes
# another one with other bytes.
PDF_BYTES = tiny_pdf("portal test document")
PNG_BYTES = tiny_png("portal test photo")
JPEG_BYTES = tiny_jpeg("portal test photo")

BIRTH_DATE = date(1985, 8, 17)
PASSWORD = "Rahasia-Kuat-2024"

# Codes present in shared/reference/data (Kemendagri regions; LSP-A is licensed for SI012001).
PROVINCE = "31"
REGENCY = "31.71"
OTHER_PROVINCE = "32"
QUALIFICATION = {
    "lsp_code": "LSP-A",
    "klasifikasi_code": "SI",
    "subklasifikasi_code": "SI01",
    "kualifikasi": "Teknisi/Analis",
    "jabatan_kerja_code": "SI012001",
    "jenjang": 6,
    "asosiasi_code": "HAKI",
    "kta_number": "KTA-0001-2024",
    "tuk_code": "TUK-A-01",
    "application_kind": "baru",
}

# Document kinds each section (or item) needs.
DOCS_PERSONAL = ("ktp", "npwp", "data_statement", "photo")
DOCS_EDUCATION = ("diploma", "institution_statement")
DOCS_QUALIFICATION = ("application_letter", "apl01", "apl02")


def make_nik(birth_date: date = BIRTH_DATE, gender: str = "L", region: str = "317101", serial: int = 1) -> str:
    """A NIK whose DDMMYY encodes ``birth_date`` (day + 40 for women)."""
    day = birth_date.day + (40 if gender == "P" else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def make_npwp(base: str = "01234567") -> str:
    """A 15-digit NPWP whose first nine digits pass the Luhn check."""
    nine = base + luhn.calc_check_digit(base)
    return nine + "012000"


def personal(docs: dict[str, str], **over: Any) -> dict[str, Any]:
    gender = over.get("gender", "L")
    birth = over.get("birth_date", BIRTH_DATE)
    data: dict[str, Any] = {
        "nik": make_nik(birth if isinstance(birth, date) else BIRTH_DATE, gender),
        "full_name": "Budi Santoso",
        "birth_place": "Jakarta",
        "birth_date": BIRTH_DATE.isoformat(),
        "email": "budi@example.id",
        "phone": "+6281234567890",
        "npwp": make_npwp(),
        "gender": "L",
        "address": "Jl. Merdeka No. 1",
        "country": "Indonesia",
        "province_code": PROVINCE,
        "regency_code": REGENCY,
        "postal_code": "12345",
        "documents": {k: docs[k] for k in DOCS_PERSONAL},
    }
    data.update({k: (v.isoformat() if isinstance(v, date) else v) for k, v in over.items()})
    return data


def education_item(docs: dict[str, str], **over: Any) -> dict[str, Any]:
    return {
        "institution": "Universitas Indonesia",
        "study_program": "Teknik Sipil",
        "diploma_number": "UI/2007/12345",
        "graduation_year": 2007,
        "level": "S1",
        "address": "Depok",
        "country": "Indonesia",
        "province_code": "32",
        "regency_code": "32.76",
        "documents": {k: docs[k] for k in DOCS_EDUCATION},
        **over,
    }


def experience_item(docs: dict[str, str], **over: Any) -> dict[str, Any]:
    return {
        "experience_kind": "kerja",
        "project_name": "Gedung Kantor Pemerintah",
        "province_code": PROVINCE,
        "start_date": "2010-01-01",
        "end_date": "2015-12-31",
        "position": "Pengawas Lapangan",
        "project_value": "15000000000",
        "documents": {"reference_letter": docs["reference_letter"]},
        **over,
    }


def training_item(docs: dict[str, str], **over: Any) -> dict[str, Any]:
    return {"organizer": "Balai Jasa Konstruksi", "name": "K3 Konstruksi", "start_date": "2016-03-01",
            "end_date": "2016-03-05", "lesson_hours": 40, "days": 5,
            "documents": {"certificate": docs["certificate"]}, **over}


def case_study_item(docs: dict[str, str], **over: Any) -> dict[str, Any]:
    return {"title": "Perkuatan struktur", "start_date": "2017-01-01", "end_date": "2017-06-30",
            "description": "Perkuatan kolom gedung lima lantai.", "documents": {"case_study": docs["case_study"]},
            **over}


def certificate_item(docs: dict[str, str], **over: Any) -> dict[str, Any]:
    return {"name": "Sertifikat Ahli K3", "issuer": "Kemnaker", "start_date": "2018-01-01",
            "end_date": "2030-01-01", "documents": {"certificate": docs["certificate"]}, **over}


def qualification(docs: dict[str, str], **over: Any) -> dict[str, Any]:
    return {**QUALIFICATION, "documents": {k: docs[k] for k in DOCS_QUALIFICATION}, **over}


def all_sections(docs: dict[str, str]) -> dict[str, Any]:
    """The seven sections, valid together, naming the documents in ``docs`` (kind -> id)."""
    return {
        "personal": personal(docs),
        "education": {"items": [education_item(docs)]},
        "experience": {"items": [experience_item(docs)]},
        "training": {"items": [training_item(docs)]},
        "case_studies": {"items": [case_study_item(docs)]},
        "certificates": {"items": [certificate_item(docs)]},
        "qualification": qualification(docs),
    }


ALL_KINDS = (*DOCS_PERSONAL, *DOCS_EDUCATION, "reference_letter", "certificate", "case_study", *DOCS_QUALIFICATION)


def portal_settings(tmp_path: Path, database_url: str, **over: Any) -> PortalSettings:
    """Settings for an in-process portal: everything under ``tmp_path``, no network retries."""
    base: dict[str, Any] = {
        "database_url": database_url,
        "document_dir": str(tmp_path / "documents"),
        "mail_dir": str(tmp_path / "mail"),
        "smtp_url": None,
        "siki_url": "http://siki.test",
        "public_url": "http://portal.test",
        "http_retries": 0,
        "outbox_poll_seconds": 0.05,
        "bus_retry_base_seconds": 0.05,
        "log_json": False,
    }
    base.update(over)
    return PortalSettings(**base)


ACTIVATION_LINK = re.compile(r"(https?://\S+/activate\?token=(\S+))")


def activation_token_from(message: bytes | str) -> str:
    """The token of the activation link in a raw email."""
    raw = message if isinstance(message, bytes) else message.encode()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    body = msg.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""  # type: ignore[union-attr]
    m = ACTIVATION_LINK.search(text)
    if m is None:
        raise AssertionError("no activation link in the email")
    from urllib.parse import unquote

    return unquote(m.group(2))


@dataclass
class Portal:
    """A running in-process portal and a client to it."""

    app: FastAPI
    client: httpx.AsyncClient
    settings: PortalSettings
    mail_dir: Path
    seen_mail: set[str] = field(default_factory=set)

    @property
    def runtime(self) -> Any:
        return self.app.state.portal.runtime

    async def next_mail(self, timeout: float = 10.0) -> bytes:
        """The next .eml the portal wrote to its mail folder (mail without SMTP)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            files = sorted(p for p in self.mail_dir.glob("*.eml") if p.name not in self.seen_mail) \
                if self.mail_dir.exists() else []
            if files:
                self.seen_mail.add(files[0].name)
                return files[0].read_bytes()
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("no email arrived")
            await asyncio.sleep(0.02)

    async def feed(self, *events: Any) -> None:
        """Publish events on the portal's in-process bus and wait until they are handled."""
        bus = self.runtime.bus
        for ev in events:
            await bus.publish(ev)
        await bus.drain()

    async def register(self, email_addr: str, **over: Any) -> httpx.Response:
        body = {"first_name": "Budi", "last_name": "Santoso", "email": email_addr, "phone": "081234567890",
                "is_individual": True, "data_truth_consent": True, **over}
        return await self.client.post("/api/v1/auth/register", json=body)

    async def login(self, email_addr: str, password: str = PASSWORD) -> httpx.Response:
        return await self.client.post("/api/v1/auth/token", data={"username": email_addr, "password": password})

    async def applicant(self, email_addr: str | None = None) -> dict[str, str]:
        """Register, activate through the emailed link, log in: the bearer headers."""
        email_addr = email_addr or f"user-{uuid.uuid4().hex[:8]}@example.id"
        r = await self.register(email_addr)
        assert r.status_code == 202, r.text
        token = activation_token_from(await self.next_mail())
        r = await self.client.post("/api/v1/auth/activate",
                                   json={"token": token, "password": PASSWORD, "password_repeat": PASSWORD})
        assert r.status_code == 200, r.text
        r = await self.login(email_addr)
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    async def upload(self, headers: dict[str, str], kind: str, data: bytes = PDF_BYTES,
                     filename: str = "f.pdf", content_type: str = "application/pdf") -> httpx.Response:
        return await self.client.post("/api/v1/documents", headers=headers, data={"kind": kind},
                                      files={"file": (filename, data, content_type)})

    async def upload_all(self, headers: dict[str, str]) -> dict[str, str]:
        """One document of every kind the sections need: kind -> id (the photo a PNG)."""
        docs: dict[str, str] = {}
        for kind in ALL_KINDS:
            r = await (self.upload(headers, kind, PNG_BYTES, "p.png", "image/png") if kind == "photo"
                       else self.upload(headers, kind, tiny_pdf(kind)))
            assert r.status_code == 201, r.text
            docs[kind] = r.json()["id"]
        return docs

    async def draft(self, headers: dict[str, str]) -> str:
        r = await self.client.post("/api/v1/applications", headers=headers, json={"application_kind": "baru"})
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    async def complete_draft(self, headers: dict[str, str]) -> tuple[str, dict[str, str]]:
        """A draft with all seven sections saved: (application id, documents)."""
        docs = await self.upload_all(headers)
        app_id = await self.draft(headers)
        for name, payload in all_sections(docs).items():
            r = await self.client.put(f"/api/v1/applications/{app_id}/sections/{name}", headers=headers, json=payload)
            assert r.status_code == 200, r.text
        return app_id, docs


@asynccontextmanager
async def running_portal(settings: PortalSettings, *, bus: Any = None) -> AsyncIterator[Portal]:
    app = create_app(settings, bus=bus)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
            yield Portal(app=app, client=client, settings=settings, mail_dir=Path(settings.mail_dir))


def status_event(application_id: str, seq: int, status: str, **over: Any) -> Any:
    """An ``application.status_changed`` envelope as SIKI publishes it."""
    from shared.bus import EventEnvelope, utcnow
    from shared.contracts.events import APPLICATION_STATUS_CHANGED, StatusChanged

    payload = StatusChanged.model_validate({
        "application_id": application_id, "seq": seq, "status": status, "at": utcnow(),
        "actor": over.pop("actor", "siki"), **over,
    })
    return EventEnvelope(type=APPLICATION_STATUS_CHANGED, correlation_id=uuid.uuid4().hex,
                         application_id=application_id, source="siki", payload=payload.model_dump(mode="json"))

