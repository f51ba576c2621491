"""Sealing rows written before encryption (or under a retired key), for the migrations that
introduced encryption and for each service's start-up.

A revision that turns a column into an encrypted one seals its existing rows at once when it
runs on the service's own engine (``migrate_on_startup``: the engine carries the service's keys).
The prestart step (``python -m scripts.migrate``) migrates every database without any service's
keys: there the revision only changes the schema, and the service seals the rows left in clear
when it starts (:func:`install_data_keys` registers that pass; it finds nothing to do once done).
A blind index that is a primary key cannot wait as NULL: such a revision fills it with
``legacy:<value>`` (``shared.crypto.LEGACY_INDEX_PREFIX``), which the pass replaces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import ColumnElement, MetaData, and_, column, false, func, or_, select, table, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.crypto import (
    BLOB_MAGIC,
    LEGACY_INDEX_PREFIX,
    TEXT_PREFIX,
    BlindIndex,
    DataKeys,
    EncryptedBytes,
    EncryptedJSON,
    EncryptedText,
    attach_data_keys,
    attached_data_keys,
    blob_prefix,
    text_prefix,
)
from shared.database import migration_lock
from shared.logging import get_logger

if TYPE_CHECKING:
    from shared.runtime import ServiceRuntime

log = get_logger(__name__)

Kind = Literal["text", "bytes"]


@dataclass(frozen=True)
class SealedColumn:
    """An encrypted column: its table, primary key, kind (JSON is sealed as its text), the
    associated data it is sealed with, and the blind-index column computed from it, if any."""

    table: str
    key: tuple[str, ...]
    column: str
    kind: Kind = "text"
    context: str = ""
    index: str | None = None
    purpose: str = "nik"

    @property
    def ad(self) -> str:
        return self.context or f"{self.table}.{self.column}"


def sealed_columns(metadata: MetaData) -> list[SealedColumn]:
    """The encrypted columns of ``metadata`` (from their types), with their blind indexes."""
    found: list[SealedColumn] = []
    for t in metadata.sorted_tables:
        key = tuple(c.name for c in t.primary_key.columns)
        indexes = {c.type.source: (c.name, c.type.purpose) for c in t.columns if isinstance(c.type, BlindIndex)}
        for c in t.columns:
            if isinstance(c.type, EncryptedText | EncryptedJSON | EncryptedBytes):
                index, purpose = indexes.get(c.name, (None, "nik"))
                kind: Kind = "bytes" if isinstance(c.type, EncryptedBytes) else "text"
                found.append(SealedColumn(t.name, key, c.name, kind, c.type.context, index, purpose))
    return found


def _needs_work(spec: SealedColumn, value: Any, index: Any, active: str | None) -> ColumnElement[bool]:
    """Rows in clear (or, given the ``active`` kid, sealed under any other) or not yet indexed."""
    if spec.kind == "bytes":
        magic = blob_prefix(active) if active else BLOB_MAGIC
        unsealed = func.substr(value, 1, len(magic)) != magic
    else:
        unsealed = ~value.like((text_prefix(active) if active else TEXT_PREFIX) + "%")
    todo = and_(value.is_not(None), unsealed)
    if index is None:
        return todo
    return or_(todo, and_(value.is_not(None), or_(index.is_(None), index.like(LEGACY_INDEX_PREFIX + "%"))))


def seal_rows(conn: Connection, columns: Sequence[SealedColumn], keys: DataKeys | None = None, *,
              rotate: bool = False, batch: int = 200) -> int:
    """Encrypt every value of ``columns`` still in clear and fill its blind index; with
    ``rotate`` also re-encrypt values sealed under any kid but the active one. Each row is
    updated only if unchanged since read (another process may be sealing too). Returns the
    number of rows rewritten. Without keys (none given, none attached to the engine) nothing
    changes: the rows left in clear are only noted in the log, for the service's start-up."""
    keys = keys or attached_data_keys(conn.dialect)
    done = 0
    for spec in columns:
        names = [*spec.key, spec.column, *([spec.index] if spec.index else [])]
        t = table(spec.table, *(column(n) for n in dict.fromkeys(names)))
        value, index = t.c[spec.column], (t.c[spec.index] if spec.index else None)
        todo = _needs_work(spec, value, index, keys.active if keys and rotate else None)
        if keys is None:
            if conn.execute(select(func.count()).select_from(t).where(todo)).scalar():
                log.info("rows in clear left for the service's start-up to encrypt (no data keys here)",
                         table=spec.table, column=spec.column)
            continue
        query = select(*(t.c[n] for n in dict.fromkeys(names))).where(todo).limit(batch)
        while rows := conn.execute(query).mappings().all():
            changed = sum(_seal_row(conn, t, spec, row, keys) for row in rows)
            done += changed
            if not changed:
                break  # another process rewrote them meanwhile, or they cannot change: do not spin
    return done


