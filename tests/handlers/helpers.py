"""Reading what the app sent: buttons and text inside recorded Block Kit, and database rows."""

from __future__ import annotations

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
