"""The README says what the app does: every alias of a subcommand and the limits a member
meets are there, with the numbers the code uses, so neither drifts from the other."""

from __future__ import annotations

import re
from pathlib import Path

from bot import commands
from bot.directory import BIO_LIMIT
from bot.feedback import PULSE_DAYS_MAX, PULSE_DAYS_MIN
from bot.matching import MAX_CHOICES
from handlers.blocks.work_modals import GOAL_LIMIT, TASK_LIMIT
from handlers.commands import MAX_COMMAND_CHARS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_alias_is_in_the_readme() -> None:
    for alias in commands._ALIASES:
        assert f"`{alias}`" in README, alias


def test_the_limits_in_the_readme_are_the_codes() -> None:
    assert commands.NOTE_LIMIT == BIO_LIMIT == GOAL_LIMIT == TASK_LIMIT
    assert f"a task {GOAL_LIMIT} characters each" in README
    assert f"(`/mentor capacity`) of at most {commands.CAPACITY_LIMIT}" in README
    assert MAX_CHOICES == 5
    assert "up to five ranked" in README
    assert re.search(rf"{PULSE_DAYS_MIN} to\s+{PULSE_DAYS_MAX} days", README)
    assert commands.MAX_REPORT_YEARS == 5
    assert "at most five years" in README
    assert f"at most {MAX_COMMAND_CHARS:,}" in README.replace("\n", " ")


def test_the_help_names_what_the_readme_names() -> None:
    usages = {name: usage for name, usage, _ in commands.SUBCOMMANDS}
    assert usages["forget"] == "/mentor forget me | @person [in <program>]"
    assert "edit <program>" in usages["program"]
    assert "`/mentor program edit <program>`" in README
    assert "`/mentor forget @person [in <program>]`" in README
