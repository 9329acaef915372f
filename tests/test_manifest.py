"""manifest.yml is a valid Slack app manifest and matches exactly what the code registers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pytest_mock import MockerFixture
from slack_bolt import App

from bot.app import create_app
from bot.context import AppContext
from storage.db import create_db_engine, make_session_factory
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).with_name("fixtures")


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text())
    return loaded


@pytest.mark.parametrize(
    "schema_file", ["slack-manifest.schema.1.0.0.json", "slack-app-manifest.schema.json"]
)
def test_manifest_is_valid(manifest: dict[str, Any], schema_file: str) -> None:
    schema = json.loads((FIXTURES / schema_file).read_text())
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(manifest)]
    assert errors == []


def _registered(mocker: MockerFixture) -> dict[str, list[Any]]:
    spies = {
        kind: mocker.spy(App, kind)
        for kind in ("command", "event", "action", "view", "shortcut", "options")
    }
    engine = create_db_engine("sqlite://")
    ctx = AppContext(settings=make_settings(), sessions=make_session_factory(engine))
    create_app(ctx, token_verification=False)
    engine.dispose()
    return {kind: [call.args[1] for call in spy.call_args_list] for kind, spy in spies.items()}


def test_commands_and_events_match_the_code(
    manifest: dict[str, Any], mocker: MockerFixture
) -> None:
    registered = _registered(mocker)
    declared_commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    declared_events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert set(registered["command"]) == declared_commands
    assert set(registered["event"]) == declared_events


def test_interactivity_matches_the_code(manifest: dict[str, Any], mocker: MockerFixture) -> None:
    registered = _registered(mocker)
    interactive = bool(registered["action"] or registered["view"] or registered["shortcut"])
    assert manifest["settings"]["interactivity"]["is_enabled"] is interactive
    assert manifest["features"].get("shortcuts", []) == []


def test_socket_mode_is_on_and_commands_escape_mentions(manifest: dict[str, Any]) -> None:
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert all(c["should_escape"] for c in manifest["features"]["slash_commands"])
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
