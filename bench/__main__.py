"""``python -m bench`` (``make bench``): the scheduler tick benchmark; see bench/README.md."""

from __future__ import annotations

import sys

from bench.tick import main

sys.exit(main(sys.argv[1:]))
