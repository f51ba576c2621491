"""What the portal's status mirror costs per SIKI step, in the locked transaction against its
first try (usecases/timeline.py ``apply_alone``: the row read without a lock, then one statement
outside any transaction), on PostgreSQL, in the portal's own process (its test harness, no bus:
each event through ``shared.inbox.handle_once`` as the consumer runs it), in alternating blocks
so that the machine's drift falls on both sides alike.

The first try sends its two statements on the asyncpg connection directly (shared/direct_sql.py).
A third side, ``driver only``, is its floor: the same two statements compiled once by SQLAlchemy
and converted by the same type processors, sent on the asyncpg connection of one pool checkout
per step, with no session and no compiled-cache lookup (a statement's cache key walked on every
use). What separates the first try from it is what the service's data layer still adds per step.

``python -m scripts.bench.status_step [--blocks 6] [--per-block 150]``: the CPU and the wall time
per step (ms, the trimmed mean over the blocks), and the statements sent per step (with BEGIN
and COMMIT, as /metrics counts them; the driver-only side counts its own).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry

from scripts.bench.clock import process_cpu_seconds, trimmed_mean
from scripts.bench.floors import drop_database, temp_database
from scripts.simulator.chains import POSTGRES_URL
from services.portal.db import status_steps
from services.portal.db.models import InboxEntry
from services.portal.tests.factories import Portal, portal_settings, running_portal, status_event
from services.portal.tests.test_after_submit import submitted
from services.portal.usecases.timeline import _SEEN
from shared.bus import EventEnvelope, utcnow
from shared.contracts.events import StatusChanged
from shared.db_metrics import count_round_trips
from shared.direct_sql import _Form
from shared.inbox import Claim, handle_once

SIDES = ("locked", "first try", "driver only")
# The first try's statement for a step that sets these columns (no invoice, certificate or reasons).
_ADVANCED = ("last_seq", "status", "updated_at")


class _Compiled:
    """A statement compiled once for the driver, in the form ``shared.direct_sql`` sends it (its
    SQL, its parameters' order and processors, its result columns' processors), without the
    compiled-cache lookup a service's direct statement makes on every use."""

    def __init__(self, engine: Any, statement: Any) -> None:
        self.compiled = statement.compile(dialect=engine.dialect)
        self.form = _Form(self.compiled, engine.dialect)

    def args(self, params: dict[str, Any]) -> list[Any]:
        full = self.compiled.construct_params(params, _check=False)
        return [process(full[name]) if process else full[name] for name, process in self.form.binds]

    async def fetchrow(self, raw: Any, params: dict[str, Any]) -> dict[str, Any]:
        row = await raw.fetchrow(self.form.sql, *self.args(params))
        return {key: process(value) if process else value
                for key, process, value in zip(self.form.row._fields, self.form.results, row, strict=True)}


