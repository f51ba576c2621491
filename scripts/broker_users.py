"""One RabbitMQ user per service, with the permissions that make the broker vouch for events
(docs/CONTRACTS.md "Event authenticity"; README "Broker users").

For an exchange ``X`` each service's user (``portal``, ``siki``, ``bnsp``, ``lpjk``,
``lsp-<code>`` per LSP, all behind an optional prefix) gets, in the vhost:

- configure ``^X(\\..*)?$``: the exchange and the chain's queues (every service declares every
  consumer queue at start-up, so that no event is published before its queue exists);
- write ``^(X(\\..*)?|amq\\.default)$``: publish to the exchange, bind queues, park its own
  retries and dead letters through the default exchange;
- read ``^X(\\.<own>(\\..*)?)?$``: only its own queues (``X.siki``, ``X.siki.webhooks``, ...);
- topic write on ``X``: exactly the routing keys the event catalogue lets it produce (``lpjk``:
  ``skk.recorded``; an LSP: its own ``lsp.<code>.*`` events; ``bnsp``: none).

Everything is written as RabbitMQ definitions (users with password hashes, permissions, topic
permissions): ``ensure`` imports them with one ``rabbitmqctl import_definitions`` (idempotent:
creates what is missing, resets passwords and permissions; ``rabbitmqctl`` needs root, or the
broker's own user, on the broker's machine); ``definitions`` writes them for a broker that loads
them at boot (deploy/compose.yaml)::

    python -m scripts.broker_users ensure [--vhost /] [--exchange skk.events] [--prefix P]
                                          [--lsp LSP-A --lsp LSP-B] [--passwords dev|env]
    python -m scripts.broker_users remove [--prefix P] [--lsp ...]
    python -m scripts.broker_users show   # the users and their permissions
    python -m scripts.broker_users definitions --passwords env [--admin-user skk] [--out FILE]

``--passwords dev`` derives each user's dev password (``shared.bus.users.dev_broker_password``,
refused in production); ``--passwords env`` reads ``SKK_BROKER_PASSWORD_<NAME>`` (``PORTAL``,
``SIKI``, ``BNSP``, ``LPJK``, ``LSP_A``, ...).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.bus.users import BrokerUsers, dev_broker_password, with_credentials
from shared.contracts.events import CATALOGUE
from shared.devdefaults import DEV_LSPS

INSTITUTIONS = ("portal", "siki", "bnsp", "lpjk")
NEVER = "^(?!)$"  # a regex no routing key matches


class BrokerUsersError(RuntimeError):
    pass


@dataclass(frozen=True)
class Grant:
    service: str
    user: str
    exchange: str
    configure: str
    write: str
    read: str
    topic_write: str
    topic_read: str = ".*"


def services(lsp_codes: Iterable[str] = tuple(DEV_LSPS)) -> list[str]:
    return [*INSTITUTIONS, *(f"lsp:{code}" for code in lsp_codes)]


def routing_keys(service: str) -> list[str]:
    """The routing keys the catalogue lets ``service`` publish (an LSP's own ones filled in)."""
    keys: list[str] = []
    for cls in CATALOGUE:
        if not cls.produced_by(service):
            continue
        for_lsp = getattr(cls, "for_lsp", None)
        if service.startswith("lsp:") and for_lsp is not None:
            keys.append(for_lsp(service.split(":", 1)[1]))
        elif "*" not in cls.event_type:
            keys.append(cls.event_type)
    return keys


def own_queue_root(service: str) -> str:
    """A service's consumer queues are named after it: ``siki``, ``siki.webhooks``; ``lsp.<code>``."""
    return "lsp." + service.split(":", 1)[1] if service.startswith("lsp:") else service


def password_env(service: str) -> str:
    name = service.split(":", 1)[1] if service.startswith("lsp:") else service
    return "SKK_BROKER_PASSWORD_" + re.sub(r"[^A-Z0-9]", "_", name.upper())


def grant(service: str, *, exchange: str = "skk.events", users: BrokerUsers | None = None) -> Grant:
    users = users or BrokerUsers()
    x = re.escape(exchange)
    keys = routing_keys(service)
    return Grant(
        service=service,
        user=users.user_for(service),
        exchange=exchange,
        configure=rf"^{x}(\..*)?$",
        write=rf"^({x}(\..*)?|amq\.default)$",
        read=rf"^{x}(\.{re.escape(own_queue_root(service))}(\..*)?)?$",
        topic_write="^(" + "|".join(re.escape(k) for k in keys) + ")$" if keys else NEVER,
    )


def plan(*, exchange: str = "skk.events", prefix: str = "", lsp_codes: Iterable[str] = tuple(DEV_LSPS)) -> list[Grant]:
    users = BrokerUsers(prefix=prefix)
    return [grant(s, exchange=exchange, users=users) for s in services(lsp_codes)]


def dev_password(grant: Grant) -> str:
    return dev_broker_password(grant.user)


def env_password(grant: Grant) -> str:
    name = password_env(grant.service)
    value = os.environ.get(name)
    if not value:
        raise BrokerUsersError(f"{name} is not set (the broker password of {grant.user!r})")
    return value


def service_url(admin_url: str, g: Grant, password: Callable[[Grant], str] = dev_password) -> str:
    """The AMQP URL ``g``'s service logs in with (host, port and vhost of ``admin_url``)."""
    return with_credentials(admin_url, g.user, password(g))


class Rabbitmqctl:
    def __init__(self, command: Sequence[str] = ("rabbitmqctl",), timeout: float = 120.0) -> None:
        self.command = list(command)
        self.timeout = timeout

    def __call__(self, *args: str, stdin: str | None = None) -> str:
        try:
            done = subprocess.run(  # noqa: S603 - fixed program, arguments from our own plan
                [*self.command, "-q", *args], input=stdin, capture_output=True, text=True,
                timeout=self.timeout, check=False,
            )
        except FileNotFoundError:
            raise BrokerUsersError(f"{self.command[0]} not found: provisioning broker users needs RabbitMQ's "
                                   "rabbitmqctl on the broker's machine") from None
        if done.returncode != 0:
            hint = "" if os.geteuid() == 0 else " (rabbitmqctl needs root: run this as root)"
            raise BrokerUsersError(f"rabbitmqctl {args[0]} failed{hint}: {done.stderr.strip()[:300]}")
        return done.stdout

    def json(self, *args: str) -> list[dict[str, object]]:
        out = self(*args, "--formatter", "json").strip()
        return list(json.loads(out)) if out else []


def password_hash(password: str) -> str:
    """RabbitMQ's ``rabbit_password_hashing_sha256``: base64(salt + sha256(salt + password))."""
    salt = secrets.token_bytes(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def definitions(grants: Sequence[Grant], *, vhost: str = "/", password: Callable[[Grant], str] = dev_password,
                admin: tuple[str, str] | None = None) -> dict[str, Any]:
    """RabbitMQ definitions (``rabbitmqctl import_definitions``, or ``load_definitions`` at boot)
    holding the users of ``grants`` (password hashes only), their permissions and topic permissions,
    and ``admin`` (user, password) as administrator when given."""
    def user(name: str, secret: str, tags: list[str]) -> dict[str, Any]:
        return {"name": name, "password_hash": password_hash(secret),
                "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": tags}

    users = [user(g.user, password(g), []) for g in grants]
    permissions = [{"user": g.user, "vhost": vhost, "configure": g.configure, "write": g.write, "read": g.read}
                   for g in grants]
    if admin is not None:
        users.insert(0, user(admin[0], admin[1], ["administrator"]))
        permissions.insert(0, {"user": admin[0], "vhost": vhost, "configure": ".*", "write": ".*", "read": ".*"})
    return {
        "users": users,
        "vhosts": [{"name": vhost}],
        "permissions": permissions,
        "topic_permissions": [{"user": g.user, "vhost": vhost, "exchange": g.exchange, "write": g.topic_write,
                               "read": g.topic_read} for g in grants],
    }


def existing_users(ctl: Rabbitmqctl | None = None) -> set[str]:
    return {str(u["user"]) for u in (ctl or Rabbitmqctl()).json("list_users")}


def ensure(grants: Sequence[Grant], *, vhost: str = "/", password: Callable[[Grant], str] = dev_password,
           ctl: Rabbitmqctl | None = None) -> list[str]:
    """Create or update every user of ``grants`` in ``vhost`` (one ``import_definitions``, the
    definitions on stdin: no password on a command line); returns the users it created."""
    ctl = ctl or Rabbitmqctl()
    before = existing_users(ctl)
    ctl("import_definitions", stdin=json.dumps(definitions(grants, vhost=vhost, password=password)))
    return [g.user for g in grants if g.user not in before]


def remove(users: Iterable[str], *, ctl: Rabbitmqctl | None = None) -> None:
    """Delete ``users`` (those that exist), in parallel."""
    ctl = ctl or Rabbitmqctl()
    gone = sorted(set(users) & existing_users(ctl))
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda u: ctl("delete_user", u), gone))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.broker_users", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["ensure", "remove", "show", "definitions"])
    parser.add_argument("--vhost", default="/")
    parser.add_argument("--exchange", default=os.environ.get("SKK_BUS_EXCHANGE", "skk.events"))
    parser.add_argument("--prefix", default=os.environ.get("SKK_BUS_USER_PREFIX", ""))
    parser.add_argument("--lsp", action="append", dest="lsps", metavar="CODE",
                        help="an LSP code (repeat; default: the dev LSPs LSP-A, LSP-B)")
    parser.add_argument("--passwords", choices=["dev", "env"], default="dev")
    parser.add_argument("--admin-user", help="definitions: add this administrator (password from "
                        "RABBITMQ_PASSWORD), needed when the broker loads them at boot")
    parser.add_argument("--out", type=Path, help="definitions: write here (default stdout)")
    args = parser.parse_args(argv)
    grants = plan(exchange=args.exchange, prefix=args.prefix, lsp_codes=args.lsps or tuple(DEV_LSPS))
    password = env_password if args.passwords == "env" else dev_password
    try:
        if args.action == "ensure":
            created = ensure(grants, vhost=args.vhost, password=password)
            print(f"broker users ready in vhost {args.vhost}: " + ", ".join(g.user for g in grants)
                  + (f" (created: {', '.join(created)})" if created else ""))
        elif args.action == "remove":
            remove([g.user for g in grants])
        elif args.action == "show":
            for g in grants:
                print(f"{g.user}\tconfigure {g.configure}\twrite {g.write}\tread {g.read}\t"
                      f"topic write on {g.exchange} {g.topic_write}")
        else:
            admin = None
            if args.admin_user:
                secret = os.environ.get("RABBITMQ_PASSWORD")
                if not secret:
                    raise BrokerUsersError("RABBITMQ_PASSWORD is not set (the administrator's password)")
                admin = (args.admin_user, secret)
            text = json.dumps(definitions(grants, vhost=args.vhost, password=password, admin=admin), indent=2)
            if args.out is None:
                print(text)
            else:
                args.out.parent.mkdir(parents=True, exist_ok=True)
                args.out.write_text(text + "\n", encoding="utf-8")
                args.out.chmod(0o644)  # read by the broker's own user; only hashes inside
                print(f"wrote {args.out} ({len(grants)} service users)")
    except BrokerUsersError as exc:
        print(f"broker_users: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
