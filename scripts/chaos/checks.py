"""What must hold after the faults, read from every service's database, the SMTP sink, the
broker and the logs: each check a name, a count of offending items and a few examples."""

from __future__ import annotations

import contextlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from scripts.chain_processes import ChainProcesses
from scripts.simulator.journeys import JourneyResult
from scripts.simulator.logscan import is_error_line
from scripts.simulator.mailbox import Mailbox
from shared.crypto import DataKeys, is_sealed_text
from shared.settings import ServiceSettings

# A client that gave up on a dropped connection, a "not reachable now" answer or a keyed request
# still in flight (409 of the Idempotency-Key): the journey is abandoned by the client, not the
# chain wrong (counted apart; the chain's consistency is checked for it all the same).
CONNECTION_ERRORS = ("ConnectError", "ConnectTimeout", "RemoteProtocolError", "ReadError", "WriteError",
                     "ReadTimeout", "PoolTimeout", "HTTP 502", "HTTP 503", "still being processed")
INSTANCES = ("portal", "siki", "LSP-A", "LSP-B", "bnsp", "lpjk")


@dataclass
class Check:
    name: str
    checked: int
    offending: int = 0
    examples: list[str] = field(default_factory=list)
    informational: bool = False  # reported, never failing the run

    @property
    def ok(self) -> bool:
        return self.informational or self.offending == 0

    def add(self, example: str) -> None:
        self.offending += 1
        if len(self.examples) < 8:
            self.examples.append(example)


def abandoned_on_connection(r: JourneyResult) -> bool:
    return r.error is not None and any(m in r.error for m in CONNECTION_ERRORS)


class Databases:
    """One asyncpg connection per instance's database (queries only)."""

    def __init__(self, procs: ChainProcesses) -> None:
        self.procs = procs
        self.conns: dict[str, Any] = {}

    async def __aenter__(self) -> Databases:
        import asyncpg

        admin = urlparse(self.procs.postgres_admin_url)
        for name in INSTANCES:
            url = urlunparse(admin._replace(path="/" + self.procs.database_name(name)))
            self.conns[name] = await asyncpg.connect(url)
        return self

    async def __aexit__(self, *_: object) -> None:
        for conn in self.conns.values():
            await conn.close()

    async def rows(self, name: str, sql: str, *args: Any) -> list[Any]:
        return list(await self.conns[name].fetch(sql, *args))

    async def has_table(self, name: str, table: str) -> bool:
        return bool(await self.conns[name].fetchval("SELECT to_regclass($1) IS NOT NULL", table))


