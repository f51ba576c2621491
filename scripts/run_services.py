"""``make run-services``: each service as its own process against RabbitMQ and PostgreSQL.

Settings come from the environment: ``SKK_TEST_POSTGRES_URL``-style admin URL in
``SKK_POSTGRES_ADMIN_URL`` (default postgresql://postgres@127.0.0.1:5432/postgres),
``SKK_AMQP_URL`` (default amqp://guest:guest@127.0.0.1:5672/), ``SKK_SMTP_URL`` (optional).
Databases ``skk_portal``, ``skk_siki``, ``skk_lsp_a``, ... are created if missing. Each service
logs in to RabbitMQ as its own broker user (``portal``, ``siki``, ``bnsp``, ``lpjk``,
``lsp-LSP-A``, ``lsp-LSP-B``, dev passwords), created or updated first with
``scripts.broker_users`` (rabbitmqctl: run as root, or provision them once as root with
``python -m scripts.broker_users ensure``); ``SKK_AMQP_URL`` is the administrator's URL the
service URLs are derived from. Ctrl-C stops all.
"""

from __future__ import annotations

import asyncio
import os
import signal

from scripts.chain_processes import ChainProcesses


async def main() -> None:
    chain = ChainProcesses(
        postgres_admin_url=os.environ.get("SKK_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        amqp_url=os.environ.get("SKK_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
        smtp_url=os.environ.get("SKK_SMTP_URL"),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await chain.start()
        for name in chain.ports:
            print(f"{name:8} {chain.url(name)}  (log: {chain.log_dir}/{name}.log)")
        print("all services ready; Ctrl-C stops them")
        await stop.wait()
    finally:
        chain.stop()


if __name__ == "__main__":
    asyncio.run(main())
