"""Every ServiceClient of a process shares one verifying TLS context (shared.httpx_transports.tls_context):
the CA bundle is loaded once, not once per client, only when the first ``https://`` request goes
out (never for plain HTTP), and the shared context still refuses a certificate no trusted
authority signed."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from shared import httpx_transports
from shared.service_client import ServiceCallError, ServiceClient


@pytest.fixture
def bundle_loads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ssl.SSLContext]]:
    """The contexts a CA bundle is loaded into from now on (a fresh shared context, too)."""
    loads: list[ssl.SSLContext] = []
    original = ssl.SSLContext.load_verify_locations

    def counted(self: ssl.SSLContext, *args: object, **kwargs: object) -> None:
        loads.append(self)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counted)
    httpx_transports.tls_context.cache_clear()
    try:
        yield loads
    finally:
        httpx_transports.tls_context.cache_clear()


async def test_plain_http_clients_load_no_ca_bundle(bundle_loads: list[ssl.SSLContext]) -> None:
    async with http_server() as port:
        clients = [ServiceClient(f"http://127.0.0.1:{port}", name=f"c{i}") for i in range(4)]
        try:
            for client in clients:
                assert (await client.request("GET", "/")).status_code == 200
            assert bundle_loads == []
        finally:
            for client in clients:
                await client.aclose()


async def test_https_clients_share_one_verifying_context(tmp_path: Path, bundle_loads: list[ssl.SSLContext],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    async with tls_server(tmp_path) as port:
        # The server's own certificate as the trusted authority: httpx's SSL_CERT_FILE.
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "cert.pem"))
        clients = [ServiceClient(f"https://localhost:{port}", name=f"c{i}", retries=0) for i in range(4)]
        try:
            assert bundle_loads == []  # built: nothing loaded yet
            for client in clients:
                assert (await client.request("GET", "/")).status_code == 200
            shared = httpx_transports.tls_context()
            assert {id(ctx) for ctx in bundle_loads} == {id(shared)}
            assert shared.verify_mode == ssl.CERT_REQUIRED and shared.check_hostname
        finally:
            for client in clients:
                await client.aclose()


async def _answer_ok(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
        await writer.drain()
    except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


@asynccontextmanager
async def http_server() -> AsyncIterator[int]:
    """A plain HTTP server that answers 200."""
    server = await asyncio.start_server(_answer_ok, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=1))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp / "cert.pem", tmp / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@asynccontextmanager
async def tls_server(tmp: Path) -> AsyncIterator[int]:
    """A TLS server with a self-signed certificate that answers 200 to whoever gets through."""
    cert_file, key_file = _self_signed(tmp)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert_file, key_file)

    server = await asyncio.start_server(_answer_ok, "127.0.0.1", 0, ssl=ctx)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


async def test_the_shared_context_refuses_an_untrusted_certificate(tmp_path: Path) -> None:
    async with tls_server(tmp_path) as port:
        client = ServiceClient(f"https://localhost:{port}", name="untrusted", retries=0)
        try:
            with pytest.raises(ServiceCallError) as refused:
                await client.request("GET", "/")
            assert "certificate" in str(refused.value.__cause__ or refused.value).lower()
        finally:
            await client.aclose()