async def unpublished_outbox(db: Databases) -> dict[str, int]:
    counts = {}
    for name in INSTANCES:
        if await db.has_table(name, "outbox"):
            counts[name] = int(await db.conns[name].fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
    return counts


async def statuses(db: Databases) -> dict[str, dict[str, str]]:
    """Application id -> status, per instance (drafts left out: they never left the portal)."""
    out: dict[str, dict[str, str]] = {}
    for name in ("portal", "siki", "LSP-A", "LSP-B"):
        rows = await db.rows(name, "SELECT id, status FROM applications")
        out[name] = {r["id"]: r["status"] for r in rows if r["status"] != "draft"}
    return out


async def disagreements(db: Databases) -> list[str]:
    """Applications whose status differs between the portal, SIKI and their LSP."""
    return compare_statuses(await statuses(db))


def compare_statuses(s: dict[str, dict[str, str]]) -> list[str]:
    bad = []
    for app_id, portal_status in s["portal"].items():
        siki = s["siki"].get(app_id)
        lsp = s["LSP-A"].get(app_id) or s["LSP-B"].get(app_id)
        if not (portal_status == siki == lsp):
            bad.append(f"{app_id}: portal {portal_status}, SIKI {siki}, LSP {lsp}")
    # Known to SIKI or an LSP but a draft (or nothing) at the portal: a submission whose answer
    # was lost, never reconciled.
    for name in ("siki", "LSP-A", "LSP-B"):
        for app_id, status in s[name].items():
            if app_id not in s["portal"]:
                bad.append(f"{app_id}: {name} {status}, a draft or unknown at the portal")
    return bad


async def run_checks(procs: ChainProcesses, results: Sequence[JourneyResult], mailbox: Mailbox,
                     dead_letters: dict[str, int]) -> list[Check]:
    checks: list[Check] = []
    by_app = {r.application_id: r for r in results if r.application_id}

    journeys = Check("journeys ended in their expected final state", len(results))
    abandoned = Check("journeys abandoned by the client on a dropped connection (informational)",
                      len(results), informational=True)
    for r in results:
        if r.ok:
            continue
        target = abandoned if abandoned_on_connection(r) else journeys
        target.add(f"{r.plan.scenario} app={r.application_id} expected {r.plan.expected_final}, "
                   f"got {r.final_status}: {(r.error or '')[:200]}")
    checks += [journeys, abandoned]

    async with Databases(procs) as db:
        states = await statuses(db)
        agree = Check("states agree between portal, SIKI and the LSP", len(states["portal"]))
        for line in await disagreements(db):
            agree.add(line)
        checks.append(agree)

        siki_tl = await db.rows("siki", "SELECT application_id, seq, status FROM timeline ORDER BY application_id, seq")
        siki_steps: dict[str, list[str]] = {}
        for row in siki_tl:
            siki_steps.setdefault(row["application_id"], []).append(row["status"])
        expected = Check("SIKI timelines are exactly the planned steps", len(by_app))
        for app_id, r in by_app.items():
            if r.ok and siki_steps.get(app_id, []) != r.plan.expected_statuses():
                expected.add(f"{app_id} ({r.plan.scenario}): {siki_steps.get(app_id)}")
        checks.append(expected)

        portal_tl = await db.rows("portal", "SELECT application_id, status FROM timeline_entries")
        lsp_tl = [*await db.rows("LSP-A", "SELECT application_id, status FROM timeline"),
                  *await db.rows("LSP-B", "SELECT application_id, status FROM timeline")]
        notes = await db.rows("portal", "SELECT application_id, status FROM notifications "
                                        "WHERE application_id IS NOT NULL AND status IS NOT NULL")
        for label, rows in (("portal timeline", portal_tl), ("LSP timeline", lsp_tl), ("notifications", notes)):
            checks.append(_surplus(f"no duplicate {label} entry (against SIKI's timeline)", rows, siki_steps))
        checks.append(_missing("no step missing from the portal timeline", portal_tl, siki_steps))

        checks.append(await _unique(db, "lsp invoices", [("LSP-A", "invoices"), ("LSP-B", "invoices")],
                                    "application_id", "number"))
        checks.append(await _unique(db, "SKK numbers (SIKI register)", [("siki", "skk_register")],
                                    "application_id", "skk_number"))
        checks.append(await _unique(db, "BNSP issuances", [("bnsp", "issuance")], "application_id", "skk_number"))
        checks.append(await _unique(db, "LPJK records", [("lpjk", "skk_record")], "application_id", "skk_number"))
        certs = Check("one certificate per completed application (portal = SIKI = LPJK)", 0)
        register = {r["application_id"]: r["recording_number"]
                    for r in await db.rows("siki", "SELECT application_id, recording_number FROM skk_register")}
        records = {r["application_id"]: r["recording_number"]
                   for r in await db.rows("lpjk", "SELECT application_id, recording_number FROM skk_record")}
        for app_id, st in states["portal"].items():
            if st == "completed":
                certs.checked += 1
                if not register.get(app_id) or register.get(app_id) != records.get(app_id):
                    certs.add(f"{app_id}: SIKI {register.get(app_id)}, LPJK {records.get(app_id)}")
        checks.append(certs)

        requested = await db.rows("portal", "SELECT payload FROM outbox WHERE type = 'portal.email_requested'")
        outbox = await unpublished_outbox(db)
        drained = Check("outbox drained in every service", len(outbox))
        for name, n in outbox.items():
            if n:
                drained.add(f"{name}: {n} unpublished")
        checks.append(drained)

    checks += _emails(requested, mailbox)

    dlq = Check("dead-letter queues empty", len(dead_letters))
    for queue, n in dead_letters.items():
        if n:
            dlq.add(f"{queue}: {n} message(s)")
    checks.append(dlq)

    checks += _log_checks(procs.log_files)
    return checks


def _emails(requested: Sequence[Any], mailbox: Mailbox) -> list[Check]:
    """Mails received against the portal's email requests (its outbox keeps them, published):
    more than asked for is a duplicate, fewer a lost email."""
    want: Counter[tuple[str, str]] = Counter()
    for row in requested:
        payload = _payload(row["payload"])
        want[(str(payload["to"]).lower(), str(payload["subject"]))] += 1
    # A mail handed over again after a crash (the SMTP hand-off done, its record not yet
    # committed) carries the same Message-ID (the requesting event's id): one message to the
    # receiving system; counted once here, and the resends listed as explained.
    messages = mailbox.messages()
    seen: set[str] = set()
    resent = Check("mails handed over again with the same Message-ID (one message)", len(messages),
                   informational=True)
    have: Counter[tuple[str, str]] = Counter()
    for m in messages:
        if m.message_id and m.message_id in seen:
            resent.add(f"{m.message_id} to {','.join(m.to)}: {m.subject}")
            continue
        seen.add(m.message_id)
        have[(",".join(m.to), m.subject)] += 1
    dup = Check("no duplicate email (against the portal's email requests)", sum(have.values()))
    lost = Check("every requested email delivered", sum(want.values()))
    for key in sorted(set(want) | set(have)):
        if have[key] > want[key]:
            dup.add(f"{have[key]}x (asked {want[key]}x) to {key[0]}: {key[1]}")
        elif have[key] < want[key]:
            lost.add(f"{have[key]}x (asked {want[key]}x) to {key[0]}: {key[1]}")
    return [dup, lost, resent]


def _payload(stored: Any) -> Any:
    """An outbox row's payload as the portal stored it: sealed (shared.outbox.SealedOutboxMixin;
    opened with the portal's dev data keys, which the chain's processes run with), or plain JSON."""
    if not isinstance(stored, str):
        return stored
    if is_sealed_text(stored):
        keys = DataKeys.from_settings(ServiceSettings(service_name="portal"))
        stored = keys.decrypt(stored, "outbox.payload")
    return json.loads(stored)


_STDLIB_LOGGER = re.compile(r"^\S+ \S+ [A-Z]+ (\S+)")
BROKER_CLIENT = ("aiormq", "aio_pika")


def _logger_of(line: str) -> str:
    if line.startswith("{"):
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            return str(record.get("logger") or record.get("event") or "")
    m = _STDLIB_LOGGER.match(line)
    return m.group(1) if m else ""


def _log_checks(files: Sequence[Path]) -> list[Check]:
    """ERROR lines (and tracebacks), the broker client's reconnect noise (aiormq / aio-pika,
    by the logger of the line or of the record a traceback belongs to) apart from the rest."""
    noise = Check("no ERROR line from the broker client (aiormq/aio_pika reconnects)", len(files))
    other = Check("no other ERROR line or traceback in any service log", len(files))
    for path in files:
        if not path.exists():
            continue
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        record_logger = ""
        for n, line in enumerate(lines, start=1):
            if line.startswith(("{", "20")):  # a record (JSON, or stdlib with its date), not a traceback line
                record_logger = _logger_of(line)
            if not is_error_line(line):
                continue
            logger = record_logger if line.startswith("Traceback") else _logger_of(line)
            target = noise if logger.startswith(BROKER_CLIENT) else other
            target.add(f"{path.name}:{n}: {line.strip()[:300]}")
    return [noise, other]


def _surplus(name: str, rows: Sequence[Any], siki_steps: dict[str, list[str]]) -> Check:
    """Entries per (application, status) beyond SIKI's count of that step: written twice."""
    have = Counter((r["application_id"], r["status"]) for r in rows)
    want = Counter((a, s) for a, steps in siki_steps.items() for s in steps)
    check = Check(name, len(rows))
    for (app_id, status), n in sorted(have.items()):
        if n > want.get((app_id, status), 0) and (app_id, status) in want:
            check.add(f"{app_id} {status}: {n} (SIKI {want[(app_id, status)]})")
    return check


def _missing(name: str, rows: Sequence[Any], siki_steps: dict[str, list[str]]) -> Check:
    """SIKI steps the portal's timeline lacks (an older event dropped after a retry)."""
    have = Counter((r["application_id"], r["status"]) for r in rows)
    check = Check(name, sum(len(s) for s in siki_steps.values()))
    for app_id, steps in siki_steps.items():
        for status, n in Counter(steps).items():
            if have.get((app_id, status), 0) < n:
                check.add(f"{app_id} {status}: portal {have.get((app_id, status), 0)}, SIKI {n}")
    return check


async def _unique(db: Databases, label: str, tables: list[tuple[str, str]], per: str, number: str) -> Check:
    """At most one row per application and no number given twice."""
    rows = [r for name, table in tables for r in await db.rows(name, f"SELECT {per}, {number} FROM {table}")]  # noqa: S608
    check = Check(f"no duplicate {label}", len(rows))
    for key, n in Counter(r[per] for r in rows).items():
        if n > 1:
            check.add(f"{per} {key}: {n} rows")
    for key, n in Counter(r[number] for r in rows).items():
        if n > 1:
            check.add(f"{number} {key}: given {n} times")
    return check
