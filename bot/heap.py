"""The garbage collector, set for a long-running bot: once the app is built, what it holds for
its whole life (modules, Bolt's listeners, SQLAlchemy's mappings and compiled statements) is
moved out of the collector's sight, and young objects are collected less often. A request that
builds thousands of short-lived objects (the directory ranks every mentor) then no longer pays
for a full collection that walks the whole process now and then (measured in bench/README.md,
"Directory")."""

from __future__ import annotations

import gc

# Allocations between two collections of the youngest generation (Python's default: 700).
YOUNG_THRESHOLD = 20_000


def settle() -> None:
    """Collect once, freeze what survives, and collect the young less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