class _Steps:
    """Feeds one application newer steps, one event at a time, either way."""

    def __init__(self, portal: Portal, app_id: str) -> None:
        self.portal, self.app_id, self.seq = portal, app_id, 1
        self.mirror = portal.app.state.portal.usecases.status_mirror
        self.sessions = portal.runtime.sessions
        self.engine = portal.runtime.engine
        self.sent = 0  # the driver-only side's statements
        inbox = Claim(InboxEntry.__table__, {})  # type: ignore[arg-type]
        self.read = _Compiled(self.engine, _SEEN)
        self.write = _Compiled(self.engine, status_steps._alone_statement(_ADVANCED, inbox.after(status_steps._GUARD)))

    async def _driver_only(self, envelope: EventEnvelope) -> None:
        step = StatusChanged.model_validate(envelope.payload)
        async with self.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            raw = (await conn.get_raw_connection()).driver_connection
            seen = await self.read.fetchrow(raw, {"application_id": step.application_id})
            assert seen["last_seq"] < step.seq
            now = utcnow()
            done = await self.write.fetchrow(raw, {
                "application_key": step.application_id, "seen_last_seq": seen["last_seq"],
                "seen_certificate": seen["certificate"], "inbox_event_id": envelope.id, "inbox_consumer": "bench",
                "inbox_event_type": envelope.type, "inbox_processed_at": now,
                "application_last_seq": step.seq, "application_status": step.status.value,
                "application_updated_at": now, "timeline_application_id": step.application_id,
                "timeline_status": step.status.value, "timeline_at": step.at, "timeline_actor": step.actor,
                "timeline_note": None, "timeline_seq": step.seq,
                **status_steps._notification(step.application_id, seen["user_id"], step.status.value, "", now)})
            self.sent += 2
            assert done["locked"] and done["claimed"]

    async def _effect(self, session: Any, envelope: EventEnvelope) -> None:
        await self.mirror.apply(session, StatusChanged.model_validate(envelope.payload))

    async def _first_try(self, envelope: EventEnvelope, claim: Claim) -> bool | None:
        return await self.mirror.apply_alone(self.sessions, StatusChanged.model_validate(envelope.payload), claim)

    async def run(self, side: str, count: int) -> None:
        for _ in range(count):
            self.seq += 1
            # A step without an email: the relay's work is no part of either side.
            event = status_event(self.app_id, self.seq, "in_certification")
            if side == "driver only":
                await self._driver_only(event)
                continue
            done = await handle_once(self.sessions, InboxEntry, "bench", event, self._effect, claims_in_effect=True,
                                     first_try=self._first_try if side == "first try" else None)
            assert done


async def measure(*, blocks: int, per_block: int, admin_url: str = POSTGRES_URL) -> dict[str, Any]:
    name, url = await temp_database(admin_url)
    try:
        with tempfile.TemporaryDirectory(prefix="skk-status-step-") as tmp:
            settings = portal_settings(Path(tmp), url.replace("postgresql://", "postgresql+asyncpg://", 1))
            async with running_portal(settings) as portal:
                applicant = await portal.applicant()
                steps = {side: _Steps(portal, await submitted(portal, applicant)) for side in SIDES}
                counters = count_round_trips(portal.runtime.engine, CollectorRegistry())
                for side in SIDES:  # warm: each statement prepared on the pool's connections
                    await steps[side].run(side, 20)
                cpu: dict[str, list[float]] = {side: [] for side in SIDES}
                wall: dict[str, list[float]] = {side: [] for side in SIDES}
                trips: dict[str, float] = dict.fromkeys(SIDES, 0.0)
                for _ in range(blocks):
                    for side in SIDES:
                        before = _round_trips(counters) + steps[side].sent
                        started, clock = process_cpu_seconds(), time.perf_counter()
                        await steps[side].run(side, per_block)
                        cpu[side].append((process_cpu_seconds() - started) / per_block * 1000)
                        wall[side].append((time.perf_counter() - clock) / per_block * 1000)
                        trips[side] += (_round_trips(counters) + steps[side].sent - before) / per_block / blocks
        return {side: {"cpu_ms": round(trimmed_mean(cpu[side]), 3), "wall_ms": round(trimmed_mean(wall[side]), 3),
                       "round_trips": round(trips[side], 2)} for side in SIDES}
    finally:
        await drop_database(admin_url, name)


def _round_trips(counters: Any) -> float:
    """Statements plus BEGIN and COMMIT (or ROLLBACK) of each transaction, as /metrics counts them."""
    statements = sum(sample.value for metric in counters.statements.collect() for sample in metric.samples
                     if sample.name.endswith("_total"))
    transactions = sum(sample.value for metric in counters.transactions.collect() for sample in metric.samples
                       if sample.name.endswith("_total"))
    return float(statements + 2 * transactions)


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.status_step", description=__doc__)
    p.add_argument("--blocks", type=int, default=6)
    p.add_argument("--per-block", type=int, default=150)
    args = p.parse_args()
    import uvloop  # as the services run

    print(json.dumps(uvloop.run(measure(blocks=args.blocks, per_block=args.per_block)), indent=1))


if __name__ == "__main__":
    main()
