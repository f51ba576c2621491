"""``Session.get`` through a statement kept per entity: the services' sessions answer ``get``
exactly as SQLAlchemy's does, without building the statement on every call.

SQLAlchemy's ``get`` makes a new ``SELECT`` for each call (its ``WHERE`` annotated afresh), so
the compiled-statement cache's key is walked again every time: some 60-80 µs of CPU of the
270-330 a read of a row costs on PostgreSQL (``python -m scripts.bench.kept_get``). Here the
statement is built once per entity and lock (its primary key as bind parameters) and its cache
key is memoised on it. The answers are the same:

- an object the session already holds (its identity in the identity map), an ``options``,
  ``populate_existing``, ``identity_token``, execution options or bind arguments, a lock other
  than a plain ``FOR UPDATE``, a key given as a dict, a mapper with inheritance or a
  polymorphic column: SQLAlchemy's own ``get``, untouched (its identity-map rules, its version
  check of a locked object already loaded, its refresh of an expired one);
- otherwise the kept statement, executed as ``get`` executes its own: autoflush first (a pending
  object of that key is found), the row made an object of the identity map, None if absent.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, inspect, select
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.util import EMPTY_DICT


@cache
def kept_select(mapper: Mapper[Any], lock: bool) -> Select[Any]:
    """The entity's row by its primary key (``pk_0``, ``pk_1``... in the key's order)."""
    by_key = and_(*(column == bindparam(f"pk_{n}", type_=column.type)
                    for n, column in enumerate(mapper.primary_key)))
    statement = select(mapper.class_).where(by_key)
    return statement.with_for_update() if lock else statement


class KeptGetSession(Session):
    """A Session whose ``get`` sends a kept statement where it can (module docstring)."""

    def get(self, entity: Any, ident: Any, *, options: Any = None, populate_existing: bool | None = None,
            with_for_update: Any = None, identity_token: Any = None, execution_options: Any = EMPTY_DICT,
            bind_arguments: Any = None) -> Any:
        as_is = (options or populate_existing or identity_token is not None or execution_options
                 or bind_arguments or with_for_update not in (None, False, True)
                 or not isinstance(entity, type) or isinstance(ident, dict))
        mapper = None if as_is else inspect(entity, raiseerr=False)
        key = None if mapper is None else _key(mapper, ident)
        if mapper is None or key is None or mapper.identity_key_from_primary_key(list(key)) in self.identity_map:
            return super().get(entity, ident, options=options, populate_existing=populate_existing,
                               with_for_update=with_for_update, identity_token=identity_token,
                               execution_options=execution_options, bind_arguments=bind_arguments)
        params = {f"pk_{n}": value for n, value in enumerate(key)}
        return self.execute(kept_select(mapper, bool(with_for_update)), params).unique().scalars().one_or_none()


def _key(mapper: Mapper[Any], ident: Any) -> tuple[Any, ...] | None:
    """The primary key's values in order, or None where SQLAlchemy's ``get`` should answer (a
    mapper with inheritance, a wrong number of values, a NULL in the key: its errors and
    warnings are its own)."""
    if mapper.inherits is not None or mapper.polymorphic_on is not None:
        return None
    key = tuple(ident) if isinstance(ident, (tuple, list)) else (ident,)
    if len(key) != len(mapper.primary_key) or any(value is None for value in key):
        return None
    return key
