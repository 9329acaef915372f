"""The installed ``mentorbot`` command and ``python -m bot``: the command line, loaded with the
garbage collector paused and what it loaded then frozen (bot/heap.py)."""

from __future__ import annotations

from bot.heap import loading_code


def main() -> int:
    with loading_code():
        from bot.cli import main as command_line
    return command_line(loading=loading_code)