def _seal_row(conn: Connection, t: Any, spec: SealedColumn, row: Any, keys: DataKeys) -> int:
    old = row[spec.column]
    if spec.kind == "bytes":
        plain_bytes = keys.open_bytes(bytes(old), spec.ad)
        new: Any = old if keys.is_current(bytes(old)) else keys.seal_bytes(plain_bytes, spec.ad)
        plain = ""
    else:
        plain = keys.decrypt(old, spec.ad)
        new = keys.reseal(old, spec.ad)
    values: dict[str, Any] = {spec.column: new}
    if spec.index:
        values[spec.index] = keys.blind_index(plain, spec.purpose)
    where = [t.c[k] == row[k] for k in spec.key] + [t.c[spec.column] == old]
    if len(where) == 1:
        where.append(false())  # no primary key: never rewrite blindly
    return conn.execute(update(t).where(*where).values(**values)).rowcount or 0


def unseal_rows(conn: Connection, columns: Sequence[SealedColumn], keys: DataKeys | None = None) -> int:
    """Decrypt every sealed value of ``columns`` back into clear (a downgrade); raises without keys
    if any value is sealed."""
    keys = keys or attached_data_keys(conn.dialect)
    done = 0
    for spec in columns:
        t = table(spec.table, *(column(n) for n in dict.fromkeys([*spec.key, spec.column])))
        value = t.c[spec.column]
        sealed = (func.substr(value, 1, len(BLOB_MAGIC)) == BLOB_MAGIC if spec.kind == "bytes"
                  else value.like(TEXT_PREFIX + "%"))
        rows = conn.execute(select(*t.c).where(sealed)).mappings().all()
        if rows and keys is None:
            raise RuntimeError(f"{spec.table}.{spec.column} holds encrypted values: downgrade on the "
                               "service's engine (its data keys attached)")
        for row in rows:
            assert keys is not None
            old = row[spec.column]
            plain: Any = (keys.open_bytes(bytes(old), spec.ad) if spec.kind == "bytes"
                          else keys.decrypt(old, spec.ad))
            where = [t.c[k] == row[k] for k in spec.key] + [value == old]
            done += conn.execute(update(t).where(*where).values({spec.column: plain})).rowcount or 0
    return done


async def seal_legacy_rows(engine: AsyncEngine, metadata: MetaData, *, rotate: bool = False) -> int:
    """:func:`seal_rows` for every encrypted column of ``metadata``, under the migration lock
    (several processes of one service starting together seal once)."""
    columns = sealed_columns(metadata)
    async with migration_lock(engine), engine.begin() as conn:
        done = await conn.run_sync(lambda c: seal_rows(c, columns, rotate=rotate))
    if done:
        log.info("encrypted rows at rest", rows=done, rotated=rotate)
    return done


def install_data_keys(runtime: ServiceRuntime, metadata: MetaData) -> DataKeys:
    """Attach the service's data keys (from its settings) to its engine, and seal at start-up
    whatever rows are still in clear. Returns the keys (for the service's file store)."""
    keys = DataKeys.from_settings(runtime.settings)
    attach_data_keys(runtime.engine, keys)

    async def seal() -> None:
        await seal_legacy_rows(runtime.engine, metadata)

    runtime.on_startup(seal)
    return keys


# --- for the revisions that introduce encryption ---------------------------------------------


def retype_column(table_name: str, column_name: str, new_type: Any, *, nullable: bool) -> None:
    """Change a column's type in an Alembic revision, in place. PostgreSQL alters it (``USING
    col::<type>``). SQLite cannot alter a type and its batch mode rebuilds the table, which fails
    once other tables' rows refer to it (the DROP TABLE of the rebuild breaks their foreign keys
    while enforced, and enforcement cannot be switched off inside the migration's transaction):
    there a column of the new type is added (NOT NULL columns with an unused default, as SQLite
    requires), filled, and renamed over the old one. Drop the column's indexes first."""
    import sqlalchemy as sa
    from alembic import op

    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        using = f"{column_name}::{new_type.compile(dialect=bind.dialect)}"
        op.alter_column(table_name, column_name, type_=new_type, postgresql_using=using)
        return
    aside = f"{column_name}__retyped"
    op.add_column(table_name, sa.Column(aside, new_type, nullable=nullable,
                                        server_default=None if nullable else ""))
    t = sa.table(table_name, sa.column(aside), sa.column(column_name))
    op.execute(t.update().values({aside: t.c[column_name]}))
    op.drop_column(table_name, column_name)
    op.alter_column(table_name, aside, new_column_name=column_name)
