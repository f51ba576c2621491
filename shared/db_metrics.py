"""How much a service asks of its database, in its own ``/metrics``: the statements it sends
(``db_statements_total``, by leading keyword) and the transactions it ends
(``db_transactions_total``, by outcome), counted from SQLAlchemy's engine events.

On PostgreSQL each statement is a round trip, and so are a transaction's ``BEGIN`` and its
``COMMIT`` or ``ROLLBACK``; round trips are where most of a service's CPU goes (asyncpg's
protocol, SQLAlchemy's execution, the event loop's wake-ups). Unlike CPU they are exact: the
benchmark reads them per completed application (``scripts/bench/work.py``), so a change that
saves statements shows it whatever the machine's noise, and an operator sees a change in how
many statements a release sends for the same traffic.

A transaction is counted only when it sent something: asyncpg begins one at its first statement,
so an empty one costs no round trip; and not on an AUTOCOMMIT connection (``autocommit_read``,
``single_statement``, ``read_session``), whose statements stand alone with no ``BEGIN``, unless
its ``BEGIN`` and ``COMMIT`` go by hand (:data:`TRANSACTION_BY_HAND`, ``shared/begin_carrying.py``:
the statements its ``BEGIN`` carries, advisory locks or a claim, are one round trip with it).
"""

from __future__ import annotations

import weakref
from typing import Any, NamedTuple

from prometheus_client import CollectorRegistry, Counter
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

VERBS = ("select", "insert", "update", "delete", "with")
OTHER = "other"


def leading_keyword(statement: str) -> str:
    """``select``, ``insert``, ``update``, ``delete``, ``with`` (a CTE, usually a write) or
    ``other`` (locks run as ``SELECT`` too: ``SELECT pg_advisory_xact_lock(...)``)."""
    head = statement.lstrip()[:7].split(None, 1)
    word = head[0].lower() if head else ""
    return word if word in VERBS else OTHER


# An execution option: the connection is in the driver's autocommit mode only because its
# transaction's BEGIN and COMMIT are sent by hand (shared/begin_carrying.py), so it is counted as
# a transaction all the same.
TRANSACTION_BY_HAND = "skk_transaction_by_hand"


def _autocommits(conn: Connection) -> bool:
    # Set on the connection or on the engine it came from (autocommit_read, read_session). Read
    # from the options, never from ``conn.connection``: when a closing connection rolls back,
    # that property may check a new one out of the pool (a hang when the pool is exhausted).
    options = conn.get_execution_options()
    return options.get("isolation_level") == "AUTOCOMMIT" and not options.get(TRANSACTION_BY_HAND)


class RoundTripCounters(NamedTuple):
    statements: Counter  # by ``verb``
    transactions: Counter  # by ``outcome``: commit, rollback
    direct: Counter  # of ``statements``, those sent on the driver's connection directly, by ``verb``


def count_round_trips(engine: AsyncEngine, registry: CollectorRegistry) -> RoundTripCounters:
    """Count ``engine``'s statements and transactions into ``registry`` (see the module's
    docstring). Engines derived with ``execution_options`` share the listeners."""
    statements = Counter("db_statements_total", "Statements sent to the database, by leading keyword",
                         ["verb"], registry=registry)
    transactions = Counter("db_transactions_total",
                           "Transactions that sent statements, by how they ended (each also sent BEGIN)",
                           ["outcome"], registry=registry)
    direct = Counter("db_statements_direct_total",
                     "Of db_statements_total, those sent on the driver's connection directly (shared/direct_sql.py)",
                     ["verb"], registry=registry)
    by_verb = {verb: statements.labels(verb) for verb in (*VERBS, OTHER)}
    direct_by_verb = {verb: direct.labels(verb) for verb in (*VERBS, OTHER)}
    committed, rolled_back = transactions.labels("commit"), transactions.labels("rollback")
    # Connections that sent a statement since their transaction began (weak: a connection
    # dropped without an end leaves nothing behind).
    in_transaction: weakref.WeakSet[Connection] = weakref.WeakSet()

    def sent(conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any,
             executemany: bool) -> None:
        verb = leading_keyword(statement)
        by_verb[verb].inc()
        if cursor is None:  # shared/direct_sql.py tells of its statements, which have no cursor
            direct_by_verb[verb].inc()
        in_transaction.add(conn)

    def ended(counter: Any) -> Any:
        def end(conn: Connection) -> None:
            # A transaction begun by hand sent its BEGIN (with its first statements) in any case.
            if conn in in_transaction or conn.get_execution_options().get(TRANSACTION_BY_HAND):
                in_transaction.discard(conn)
                if not _autocommits(conn):
                    counter.inc()
        return end

    sync_engine = engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", sent)
    event.listen(sync_engine, "commit", ended(committed))
    event.listen(sync_engine, "rollback", ended(rolled_back))
    return RoundTripCounters(statements, transactions, direct)
