"""Parsing the program subcommands: ``programs``, ``program add | edit | members``, ``join`` and
``leave``."""

from __future__ import annotations

import pytest

from bot.commands import (
    CommandError,
    Join,
    Leave,
    ProgramAdd,
    ProgramEdit,
    ProgramMembers,
    Programs,
    parse_command,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("programs", Programs()),
        ("PROGRAM add", ProgramAdd()),
        ("program edit", ProgramEdit(name=None)),
        ("program edit  Internal   Medicine ", ProgramEdit(name="Internal Medicine")),
        ("program edit Peds &amp; Neonates", ProgramEdit(name="Peds & Neonates")),
        ("program members", ProgramMembers()),
        ("join Clerkships", Join(name="Clerkships")),
        ("leave General  Surgery", Leave(name="General Surgery")),
    ],
)
def test_program_subcommands(text: str, expected: object) -> None:
    assert parse_command(text, ()) == expected


@pytest.mark.parametrize(
    "text", ["program", "program remove Surgery", "program add Surgery", "join", "leave  "]
)
def test_incomplete_program_subcommands_say_what_to_type(text: str) -> None:
    with pytest.raises(CommandError) as error:
        parse_command(text, ())
    assert "/mentor" in error.value.message
