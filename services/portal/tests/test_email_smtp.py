"""The verification email over real SMTP: an aiosmtpd sink on an ephemeral port."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from services.portal.tests.factories import PASSWORD, activation_token_from, portal_settings, running_portal
from shared.tests.waiting import eventually as wait_for  # re-exported to the mail tests


class Sink:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.peers: list[tuple[str, int]] = []  # the client end of the connection of each message
        self.fail_next = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.fail_next:
            self.fail_next -= 1
            return "451 Requested action aborted: try again later"
        raw = envelope.original_content or envelope.content
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), raw))
        self.peers.append(session.peer)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Sink, str]]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()



async def test_round_trip_through_a_real_smtp_server(tmp_path: Path, sqlite_url: str,
                                                     smtp_sink: tuple[Sink, str]) -> None:
    sink, url = smtp_sink
    # The first hand-over fails: the bus retries and the mail still arrives, once.
    sink.fail_next = 1
    settings = portal_settings(tmp_path, sqlite_url, smtp_url=url)
    async with running_portal(settings) as portal:
        r = await portal.register("mail@example.id")
        assert r.status_code == 202
        await wait_for(lambda: sink.messages)
        mail_from, rcpt, raw = sink.messages[0]
        assert rcpt == ["mail@example.id"] and "no-reply@skk.example.id" in mail_from
        token = activation_token_from(raw)
        r = await portal.client.post("/api/v1/auth/activate",
                                     json={"token": token, "password": PASSWORD, "password_repeat": PASSWORD})
        assert r.status_code == 200, r.text
        assert (await portal.login("mail@example.id")).status_code == 200
        # Used once, gone.
        r = await portal.client.post("/api/v1/auth/activate",
                                     json={"token": token, "password": PASSWORD, "password_repeat": PASSWORD})
        assert r.status_code == 410
        await asyncio.sleep(0.3)
        assert len(sink.messages) == 1
        assert not (tmp_path / "mail").exists()


async def test_a_mail_handed_over_again_keeps_its_message_id(tmp_path: Path, sqlite_url: str,
                                                             smtp_sink: tuple[Sink, str]) -> None:
    # A crash after the SMTP hand-off but before the inbox committed sends the request's mail
    # again: it must be the same message (its Message-ID is the requesting event's id).
    from email import message_from_bytes

    from shared.contracts.events import EmailRequested

    sink, url = smtp_sink
    settings = portal_settings(tmp_path, sqlite_url, smtp_url=url)
    async with running_portal(settings) as portal:
        notifications = portal.app.state.portal.usecases.notifications
        request = EmailRequested(to="ulang@example.id", subject="Jadwal asesmen", body="Isi")
        await notifications.deliver(request, "ev-123")
        await notifications.deliver(request, "ev-123")
        await wait_for(lambda: len(sink.messages) == 2)
    ids = {message_from_bytes(raw)["Message-ID"] for _, _, raw in sink.messages}
    assert ids == {"<ev-123@skk.example.id>"}


async def test_the_portal_keeps_its_smtp_connection_for_the_next_mail(tmp_path: Path, sqlite_url: str,
                                                                      smtp_sink: tuple[Sink, str]) -> None:
    sink, url = smtp_sink
    settings = portal_settings(tmp_path, sqlite_url, smtp_url=url)
    async with running_portal(settings) as portal:
        for n in range(3):
            assert (await portal.register(f"kept{n}@example.id")).status_code == 202
            await wait_for(lambda n=n: len(sink.messages) == n + 1)  # type: ignore[misc]
    assert [rcpt for _, rcpt, _ in sink.messages] == [[f"kept{n}@example.id"] for n in range(3)]
    assert len(set(sink.peers)) == 1
