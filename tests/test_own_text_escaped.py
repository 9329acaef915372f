"""The app's own mrkdwn (``md(...)`` and ``fmt(...)`` templates) never holds a bare ``<word>``:
Slack reads ``<...>`` as a link or a mention, so a placeholder like ``<program>`` must be written
``&lt;program&gt;``. Links (``<{url}|text>``) and the app's own mentions are built from values."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A "<" that opens anything but a link, channel, mention or user group built from a value.
BARE = re.compile(r"<(?!\{|#\{|@\{|!subteam\^\{)[^>\s]*>")


def _templates() -> list[tuple[str, int, str]]:
    found = []
    for package in ("bot", "handlers", "storage"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in {"md", "fmt"}
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.append((str(path.relative_to(ROOT)), node.lineno, node.args[0].value))
    return found


def test_no_bare_angle_brackets_in_the_apps_own_mrkdwn() -> None:
    templates = _templates()
    assert len(templates) > 100  # the scan finds the app's text
    bare = [(path, line, BARE.findall(text)) for path, line, text in templates if BARE.search(text)]
    assert bare == []


def test_the_scan_catches_a_placeholder() -> None:
    assert BARE.search("Try `/mentor join <program>`.")
    assert not BARE.search("Try `/mentor join &lt;program&gt;` or <{url}|the guide>.")
    assert not BARE.search("in <#{channel}> and <!subteam^{group}>")
