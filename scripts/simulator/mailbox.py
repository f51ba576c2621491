"""Where the simulator and the whole-chain tests read the portal's emails.

:class:`MemoryMailbox` is a real SMTP server (aiosmtpd, in its own thread) keeping every
message in memory; :class:`FolderMailbox` reads the ``.eml`` files a chain started with
``make run`` writes (``var/mail``). Both answer :meth:`wait_for` with a bounded timeout.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from aiosmtpd.controller import Controller

from scripts.chain_processes import free_port

ACTIVATION_TOKEN = re.compile(r"[?&]token=([A-Za-z0-9_\-%.~]+)")


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    body: str
    received_at: float
    message_id: str = ""


def parse_mail(raw: bytes, received_at: float, envelope_to: list[str] | None = None) -> Mail:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    part = msg.get_body(preferencelist=("plain", "html"))
    body = part.get_content() if part is not None else ""
    to = tuple(a.lower() for a in (envelope_to or [str(msg.get("To", ""))]))
    return Mail(to=to, subject=str(msg.get("Subject", "")), body=str(body), received_at=received_at,
                message_id=str(msg.get("Message-ID", "")).strip())


def activation_token(mail: Mail) -> str:
    from urllib.parse import unquote

    m = ACTIVATION_TOKEN.search(mail.body)
    if m is None:
        raise AssertionError(f"no activation link in the email {mail.subject!r}: {mail.body[:300]!r}")
    return unquote(m.group(1))


class Mailbox(Protocol):
    def messages(self, to: str | None = None) -> list[Mail]: ...

    async def wait_for(self, to: str, subject_contains: str = "", *, timeout: float = 30.0,
                       count: int = 1) -> list[Mail]: ...


class _Base:
    def messages(self, to: str | None = None) -> list[Mail]:
        raise NotImplementedError

    async def wait_for(self, to: str, subject_contains: str = "", *, timeout: float = 30.0,
                       count: int = 1) -> list[Mail]:
        """The messages to ``to`` whose subject contains ``subject_contains`` once there are
        ``count`` of them; AssertionError after ``timeout`` seconds."""
        to = to.lower()
        deadline = time.monotonic() + timeout
        delay = 0.05
        while True:
            found = [m for m in self.messages(to) if subject_contains.lower() in m.subject.lower()]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                subjects = [m.subject for m in self.messages(to)]
                raise AssertionError(f"no email {subject_contains!r} to {to} within {timeout}s (has: {subjects})")
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 0.5)


class _Handler:
    def __init__(self, box: MemoryMailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        mail = parse_mail(raw if isinstance(raw, bytes) else str(raw).encode(), time.time(),
                          [str(r) for r in envelope.rcpt_tos])
        self.box._add(mail)
        return "250 OK"


class MemoryMailbox(_Base):
    """An SMTP sink on 127.0.0.1 (``url`` for ``SKK_SMTP_URL``); ``start()``/``stop()``."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._lock = threading.Lock()
        self._by_to: dict[str, list[Mail]] = {}
        self._all: list[Mail] = []
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> MemoryMailbox:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def _add(self, mail: Mail) -> None:
        with self._lock:
            self._all.append(mail)
            for to in mail.to:
                self._by_to.setdefault(to, []).append(mail)

    def messages(self, to: str | None = None) -> list[Mail]:
        with self._lock:
            return list(self._all if to is None else self._by_to.get(to.lower(), []))


class FolderMailbox(_Base):
    """Reads ``*.eml`` files from a folder (the sink of ``make run`` writes ``var/mail``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._seen: dict[str, Mail] = {}
        self._by_to: dict[str, list[Mail]] = {}

    def _scan(self) -> None:
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*.eml"):
            if path.name in self._seen:
                continue
            try:
                mail = parse_mail(path.read_bytes(), path.stat().st_mtime)
            except (OSError, ValueError):
                continue  # still being written; the next scan reads it
            self._seen[path.name] = mail
            for to in mail.to:
                for addr in re.findall(r"[\w.+\-]+@[\w.\-]+", to):
                    self._by_to.setdefault(addr.lower(), []).append(mail)

    def messages(self, to: str | None = None) -> list[Mail]:
        self._scan()
        if to is None:
            return list(self._seen.values())
        return list(self._by_to.get(to.lower(), []))
