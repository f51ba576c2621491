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
``single_statement``, ``read_session``), whose statements stand alone with no ``BEGIN``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from prometheus_client import CollectorRegistry, Counter
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

VERBS = ("select", "insert", "update", "delete", "with")
OTHER = "other"
# On the DBAPI connection's ``info`` (it outlives each checkout): a statement was sent since the
# last transaction ended.
_SENT = "db_metrics.sent"


def leading_keyword(statement: str) -> str:
    """``select``, ``insert``, ``update``, ``delete``, ``with`` (a CTE, usually a write) or
    ``other`` (locks run as ``SELECT`` too: ``SELECT pg_advisory_xact_lock(...)``)."""
    head = statement.lstrip()[:7].split(None, 1)
    word = head[0].lower() if head else ""
    return word if word in VERBS else OTHER


def _autocommits(conn: Connection) -> bool:
    # SQLAlchemy's asyncpg and aiosqlite adapters say whether they send BEGIN at all.
    return bool(getattr(conn.connection.dbapi_connection, "autocommit", False))


class RoundTripCounters(NamedTuple):
    statements: Counter  # by ``verb``
    transactions: Counter  # by ``outcome``: commit, rollback


def count_round_trips(engine: AsyncEngine, registry: CollectorRegistry) -> RoundTripCounters:
    """Count ``engine``'s statements and transactions into ``registry`` (see the module's
    docstring). Engines derived with ``execution_options`` share the listeners."""
    statements = Counter("db_statements_total", "Statements sent to the database, by leading keyword",
                         ["verb"], registry=registry)
    transactions = Counter("db_transactions_total",
                           "Transactions that sent statements, by how they ended (each also sent BEGIN)",
                           ["outcome"], registry=registry)
    by_verb = {verb: statements.labels(verb) for verb in (*VERBS, OTHER)}
    committed, rolled_back = transactions.labels("commit"), transactions.labels("rollback")

    def sent(conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any,
             executemany: bool) -> None:
        by_verb[leading_keyword(statement)].inc()
        conn.info[_SENT] = True

    def ended(counter: Any) -> Any:
        def end(conn: Connection) -> None:
            if conn.info.pop(_SENT, False) and not _autocommits(conn):
                counter.inc()
        return end

    sync_engine = engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", sent)
    event.listen(sync_engine, "commit", ended(committed))
    event.listen(sync_engine, "rollback", ended(rolled_back))
    return RoundTripCounters(statements, transactions)
