"""A ``mentorbot tick`` from cron starts light: the command line and the scheduler's steps load
neither Bolt and its listeners, nor the HTTP server, Socket Mode, APScheduler or the chart's
plotting library (each command imports what it runs). Module lists, not timings: the start-up
time is measured in bench/README.md."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "slack_bolt",
    "apscheduler",
    "waitress",
    "matplotlib",
    "numpy",
    "bot.app",
    "handlers.actions",
)


def _loaded_after(statement: str) -> set[str]:
    probe = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_the_tick_path_loads_nothing_heavy() -> None:
    loaded = _loaded_after("import bot.cli, bot.jobs")
    assert [m for m in HEAVY if m in loaded] == []


def test_the_app_still_loads_its_listeners() -> None:
    loaded = _loaded_after("import bot.app")
    assert {"slack_bolt", "handlers.actions"} <= loaded
