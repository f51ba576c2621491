"""Kept SMTP connections (``shared.mail.SmtpConnections``) against a real SMTP server (aiosmtpd):
one connection carries many messages, never two at once; a failed or dropped one is not used
again, and every message still arrives exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller

from scripts.chain_processes import free_port
from shared import mail


class Sink:
    def __init__(self) -> None:
        self.subjects: list[str] = []
        self.peers: list[tuple[str, int]] = []
        self.refuse_next = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_next:
            self.refuse_next -= 1
            return "451 Requested action aborted: try again later"
        content = envelope.original_content or envelope.content
        self.subjects.append(next(line for line in content.decode().splitlines() if line.startswith("Subject: "))[9:])
        self.peers.append(session.peer)
        return "250 Message accepted for delivery"


class Server:
    def __init__(self) -> None:
        self.sink = Sink()
        self.port = free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    s.start()
    try:
        yield s
    finally:
        s.stop()


def _msg(subject: str) -> Any:
    return mail.build_message("Portal <noreply@pu.example.id>", "budi@example.id", subject, "Isi pesan.")


async def _send(connections: mail.SmtpConnections, server: Server, subject: str) -> None:
    await mail.deliver(_msg(subject), smtp_url=server.url, mail_dir="unused", timeout=5, connections=connections)


async def test_messages_in_turn_share_one_connection(server: Server) -> None:
    connections = mail.SmtpConnections()
    for n in range(3):
        await _send(connections, server, f"pesan {n}")
    assert server.sink.subjects == ["pesan 0", "pesan 1", "pesan 2"]
    assert len(set(server.sink.peers)) == 1
    assert connections.idle == 1
    await connections.close()
    assert connections.idle == 0
    await _send(connections, server, "pesan 3")  # after close: a new connection
    assert len(set(server.sink.peers)) == 2
    await connections.close()


async def test_messages_at_once_each_get_their_own_connection_and_at_most_keep_stay(server: Server) -> None:
    connections = mail.SmtpConnections(keep=2)
    await asyncio.gather(*(_send(connections, server, f"pesan {n}") for n in range(5)))
    assert sorted(server.sink.subjects) == [f"pesan {n}" for n in range(5)]
    assert len(set(server.sink.peers)) == 5
    assert connections.idle == 2
    await _send(connections, server, "pesan 5")
    assert len(set(server.sink.peers)) == 5  # a kept one carried it
    await connections.close()


async def test_a_connection_the_server_dropped_is_replaced_and_the_message_arrives_once(server: Server) -> None:
    connections = mail.SmtpConnections()
    await _send(connections, server, "sebelum")
    server.stop()  # the server goes away with the kept connection, and comes back
    server.start()
    await _send(connections, server, "sesudah")
    assert server.sink.subjects == ["sebelum", "sesudah"]
    assert connections.idle == 1
    await connections.close()


async def test_a_refused_message_raises_and_its_connection_is_not_kept(server: Server) -> None:
    connections = mail.SmtpConnections()
    await _send(connections, server, "pertama")
    server.sink.refuse_next = 1
    with pytest.raises(aiosmtplib.SMTPDataError):
        await _send(connections, server, "ditolak")
    assert connections.idle == 0
    await _send(connections, server, "diulang")
    assert server.sink.subjects == ["pertama", "diulang"]
    assert server.sink.peers[0] != server.sink.peers[1]
    await connections.close()


async def test_a_connection_idle_too_long_is_not_used(server: Server) -> None:
    connections = mail.SmtpConnections(idle_seconds=0)
    await _send(connections, server, "satu")
    await _send(connections, server, "dua")
    assert server.sink.subjects == ["satu", "dua"]
    assert server.sink.peers[0] != server.sink.peers[1]
    assert connections.idle == 1
    await connections.close()


async def test_without_kept_connections_each_message_has_its_own(server: Server) -> None:
    for subject in ("a", "b"):
        await mail.deliver(_msg(subject), smtp_url=server.url, mail_dir="unused", timeout=5)
    assert server.sink.subjects == ["a", "b"]
    assert server.sink.peers[0] != server.sink.peers[1]
