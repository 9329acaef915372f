"""A row of a table with a unique key is added only through ``storage/upsert.py``: checked on
the source. The tables are read from the models' own unique constraints, indexes and natural
primary keys, so a table added later is covered without anyone remembering to list it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Index, Integer, Table, UniqueConstraint

from storage.models import Base

ROOT = Path(__file__).resolve().parent.parent.parent
HELPER = ROOT / "storage" / "upsert.py"
MODELS = ROOT / "storage" / "models.py"
SOURCES = sorted(
    path
    for package in ("bot", "handlers", "storage")
    for path in (ROOT / package).rglob("*.py")
    if path not in (HELPER, MODELS)
)
INSERT_FUNCTIONS = {"insert", "insert_many"}


def _has_unique_key(table: Table) -> bool:
    if any(isinstance(c, UniqueConstraint) for c in table.constraints):
        return True
    if any(isinstance(i, Index) and i.unique for i in table.indexes):
        return True
    if any(column.unique for column in table.columns):
        return True
    # A primary key the rows bring themselves (a Slack user id, an event id) is a unique key
    # two requests can both try to add; a generated integer id is not.
    primary = list(table.primary_key.columns)
    return not (len(primary) == 1 and isinstance(primary[0].type, Integer))


def guarded_models() -> dict[str, str]:
    """Class name -> table name, for every mapped class whose table has a unique key."""
    return {
        mapper.class_.__name__: mapper.local_table.name
        for mapper in Base.registry.mappers
        if isinstance(mapper.local_table, Table) and _has_unique_key(mapper.local_table)
    }


def bypasses(source: str, filename: str, guarded: dict[str, str]) -> Iterator[str]:
    """Each place in ``source`` that builds a guarded row itself (``Model(...)``, later given to
    ``session.add``) or inserts into a guarded table with its own ``insert(Model)``."""
    for node in ast.walk(ast.parse(source, filename=filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in guarded:
            yield f"{filename}:{node.lineno}: {name}(...) builds a {guarded[name]} row"
        if name in INSERT_FUNCTIONS and node.args:
            target = node.args[0]
            if isinstance(target, ast.Name) and target.id in guarded:
                yield f"{filename}:{node.lineno}: {name}({target.id}) outside storage/upsert.py"


def test_the_tables_with_unique_keys_are_found_from_the_models() -> None:
    tables = set(guarded_models().values())
    assert {
        "people",
        "program_members",
        "programs",
        "mentor_profiles",
        "trainee_profiles",
        "waiting_list",
        "mentor_requests",
        "pairings",
        "checkins",
        "scheduled_sends",
        "processed_events",
        "match_participants",
        "match_pairs",
        "session_ratings",
        "exit_surveys",
        "pulse_answers",
    } <= tables
    # Tables whose rows can never collide stay free to use plain inserts.
    assert not {"goals", "tasks", "activity", "audit_log"} & tables


def test_rows_with_unique_keys_are_added_only_through_the_helper() -> None:
    guarded = guarded_models()
    found = [
        problem
        for path in SOURCES
        for problem in bypasses(path.read_text(), str(path.relative_to(ROOT)), guarded)
    ]
    assert not found, "add these rows with storage.upsert.insert_new / get_or_insert:\n" + (
        "\n".join(found)
    )


def test_the_check_catches_a_read_then_add() -> None:
    planted = (
        "def ensure_person(session, user_id):\n"
        "    person = session.get(Person, user_id)\n"
        "    if person is None:\n"
        "        session.add(Person(user_id=user_id))\n"
        "def enqueue(session, rows):\n"
        "    session.execute(sqlite.insert(ScheduledSend).on_conflict_do_nothing(), rows)\n"
    )
    found = list(bypasses(planted, "planted.py", guarded_models()))
    assert len(found) == 2
    assert "people" in found[0]
    assert "ScheduledSend" in found[1]


def test_the_check_leaves_other_rows_alone() -> None:
    planted = "def add_goal(session, text):\n    session.add(Goal(text=text))\n"
    assert not list(bypasses(planted, "planted.py", guarded_models()))


def test_a_conflict_predicate_must_be_the_index_own() -> None:
    """A predicate written afresh binds its value: refused before any database sees it."""
    from storage.models import WaitingEntry
    from storage.upsert import insert_new, unique_index

    class NoSession:
        pass

    with pytest.raises(ValueError, match="partial index's own predicate"):
        insert_new(
            NoSession(),  # type: ignore[arg-type]
            WaitingEntry,
            [{"program_id": 1, "user_id": "U1", "focus": "f", "status": "waiting"}],
            key=[WaitingEntry.program_id, WaitingEntry.user_id, WaitingEntry.focus],
            where=WaitingEntry.status == "waiting",
        )
    assert unique_index(WaitingEntry, "uq_waiting_entry").where is not None
