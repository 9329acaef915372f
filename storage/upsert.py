"""The one way a row with a unique key is added: ``INSERT … ON CONFLICT DO NOTHING`` in the
database's own dialect, then read back.

Reading first and adding when nothing was found loses when two requests do it at once: both
read "not there", both insert, and the second fails on the unique key, taking its whole request
down with it (the asks, the DM, everything). Here the database decides: of two inserts of the
same key one adds the row and the other finds it taken and does nothing; on PostgreSQL the
second waits for the first to commit, on SQLite writers take turns. Either way both go on, and
both read the one row that won.

``tests/storage/test_unique_writes.py`` keeps every other module from constructing a row of a
table with a unique key: the tables are read from the models, so a new one is covered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.models import Base

M = TypeVar("M", bound=Base)


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


@dataclass(frozen=True)
class UniqueKey:
    """The columns of one unique index and, for a partial index, its condition."""

    columns: tuple[Any, ...]
    where: ColumnElement[bool] | None


def unique_index(model: type[Base], name: str) -> UniqueKey:
    """The unique index ``name`` of ``model``'s table as declared in the models, so that the
    conflict target and the index can't drift apart."""
    for index in model.__table__.indexes:  # type: ignore[attr-defined]
        if index.name == name and index.unique:
            dialect = "postgresql" if "postgresql" in index.dialect_options else "sqlite"
            where = index.dialect_options[dialect].get("where")
            return UniqueKey(tuple(index.columns), where)
    raise LookupError(f"{model.__tablename__} has no unique index {name}")


def _own_predicate(model: type[Base], where: ColumnElement[bool]) -> None:
    """Refuse a conflict predicate that is not one of ``model``'s partial unique indexes' own
    (``unique_index(model, name).where``). A predicate written afresh, such as ``status ==
    "waiting"``, binds its value as a parameter: PostgreSQL can then no longer tell that the
    insert matches the index once the driver prepares the statement (psycopg does from the
    fifth execution on a connection), and the insert fails."""
    for index in model.__table__.indexes:  # type: ignore[attr-defined]
        if index.unique and any(
            index.dialect_options[dialect].get("where") is where
            for dialect in ("postgresql", "sqlite")
        ):
            return
    raise ValueError(
        f"{model.__tablename__}: pass the partial index's own predicate, "
        "unique_index(model, name).where, as the conflict's where"
    )


def insert_new(
    session: Session,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    *,
    key: Sequence[InstrumentedAttribute[Any]],
    where: ColumnElement[bool] | None = None,
    returning: InstrumentedAttribute[Any] | None = None,
) -> list[Any]:
    """Insert each of ``rows`` whose ``key`` (the columns of one unique constraint or index;
    ``where`` for a partial index) is not taken yet; the others are left as they were. Returns
    ``returning`` (by default the primary key) of the rows that were new, in one statement."""
    if not rows:
        return []
    if where is not None:
        _own_predicate(model, where)
    (primary,) = model.__mapper__.primary_key
    statement = (
        _insert(session)(model)
        .on_conflict_do_nothing(index_elements=list(key), index_where=where)
        .returning(primary if returning is None else returning)
    )
    # Rows still pending in the session must reach the database before the conflict is judged.
    session.flush()
    return list(session.scalars(statement, [dict(row) for row in rows]).all())


def get_or_insert(
    session: Session,
    model: type[M],
    values: Mapping[str, Any],
    *,
    key: Sequence[InstrumentedAttribute[Any]],
    where: ColumnElement[bool] | None = None,
) -> tuple[M, bool]:
    """The row whose ``key`` matches ``values``, added from ``values`` when there was none;
    and whether this call added it. Safe when another request adds the same key at once."""
    added = insert_new(session, model, [values], key=key, where=where)
    conditions = [column == values[column.key] for column in key]
    if where is not None:
        conditions.append(where)
    found = session.scalars(
        select(model).where(and_(*conditions)).execution_options(populate_existing=True)
    ).first()
    if found is None:
        # The row that won was removed again before it could be read: a caller's retry adds it.
        raise LookupError(f"{model.__tablename__}: the row for {dict(values)} vanished")
    return found, bool(added)


def insert_or_add(
    session: Session,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    *,
    key: Sequence[InstrumentedAttribute[Any]],
    add: Sequence[InstrumentedAttribute[Any]],
) -> None:
    """Insert each of ``rows``; where its ``key`` is taken, add its ``add`` columns to the row
    there (counts kept per key, such as a folded week's ratings), in one statement."""
    if not rows:
        return
    insert = _insert(session)(model)
    statement = insert.on_conflict_do_update(
        index_elements=list(key),
        set_={column.key: column + getattr(insert.excluded, column.key) for column in add},
    )
    session.flush()
    session.execute(statement, [dict(row) for row in rows])
