"""Settings: defaults, parsing, and one clear message naming every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import (
    DEFAULT_FOCUS_AREAS,
    Mode,
    SettingsError,
    check_ready,
    load_settings,
)


def test_defaults_need_nothing_but_slack() -> None:
    settings = load_settings({"_env_file": None})
    assert settings.database_url == "sqlite:///mentorbot.db"
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.scheduler_interval_seconds == 60
    assert settings.focus_areas == DEFAULT_FOCUS_AREAS
    assert settings.coordinators == ()
    assert not settings.socket_mode


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COORDINATORS", "U0AAA1111, W0BBB2222")
    monkeypatch.setenv("FOCUS_AREAS", "Research,Surgery skills , Wellbeing")
    settings = load_settings({"_env_file": None})
    assert settings.coordinators == ("U0AAA1111", "W0BBB2222")
    assert settings.focus_areas == ("Research", "Surgery skills", "Wellbeing")
    assert "W0BBB2222" in settings.coordinators
    assert "U0CCC3333" not in settings.coordinators


def test_api_url_gets_its_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_API_URL", "https://slack-gov.com/api")
    assert load_settings({"_env_file": None}).slack_api_url == "https://slack-gov.com/api/"


def test_dotenv_file_in_the_working_directory_is_read(tmp_path: Path) -> None:
    # The autouse fixture made tmp_path the working directory.
    (tmp_path / ".env").write_text("PORT=4100\nDEFAULT_TIMEZONE=Europe/London\n")
    settings = load_settings()
    assert settings.port == 4100
    assert settings.default_timezone == "Europe/London"


def test_every_malformed_setting_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    monkeypatch.setenv("COORDINATORS", "dana,U0OK12345")
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("SCHEDULER_INTERVAL_SECONDS", "1")
    monkeypatch.setenv("COORDINATOR_CHANNEL", "#coordinators")
    with pytest.raises(SettingsError) as raised:
        load_settings({"_env_file": None})
    text = raised.value.render()
    for name in (
        "PORT",
        "COORDINATORS",
        "DEFAULT_TIMEZONE",
        "SCHEDULER_INTERVAL_SECONDS",
        "COORDINATOR_CHANNEL",
    ):
        assert name in text
    assert "'dana'" in text
    assert "README.md" in text


def test_serving_without_credentials_names_both() -> None:
    settings = load_settings({"_env_file": None})
    with pytest.raises(SettingsError) as raised:
        check_ready(settings, Mode.SERVE)
    problems = " ".join(raised.value.problems)
    assert "SLACK_BOT_TOKEN" in problems
    assert "SLACK_SIGNING_SECRET" in problems


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = load_settings(
        {"_env_file": None, "slack_bot_token": "xoxb-1-2", "slack_app_token": "xapp-1-A-2"}
    )
    check_ready(settings, Mode.SERVE)
    assert settings.socket_mode


def test_wrong_kind_of_token_is_explained() -> None:
    settings = load_settings(
        {"_env_file": None, "slack_bot_token": "xoxp-user-token", "slack_app_token": "xoxb-x"}
    )
    with pytest.raises(SettingsError) as raised:
        check_ready(settings, Mode.SERVE)
    problems = " ".join(raised.value.problems)
    assert "start with xoxb-" in problems
    assert "start with xapp-" in problems


def test_sending_needs_only_the_bot_token() -> None:
    check_ready(load_settings({"_env_file": None, "slack_bot_token": "xoxb-1"}), Mode.SEND)
    check_ready(load_settings({"_env_file": None}), Mode.OFFLINE)
    with pytest.raises(SettingsError):
        check_ready(load_settings({"_env_file": None}), Mode.SEND)


def test_secrets_do_not_show_in_repr() -> None:
    settings = load_settings(
        {
            "_env_file": None,
            "slack_bot_token": "xoxb-secret-1",
            "slack_signing_secret": "shh-123456",
        }
    )
    assert "xoxb-secret-1" not in repr(settings)
    assert "shh-123456" not in repr(settings)
    assert set(settings.secret_values()) == {"xoxb-secret-1", "shh-123456"}
