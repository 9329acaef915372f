"""Logging: JSON lines, stdlib records rendered alike, and secrets never written."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from bot.logging import REDACTED, configure_logging, get_logger
from bot.settings import LogFormat


def _lines(captured: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in captured.splitlines() if line.strip()]


def test_json_lines_for_structlog_and_stdlib(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(LogFormat.JSON, "INFO")
    get_logger("mentorbot.test").info("hello", pairs=3)
    logging.getLogger("slack_bolt.App").warning("from bolt %s", "here")
    lines = _lines(capsys.readouterr().err)
    assert lines[0]["event"] == "hello"
    assert lines[0]["pairs"] == 3
    assert lines[0]["level"] == "info"
    assert "timestamp" in lines[0]
    assert lines[1]["event"] == "from bolt here"
    assert lines[1]["logger"] == "slack_bolt.App"


def test_secrets_and_token_shapes_are_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(LogFormat.JSON, "DEBUG", secrets=["my-signing-secret-value"])
    log = get_logger("mentorbot.test")
    log.info("auth", token="xoxb-1234-5678-abcdef", note="secret my-signing-secret-value here")
    logging.getLogger("slack_sdk.web").debug(
        "headers %s", {"Authorization": "Bearer xapp-1-A0-xyz"}
    )
    captured = capsys.readouterr().err
    assert "xoxb-1234" not in captured
    assert "my-signing-secret-value" not in captured
    assert "xapp-1-A0" not in captured
    lines = _lines(captured)
    assert lines[0]["token"] == REDACTED
    assert lines[0]["note"] == f"secret {REDACTED} here"


def test_console_format_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(LogFormat.CONSOLE, "INFO", secrets=["hunter2-long-secret"])
    get_logger("mentorbot.test").info("started", mode="http", secret="hunter2-long-secret")
    err = capsys.readouterr().err
    assert "started" in err
    assert "mode" in err
    assert "hunter2-long-secret" not in err
    with pytest.raises(json.JSONDecodeError):
        json.loads(err.splitlines()[0])


@pytest.fixture(autouse=True)
def _reset_logging() -> Iterator[None]:
    yield
    logging.getLogger().handlers.clear()
    structlog.reset_defaults()
