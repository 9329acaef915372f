"""Escaping and tidying what people type."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.text import clip, escape, is_user_id, mention, normalise_user_text, unescape


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("<!channel> hi", "&lt;!channel&gt; hi"),
        ("<@U123ABC> is great", "&lt;@U123ABC&gt; is great"),
        ("R&D", "R&amp;D"),
        ("&lt;", "&amp;lt;"),
        ("plain", "plain"),
    ],
)
def test_escape_neutralises_slack_control_characters(raw: str, shown: str) -> None:
    assert escape(raw) == shown


@given(st.text())
def test_escaped_text_has_no_control_characters_and_round_trips(raw: str) -> None:
    shown = escape(raw)
    assert "<" not in shown
    assert ">" not in shown
    assert unescape(shown) == raw


def test_mention_refuses_anything_but_a_user_id() -> None:
    assert mention("U0MENTOR1") == "<@U0MENTOR1>"
    assert mention("W012A3CDE") == "<@W012A3CDE>"
    for bad in ("!channel", "C0CHAN", "U1> <!here", "", "u0lower"):
        assert not is_user_id(bad)
        with pytest.raises(ValueError, match="not a Slack user id"):
            mention(bad)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("a longer sentence", 8, "a longe…"),
    ],
)
def test_clip(text: str, limit: int, expected: str) -> None:
    assert clip(text, limit) == expected


@given(st.text(), st.integers(min_value=1, max_value=200))
def test_clip_never_exceeds_the_limit(text: str, limit: int) -> None:
    assert len(clip(text, limit)) <= limit


def test_normalise_user_text() -> None:
    typed = "  Line one\r\n\r\n\r\n\r\nLine\ttwo\u202e  \x07\n"
    assert normalise_user_text(typed) == "Line one\n\nLine two"
    assert normalise_user_text("e\u0301") == "é"


@pytest.mark.parametrize(
    ("count", "one", "many", "said"),
    [
        (0, "active pairing", None, "0 active pairings"),
        (1, "active pairing", None, "1 active pairing"),
        (2, "active pairing", None, "2 active pairings"),
        (1, "person", "people", "1 person"),
        (3, "person", "people", "3 people"),
    ],
)
def test_plural_agrees_with_the_count(count: int, one: str, many: str | None, said: str) -> None:
    from bot.text import plural

    assert plural(count, one, many) == said
