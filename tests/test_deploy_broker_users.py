"""``deploy/``'s broker users (docs/CONTRACTS.md "Event authenticity"): every service logs in as
its own RabbitMQ user, the one-shot ``broker-users`` writes the definitions the broker loads at
boot, and those definitions are what RabbitMQ accepts (imported into a throw-away vhost here)."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import aio_pika
import aiormq
import pytest
import yaml

from scripts.broker_users import Rabbitmqctl, password_env, remove
from shared.bus.users import BrokerUsers, amqp_user, with_credentials

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8")))


def _chain_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in compose["services"].items()
            if svc.get("command", [None, None, ""])[2].startswith("services.")}


def _interpolate(value: str) -> str:
    """Compose's ``${VAR}`` / ``${VAR:?message}`` with a stand-in value, as `docker compose` would."""
    return re.sub(r"\$\{(\w+)[^}]*\}", r"<\1>", value)


def _service_name(svc: dict[str, Any]) -> str:
    module = svc["command"][2].split(".")[1]
    if module == "lsp":
        return "lsp:" + svc["environment"]["SKK_LSP_CODE"]
    return {"bnsp_mock": "bnsp", "lpjk_mock": "lpjk"}.get(module, module)


def test_every_service_logs_in_as_its_own_broker_user() -> None:
    compose = _compose()
    users = BrokerUsers()
    seen = set()
    for name, svc in _chain_services(compose).items():
        service = _service_name(svc)
        url = svc["environment"]["SKK_AMQP_URL"]
        assert amqp_user(_interpolate(url)) == users.user_for(service), name
        var = password_env(service)
        assert f":${{{var}:?" in url, name  # its own password, required
        seen.add(var)
    one_shot = compose["services"]["broker-users"]
    assert set(seen) <= set(one_shot["environment"])  # every service's password provisioned
    lsps = {svc["environment"]["SKK_LSP_CODE"] for svc in _chain_services(compose).values()
            if "SKK_LSP_CODE" in svc["environment"]}
    cmd = one_shot["command"]
    assert {cmd[i + 1] for i, arg in enumerate(cmd) if arg == "--lsp"} == lsps
    assert "--passwords" in cmd and cmd[cmd.index("--passwords") + 1] == "env"


def test_the_broker_loads_the_definitions_the_one_shot_writes() -> None:
    compose = _compose()
    rabbit, one_shot = compose["services"]["rabbitmq"], compose["services"]["broker-users"]
    assert rabbit["depends_on"]["broker-users"] == {"condition": "service_completed_successfully"}
    out = Path(one_shot["command"][one_shot["command"].index("--out") + 1])
    (volume, mount) = one_shot["volumes"][0].split(":")[:2]
    assert out.parent == Path(mount)
    defs_mount = next(v for v in rabbit["volumes"] if v.startswith(volume + ":")).split(":")[1]
    conf = (DEPLOY / "rabbitmq" / "20-skk.conf").read_text(encoding="utf-8")
    # The broker loads every file of the directory: the users' definitions and the queue policies.
    assert re.search(rf"^definitions\.local\.path = {re.escape(defs_mount)}$", conf, re.M)
    policies = compose["services"]["broker-policies"]
    assert rabbit["depends_on"]["broker-policies"] == {"condition": "service_completed_successfully"}
    assert policies["volumes"][0] == one_shot["volumes"][0]  # the same volume, beside definitions.json
    copied = Path(policies["command"][-1])
    assert copied.parent == Path(mount) and copied.name != out.name and copied.suffix == ".json"
    assert any(v.startswith("./rabbitmq/20-skk.conf:/etc/rabbitmq/conf.d/") for v in rabbit["volumes"])
    for name, svc in _chain_services(compose).items():
        assert svc["depends_on"]["rabbitmq"] == {"condition": "service_healthy"}, name


@pytest.mark.rabbitmq
def test_the_one_shots_definitions_import_and_hold(tmp_path: Path, amqp_url: str) -> None:
    """The one-shot's own command (in a throw-away vhost, behind a prefix), imported by RabbitMQ:
    the users log in with the passwords from the environment, LPJK publishes skk.recorded only."""
    compose = _compose()
    cmd = [c.replace("${RABBITMQ_USER:-skk}", "skkt-admin") for c in compose["services"]["broker-users"]["command"]]
    tag = uuid.uuid4().hex[:8]
    vhost, prefix, out = f"skkt-{tag}", f"skkt-{tag}-", tmp_path / "definitions.json"
    env = {var: f"pw-{var.lower()}-{tag}" for var in compose["services"]["broker-users"]["environment"]}
    cmd = [*cmd[:cmd.index("--out")], "--out", str(out), "--vhost", vhost, "--prefix", prefix]
    assert cmd[:3] == ["python", "-m", "scripts.broker_users"]
    subprocess.run([sys.executable, *cmd[1:]], env={**env, "PATH": "/usr/bin:/bin"}, cwd=ROOT, check=True,
                   capture_output=True)
    doc = json.loads(out.read_text(encoding="utf-8"))
    users = [u["name"] for u in doc["users"]]
    assert users[0] == "skkt-admin" and f"{prefix}lsp-LSP-B" in users
    ctl = Rabbitmqctl()
    try:
        ctl("import_definitions", stdin=out.read_text(encoding="utf-8"))
        asyncio.run(_lpjk_publishes_only_its_own(amqp_url, vhost, f"{prefix}lpjk", env["SKK_BROKER_PASSWORD_LPJK"]))
    finally:
        remove(users, ctl=ctl)
        ctl("delete_vhost", vhost)


async def _lpjk_publishes_only_its_own(amqp_url: str, vhost: str, user: str, password: str) -> None:
    url = with_credentials(amqp_url, user, password).rsplit("/", 1)[0] + "/" + vhost
    conn = await aio_pika.connect(url)
    try:
        ch = await conn.channel(publisher_confirms=True)
        exchange = await ch.declare_exchange("skk.events", aio_pika.ExchangeType.TOPIC, durable=True)
        await exchange.publish(aio_pika.Message(b"{}", user_id=user), routing_key="skk.recorded")
        with pytest.raises(aiormq.exceptions.ChannelAccessRefused):
            await exchange.publish(aio_pika.Message(b"{}", user_id=user), routing_key="application.status_changed")
    finally:
        await conn.close()
