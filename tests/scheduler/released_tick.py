"""`mentorbot tick`, started ahead of time and held at the gate until the test opens it.

The process imports everything, prints ``ready``, then waits for a shared lock on a file the
test holds exclusively; when the test lets go, every waiting process runs its tick at once.
It prints when its tick started and ended (wall clock) so the test can check they overlapped.
"""

from __future__ import annotations

import fcntl
import sys
import time

from bot.cli import main

MARK = "released-tick"


def run(gate: str, argv: list[str]) -> int:
    print(f"{MARK} ready", flush=True)
    with open(gate, encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        print(f"{MARK} started {time.time()}", flush=True)
        code = main(argv)
        print(f"{MARK} ended {time.time()}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(run(sys.argv[1], sys.argv[2:]))
