"""Entry point for ``python -m bot``: the same command line as ``mentorbot``."""

from __future__ import annotations

from bot.cli import main

raise SystemExit(main())
