"""Small Block Kit pieces shared by the builders, checked against Slack's limits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

Block = dict[str, Any]


@dataclass(frozen=True)
class MessageBody:
    """A message's blocks and its fallback ``text``: what notifications show and screen readers
    read, so it summarises the blocks in a sentence."""

    text: str
    blocks: list[Block]


SECTION_TEXT_LIMIT = 3000
HEADER_TEXT_LIMIT = 150
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100


def header(text: str) -> Block:
    return HeaderBlock(text=text[:HEADER_TEXT_LIMIT]).to_dict()


def section(mrkdwn: str, *, block_id: str | None = None) -> Block:
    return SectionBlock(text=MarkdownTextObject(text=mrkdwn), block_id=block_id).to_dict()


def context(*mrkdwn: str) -> Block:
    return ContextBlock(elements=[MarkdownTextObject(text=m) for m in mrkdwn]).to_dict()


def divider() -> Block:
    return DividerBlock().to_dict()


def sections_from_lines(lines: Iterable[str], limit: int = SECTION_TEXT_LIMIT) -> list[Block]:
    """As few sections as hold ``lines``, each within Slack's per-section text limit."""
    blocks: list[Block] = []
    chunk: list[str] = []
    size = 0
    for line in lines:
        line = line[:limit]
        if chunk and size + len(line) + 1 > limit:
            blocks.append(section("\n".join(chunk)))
            chunk, size = [], 0
        if line.strip():
            chunk.append(line)
            size += len(line) + 1
    if chunk:
        blocks.append(section("\n".join(chunk)))
    return blocks


def block_ids(blocks: Sequence[Block]) -> list[str]:
    return [b["block_id"] for b in blocks if "block_id" in b]
