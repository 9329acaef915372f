"""One path for each change of state other features depend on, checked on the source: a
pairing's status, a mentor's limit and a mentor profile's visibility change only inside the
one storage function that records what follows from the change (a free place for the waiting
list, through :func:`storage.places.place_freed`), and members leave a program only through
the one function that also ends their waits there. A new path that changed them directly would
free a place nobody hears of, or leave someone waiting in a program they left; this test names
it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(
    path for package in ("bot", "handlers", "storage") for path in (ROOT / package).rglob("*.py")
)

# (column, the one function allowed to set it). ``status`` only counts on something named
# like a pairing: other models have a status of their own.
OWNERS = {
    "status": ("storage/pairings.py", "apply_pairing_event"),
    "capacity": ("storage/people.py", "set_capacity"),
    "listed": ("storage/profiles.py", "_set_availability"),
    "open": ("storage/profiles.py", "_set_availability"),
}
GUARDED_MODELS = {
    "Pairing": {"status"},
    "Person": {"capacity"},
    "MentorProfile": {"listed", "open"},
}
# Bulk UPDATEs that change no one's availability: writing the limit to itself only takes the
# row's lock, and an erased person's limit is cleared with the rest of what they gave (they
# are gone, and their profile with them: no place follows).
NOTHING_FOLLOWS = {("storage/people.py", "hold_places"), ("storage/erasure.py", "remove_free_text")}


def _functions(tree: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """Each node with the name of the function it is in ("" at module level)."""

    def walk(node: ast.AST, inside: str) -> Iterator[tuple[str, ast.AST]]:
        for child in ast.iter_child_nodes(node):
            name = (
                child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else inside
            )
            yield name, child
            yield from walk(child, name)

    yield from walk(tree, "")


def _updated_model(call: ast.Call) -> str | None:
    """``Model`` of ``update(Model)…values(…)``, when ``call`` is that ``values``."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "values"):
        return None
    node: ast.AST = call.func.value
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id == "update" and node.args:
                first = node.args[0]
                return first.id if isinstance(first, ast.Name) else None
            node = node.func
        else:
            node = node.value
    return None


def violations(source: str, where: str) -> list[str]:
    found: list[str] = []
    for function, node in _functions(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if not isinstance(target, ast.Attribute) or target.attr not in OWNERS:
                    continue
                if target.attr == "status" and "pairing" not in ast.unparse(target.value).lower():
                    continue
                if OWNERS[target.attr] != (where, function):
                    found.append(f"{where}:{node.lineno} sets .{target.attr} in {function}()")
        if isinstance(node, ast.Call) and (model := _updated_model(node)) in GUARDED_MODELS:
            written = {k.arg for k in node.keywords if k.arg} | {
                key.value
                for arg in node.args
                if isinstance(arg, ast.Dict)
                for key in arg.keys
                if isinstance(key, ast.Constant) and isinstance(key.value, str)
            }
            touched = written & GUARDED_MODELS[str(model)]
            if touched and (where, function) not in NOTHING_FOLLOWS:
                found.append(f"{where}:{node.lineno} updates {model}.{sorted(touched)}")
    return found


def test_the_rule_sees_the_code() -> None:
    assert len(SOURCES) > 50
    owners = {path for path, _ in OWNERS.values()}
    assert owners <= {str(p.relative_to(ROOT)) for p in SOURCES}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_state_changes_go_through_their_one_function(path: Path) -> None:
    where = str(path.relative_to(ROOT))
    assert violations(path.read_text(), where) == []


@pytest.mark.parametrize(
    "planted",
    [
        "def close_now(pairing):\n    pairing.status = 'ended'\n",
        "def reassign(session, pairing_id):\n"
        "    session.execute(update(Pairing).where(Pairing.id == pairing_id)"
        ".values(status='ended'))\n",
        "def more(person):\n    person.capacity = 5\n",
        "def raise_all(session):\n    session.execute(update(Person).values({'capacity': None}))\n",
        "def hide(profile):\n    profile.listed = False\n",
        "def reopen(session):\n    session.execute(update(MentorProfile).values(open=True))\n",
    ],
)
def test_the_rule_catches_a_planted_bypass(planted: str) -> None:
    assert violations(planted, "handlers/flows/planted.py") != []


def test_other_statuses_are_not_the_rules_business() -> None:
    assert violations("def f(entry):\n    entry.status = 'left'\n", "storage/profiles.py") == []


# Members leave a program only through ``storage.leaving.take_out_of_program``, which also takes
# them off its waiting list and out of its matching rounds. ``remove_members`` (defined in
# storage/programs.py) may be called elsewhere only for another role (trainees, coordinators).
MEMBERS_LEAVE = ("storage/leaving.py", "take_out_of_program")


def _role(call: ast.Call) -> str | None:
    """The ``role=`` a call names, as written (``Role.TRAINEE``); None when it names none."""
    for keyword in call.keywords:
        if keyword.arg == "role":
            return ast.unparse(keyword.value)
    return None


def member_removals(source: str, where: str) -> list[str]:
    """Each ``remove_members`` call in ``source`` that takes people out in the member role,
    outside the one function allowed to."""
    found: list[str] = []
    for function, node in _functions(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name != "remove_members" or _role(node) not in (None, "Role.MEMBER"):
            continue
        if (where, function) != MEMBERS_LEAVE:
            found.append(f"{where}:{node.lineno} removes members in {function}()")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_members_leave_a_program_only_through_the_one_function(path: Path) -> None:
    where = str(path.relative_to(ROOT))
    assert member_removals(path.read_text(), where) == []


@pytest.mark.parametrize(
    ("planted", "caught"),
    [
        ("def out(session, people):\n    remove_members(session, 1, people)\n", True),
        (
            "def out(session, people):\n"
            "    programs.remove_members(session, 1, people, role=Role.MEMBER)\n",
            True,
        ),
        (
            "def unmark(session, people):\n"
            "    remove_members(session, 1, people, role=Role.TRAINEE)\n",
            False,
        ),
    ],
)
def test_the_membership_rule_catches_a_planted_bypass(planted: str, caught: bool) -> None:
    assert bool(member_removals(planted, "handlers/flows/planted.py")) is caught
