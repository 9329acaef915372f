"""Reading what the app sent: buttons and text inside recorded Block Kit, and database rows."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import func, select

from storage.models import MentorRequest, Pairing
from tests.harness import Harness
from tests.slack.fake_slack import Call


def all_text(blocks: list[dict[str, Any]] | None) -> str:
    """Every piece of text in ``blocks``, joined: what a person would read."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and "text" in node:
                parts.append(str(node["text"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks or [])
    return "\n".join(parts)


def text_objects(node: Any) -> Iterator[tuple[str, str]]:
    """(kind, text) of every text in a Block Kit payload, where kind is ``mrkdwn`` or
    ``plain_text``; a text input's ``initial_value`` is shown as typed, so it counts as
    plain_text."""
    if isinstance(node, dict):
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            yield str(node["type"]), node["text"]
        if isinstance(node.get("initial_value"), str):
            yield "plain_text", node["initial_value"]
        for value in node.values():
            yield from text_objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from text_objects(item)


_ANGLED = re.compile(r"<([^<>]*)>")
_DOUBLE_ESCAPE = re.compile(r"&amp;(?:amp|lt|gt);")
_BARE_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt);)")
_ENTITY = re.compile(r"&(?:amp|lt|gt);")
_QUOTE_MARK = re.compile(r"^> ", re.MULTILINE)  # mrkdwn's block quote, which the app writes


def escaping_problems(kind: str, text: str, mentions: Iterable[str] = ()) -> list[str]:
    """What is wrong with ``text`` shown as ``kind``, for text people typed without entities.

    mrkdwn (and a message's ``text``): every ``<...>`` is one of the ``mentions`` the app made
    (``<@U...>`` of real members), no stray ``<``, ``>`` or bare ``&``, nothing escaped twice.
    plain_text: no entity at all, since Slack shows it literally."""
    if kind == "plain_text":
        return [f"entity in plain_text: {text!r}"] if _ENTITY.search(text) else []
    allowed = {f"<@{user_id}>" for user_id in mentions}
    problems = [
        f"markup the app did not build: {match.group(0)!r} in {text!r}"
        for match in _ANGLED.finditer(text)
        if match.group(0) not in allowed
    ]
    rest = _QUOTE_MARK.sub("", _ANGLED.sub("", text))
    if "<" in rest or ">" in rest:
        problems.append(f"stray angle bracket in mrkdwn: {text!r}")
    if _BARE_AMPERSAND.search(text):
        problems.append(f"unescaped & in mrkdwn: {text!r}")
    if _DOUBLE_ESCAPE.search(text):
        problems.append(f"escaped twice: {text!r}")
    return problems


def buttons(blocks: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    """action_id -> button element, across every actions block."""
    found: dict[str, dict[str, Any]] = {}
    for block in blocks or []:
        if block.get("type") == "actions":
            for element in block.get("elements", []):
                if element.get("type") == "button":
                    found[element["action_id"]] = element
    return found


def dms_to(harness: Harness, user_id: str) -> list[Call]:
    """chat.postMessage calls that reached ``user_id``'s DM with the app."""
    return [
        call
        for call in harness.fake.calls_to("chat.postMessage")
        if call.args.get("channel") == user_id and call.error is None
    ]


def last_dm(harness: Harness, user_id: str) -> Call:
    messages = dms_to(harness, user_id)
    assert messages, f"no DM reached {user_id}"
    return messages[-1]


def ephemeral_replies(harness: Harness) -> list[str]:
    return [str(call.args.get("text", "")) for call in harness.fake.calls_to("response_url")] + [
        str(call.args.get("text", "")) for call in harness.fake.calls_to("chat.postEphemeral")
    ]


def count_requests(harness: Harness, **where: Any) -> int:
    with harness.session() as session:
        query = select(func.count()).select_from(MentorRequest).filter_by(**where)
        return int(session.scalar(query) or 0)


def count_pairings(harness: Harness, **where: Any) -> int:
    with harness.session() as session:
        query = select(func.count()).select_from(Pairing).filter_by(**where)
        return int(session.scalar(query) or 0)


def only_request(harness: Harness) -> MentorRequest:
    with harness.session() as session:
        requests = session.scalars(select(MentorRequest)).all()
        assert len(requests) == 1, requests
        return requests[0]


def only_pairing(harness: Harness) -> Pairing:
    with harness.session() as session:
        pairings = session.scalars(select(Pairing)).all()
        assert len(pairings) == 1, pairings
        return pairings[0]


def modal_values(**inputs: tuple[str, str, dict[str, Any]]) -> dict[str, Any]:
    """view.state.values from (block_id, action_id, value) triples keyed by anything."""
    values: dict[str, Any] = {}
    for block_id, action_id, value in inputs.values():
        values.setdefault(block_id, {})[action_id] = value
    return values


def selected(value: str, kind: str = "static_select") -> dict[str, Any]:
    return {
        "type": kind,
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
    }


def typed(text: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": text}


def take_out_of_program(harness: Harness, *, by: str, program_id: int, people: list[str]) -> None:
    """``by`` takes ``people`` out of the program in its **Members…** form."""
    from handlers import ids

    harness.view_submission(
        user_id=by,
        callback_id=ids.PROGRAM_MEMBERS_VIEW,
        private_metadata=json.dumps({"program": program_id}),
        values=modal_values(
            remove=(
                ids.PROGRAM_REMOVE_MEMBERS_BLOCK,
                ids.PROGRAM_REMOVE_MEMBERS_INPUT,
                {"type": "multi_users_select", "selected_users": people},
            )
        ),
    )


def end_mentorship(
    harness: Harness, *, by: str, other: str, note: str = "", visibility: str = "nobody"
) -> None:
    """``by`` ends their mentorship with ``other``, as ``/mentor end`` and its form do."""
    from handlers import ids

    harness.command(f"end <@{other}>", user_id=by)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=by,
        callback_id=ids.END_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            outcome=(ids.OUTCOME_BLOCK, ids.OUTCOME_INPUT, selected("ended", "radio_buttons")),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed(note)),
            visibility=(
                ids.VISIBILITY_BLOCK,
                ids.VISIBILITY_INPUT,
                selected(visibility, "radio_buttons"),
            ),
        ),
    )
