"""How long a process takes to start: ``python -m bench start [--runs N]``.

Each case runs in fresh interpreters, from ``/`` as cron or a Procfile would, with bytecode
cached, the cases taking turns run by run so that the machine's drift falls on all alike:

- the libraries alone that any command loads (SQLAlchemy's ORM and both dialects, pydantic's
  settings, slack_sdk, structlog): the floor under what the project itself adds;
- ``import bot.cli, bot.jobs``: the tick's path;
- ``import bot.app``: the app with every listener, as ``serve`` and ``run`` load it;
- a whole ``mentorbot tick`` with nothing due, on a migrated SQLite file, against the Slack fake
  in a process of its own: from starting the command to its exit, and its peak memory.

The target is 500 ms for each import; the report gives the median, the fastest and the
slowest, and what the project adds above the floor. See bench/README.md."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.fake_slack_server import fake_slack_process
from tests import databases

TOKEN = "xoxb-bench-start"
TARGET_MS = 500.0
LIBRARIES = (
    "sqlalchemy.orm",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql",
    "pydantic_settings",
    "slack_sdk",
    "structlog",
)
IMPORTS = {
    "libraries alone": ", ".join(LIBRARIES),
    "the tick's path (bot.cli, bot.jobs)": "bot.cli, bot.jobs",
    "the whole app (bot.app)": "bot.app",
}
TICK = "a whole `mentorbot tick`, nothing due"


@dataclass(frozen=True)
class Sample:
    milliseconds: float
    peak_kib: int


# The peak is the process's own high-water mark, read inside it: the rusage a parent gets for
# its child counts the parent's own size at the fork.
_PEAK = (
    "print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM')))"
)


def _run(code: str, env: dict[str, str]) -> tuple[list[str], float]:
    """Run ``code`` in a fresh interpreter from ``/``; its output's lines and wall time."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", code], cwd="/", env=env, capture_output=True, text=True, timeout=120
    )
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{code!r} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout.split(), elapsed


def import_sample(modules: str, env: dict[str, str]) -> Sample:
    """The time ``import modules`` takes inside a fresh interpreter (the interpreter's own start
    left out), and the process's peak memory."""
    code = f"import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"
    (seconds, peak), _ = _run(f"{code}; {_PEAK}", env)
    return Sample(float(seconds) * 1000, int(peak))


def tick_sample(env: dict[str, str]) -> Sample:
    """A whole ``mentorbot tick`` process, start to exit, through the entry point the installed
    ``mentorbot`` script calls."""
    code = "from bot.cli import main; code = main(['tick']); assert code == 0, code"
    (peak,), elapsed = _run(f"{code}; {_PEAK}", env)
    return Sample(elapsed, int(peak))


def _environment(url: str, fake_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": fake_url,
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "json",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a deployed process has its bytecode cached
    return env


def _ms(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.0f} ms ({min(values):.0f}–{max(values):.0f})"


def render(samples: dict[str, list[Sample]]) -> str:
    floor = statistics.median(s.milliseconds for s in samples["libraries alone"])
    lines = [
        "| what starts | median (fastest–slowest) | above the libraries alone | peak memory |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, runs in samples.items():
        times = [s.milliseconds for s in runs]
        above = (
            f"{statistics.median(times) - floor:+.0f} ms"
            if name in IMPORTS and name != "libraries alone"
            else ""
        )
        peak = statistics.median(s.peak_kib for s in runs) / 1024
        lines.append(f"| {name} | {_ms(times)} | {above} | {peak:.0f} MB |")
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench start", description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    samples: dict[str, list[Sample]] = {name: [] for name in [*IMPORTS, TICK]}
    with (
        tempfile.TemporaryDirectory(prefix="mentorbot-start-") as directory,
        fake_slack_process(TOKEN, [], 0) as fake_url,
    ):
        url = f"sqlite:///{Path(directory) / 'start.db'}"
        databases.migrate(url)
        env = _environment(url, fake_url)
        for modules in IMPORTS.values():  # once each, so that every bytecode file exists
            import_sample(modules, env)
        tick_sample(env)
        load = os.getloadavg()[0]
        for _ in range(args.runs):
            for name, modules in IMPORTS.items():
                samples[name].append(import_sample(modules, env))
            samples[TICK].append(tick_sample(env))
    print(f"{args.runs} runs each, load average {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(render(samples))
    slowest = max(
        statistics.median(s.milliseconds for s in samples[name])
        for name in IMPORTS
        if name != "libraries alone"
    )
    verdict = "GOOD" if slowest < TARGET_MS else "OVER"
    print(f"{verdict}: the slower import's median is {slowest:.0f} ms (target {TARGET_MS:.0f} ms)")
    return 0
