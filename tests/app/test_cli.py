"""The installed ``mentorbot`` command, run as a user or a Procfile would, from anywhere."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from storage.db import create_db_engine
from tests.conftest import BOT_TOKEN, MENTEE, SIGNING_SECRET
from tests.slack.fake_slack import FakeSlack
from tests.slack.signed_client import SlackSender

MENTORBOT = str(Path(sys.executable).with_name("mentorbot"))
START_TIMEOUT = 30.0


def _env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    keep.update({"LOG_FORMAT": "json"})
    keep.update(extra)
    return keep


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_start_without_credentials_says_what_to_set(tmp_path: Path) -> None:
    result = subprocess.run(
        [MENTORBOT], cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN is not set" in result.stderr
    assert "SLACK_SIGNING_SECRET is not set" in result.stderr
    assert "Creating the Slack app" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_settings_exit_2_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [MENTORBOT, "serve"],
        cwd=tmp_path,
        env=_env(PORT="http", SLACK_BOT_TOKEN=BOT_TOKEN),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "PORT" in result.stderr
    assert "Traceback" not in result.stderr
    assert BOT_TOKEN not in result.stderr


def test_migrate_works_from_any_directory(tmp_path: Path) -> None:
    database = tmp_path / "data" / "program.db"
    database.parent.mkdir()
    result = subprocess.run(
        [MENTORBOT, "migrate"],
        cwd="/",
        env=_env(DATABASE_URL=f"sqlite:///{database}"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    engine = create_db_engine(f"sqlite:///{database}")
    assert "pairings" in inspect(engine).get_table_names()
    engine.dispose()


def test_python_dash_m_bot_is_the_same_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    for command in ("run", "serve", "worker", "tick", "migrate"):
        assert command in result.stdout


def test_tick_rejects_a_malformed_clock(tmp_path: Path) -> None:
    result = subprocess.run(
        [MENTORBOT, "tick", "--now", "next tuesday"],
        cwd=tmp_path,
        env=_env(SLACK_BOT_TOKEN=BOT_TOKEN),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "ISO-8601" in result.stderr


def test_tick_runs_once_and_logs_a_summary(tmp_path: Path, fake_slack: FakeSlack) -> None:
    result = subprocess.run(
        [MENTORBOT, "tick", "--now", "2026-12-01T09:00:00Z"],
        cwd=tmp_path,
        env=_env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=fake_slack.base_url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    summary = [line for line in lines if line["event"] == "scheduler.tick"]
    assert len(summary) == 1
    assert summary[0]["now"] == "2026-12-01T09:00:00+00:00"
    assert {"due", "sent", "skipped", "failed", "duration_ms"} <= set(summary[0])
    assert (tmp_path / "mentorbot.db").exists()


@pytest.fixture
def served(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = _free_port()
    env = _env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        PORT=str(port),
        HOST="127.0.0.1",
        ACK_BUDGET_MS="2500",  # the test reads help's answer from the ack
    )
    process = subprocess.Popen(
        [MENTORBOT, "serve"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    break
        except OSError:
            if process.poll() is not None:
                errors = process.stderr.read() if process.stderr else ""
                pytest.fail(f"mentorbot serve exited early: {errors}")
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("mentorbot serve did not answer /healthz in time")
    yield process, port
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


def test_serve_answers_health_and_signed_help(
    served: tuple[subprocess.Popen[str], int],
) -> None:
    process, port = served
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
        assert json.loads(answer.read()) == {"status": "ok", "database": "ok"}

    sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET)
    response = sender.command("help", user_id=MENTEE)
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert any(block["type"] == "header" for block in body["blocks"])

    unsigned = sender.post_raw(
        b"command=%2Fmentor&text=help", {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert unsigned.status == 401

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    logs = process.stderr.read() if process.stderr else ""
    records = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    handled = [r for r in records if r.get("event") == "slack.request"]
    assert handled
    assert handled[0]["handled"] == "command:/mentor"
    assert handled[0]["user"] == MENTEE
    assert handled[0]["outcome"] == "ok"
    assert isinstance(handled[0]["duration_ms"], float)
    assert BOT_TOKEN not in logs
    assert SIGNING_SECRET not in logs


@pytest.mark.parametrize("command", ["worker", "tick"])
def test_the_scheduler_refuses_a_bot_token_slack_rejects(
    tmp_path: Path, fake_slack: FakeSlack, command: str
) -> None:
    wrong = "xoxb-0-revoked-token"
    result = subprocess.run(
        [MENTORBOT, command],
        cwd=tmp_path,
        env=_env(SLACK_BOT_TOKEN=wrong, SLACK_API_URL=fake_slack.base_url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "mentorbot cannot start: Slack did not accept SLACK_BOT_TOKEN (invalid_auth)" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert wrong not in result.stderr
    assert [call.error for call in fake_slack.calls_to("auth.test")] == ["invalid_auth"]
    assert not (tmp_path / "mentorbot.db").exists()  # nothing started
