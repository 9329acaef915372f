"""Entry point for ``python -m bot``: the same command line as ``mentorbot``."""

from __future__ import annotations

from bot.entry import main

raise SystemExit(main())
