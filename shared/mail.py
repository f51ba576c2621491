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

from shared.durable_files import write_atomically

if TYPE_CHECKING:
    import aiosmtplib
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


async def deliver(msg: EmailMessage, *, smtp_url: str | None, mail_dir: str | Path, timeout: float,
                  connections: SmtpConnections | None = None) -> None:
    """Hand ``msg`` to the SMTP server of ``smtp_url`` (``smtp://`` or ``smtps://``, credentials
    in the URL), or write it to ``mail_dir`` when there is none. Raises when the message could not
    be handed over (the caller's bus retries it). With ``connections``, over a connection kept
    from an earlier message when there is one."""
    if not smtp_url:
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        await asyncio.to_thread(_write, Path(mail_dir) / name, bytes(msg))
        return
    if connections is not None:
        await connections.send(msg, smtp_url=smtp_url, timeout=timeout)
        return
    async with _client(smtp_url, timeout) as client:
        await client.send_message(msg)


def _client(smtp_url: str, timeout: float) -> aiosmtplib.SMTP:
    # aiosmtplib is imported by the first mail sent (with the parts of ``email`` it brings, 1.0
    # MiB of the portal's idle RSS, issue 17), as jinja2 is by the first template rendered.
    import aiosmtplib

    url = urlparse(smtp_url)
    if url.scheme not in ("smtp", "smtps"):
        raise ValueError(f"unsupported SMTP URL scheme {url.scheme!r}")
    return aiosmtplib.SMTP(
        hostname=url.hostname or "127.0.0.1",
        port=url.port or (465 if url.scheme == "smtps" else 25),
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        use_tls=url.scheme == "smtps",
        timeout=timeout,
    )


class SmtpConnections:
    """SMTP connections a service keeps open between its messages (closed at its shutdown): a
    message then costs MAIL, RCPT and DATA, not also a TCP connect, the greeting, EHLO (and TLS
    and AUTH) and QUIT. At most ``keep`` wait idle; one idle for ``idle_seconds`` or more is closed
    instead of used (servers drop quiet clients). A connection is never shared by two messages at
    once, and one that failed is closed, never kept."""

    def __init__(self, *, keep: int = 4, idle_seconds: float = 30.0) -> None:
        self.keep = keep
        self.idle_seconds = idle_seconds
        self._idle: list[tuple[str, aiosmtplib.SMTP, float]] = []

    async def send(self, msg: EmailMessage, *, smtp_url: str, timeout: float) -> None:
        kept = self._take(smtp_url)
        if kept is not None:
            import aiosmtplib  # imported with the kept connection's client (see _client)

            try:
                await kept.send_message(msg)
            except (aiosmtplib.SMTPServerDisconnected, ConnectionError):
                # The server dropped the kept connection while it waited: a new one below.
                _close(kept)
            except BaseException:
                _close(kept)
                raise
            else:
                await self._put(smtp_url, kept)
                return
        client = _client(smtp_url, timeout)
        await client.connect()
        try:
            await client.send_message(msg)
        except BaseException:
            _close(client)
            raise
        await self._put(smtp_url, client)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        await asyncio.gather(*(_quit(client) for _, client, _ in idle))

    @property
    def idle(self) -> int:
        return len(self._idle)

    def _take(self, smtp_url: str) -> aiosmtplib.SMTP | None:
        now = time.monotonic()
        while True:
            # The most recently used first; older ones of this URL age out.
            found = next((i for i in range(len(self._idle) - 1, -1, -1) if self._idle[i][0] == smtp_url), None)
            if found is None:
                return None
            _, client, since = self._idle.pop(found)
            if client.is_connected and now - since < self.idle_seconds:
                return client
            _close(client)

    async def _put(self, smtp_url: str, client: aiosmtplib.SMTP) -> None:
        if len(self._idle) < self.keep:
            self._idle.append((smtp_url, client, time.monotonic()))
        else:
            await _quit(client)


async def _quit(client: aiosmtplib.SMTP) -> None:
    import aiosmtplib  # imported with the client (see _client)

    try:
        await client.quit()
    except (aiosmtplib.SMTPException, OSError):
        client.close()


def _close(client: aiosmtplib.SMTP) -> None:
    client.close()  # no QUIT: the connection failed or went stale


def _write(path: Path, data: bytes) -> None:
    # A mailbox reading the folder meanwhile sees the whole message or none of it, and the message
    # is on disk before the bus hears it was sent (shared/durable_files.py).
    write_atomically(path, data)


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
