"""An upload's rows: the account's usage counted on its ``users`` row, the document, the
reference that names it (a payment proof's) and the request's idempotency notes, written as
one unit.

The quota is kept by a conditional UPDATE of the account's counters (``document_count``,
``document_bytes``): under READ COMMITTED PostgreSQL re-checks its condition against the newest
committed row when it had to wait for another upload's lock, so two uploads at once cannot both
take the last place. Counting the documents instead needed the user's row locked first and the
aggregate in a statement of its own (a subquery would use the snapshot from before the wait).

On PostgreSQL the parts are one statement (the first ones as data-modifying CTEs, which run to
completion whether referenced or not) on an AUTOCOMMIT connection: one round trip where the
locked read, the aggregate, the inserts, the notes, ``BEGIN`` and ``COMMIT`` were six. SQLite has
no data-modifying CTEs: the same parts one by one in a transaction."""

from __future__ import annotations

from typing import Any, NamedTuple, cast

from sqlalchemy import BigInteger, DateTime, Executable, Integer, String, Table, bindparam, exists, insert, select
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.portal.db.models import Document, DocumentReference, User
from shared.database import autocommit_read, single_statement
from shared.direct_sql import first_row
from shared.idempotency_marks import NotesWrite, notes_to_write, notes_update, notes_written

_USERS = cast(Table, User.__table__)
_DOCUMENTS = cast(Table, Document.__table__)
_REFERENCES = cast(Table, DocumentReference.__table__)


class Usage(NamedTuple):
    documents: int
    bytes: int


_USAGE = select(_USERS.c.document_count, _USERS.c.document_bytes).where(_USERS.c.id == bindparam("user_id"))


async def usage_of(engine: AsyncEngine, user_id: str) -> Usage:
    """The account's documents and their bytes as counted now (one indexed read, no lock): what
    an upload checks before storing any bytes; :func:`insert_document` decides for good."""
    async with autocommit_read(engine) as conn:
        row = await first_row(conn, _USAGE, {"user_id": user_id})
    return Usage(0, 0) if row is None else Usage(int(row[0]), int(row[1]))


# The quota's UPDATE: the account's counters, only while the upload fits.
_TAKE_PLACE = (
    sql_update(_USERS)
    .where(_USERS.c.id == bindparam("user_id", type_=String),
           _USERS.c.document_count + 1 <= bindparam("most", type_=Integer),
           _USERS.c.document_bytes + bindparam("size", type_=BigInteger) <= bindparam("most_bytes", type_=BigInteger))
    .values(document_count=_USERS.c.document_count + 1,
            document_bytes=_USERS.c.document_bytes + bindparam("size", type_=BigInteger))
)
_DOCUMENT_COLUMNS = ("id", "user_id", "kind", "sha256", "content_type", "size", "created_at")
_DOCUMENT_TYPES: dict[str, Any] = {"id": String, "user_id": String, "kind": String, "sha256": String,
                                   "content_type": String, "size": Integer, "created_at": DateTime(timezone=True)}
# (with a reference, with notes) -> the PostgreSQL statement.
_ONE_STATEMENT: dict[tuple[bool, bool], Executable] = {}


def _doc_value(name: str) -> Any:
    return bindparam(f"doc_{name}", type_=_DOCUMENT_TYPES[name])


def _one_statement(reference: bool, notes: NotesWrite | None) -> Executable:
    """PostgreSQL: the quota, the document, the reference and the notes, each only if the one
    before took place; the statement returns whether the document was kept."""
    key = (reference, notes is not None)
    found = _ONE_STATEMENT.get(key)
    if found is None:
        taken = _TAKE_PLACE.returning(_USERS.c.id).cte("quota")
        doc = (insert(_DOCUMENTS)
               .from_select(list(_DOCUMENT_COLUMNS), select(*(_doc_value(c) for c in _DOCUMENT_COLUMNS))
                            .where(exists(select(taken.c.id))))
               .returning(_DOCUMENTS.c.id).cte("document"))
        parts = [taken, doc]
        if reference:
            parts.append(insert(_REFERENCES).from_select(
                ["application_id", "document_id", "source"],
                select(bindparam("ref_application_id", type_=String), doc.c.id,
                       bindparam("ref_source", type_=String))).cte("reference"))
        if notes is not None:
            parts.append(notes_update(notes.claim.table).where(exists(select(doc.c.id))).cte("notes"))
        found = _ONE_STATEMENT[key] = select(exists(select(doc.c.id)).label("kept")).add_cte(*parts)
    return found


async def insert_document(engine: AsyncEngine, doc: Document, *, most: int, most_bytes: int,
                          reference: tuple[str, str] | None = None) -> bool:
    """Keep ``doc`` (a new, transient row) if the account has room for it (``most`` documents, ``most_bytes`` in
    all), with ``reference`` (application id, source) and the request's idempotency notes, as
    one unit; False (nothing written) when it does not fit."""
    notes = notes_to_write(engine.sync_engine)
    params: dict[str, Any] = {"user_id": doc.user_id, "most": most, "most_bytes": most_bytes, "size": doc.size,
                              **{f"doc_{c}": getattr(doc, c) for c in _DOCUMENT_COLUMNS}}
    if reference is not None:
        params.update(ref_application_id=reference[0], ref_source=reference[1])
    if notes is not None:
        params.update(notes.params())
    if engine.dialect.name == "postgresql":
        async with single_statement(engine) as conn:
            # Every upload sends it: on the driver's connection directly (shared/direct_sql.py).
            row = await first_row(conn, _one_statement(reference is not None, notes), params)
            kept = bool(row is not None and row.kept)
    else:
        async with engine.begin() as conn:
            kept = await _one_by_one(conn, params, reference is not None, notes)
    if kept and notes is not None:
        notes_written(notes)
    return kept


async def _one_by_one(conn: AsyncConnection, params: dict[str, Any], reference: bool,
                      notes: NotesWrite | None) -> bool:
    taken = await conn.execute(_TAKE_PLACE, params)
    if not taken.rowcount:
        return False
    await conn.execute(insert(_DOCUMENTS).values({c: params[f"doc_{c}"] for c in _DOCUMENT_COLUMNS}))
    if reference:
        await conn.execute(insert(_REFERENCES).values(application_id=params["ref_application_id"],
                                                      document_id=params["doc_id"], source=params["ref_source"]))
    if notes is not None:
        await conn.execute(notes_update(notes.claim.table), params)
    return True
