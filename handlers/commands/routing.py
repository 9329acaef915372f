"""How subcommand handlers are declared: the parsed command type, the subcommand names it
answers to in the guide, and the function that handles it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Args

from bot.context import AppContext

Handler = Callable[[AppContext, Args, Any], None]


@dataclass(frozen=True)
class Route:
    names: tuple[str, ...]  # subcommand names listed in /mentor help
    handler: Handler


Routes = dict[type[Any], Route]
