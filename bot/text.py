"""Text that people type and text the app shows: Slack's escaping rules in one place.

Slack treats ``&``, ``<`` and ``>`` as control characters in message text: ``<@U123>`` is a
mention and ``<!channel>`` pings everyone. Everything a user typed is escaped before it is
shown, so nobody can smuggle a ping or a fake mention into a message the app sends.
"""

from __future__ import annotations

import re
import unicodedata

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_SLACK_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITY_CHARS = {"amp": "&", "lt": "<", "gt": ">"}


def escape(text: str) -> str:
    """``text`` made safe for mrkdwn and plain_text fields: ``& < >`` become entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Undo Slack's escaping of what a user typed in a slash command (one level only)."""
    return _SLACK_ENTITY.sub(lambda m: _ENTITY_CHARS[m.group(1)], text)


def is_user_id(value: str) -> bool:
    return bool(_USER_ID.match(value))


def mention(user_id: str) -> str:
    """A real mention of ``user_id``; refuses anything that is not a user id."""
    if not is_user_id(user_id):
        raise ValueError(f"not a Slack user id: {user_id!r}")
    return f"<@{user_id}>"


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, with an ellipsis when cut."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def normalise_user_text(text: str) -> str:
    """What a person typed, tidied: NFC, no control or direction-override characters,
    Unix line endings, at most one blank line in a row, no surrounding whitespace."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).replace("\t", " ")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _MANY_BLANK_LINES.sub("\n\n", text).strip()


def plural(count: int, one: str, many: str | None = None) -> str:
    """The count with the word that agrees with it: "1 active pairing", "2 active pairings",
    "3 people" (``many`` for words that don't just take an s)."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
