"""``make run``: the whole chain in one process with embedded defaults.

SQLite files under ``var/``, the in-process event bus shared by every service, mail to a local
SMTP sink that writes ``var/mail/*.eml``, two LSP instances (LSP-A, LSP-B). Ctrl-C stops all.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from scripts.chain_processes import DEFAULT_PORTS
from scripts.mail_sink import start_mail_sink
from services.bnsp_mock.app import create_app as bnsp_app
from services.bnsp_mock.settings import BnspSettings
from services.lpjk_mock.app import create_app as lpjk_app
from services.lpjk_mock.settings import LpjkSettings
from services.lsp.app import create_app as lsp_app
from services.lsp.settings import LspSettings
from services.portal.app import create_app as portal_app
from services.portal.settings import PortalSettings
from services.siki.app import create_app as siki_app
from services.siki.settings import SikiSettings
from shared.bus import InProcessBus, RetryPolicy
from shared.logging import configure_logging, get_logger
from shared.serving import QuietServer
from shared.settings import DEV_PASSWORD

VAR = Path(os.environ.get("SKK_VAR_DIR", "var"))
SMTP_PORT = int(os.environ.get("SKK_MAIL_SINK_PORT", "8025"))


class _Server(QuietServer):
    # The runner owns the signals: one Ctrl-C stops every server together. Quiet: six servers in
    # one process would wake it 60 times a second (shared/serving.py).
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def chain_ports() -> dict[str, int]:
    """The spec's ports, or consecutive ports from ``SKK_CHAIN_PORT_BASE`` (to run beside another chain)."""
    base = os.environ.get("SKK_CHAIN_PORT_BASE")
    if not base:
        return dict(DEFAULT_PORTS)
    return {name: int(base) + i for i, name in enumerate(DEFAULT_PORTS)}


def build_apps(bus: InProcessBus, var: Path = VAR, smtp_url: str | None = None,
               ports: dict[str, int] | None = None) -> list[tuple[str, FastAPI, int]]:
    ports = ports or chain_ports()

    def url(name: str) -> str:
        return f"http://127.0.0.1:{ports[name]}"

    common: dict[str, Any] = {
        "amqp_url": None, "log_json": False, "portal_url": url("portal"), "siki_url": url("siki"),
        "bnsp_url": url("bnsp"), "lpjk_url": url("lpjk"),
    }
    if smtp_url:
        common["smtp_url"] = smtp_url

    def settings(cls: type[Any], name: str, db_name: str, **kw: Any) -> Any:
        extra = dict(common, database_url=f"sqlite+aiosqlite:///{var}/{db_name}.db", port=ports[name], **kw)
        if "public_url" in cls.model_fields:
            extra["public_url"] = url(name)
        if "dev_lsp_urls" in cls.model_fields:
            extra["dev_lsp_urls"] = {"LSP-A": url("LSP-A"), "LSP-B": url("LSP-B")}
        return cls(**extra)

    apps: list[tuple[str, FastAPI, int]] = [
        ("portal", portal_app(settings(PortalSettings, "portal", "portal"), bus=bus), ports["portal"]),
        ("siki", siki_app(settings(SikiSettings, "siki", "siki"), bus=bus), ports["siki"]),
    ]
    for code in ("LSP-A", "LSP-B"):
        s_lsp = settings(LspSettings, code, code.lower().replace("-", "_"), lsp_code=code)
        apps.append((code, lsp_app(s_lsp, bus=bus), ports[code]))
    apps.append(("bnsp", bnsp_app(settings(BnspSettings, "bnsp", "bnsp"), bus=bus), ports["bnsp"]))
    apps.append(("lpjk", lpjk_app(settings(LpjkSettings, "lpjk", "lpjk"), bus=bus), ports["lpjk"]))
    return apps


def ui_guide(apps: list[tuple[str, FastAPI, int]], mail_dir: Path, password: str) -> list[str]:
    """What ``make run`` prints for people: where each web UI lives and the dev accounts."""
    ports = {name: port for name, _, port in apps}

    def url(name: str, path: str) -> str:
        return f"http://127.0.0.1:{ports[name]}{path}"

    lsps = [name for name in ports if name.startswith("LSP-")]
    uis = [("applicant (portal)", url("portal", "/")), *((f"LSP staff ({n})", url(n, "/")) for n in lsps),
           ("SIKI operators", url("siki", "/pengiriman")),
           ("LPJK verification", url("lpjk", "/verifikasi") + "  (public, no login)")]
    return [
        "Web UI:",
        *(f"  {label:<22} {where}" for label, where in uis),
        "Dev accounts:",
        f"  portal: register yourself at {url('portal', '/daftar')}; the activation link is in {mail_dir}/*.eml",
        f"  LSP staff (each LSP): manajer, admin, asesor1, asesor2, komite, komite2, komite3 / {password}",
        f"  operators: operator@siki.dev (SIKI pages), operator@<service>.dev on each API / {password}",
    ]


async def main() -> None:
    configure_logging(os.environ.get("SKK_LOG_LEVEL", "INFO"), json=False)
    log = get_logger("run_chain")
    VAR.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (once, before serving)
    smtp_url = os.environ.get("SKK_SMTP_URL")
    sink = None
    if not smtp_url:
        sink = start_mail_sink(VAR / "mail", port=SMTP_PORT)
        smtp_url = f"smtp://127.0.0.1:{SMTP_PORT}"
        log.info("mail sink listening", url=smtp_url, folder=str(VAR / "mail"))
    try:
        await _serve(log, smtp_url)
    finally:
        if sink is not None:
            sink.stop()


async def _serve(log: Any, smtp_url: str) -> None:
    bus = InProcessBus(RetryPolicy(max_attempts=8, base_seconds=0.5, max_seconds=30))
    apps = build_apps(bus, VAR, smtp_url)
    servers = [
        _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False,
                               lifespan="on"))
        for _, app, port in apps
    ]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await bus.start()
    tasks = [asyncio.create_task(s.serve()) for s in servers]
    for name, _, port in apps:
        log.info("service", name=name, url=f"http://127.0.0.1:{port}")
    # A password set in SKK_DEV_PASSWORD is not echoed; only the published default is.
    password = "$SKK_DEV_PASSWORD" if os.environ.get("SKK_DEV_PASSWORD") else DEV_PASSWORD
    print("\n".join(ui_guide(apps, VAR / "mail", password)), flush=True)
    log.info("chain running; Ctrl-C stops it")
    done_waiter = asyncio.create_task(asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED))
    stop_waiter = asyncio.create_task(stop.wait())
    await asyncio.wait({done_waiter, stop_waiter}, return_when=asyncio.FIRST_COMPLETED)
    log.info("stopping")
    for s in servers:
        s.should_exit = True
    await asyncio.gather(*tasks, return_exceptions=True)
    await bus.stop()
    for t in (done_waiter, stop_waiter):
        t.cancel()
    failed = [name for (name, _, _), s in zip(apps, servers, strict=True) if not s.started]
    if failed:
        log.error("services failed to start", services=failed)
    log.info("stopped")


if __name__ == "__main__":
    asyncio.run(main())
