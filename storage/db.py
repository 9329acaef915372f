"""Engine and session factory for SQLite or PostgreSQL, and the unit-of-work context manager."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import CursorResult, Engine, Result, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from bot.acks_first import ACKS_FIRST, awaiting_ack

SessionFactory = sessionmaker[Session]


def normalise_url(url: str) -> str:
    """Accept the ``postgres://`` and ``postgresql://`` forms hosting platforms hand out, and
    use the psycopg 3 driver for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_lock_for_update(
    connection: Any, clauseelement: Any, _multiparams: Any, _params: Any, _options: Any
) -> None:
    """SQLite has no ``SELECT … FOR UPDATE`` and Python's driver begins a transaction only at
    the first write, so two requests could both read "pending" and both act on it. A locking
    read that is the transaction's first statement therefore takes the database's write lock
    (``BEGIN IMMEDIATE``, waiting its turn under ``busy_timeout``) before it reads: what it
    reads stays true until the commit, as a row lock keeps it on PostgreSQL. A transaction that
    has written already holds that lock."""
    if getattr(clauseelement, "_for_update_arg", None) is None:
        return
    driver = connection.connection.driver_connection
    if not driver.in_transaction:
        driver.execute("BEGIN IMMEDIATE")


# A PostgreSQL connection that sat in the pool longer than this is pinged (``SELECT 1``) when
# taken out, and replaced if the server dropped it. Connections reused within seconds, as in a
# busy tick or a burst of requests, are not pinged each time.
PING_AFTER_IDLE_SECONDS = 30.0


def _ping_after_idle(seconds: float) -> tuple[Callable[..., None], Callable[..., None]]:
    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in_at"] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("checked_in_at", None)
        if since is None or time.monotonic() - since < seconds:
            return  # a new connection, or one in use moments ago
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        except Exception as error:
            # The pool discards this connection and checks out another.
            raise DisconnectionError("the database dropped an idle connection") from error
        finally:
            with contextlib.suppress(Exception):  # a dead connection's cursor may refuse
                cursor.close()

    return checked_in, checked_out


def create_db_engine(
    url: str, *, ping_after_idle_seconds: float = PING_AFTER_IDLE_SECONDS, **kwargs: Any
) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    # A failed statement's message names its SQL, never the values bound to it (free text a
    # person typed, notes, names): those would reach the logs with the error.
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        options: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
        if parsed.database in (None, "", ":memory:"):
            options["poolclass"] = StaticPool
        engine = create_engine(url, **options, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "before_execute", _sqlite_lock_for_update)
        return engine
    engine = create_engine(url, **kwargs)
    checked_in, checked_out = _ping_after_idle(ping_after_idle_seconds)
    event.listen(engine, "checkin", checked_in)
    event.listen(engine, "checkout", checked_out)
    return engine


# Units of work before an ack (the few reads that decide the answer) take their connection from
# a pool of their own, so they never queue behind the slower work after other people's acks
# (writes waiting their turn, a busy tick): Slack gives up on an ack after three seconds.
ANSWERING_POOL_SIZE = 8
ANSWERING_POOL_OVERFLOW = 16


class Sessions(sessionmaker[Session]):
    """The session factory: sessions on ``engine``, except before a Slack request's ack, when
    they are on ``answering_engine`` (the same database through a pool of its own). Work after
    an ack gives way to the requests still waiting for theirs (``bot.acks_first``) before it
    opens a session."""

    def __init__(self, engine: Engine, answering_engine: Engine | None = None) -> None:
        super().__init__(bind=engine, expire_on_commit=False)
        self.answering_engine = answering_engine or engine

    def __call__(self, **local_kw: Any) -> Session:
        if "bind" not in local_kw:
            if awaiting_ack():
                local_kw["bind"] = self.answering_engine
            else:
                ACKS_FIRST.give_way()
        return super().__call__(**local_kw)


def answering_engine(engine: Engine) -> Engine:
    """A second engine on ``engine``'s database for the units of work before an ack; the same
    engine for an in-memory SQLite database, which a second engine could not see."""
    if isinstance(engine.pool, StaticPool):
        return engine
    return create_db_engine(
        engine.url.render_as_string(hide_password=False),
        pool_size=ANSWERING_POOL_SIZE,
        max_overflow=ANSWERING_POOL_OVERFLOW,
    )


def make_session_factory(engine: Engine, answering_engine: Engine | None = None) -> Sessions:
    return Sessions(engine, answering_engine)


@contextmanager
def unit_of_work(factory: SessionFactory) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back when it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def database_reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def rows_affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched (its cursor's row count)."""
    return int(result.rowcount) if isinstance(result, CursorResult) else 0
