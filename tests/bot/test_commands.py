"""The /mentor grammar."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import (
    Ask,
    Assign,
    Capacity,
    CommandError,
    Digest,
    End,
    GoalAdd,
    Goals,
    Help,
    ListPairings,
    Pause,
    Reassess,
    Report,
    Resume,
    SetCadence,
    TaskAdd,
    Tasks,
    Withdraw,
    first_word,
    parse_command,
    tokens,
)
from bot.focus import focus_areas
from bot.settings import DEFAULT_FOCUS_AREAS

AREAS = focus_areas(DEFAULT_FOCUS_AREAS)


def parse(text: str) -> object:
    return parse_command(text, AREAS)


def test_empty_and_help() -> None:
    assert parse("") == Help()
    assert parse("  help ") == Help()
    assert parse("help ask") == Help(topic="ask")
    assert parse("help Status") == Help(topic="list")
    assert parse("help<@U0MENTOR1>") == Help(topic="<@u0mentor1>")


def test_unknown_words_ask_for_help_showing_the_whole_word() -> None:
    assert parse("<!channel>frobnicate now") == Help(unknown="<!channel>frobnicate")
    assert parse("frob &amp; nicate") == Help(unknown="frob")


@pytest.mark.parametrize(
    "mentor", ["<@U0MENTOR1>", "<@U0MENTOR1|bob>", "<@U0MENTOR1|Bob Surgeon>".replace(" ", "_")]
)
def test_ask_accepts_both_mention_forms(mentor: str) -> None:
    command = parse(f"ask {mentor} research I'd like help &amp; advice &lt;3")
    assert isinstance(command, Ask)
    assert command.mentor_id == "U0MENTOR1"
    assert command.focus is not None
    assert command.focus.key == "research"
    assert command.note == "I'd like help & advice <3"


def test_ask_without_focus_leaves_it_to_the_modal() -> None:
    assert parse("ask <@U0MENTOR1>") == Ask("U0MENTOR1", None, "")
    assert parse("ask <@U0MENTOR1> can we talk") == Ask("U0MENTOR1", None, "can we talk")


def test_mentions_glued_to_words_are_split() -> None:
    assert tokens("ask<@U0MENTOR1>research") == ["ask", "<@U0MENTOR1>", "research"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("ask", "Who would you like as your mentor"),
        ("ask @bob research", "couldn't tell who “@bob”"),
        ("ask bob", "couldn't tell who “bob”"),
        ("ask <!channel>", "“&lt;!channel&gt;”"),
        ("ask <@U0MENTOR1> research " + "x" * 600, "under 500"),
        ("capacity lots", "from 0 to 20"),
        ("capacity 21", "from 0 to 20"),
        ("capacity -1", "from 0 to 20"),
        ("assign <@U0MENTOR1>", "the mentee"),
        ("assign <@U0MENTOR1> <@U0MENTOR1>", "two different people"),
        ("end <@U0MENTOR1> <@U0MENTEE1>", "more than I expected"),
    ],
)
def test_bad_input_says_what_to_type(text: str, fragment: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(text)
    assert fragment in caught.value.message


def test_the_other_subcommands() -> None:
    assert parse("withdraw") == Withdraw(None)
    assert parse("cancel <@U0MENTOR1>") == Withdraw("U0MENTOR1")
    assert parse("capacity") == Capacity(None)
    assert parse("capacity 3") == Capacity(3)
    assert parse("capacity off") == Capacity(None, clear=True)
    assert parse("list") == ListPairings()
    assert parse("STATUS") == ListPairings()
    assert parse("end <@W012A3CDE|x>") == End("W012A3CDE")
    assert parse("cadence") == SetCadence(None)
    command = parse("assign <@U0MENTOR1> <@U0MENTEE1> career and job search from the fair")
    assert isinstance(command, Assign)
    assert command.focus is not None
    assert (command.focus.key, command.note) == ("career-and-job-search", "from the fair")


@given(st.text(max_size=300))
def test_any_text_parses_or_explains(text: str) -> None:
    message = None
    try:
        parse(text)
    except CommandError as error:
        message = error.message
    assert message is None or (message and "<!" not in message)


def test_goals_and_tasks() -> None:
    assert parse("goal add <@U0MENTEE1> Present at grand rounds") == GoalAdd(
        "U0MENTEE1", "Present at grand rounds"
    )
    assert parse("goal Publish a case report") == GoalAdd(None, "Publish a case report")
    assert parse("goal add") == GoalAdd(None, "")
    assert parse("goals") == Goals(None)
    assert parse("task add <@U0MENTEE1> Revise the CV due friday") == TaskAdd(
        "U0MENTEE1", "Revise the CV", "friday"
    )
    assert parse("task add Discuss due process due in 2 weeks") == TaskAdd(
        None, "Discuss due process", "in 2 weeks"
    )
    assert parse("task add Draft a protocol") == TaskAdd(None, "Draft a protocol", None)
    assert parse("tasks <@U0MENTOR1>") == Tasks("U0MENTOR1")
    assert parse("reassess") == Reassess(None)


def test_pause_resume_and_coordinator_commands() -> None:
    assert parse("pause 2w") == Pause(None, "2w")
    assert parse("pause <@U0MENTOR1> until 2027-01-15") == Pause("U0MENTOR1", "until 2027-01-15")
    assert parse("pause") == Pause(None, None)
    assert parse("resume") == Resume(None)
    assert parse("digest") == Digest()
    assert parse("report") == Report("csv")
    assert parse("report chart") == Report("chart")
    assert parse("report 2026-09-01 2026-11-30") == Report(
        "csv", date(2026, 9, 1), date(2026, 11, 30)
    )
    assert parse("report 0001-01-01 0003-01-01") == Report("csv", date(1, 1, 1), date(3, 1, 1))
    assert parse("report 2021-12-01 2026-11-30") == Report(  # five years: the longest
        "csv", date(2021, 12, 1), date(2026, 11, 30)
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("task add Revise the CV due", "Due when?"),
        ("goal add @alice Publish", "couldn't tell who “@alice”"),
        ("report pdf", "/mentor report chart"),
        ("report 2026-09-01", "first and last day"),
        ("report 2026-12-01 2026-09-01", "comes before"),
        ("report 0001-01-02 2026-11-30", "at most five years"),
        ("report 2021-11-30 2026-11-30", "at most five years"),
    ],
)
def test_bad_goal_and_task_input(text: str, fragment: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(text)
    assert fragment in caught.value.message


def test_the_first_word_is_unescaped_once_so_the_guide_escapes_it_once() -> None:
    assert first_word("&lt;!channel&gt;frob &amp; more") == "<!channel>frob"
    assert first_word("&amp;lt;") == "&lt;"  # the person typed "&lt;"
    assert first_word("   ") is None
