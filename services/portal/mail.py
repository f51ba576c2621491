"""Sending the portal's emails: over SMTP (aiosmtplib) to ``SKK_SMTP_URL``, or, with no SMTP
server configured, as ``.eml`` files in ``mail_dir``."""

from __future__ import annotations

import asyncio
import time
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlparse

import aiosmtplib

from services.portal.settings import PortalSettings


def build_message(settings: PortalSettings, to: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain="skk.example.id")
    msg.set_content(body)
    return msg


async def send_email(settings: PortalSettings, to: str, subject: str, body: str) -> None:
    """Raises when the message could not be handed over (the caller's bus retries it)."""
    msg = build_message(settings, to, subject, body)
    if not settings.smtp_url:
        folder = Path(settings.mail_dir)
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        await asyncio.to_thread(_write, folder / name, bytes(msg))
        return
    url = urlparse(settings.smtp_url)
    if url.scheme not in ("smtp", "smtps"):
        raise ValueError(f"unsupported SMTP URL scheme {url.scheme!r}")
    await aiosmtplib.send(
        msg,
        hostname=url.hostname or "127.0.0.1",
        port=url.port or (465 if url.scheme == "smtps" else 25),
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        use_tls=url.scheme == "smtps",
        timeout=settings.http_timeout_seconds,
    )


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
