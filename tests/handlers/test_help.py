"""``/mentor help``: an ephemeral guide to every subcommand, for help, nothing, or a typo."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.commands import COORDINATOR_SUBCOMMANDS, SUBCOMMANDS, first_word
from handlers.blocks.help import build_help
from tests.clock import FrozenClock
from tests.conftest import COORDINATOR, MENTEE, make_settings
from tests.harness import Harness, running_harness
from tests.slack.fake_slack import FakeSlack


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
    assert "/mentor report" not in shown  # a member's guide: the member commands


def test_a_word_the_guide_shows_is_escaped_exactly_once() -> None:
    guide = build_help([], [], unknown=first_word("&lt;!here&gt;&amp;")).blocks
    assert "`/mentor &lt;!here&gt;&amp;`" in _texts(guide)


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Each coordinators' subcommand as the guide shows it.
COORDINATOR_ONLY = tuple(
    f"`{_escaped(usage)}`" for name, usage, _ in SUBCOMMANDS if name in COORDINATOR_SUBCOMMANDS
)


def test_a_member_sees_the_member_commands_only(harness: Harness) -> None:
    body = harness.command("help", user_id=MENTEE).json()
    shown = _texts(body["blocks"])
    assert "/mentor ask" in shown
    assert "/mentor end" in shown
    assert "For coordinators" not in shown
    assert "/mentor report" not in body["text"]
    for usage in COORDINATOR_ONLY:
        assert usage not in shown + body["text"], usage


def _coordinator_section(blocks: list[dict[str, object]]) -> str:
    texts = [_texts([block]) for block in blocks]
    start = next(i for i, text in enumerate(texts) if text == "*For coordinators*")
    return "\n".join(texts[start:])


def test_a_coordinator_sees_theirs_apart_after_the_member_commands(harness: Harness) -> None:
    body = harness.command("help", user_id=COORDINATOR).json()
    shown = _texts(body["blocks"])
    assert "/mentor ask" in shown
    theirs = _coordinator_section(body["blocks"])
    for usage in COORDINATOR_ONLY:
        assert usage in theirs, usage
    assert "/mentor ask" not in theirs
    assert "/mentor report" in body["text"]
    assert len(COORDINATOR_ONLY) == 6


def test_an_admin_in_no_program_as_coordinator_sees_everything(
    db_url: str, engine: Engine, fake_slack: FakeSlack, clock: FrozenClock
) -> None:
    admin = "U0ADMIN01"
    fake_slack.add_user(admin, "gina", real_name="Gina Admin", tz="America/New_York")
    settings = make_settings(database_url=db_url, slack_api_url=fake_slack.base_url, admins=admin)
    with running_harness(settings, engine, fake_slack, clock) as running:
        body = running.command("help", user_id=admin).json()
    theirs = _coordinator_section(body["blocks"])
    for usage in COORDINATOR_ONLY:
        assert usage in theirs, usage


@pytest.mark.parametrize("topic", ["report", "match", "program", "assign"])
def test_help_on_a_coordinators_command_answers_a_member_and_says_whose_it_is(
    harness: Harness, topic: str
) -> None:
    body = harness.command(f"help {topic}", user_id=MENTEE).json()
    shown = _texts(body["blocks"])
    assert f"/mentor {topic}" in shown
    assert "For example" in shown
    assert "for program coordinators" in shown
    assert "for program coordinators" in body["text"]
    coordinator = harness.command(f"help {topic}", user_id=COORDINATOR).json()
    assert "For example" in _texts(coordinator["blocks"])
    assert "for program coordinators" not in _texts(coordinator["blocks"])


def test_help_on_any_subcommand_answers_with_its_example(harness: Harness) -> None:
    for name, usage, _about in SUBCOMMANDS:
        body = harness.command(f"help {name}", user_id=MENTEE).json()
        shown = _texts(body["blocks"])
        assert "For example" in shown, name
        assert _escaped(usage) in shown, name
