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


def _one_in_at_a_time(text: str, names: list[str]) -> tuple[str, str | None]:
    """The rule spelled out plainly (each "in", then each name, longest first): what the
    one-pass version must agree with."""
    keys = sorted({name_key(n): n for n in names if n.strip()}.items(), key=lambda kv: -len(kv[0]))
    words = text.split()
    for index in range(len(words) - 1, -1, -1):
        if words[index].lower() != "in":
            continue
        for key, name in keys:
            wanted = key.split()
            if [w.lower() for w in words[index + 1 : index + 1 + len(wanted)]] == wanted:
                return " ".join(words[:index] + words[index + 1 + len(wanted) :]), name
    return " ".join(words), None


@given(
    st.lists(
        st.sampled_from(["in", "IN", "surgery", "General", "internal", "medicine", "x", "<@U1>"]),
        max_size=12,
    )
)
def test_the_one_pass_split_agrees_with_the_plain_rule(words: list[str]) -> None:
    text = " ".join(words)
    hint = split_program_hint(text, NAMES)
    assert (" ".join(hint.text.split()), hint.program) == _one_in_at_a_time(text, NAMES)


def test_a_command_full_of_ins_is_read_in_one_pass() -> None:
    """100,000 characters of "in" (which took 20 s before the ack when each "in" re-read the
    rest of the text): one pass, and the name at the end is still found."""
    text = "ask " + "in " * 33_000 + "in Surgery"
    hint = split_program_hint(text, NAMES)
    assert hint.program == "Surgery"
    assert hint.text.endswith("in")
