"""Pure program rules: settings in force for a program, and ``in <program>`` in typed text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.programs import ProgramConfig, ProgramValues, name_key, resolve_config, split_program_hint
from bot.settings import load_settings

NAMES = ["General surgery", "Internal medicine", "Surgery"]


def test_the_longest_program_name_is_taken_out_wherever_it_stands() -> None:
    hint = split_program_hint("ask <@U1> research in general SURGERY please", NAMES)
    assert (hint.text, hint.program) == ("ask <@U1> research please", "General surgery")
    hint = split_program_hint("digest in Surgery", NAMES)
    assert (hint.text, hint.program) == ("digest", "Surgery")


def test_in_without_a_program_name_is_an_ordinary_word() -> None:
    text = "ask <@U1> research help in writing a protocol"
    assert split_program_hint(text, NAMES).text == text
    assert split_program_hint(text, NAMES).program is None
    # A name must stand as whole words.
    assert split_program_hint("goal in surgeryx", NAMES).program is None


def test_the_last_matching_in_wins() -> None:
    hint = split_program_hint("goal learn in surgery skills in Internal medicine", NAMES)
    assert hint.program == "Internal medicine"
    assert hint.text == "goal learn in surgery skills"


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=60))
def test_text_without_in_comes_back_whole(text: str) -> None:
    if " in " in f" {text.lower()} " or "\tin" in text.lower() or "\nin" in text.lower():
        return
    assert split_program_hint(text, NAMES).text == text


def test_name_keys_ignore_case_and_spacing() -> None:
    assert name_key("  General   Surgery ") == name_key("general surgery")


def _config(is_default: bool, values: ProgramValues) -> ProgramConfig:
    settings = load_settings(
        {
            "coordinators": "U0COORD01",
            "coordinator_channel": "C0DIGEST1",
            "focus_areas": "Research,Teaching",
            "digest_weekday": 2,
            "request_reminder_days": 5,
        }
    )
    return resolve_config(
        program_id=1,
        name="P",
        is_default=is_default,
        open_to_join=False,
        values=values,
        coordinators=["U0OWN0001"],
        settings=settings,
    )


def test_the_default_program_follows_the_settings() -> None:
    config = _config(True, ProgramValues())
    assert config.coordinators == frozenset({"U0COORD01", "U0OWN0001"})
    assert config.digest_channel == "C0DIGEST1"
    assert config.focus_labels == ("Research", "Teaching")
    assert (config.digest_weekday, config.request_reminder_days) == (2, 5)


def test_another_program_keeps_its_own_values_and_not_the_default_coordinators() -> None:
    config = _config(
        False,
        ProgramValues(digest_channel="C0OTHER01", focus_areas=("Wellbeing",), digest_weekday=4),
    )
    assert config.coordinators == frozenset({"U0OWN0001"})
    assert config.digest_channel == "C0OTHER01"
    assert [a.label for a in config.focus_areas] == ["Wellbeing"]
    assert config.digest_weekday == 4
    # Unset values are the installation's.
    assert config.request_reminder_days == 5
