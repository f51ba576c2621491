"""What one SIKI status step writes (usecases/timeline.py): the application's row when the step
is newer, SIKI's timeline entry unless it confirms one the portal recorded itself, and the
applicant's notification. Plain Core statements, built once per shape and executed with the
step's values as parameters: no ORM unit of work, no statement construction per event.

None of the three reads another's result, so on PostgreSQL they are sent as one statement (the
first ones as data-modifying CTEs of the last, which PostgreSQL runs to completion whether
referenced or not), with the step's email in the outbox: one round trip. SQLite has no
data-modifying CTEs: one statement each.

:func:`write_status_step_alone` is the same step as one statement by itself, outside any
transaction (the status mirror's first try, usecases/timeline.py): the application's row locked
only if it is still as the mirror read it, the inbox's claim only if so, and every write only if
claimed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CTE, Executable, Insert, Select, Table, Text, Update, bindparam, exists, insert, select, update
from sqlalchemy import cast as sa_cast
from sqlalchemy.ext.asyncio import AsyncSession

from services.portal.db.models import Application, Notification, OutboxEvent, TimelineEntry
from shared.direct_sql import first_row_in
from shared.inbox import Claim
from shared.staged_rows import Shaped, combined, execute_with, take_staged_if

_APPLICATIONS = cast(Table, Application.__table__)
_TIMELINE = cast(Table, TimelineEntry.__table__)
_NOTIFICATIONS = cast(Table, Notification.__table__)
_TIMELINE_COLUMNS = ("application_id", "status", "at", "actor", "note", "seq")
_NOTIFICATION_COLUMNS = ("id", "user_id", "application_id", "status", "message", "created_at")
_CONFIRMED_COLUMNS = ("seq", "at", "actor", "note")

# (the application's columns set or None, with a new timeline entry, with a confirmed one,
# dialect) -> the statements.
_SHAPES: dict[tuple[tuple[str, ...] | None, bool, bool, str], list[Executable]] = {}

# The first try's guard: the application's row, locked, only while ``last_seq`` and the
# certificate (which a step merges with LPJK's status) are as read. ``FOR UPDATE``: a row another
# transaction changed meanwhile is checked again as that transaction left it.
_GUARD = (select(_APPLICATIONS.c.id)
          .where(_APPLICATIONS.c.id == bindparam("application_key"),
                 _APPLICATIONS.c.last_seq == bindparam("seen_last_seq"),
                 sa_cast(_APPLICATIONS.c.certificate, Text)
                 .is_not_distinct_from(bindparam("seen_certificate", type_=Text)))
          .with_for_update().cte("step_guard"))
# (the application's columns set, id of the claim after the guard) -> the guarded statement.
_ALONE: dict[tuple[tuple[str, ...], int], Select[bool, bool]] = {}


def _values(prefix: str, columns: tuple[str, ...]) -> dict[str, Any]:
    # Prefixed names: the parts of one statement share one parameter dict.
    return {c: bindparam(f"{prefix}_{c}") for c in columns}


def _statements(advanced: tuple[str, ...] | None, with_entry: bool, with_confirmed: bool,
                dialect: str) -> list[Executable]:
    key = (advanced, with_entry, with_confirmed, dialect)
    found = _SHAPES.get(key)
    if found is None:
        parts: list[Insert | Update] = []
        if advanced is not None:
            parts.append(update(_APPLICATIONS).where(_APPLICATIONS.c.id == bindparam("application_key"))
                         .values(_values("application", advanced)))
        if with_entry:
            parts.append(insert(_TIMELINE).values(_values("timeline", _TIMELINE_COLUMNS)))
        if with_confirmed:
            parts.append(update(_TIMELINE).where(_TIMELINE.c.id == bindparam("confirmed_key"))
                         .values(_values("confirmed", _CONFIRMED_COLUMNS)))
        parts.append(insert(_NOTIFICATIONS).values(_values("notification", _NOTIFICATION_COLUMNS)))
        if dialect == "postgresql":
            *others, last = parts
            found = [last.add_cte(*(part.cte(f"write_{i}") for i, part in enumerate(others)))]
        else:
            found = list(parts)
        _SHAPES[key] = found
    return found


def _guarded_insert(table: Table, prefix: str, columns: tuple[str, ...], claimed: CTE) -> Insert:
    values = select(*(bindparam(f"{prefix}_{c}", type_=table.c[c].type) for c in columns))
    return insert(table).from_select(list(columns), values.where(exists(claimed.select())))


def _alone_statement(advanced: tuple[str, ...], claimed: CTE) -> Select[bool, bool]:
    """A newer step with a new timeline entry, each write only if the event was claimed; the
    statement answers whether the guard held and whether the event was claimed."""
    key = (advanced, id(claimed))
    found = _ALONE.get(key)
    if found is None:
        parts: list[Insert | Update] = [
            update(_APPLICATIONS)
            .where(_APPLICATIONS.c.id == bindparam("application_key"), exists(claimed.select()))
            .values(_values("application", advanced)),
            _guarded_insert(_TIMELINE, "timeline", _TIMELINE_COLUMNS, claimed),
            _guarded_insert(_NOTIFICATIONS, "notification", _NOTIFICATION_COLUMNS, claimed),
        ]
        found = _ALONE[key] = (
            select(exists(_GUARD.select()).label("locked"), exists(claimed.select()).label("claimed"))
            .add_cte(*(part.cte(f"write_{i}") for i, part in enumerate(parts))))
    return found


async def write_status_step_alone(session: AsyncSession, application_id: str, user_id: str, *,
                                  seen_last_seq: int, seen_certificate: str | None, claim: Claim,
                                  advanced: dict[str, Any], entry: dict[str, Any], status: str, message: str,
                                  at: datetime) -> bool | None:
    """PostgreSQL, ``session`` in AUTOCOMMIT: a newer step (as :func:`write_status_step` with
    ``advanced`` and ``entry``, the outbox rows staged in ``session`` included) and the event's
    ``claim``, one statement. True written; False the event was processed already (nothing
    written); None the application's row is no longer as read (``seen_last_seq``, the
    certificate's JSON text ``seen_certificate``): nothing written, the caller takes the locked
    path."""
    claimed = claim.after(_GUARD)
    also = take_staged_if(session, claimed, OutboxEvent)
    if also is None:
        return None
    columns = tuple(sorted(advanced))
    params: dict[str, Any] = {
        "application_key": application_id, "seen_last_seq": seen_last_seq, "seen_certificate": seen_certificate,
        **claim.values, **{f"application_{c}": advanced[c] for c in columns},
        **{f"timeline_{c}": entry[c] for c in _TIMELINE_COLUMNS if c != "application_id"},
        "timeline_application_id": application_id}
    params.update(_notification(application_id, user_id, status, message, at))
    statement, params = combined(Shaped(_alone_statement(columns, claimed), params), also)
    row = await first_row_in(session, statement, params)
    if row is None or not row.locked:
        return None
    return bool(row.claimed)


def _notification(application_id: str, user_id: str, status: str, message: str, at: datetime) -> dict[str, Any]:
    return {"notification_id": str(uuid.uuid4()), "notification_user_id": user_id,
            "notification_application_id": application_id, "notification_status": status,
            "notification_message": message, "notification_created_at": at}


async def write_status_step(session: AsyncSession, application_id: str, user_id: str, *,
                            advanced: dict[str, Any] | None, entry: dict[str, Any] | None,
                            confirmed: dict[str, Any] | None, status: str, message: str, at: datetime,
                            also: Sequence[Insert | Shaped] = ()) -> None:
    """Write one step in the session's transaction: ``advanced`` the application's new column
    values (None: an older step, the row stays); ``entry`` the new timeline entry's ``status``,
    ``at``, ``actor``, ``note`` and ``seq``, or ``confirmed`` the ``id`` of the entry the portal
    recorded itself with SIKI's ``seq``, ``at``, ``actor`` and ``note``; the notification of
    ``status`` with ``message``; and the inserts ``also`` (the step's email in the outbox)."""
    params: dict[str, Any] = {"application_key": application_id}
    columns = None
    if advanced is not None:
        columns = tuple(sorted(advanced))
        params.update({f"application_{c}": advanced[c] for c in columns})
    if entry is not None:
        params.update({f"timeline_{c}": entry[c] for c in _TIMELINE_COLUMNS if c != "application_id"})
        params["timeline_application_id"] = application_id
    if confirmed is not None:
        params.update({f"confirmed_{c}": confirmed[c] for c in _CONFIRMED_COLUMNS})
        params["confirmed_key"] = confirmed["id"]
    params.update(_notification(application_id, user_id, status, message, at))
    *first, last = _statements(columns, entry is not None, confirmed is not None, session.get_bind().dialect.name)
    for statement in first:  # (SQLite: one statement each)
        await session.execute(statement, params)
    await execute_with(session, Shaped(last, params), also)
