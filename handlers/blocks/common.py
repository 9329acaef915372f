"""Small Block Kit pieces shared by the builders, checked against Slack's limits.

mrkdwn fields take :class:`~bot.text.Mrkdwn` only; plain_text fields take the raw text."""

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

from bot.text import Mrkdwn, md_join, md_truncate, plain

Block = dict[str, Any]


@dataclass(frozen=True)
class MessageBody:
    """A message's blocks and its fallback ``text``: what notifications show and screen readers
    read, so it summarises the blocks in a sentence."""

    text: Mrkdwn
    blocks: list[Block]


SECTION_TEXT_LIMIT = 3000
HEADER_TEXT_LIMIT = 150
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100


def header(text: str) -> Block:
    return HeaderBlock(text=plain(text)[:HEADER_TEXT_LIMIT]).to_dict()


def mrkdwn_text(text: Mrkdwn, limit: int = SECTION_TEXT_LIMIT) -> MarkdownTextObject:
    return MarkdownTextObject(text=md_truncate(text, limit))


def section(mrkdwn: Mrkdwn, *, block_id: str | None = None) -> Block:
    return SectionBlock(text=mrkdwn_text(mrkdwn), block_id=block_id).to_dict()


def context(*mrkdwn: Mrkdwn) -> Block:
    return ContextBlock(elements=[mrkdwn_text(m) for m in mrkdwn]).to_dict()


def divider() -> Block:
    return DividerBlock().to_dict()


def sections_from_lines(lines: Iterable[Mrkdwn], limit: int = SECTION_TEXT_LIMIT) -> list[Block]:
    """As few sections as hold ``lines``, each within Slack's per-section text limit."""
    blocks: list[Block] = []
    chunk: list[Mrkdwn] = []
    size = 0
    for line in lines:
        line = md_truncate(line, limit)
        if chunk and size + len(line) + 1 > limit:
            blocks.append(section(md_join("\n", chunk)))
            chunk, size = [], 0
        if line.strip():
            chunk.append(line)
            size += len(line) + 1
    if chunk:
        blocks.append(section(md_join("\n", chunk)))
    return blocks


def block_ids(blocks: Sequence[Block]) -> list[str]:
    return [b["block_id"] for b in blocks if "block_id" in b]
