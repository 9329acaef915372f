"""The escaping rules mypy cannot check, checked on the source: templates are literals whose
fields match their arguments, only bot/text.py mints Mrkdwn, and every message text reaches
Slack through the typed helpers."""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(
    path for package in ("bot", "handlers", "storage") for path in (ROOT / package).rglob("*.py")
)
TEXT_MODULE = ROOT / "bot" / "text.py"
# The only places that hand a message's text to Slack: typed to take Mrkdwn.
WEB_API_HELPERS = ROOT / "handlers" / "flows" / "slack.py"
REPLY_HELPERS = ROOT / "handlers" / "edge.py"
MESSAGE_METHODS = {"chat_postMessage", "chat_postEphemeral", "chat_update", "chat_scheduleMessage"}
TEMPLATE_FUNCTIONS = {"md", "fmt", "md_join"}


def _calls(path: Path) -> Iterator[ast.Call]:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            yield node


def _name(call: ast.Call) -> str:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return ""


def _where(path: Path, call: ast.Call) -> str:
    return f"{path.relative_to(ROOT)}:{call.lineno}"


def test_the_rules_see_the_code() -> None:
    names = {_name(call) for path in SOURCES for call in _calls(path)}
    assert {"md", "fmt", "md_join", "ack_text", "respond_text", "post_message"} <= names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_are_literals_whose_fields_are_all_given(path: Path) -> None:
    """mypy reads ``LiteralString`` as ``str``, so a template built from user text would pass
    it; here a template must be written in the code, and name exactly the values given."""
    problems = []
    for call in _calls(path):
        if _name(call) not in TEMPLATE_FUNCTIONS or path == TEXT_MODULE:
            continue
        first = call.args[0] if call.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            problems.append(f"{_where(path, call)}: {_name(call)}() needs a string literal")
            continue
        if _name(call) == "fmt":
            fields = {field for _, field, _, _ in string.Formatter().parse(first.value) if field}
            given = {keyword.arg for keyword in call.keywords}
            if fields != given or len(call.args) != 1:
                problems.append(f"{_where(path, call)}: fields {fields} but given {given}")
    assert problems == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_bot_text_makes_mrkdwn(path: Path) -> None:
    if path == TEXT_MODULE:
        return
    source = path.read_text()
    assert "Mrkdwn(" not in source
    assert "_MINT" not in source
    assert "_Mint" not in source


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_message_text_goes_through_the_typed_helpers(path: Path) -> None:
    """chat.* and the ack/respond text are typed ``str`` by Bolt and slack_sdk; the helpers
    in handlers/flows/slack.py and handlers/edge.py take ``Mrkdwn``, so mypy checks every
    caller."""
    problems = []
    for call in _calls(path):
        name = _name(call)
        if name in MESSAGE_METHODS and path != WEB_API_HELPERS:
            problems.append(f"{_where(path, call)}: {name} outside handlers/flows/slack.py")
        passes_text = call.args or any(k.arg == "text" for k in call.keywords)
        if name in ("ack", "respond") and passes_text and path != REPLY_HELPERS:
            problems.append(f"{_where(path, call)}: {name}(text) outside handlers/edge.py")
        comments = any(k.arg == "initial_comment" for k in call.keywords)
        if comments and path != WEB_API_HELPERS:
            problems.append(
                f"{_where(path, call)}: initial_comment outside handlers/flows/slack.py"
            )
        if name == "MarkdownTextObject" and path.name != "common.py":
            problems.append(f"{_where(path, call)}: use handlers.blocks.common.mrkdwn_text")
    assert problems == []


TAPPED_MODULE = ROOT / "handlers" / "tapped.py"
DIGEST_ROWS = ROOT / "handlers" / "flows" / "digest_rows.py"
MODALS = ROOT / "handlers" / "flows" / "modals.py"
# The parts of a payload that name a place: the client's word, read in handlers/tapped.py only.
PLACE_KEYS = {"message", "container", "channel"}


def _reads_place(node: ast.AST) -> str | None:
    """The place key read from a payload ``body`` (``body["message"]``, ``args.body.get(...)``)."""
    target: ast.expr | None = None
    key: ast.expr | None = None
    if isinstance(node, ast.Subscript):
        target, key = node.value, node.slice
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and node.args
    ):
        target, key = node.func.value, node.args[0]
    if target is None or not (isinstance(key, ast.Constant) and key.value in PLACE_KEYS):
        return None
    named = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return str(key.value) if named == "body" else None


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_tapped_helper_reads_where_a_tap_claims_to_be(path: Path) -> None:
    """A handler picks what to redraw from what the app recorded, never from the ``message``,
    ``container`` or ``channel`` of a payload; handlers/tapped.py reads them, as a claim."""
    if path == TAPPED_MODULE:
        return
    tree = ast.parse(path.read_text(), filename=str(path))
    problems = [
        f"{path.relative_to(ROOT)}:{node.lineno}: body[{key!r}] outside handlers/tapped.py"
        for node in ast.walk(tree)
        if (key := _reads_place(node)) is not None
    ]
    assert problems == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_stored_text_is_only_what_the_app_stored(path: Path) -> None:
    """``stored_text`` mints Mrkdwn from a string: only the digest's own stored drawing may be
    passed to it, never a payload's text."""
    if path == TEXT_MODULE:
        return
    calls = [c for c in _calls(path) if _name(c) == "stored_text"]
    if path != DIGEST_ROWS:
        assert calls == []
    assert "own_message_text" not in path.read_text()


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_views_are_updated_only_through_the_checked_helper(path: Path) -> None:
    """views.update with a payload's view id goes through handlers/flows/modals.py, which
    checks the view was opened for the actor and passes its hash."""
    if path == MODALS:
        return
    assert [c for c in _calls(path) if _name(c) == "views_update"] == []


def test_the_place_rule_catches_a_planted_read() -> None:
    planted = ast.parse('x = args.body.get("message") or body["container"]')
    found = {key for node in ast.walk(planted) if (key := _reads_place(node)) is not None}
    assert found == {"message", "container"}
