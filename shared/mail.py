"""Sending an email the way every service of the chain does: over SMTP (aiosmtplib) to
``SKK_SMTP_URL``, or, with no SMTP server configured, as an ``.eml`` file in a folder; and plain
text emails rendered from Jinja2 templates (Bahasa Indonesia) whose inserted values cannot leave
their line.

A template's first line is the subject, then a blank line, then the body. Plain text is not
HTML-escaped (that would only garble "O'Neil"); what a value must not do is break out of its line
(a name carrying "\\n\\nAkun Anda DIBLOKIR..." must not become a paragraph of an official email),
so control characters and line separators become spaces.
"""

from __future__ import annotations

import asyncio
import os
import time
import unicodedata
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import aiosmtplib

if TYPE_CHECKING:
    from jinja2 import Environment

_BREAKING = ("Cc", "Cf", "Zl", "Zp")


def build_message(mail_from: str, to: str, subject: str, body: str, *, message_id: str | None = None) -> EmailMessage:
    """``message_id`` (e.g. the id of the event that asked for the mail) makes the Message-ID
    stable: a mail handed over again after a crash (before the hand-off was recorded) is then
    recognisably the same message, which receiving systems keep once."""
    msg = EmailMessage()
    msg["From"] = mail_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = f"<{message_id}@skk.example.id>" if message_id else make_msgid(domain="skk.example.id")
    msg.set_content(body)
    return msg


async def deliver(msg: EmailMessage, *, smtp_url: str | None, mail_dir: str | Path, timeout: float) -> None:
    """Hand ``msg`` to the SMTP server of ``smtp_url`` (``smtp://`` or ``smtps://``, credentials
    in the URL), or write it to ``mail_dir`` when there is none. Raises when the message could not
    be handed over (the caller's bus retries it)."""
    if not smtp_url:
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        await asyncio.to_thread(_write, Path(mail_dir) / name, bytes(msg))
        return
    url = urlparse(smtp_url)
    if url.scheme not in ("smtp", "smtps"):
        raise ValueError(f"unsupported SMTP URL scheme {url.scheme!r}")
    await aiosmtplib.send(
        msg,
        hostname=url.hostname or "127.0.0.1",
        port=url.port or (465 if url.scheme == "smtps" else 25),
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        use_tls=url.scheme == "smtps",
        timeout=timeout,
    )


def _write(path: Path, data: bytes) -> None:
    # Written under a name no reader globs (``*.eml``), then renamed: a mailbox reading the folder
    # meanwhile sees the whole message or none of it, never a half-written file.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


# --- templates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str


def one_line(value: Any) -> str:
    """``value`` as text that cannot leave its line."""
    text = "" if value is None else str(value)
    return "".join(" " if unicodedata.category(c) in _BREAKING else c for c in text)


@lru_cache(maxsize=8)
def _environment(directory: Path) -> Environment:
    # jinja2 imported for the first mail, not at start-up (1 MiB of idle RSS, issue 17).
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(directory),
        autoescape=select_autoescape(enabled_extensions=("html", "htm"), default_for_string=False),
        finalize=one_line,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render_email(directory: Path, name: str, **values: Any) -> RenderedEmail:
    """Render ``<directory>/<name>.txt``; a value the template uses but was not given raises."""
    text = _environment(directory).get_template(f"{name}.txt").render(**values)
    subject, _, body = text.partition("\n")
    return RenderedEmail(subject=one_line(subject).strip(), body=body.lstrip("\n"))
