"""Escaping and tidying what people type."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.text import (
    Mrkdwn,
    clip,
    escape,
    fmt,
    is_user_id,
    md,
    md_join,
    md_truncate,
    mention,
    normalise_user_text,
    plain,
    stored_text,
    unescape,
)

HOSTILE = "<!channel> <@U0FAKE123> & <http://evil.example|click>"
HOSTILE_SHOWN = "&lt;!channel&gt; &lt;@U0FAKE123&gt; &amp; &lt;http://evil.example|click&gt;"


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
        ("ab   cdef", 5, "ab…"),  # no space left before the ellipsis
        ("  leading kept", 6, "  lea…"),
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
    # A lone carriage return is a line break; trailing spaces go, indentation stays.
    assert normalise_user_text("one\rtwo  \n  - three  ") == "one\ntwo\n  - three"


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


def test_escape_is_mrkdwn_and_never_escapes_twice() -> None:
    once = escape(HOSTILE)
    assert isinstance(once, Mrkdwn)
    assert once == HOSTILE_SHOWN
    assert escape(once) == HOSTILE_SHOWN


def test_text_typed_as_an_entity_is_escaped_once_like_any_other_text() -> None:
    # Someone who types "&lt;" means those four characters, so Slack must show them.
    assert escape("&lt;") == "&amp;lt;"
    assert fmt("{typed}", typed="&amp;") == "&amp;amp;"


def test_fmt_escapes_raw_text_and_keeps_mrkdwn() -> None:
    shown = fmt(
        "{who} added *{goal}* ({count}) {done}",
        who=mention("U0MENTOR1"),
        goal=HOSTILE,
        count=3,
        done=md("_done_"),
    )
    assert isinstance(shown, Mrkdwn)
    assert shown == f"<@U0MENTOR1> added *{HOSTILE_SHOWN}* (3) _done_"


def test_md_join_escapes_raw_parts_and_keeps_mrkdwn() -> None:
    joined = md_join(", ", [mention("U0MENTOR1"), "R&D", escape("<b>")])
    assert joined == "<@U0MENTOR1>, R&amp;D, &lt;b&gt;"


def test_mrkdwn_is_made_only_here_and_plain_str_operations_lose_the_type() -> None:
    with pytest.raises(TypeError):
        Mrkdwn("<!channel>", object())  # type: ignore[arg-type]
    assert type(md("*a*") + "<!channel>") is str
    assert type(md("*a*").upper()) is str


def test_plain_text_refuses_mrkdwn() -> None:
    assert plain(HOSTILE) == HOSTILE
    with pytest.raises(TypeError, match="plain_text takes raw text"):
        plain(escape(HOSTILE))


def test_stored_text_goes_back_as_it_was_built() -> None:
    built = fmt("New task for {who}: {text}", who=mention("U0MENTEE1"), text=HOSTILE)
    resent = stored_text(str(built))
    assert isinstance(resent, Mrkdwn)
    assert resent == built
    assert "<@U0MENTEE1>" in resent
    assert "<!channel>" not in resent


GREETING = fmt("hi {who} there", who=mention("U0MENTOR1"))


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        (escape("abc"), 5, "abc"),
        (escape("ab & cd"), 6, "ab…"),
        (escape("ab & cd"), 9, "ab &amp;…"),
        (GREETING, 10, "hi…"),
        (GREETING, 17, "hi <@U0MENTOR1>…"),
    ],
)
def test_md_truncate_never_cuts_an_entity_or_a_mention(
    text: Mrkdwn, limit: int, expected: str
) -> None:
    assert md_truncate(text, limit) == expected


@given(st.text(alphabet="a &<>@U0", max_size=60), st.integers(min_value=1, max_value=60))
def test_md_truncate_stays_within_the_limit_and_whole(text: str, limit: int) -> None:
    cut = md_truncate(escape(text), limit)
    assert len(cut) <= limit
    body = cut.removesuffix("…")
    assert unescape(body) == text[: len(unescape(body))]


def test_an_erased_person_is_named_a_former_member_never_by_pseudonym() -> None:
    from bot.text import is_pseudonym, mention
    from storage.erasure import pseudonym

    stand_in = pseudonym("U0MENTEE1", "key")
    assert is_pseudonym(stand_in)
    assert stand_in == pseudonym("U0MENTEE1", "key")  # stable
    assert stand_in != pseudonym("U0MENTEE1", "another key")
    assert mention(stand_in) == "_a former member_"
    assert not is_pseudonym("U0MENTEE1")
