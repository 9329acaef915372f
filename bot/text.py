"""Text that people type and text the app shows: Slack's escaping rules in one place.

Slack treats ``&``, ``<`` and ``>`` as control characters in message text: ``<@U123>`` is a
mention and ``<!channel>`` pings everyone. Everything a user typed is escaped before it is
shown, so nobody can smuggle a ping or a fake mention into a message the app sends.

The rule is kept by a type, not by habit: :class:`Mrkdwn` is text Slack may parse, and only
:func:`escape`, :func:`mention`, :func:`md` (the app's own fixed text), :func:`fmt` and
:func:`md_join` (which escape every raw ``str`` they are given) and :func:`md_truncate` make
one. Every mrkdwn field and message ``text`` takes ``Mrkdwn``, so mypy refuses a raw ``str``
there; plain_text fields (headers, buttons, options, labels) take the raw ``str``, unescaped.
Templates given to :func:`md` and :func:`fmt` must be string literals (``LiteralString``;
a test checks every call, since mypy reads ``LiteralString`` as ``str``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import LiteralString, final

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
# "X" and twelve hex digits: see storage/erasure.py. Never a Slack id, which starts U or W.
_PSEUDONYM = re.compile(r"^X[0-9A-F]{12}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_SLACK_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITY_CHARS = {"amp": "&", "lt": "<", "gt": ">"}


class _Mint:
    """The private key to :class:`Mrkdwn`'s constructor: only this module makes one."""

    __slots__ = ()


_MINT = _Mint()


@final
class Mrkdwn(str):
    """Text ready for Slack to parse as mrkdwn or as a message's ``text``: user text in it is
    escaped exactly once. ``str`` methods and ``+`` give back a plain ``str``, which mypy
    refuses where ``Mrkdwn`` is required; build with :func:`fmt` and :func:`md_join`."""

    __slots__ = ()

    def __new__(cls, text: str, mint: _Mint) -> Mrkdwn:
        if mint is not _MINT:
            raise TypeError("Mrkdwn is made by escape(), mention(), md() and fmt()")
        return super().__new__(cls, text)


def escape(text: str) -> Mrkdwn:
    """``text`` made safe for mrkdwn: ``& < >`` become entities. Text that is already
    :class:`Mrkdwn` is returned as it is, so nothing is escaped twice."""
    if isinstance(text, Mrkdwn):
        return text
    return Mrkdwn(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), _MINT)


def md(text: LiteralString) -> Mrkdwn:
    """The app's own fixed mrkdwn (``md("*Goals*")``); never text from outside."""
    return Mrkdwn(text, _MINT)


def _shown(value: str | int) -> str | int:
    if isinstance(value, str):
        return escape(value)
    return value


def fmt(template: LiteralString, /, **values: str | int) -> Mrkdwn:
    """``template.format(**values)`` with every raw ``str`` value escaped; :class:`Mrkdwn`
    values (mentions, escaped text, other templates) go in as they are."""
    return Mrkdwn(template.format(**{name: _shown(v) for name, v in values.items()}), _MINT)


def md_join(separator: LiteralString, parts: Iterable[str]) -> Mrkdwn:
    """``parts`` joined by ``separator``; raw ``str`` parts escaped, :class:`Mrkdwn` kept."""
    return Mrkdwn(separator.join(escape(part) for part in parts), _MINT)


def md_truncate(text: Mrkdwn, limit: int) -> Mrkdwn:
    """``text`` cut to at most ``limit`` characters, never inside an entity (``&amp;``) or a
    ``<...>`` mention or link, with an ellipsis when cut."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if len(text) <= limit:
        return text
    cut = str(text)[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    opening = cut.rfind("<")
    if opening != -1 and ">" not in cut[opening:]:
        cut = cut[:opening]
    return Mrkdwn(cut.rstrip() + "…", _MINT)


def plain(text: str) -> str:
    """``text`` for a plain_text field, which Slack shows literally: it must be the raw text,
    never escaped mrkdwn (people would see ``&amp;``)."""
    if isinstance(text, Mrkdwn):
        raise TypeError(f"plain_text takes raw text, not mrkdwn: {text!r}")
    return text


def unescape(text: str) -> str:
    """Undo Slack's escaping of what a user typed in a slash command (one level only)."""
    return _SLACK_ENTITY.sub(lambda m: _ENTITY_CHARS[m.group(1)], text)


def stored_text(text: str) -> Mrkdwn:
    """Mrkdwn the app built (escaped as it was built) and stored itself: a digest post's text as
    kept in ``scheduled_sends.drawn``, sent back unchanged when a row of the post is redrawn.
    Never text from a payload: ``tests/test_escaping_rules.py`` allows one caller, which reads
    the stored column."""
    return Mrkdwn(text, _MINT)


def is_user_id(value: str) -> bool:
    return bool(_USER_ID.match(value))


def is_pseudonym(value: str) -> bool:
    """Whether ``value`` is what an erased person's user id was replaced with."""
    return bool(_PSEUDONYM.match(value))


def mention(user_id: str) -> Mrkdwn:
    """A real mention of ``user_id``; refuses anything that is not a user id. Someone erased
    (their id replaced by a pseudonym) is named as a former member, never by the pseudonym."""
    if is_pseudonym(user_id):
        return Mrkdwn("_a former member_", _MINT)
    if not is_user_id(user_id):
        raise ValueError(f"not a Slack user id: {user_id!r}")
    return Mrkdwn(f"<@{user_id}>", _MINT)


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
