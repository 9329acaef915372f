"""``/mentor help``: an ephemeral guide to every subcommand, for help, nothing, or a typo."""

from __future__ import annotations

import pytest

from bot.commands import first_word
from handlers.blocks.help import build_help
from tests.conftest import MENTEE
from tests.harness import Harness


def _texts(blocks: list[dict[str, object]]) -> str:
    parts = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            parts.append(str(text.get("text", "")))
        for element in block.get("elements", []) or []:  # type: ignore[union-attr]
            if isinstance(element, dict):
                parts.append(str(element.get("text", "")))
    return "\n".join(parts)


@pytest.mark.parametrize("text", ["help", "", "   HELP  "])
def test_help_is_an_ephemeral_guide(harness: Harness, text: str) -> None:
    response = harness.command(text, user_id=MENTEE)
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert body["blocks"][0]["type"] == "header"
    assert "/mentor help" in _texts(body["blocks"])
    assert "mentorbot" in body["text"]


def test_unknown_subcommand_is_named_escaped_and_answered_with_the_guide(harness: Harness) -> None:
    response = harness.command("<!channel>frobnicate", user_id=MENTEE)
    body = response.json()
    shown = _texts(body["blocks"])
    assert "I don't know" in shown
    assert "<!channel>" not in shown
    assert "&lt;!channel&gt;" in shown
    assert "/mentor help" in shown


def test_help_logs_one_line_per_request(harness: Harness) -> None:
    from structlog.testing import capture_logs

    with capture_logs() as logs:
        harness.command("help", user_id=MENTEE)
    handled = [entry for entry in logs if entry["event"] == "slack.request"]
    assert len(handled) == 1
    assert handled[0]["handled"] == "command:/mentor"
    assert handled[0]["user"] == MENTEE
    assert handled[0]["team"] == "T0TEST0001"
    assert handled[0]["outcome"] == "ok"
    assert handled[0]["duration_ms"] >= 0


@pytest.mark.parametrize(("typed", "usage"), [("ask", "/mentor ask"), ("STATUS", "/mentor list")])
def test_help_on_a_topic_shows_that_subcommand_with_an_example(
    harness: Harness, typed: str, usage: str
) -> None:
    body = harness.command(f"help {typed}", user_id=MENTEE).json()
    shown = _texts(body["blocks"])
    assert usage in shown
    assert "For example" in shown
    assert "/mentor withdraw" not in shown
    assert usage in body["text"]


def test_every_subcommand_has_a_topic_with_an_example() -> None:
    from bot.commands import SUBCOMMANDS, TOPICS

    assert {name for name, _usage, _about in SUBCOMMANDS} == set(TOPICS)
    for name, (example, detail) in TOPICS.items():
        assert example.startswith(f"/mentor {name}"), name
        assert detail


def test_an_unknown_topic_is_answered_kindly_with_the_guide(harness: Harness) -> None:
    body = harness.command("help <!here>teleport", user_id=MENTEE).json()
    shown = _texts(body["blocks"])
    assert "There's no help on" in shown
    assert "&lt;!here&gt;teleport" in shown
    assert "<!here>" not in shown + body["text"]
    assert "/mentor ask" in shown
    assert "/mentor report" in shown


def test_a_word_the_guide_shows_is_escaped_exactly_once() -> None:
    guide = build_help([], [], unknown=first_word("&lt;!here&gt;&amp;")).blocks
    assert "`/mentor &lt;!here&gt;&amp;`" in _texts(guide)
