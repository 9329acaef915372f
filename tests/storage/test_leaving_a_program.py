"""Members leave a program only through ``storage.leaving.take_out_of_program``, which also
takes them off its waiting list and out of its matching rounds: checked on the source, so a
new way of removing members can't forget those. Behaviour end to end:
``tests/handlers/test_freed_places.py`` (leaving, or being taken out, ends the wait) and
``tests/handlers/test_programs_admin.py`` (a channel linked to two programs)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# Where ``remove_members`` is defined, and the one function that may remove members with it.
DEFINED = ROOT / "storage" / "programs.py"
THE_WAY = ROOT / "storage" / "leaving.py"
SOURCES = sorted(
    path
    for package in ("bot", "handlers", "storage")
    for path in (ROOT / package).rglob("*.py")
    if path not in (DEFINED, THE_WAY)
)


def _role(call: ast.Call) -> str | None:
    """The ``role=`` a call names, as written (``Role.TRAINEE``); None when it names none."""
    for keyword in call.keywords:
        if keyword.arg == "role":
            return ast.unparse(keyword.value)
    return None


def member_removals(source: str, filename: str) -> Iterator[str]:
    """Each call in ``source`` that removes people from a program in the member role: a
    ``remove_members`` call without a role, or with the member role."""
    for node in ast.walk(ast.parse(source, filename=filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name == "remove_members" and _role(node) in (None, "Role.MEMBER"):
            yield f"{filename}:{node.lineno}: remove_members(...) takes members out directly"


def test_members_leave_a_program_only_through_the_one_function() -> None:
    found = [
        problem
        for path in SOURCES
        for problem in member_removals(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert found == [], "use storage.leaving.take_out_of_program:\n" + "\n".join(found)


def test_the_check_finds_a_direct_removal() -> None:
    direct = "remove_members(session, program_id, people)\n"
    as_member = "programs.remove_members(session, 1, people, role=Role.MEMBER)\n"
    trainees = "remove_members(session, 1, people, role=Role.TRAINEE)\n"
    assert len(list(member_removals(direct, "x.py"))) == 1
    assert len(list(member_removals(as_member, "x.py"))) == 1
    assert list(member_removals(trainees, "x.py")) == []
