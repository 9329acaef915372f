"""A ``mentorbot tick`` from cron starts light: the command line and the scheduler's steps load
neither Bolt and its listeners, nor the HTTP server, Socket Mode, APScheduler or the chart's
plotting library (each command imports what it runs), and a tick with nothing due loads none
of the flows that do the work. Module lists, not timings: the start-up time is measured by
``python -m bench start`` (bench/README.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from tests.conftest import BOT_TOKEN
from tests.slack.fake_slack import FakeSlack

HEAVY = (
    "slack_bolt",
    "apscheduler",
    "waitress",
    "matplotlib",
    "numpy",
    "bot.app",
    "handlers.actions",
)


# What a tick with nothing due may load of the flows: the probes and what they ask with.
PROBES = {
    "handlers",
    "handlers.flows",
    "handlers.flows.due_work",
    "handlers.flows.digest_slots",
    "handlers.flows.send_kinds",
}


def _last_line_after(statement: str, report: str, env: dict[str, str] | None = None) -> str:
    """The last line ``report`` prints once ``statement`` ran in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", f"{statement}; print({report})"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    ).stdout
    return out.strip().splitlines()[-1]


def _loaded_after(statement: str, env: dict[str, str] | None = None) -> set[str]:
    loaded = _last_line_after(
        f"import sys, json; {statement}", "json.dumps(sorted(sys.modules))", env
    )
    return set(json.loads(loaded))


def _flows(loaded: set[str]) -> set[str]:
    return {m for m in loaded if m.split(".")[0] in ("handlers", "matching")}


def test_the_tick_path_loads_nothing_heavy() -> None:
    loaded = _loaded_after("import bot.cli, bot.jobs")
    assert [m for m in HEAVY if m in loaded] == []


def test_the_app_still_loads_its_listeners() -> None:
    loaded = _loaded_after("import bot.app")
    assert {"slack_bolt", "handlers.actions"} <= loaded


def test_the_tick_path_loads_only_the_probes_of_the_flows() -> None:
    assert _flows(_loaded_after("import bot.cli, bot.jobs")) <= PROBES


def test_a_whole_tick_with_nothing_due_loads_no_flow(tmp_path: Path, fake_slack: FakeSlack) -> None:
    env = _tick_env(tmp_path, fake_slack)
    loaded = _loaded_after("from bot.cli import main; assert main(['tick']) == 0", env)
    assert "bot.jobs" in loaded
    assert _flows(loaded) <= PROBES


def _tick_env(tmp_path: Path, fake_slack: FakeSlack) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'idle.db'}",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": fake_slack.base_url,
        "LOG_LEVEL": "WARNING",
    }


def _after_tick(statement: str, env: dict[str, str]) -> tuple[int, bool]:
    """How many objects were frozen out of the collector's sight, and whether it is on, once
    ``statement`` ran a tick in a fresh interpreter."""
    frozen, collecting = _last_line_after(
        f"import gc; {statement}", "gc.get_freeze_count(), gc.isenabled()", env
    ).split()
    return int(frozen), collecting == "True"


def test_the_installed_command_loads_with_the_collector_paused(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    (script,) = entry_points(group="console_scripts", name="mentorbot")
    assert script.value == "bot.entry:main"
    frozen, collecting = _after_tick(
        "import sys; sys.argv = ['mentorbot', 'tick']; from bot.entry import main; "
        "assert main() == 0",
        _tick_env(tmp_path, fake_slack),
    )
    assert frozen > 50_000  # what the command line and the tick's steps loaded
    assert collecting


def test_the_command_line_called_in_a_process_leaves_its_collector_alone(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    frozen, collecting = _after_tick(
        "from bot.cli import main; assert main(['tick']) == 0", _tick_env(tmp_path, fake_slack)
    )
    assert (frozen, collecting) == (0, True)
