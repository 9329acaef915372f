"""Sharing goal and task text with coordinators, in words: the proposal DM with **Agree** and
**Not now**, what it becomes once answered, the notes to the other member, and the lines on
App Home saying where sharing stands."""

from __future__ import annotations

from slack_sdk.models.blocks import ButtonElement, ConfirmObject, SectionBlock
from slack_sdk.models.blocks.basic_components import PlainTextObject

from bot.sharing import SharingOutcome, SharingState
from bot.text import Mrkdwn, clip, fmt, md, mention
from handlers import ids
from handlers.blocks.common import Block, MessageBody, context, mrkdwn_text, section
from handlers.blocks.requests import actions, button

LABEL_LIMIT = 200
WHAT_IS_SHARED = md("your goals (text, ACGME competency, status, target date) and open tasks")


def _label(focus_label: str) -> Mrkdwn:
    return fmt("*{label}*", label=clip(focus_label, LABEL_LIMIT))


def agree_value(pairing_id: int, stamp: str) -> str:
    """An answer names the proposal it answers, so one withdrawn since changes nothing."""
    return f"{pairing_id}:{stamp}"


def parse_agree_value(value: str) -> tuple[int, str] | None:
    pairing, _, stamp = value.partition(":")
    if not (pairing.isdigit() and len(pairing) <= 18 and stamp.isdigit() and len(stamp) <= 20):
        return None
    return int(pairing), stamp


def _answer_buttons(block_id: str, pairing_id: int, stamp: str) -> Block:
    value = agree_value(pairing_id, stamp)
    return actions(
        block_id,
        button("Agree", ids.SHARING_AGREE, value, "primary"),
        button("Not now", ids.SHARING_DECLINE, value),
    )


def proposal_block_id(pairing_id: int) -> str:
    return f"sharing-{pairing_id}"


def proposal_text(proposer_id: str, focus_label: str) -> Mrkdwn:
    return fmt(
        "{who} would like to share the goals and tasks of your {label} mentorship with the "
        "program coordinators. Agree, or not now?",
        who=mention(proposer_id),
        label=_label(focus_label),
    )


def build_proposal_message(
    pairing_id: int, proposer_id: str, focus_label: str, stamp: str
) -> MessageBody:
    """The DM to the member who didn't propose: nothing is shared unless they agree."""
    return MessageBody(
        proposal_text(proposer_id, focus_label),
        [
            section(
                fmt(
                    "{who} would like to share the goal and task text of your {label} mentorship "
                    "with the program coordinators.",
                    who=mention(proposer_id),
                    label=_label(focus_label),
                )
            ),
            context(
                fmt(
                    "If you both agree, coordinators can see {what}, to support you. Until then "
                    "they see counts only, never your text. Either of you can stop sharing at any "
                    "time on my Home tab.",
                    what=WHAT_IS_SHARED,
                )
            ),
            _answer_buttons(proposal_block_id(pairing_id), pairing_id, stamp),
        ],
    )


def build_proposal_answered(agreed: bool, proposer_id: str, focus_label: str) -> MessageBody:
    """The proposal DM once its reader answered: the buttons give way to what happened."""
    if agreed:
        lead = fmt(
            "✅ You agreed: the program coordinators can now see the goals and open "
            "tasks of your {label} mentorship with {who}.",
            label=_label(focus_label),
            who=mention(proposer_id),
        )
        return MessageBody(
            lead,
            [
                section(lead),
                context(md("Either of you can stop sharing at any time on my Home tab.")),
            ],
        )
    lead = fmt(
        "You said not now, so nothing of your {label} mentorship is shared: "
        "coordinators see counts only. I've let {who} know.",
        label=_label(focus_label),
        who=mention(proposer_id),
    )
    return MessageBody(lead, [section(lead)])


def build_proposal_closed() -> MessageBody:
    """A proposal DM whose proposal was withdrawn or answered elsewhere (on Home)."""
    lead = md(
        "This proposal to share with coordinators is no longer open, so answering it "
        "changes nothing. My Home tab shows where sharing stands."
    )
    return MessageBody(lead, [section(lead)])


def sharing_notice(outcome: SharingOutcome, actor_id: str, focus_label: str) -> Mrkdwn | None:
    """What the other member is told after ``actor_id`` changed sharing; None for a proposal
    (that is :func:`build_proposal_message`) and for anything that changed nothing."""
    who, label = mention(actor_id), _label(focus_label)
    if outcome is SharingOutcome.SHARED:
        return fmt(
            "{who} agreed: the program coordinators can now see the goals and open tasks of "
            "your {label} mentorship. Either of you can stop sharing at any time on my Home tab.",
            who=who,
            label=label,
        )
    if outcome is SharingOutcome.DECLINED:
        return fmt(
            "{who} would rather not share the goal and task text of your {label} mentorship "
            "with coordinators for now, so nothing is shared: they see counts only. That's "
            "completely fine, and nothing else changes.",
            who=who,
            label=label,
        )
    if outcome is SharingOutcome.WITHDRAWN:
        return fmt(
            "{who} withdrew their proposal to share the goal and task text of your {label} "
            "mentorship with coordinators. Nothing was shared.",
            who=who,
            label=label,
        )
    if outcome is SharingOutcome.STOPPED:
        return fmt(
            "{who} stopped sharing the goal and task text of your {label} mentorship with "
            "the program coordinators. From now on they see counts only, as before; nothing "
            "else changes.",
            who=who,
            label=label,
        )
    return None


def own_proposal_refusal(other_id: str) -> Mrkdwn:
    return fmt(
        "You proposed this yourself, so it's waiting for {other} to agree; nothing changed. "
        "You can withdraw it on my Home tab.",
        other=mention(other_id),
    )


NOT_OPEN_REFUSAL = md(
    "That proposal to share with coordinators is no longer open (it was withdrawn or already "
    "answered), so nothing changed. My Home tab shows where sharing stands."
)


def share_value(pairing_id: int, share: bool) -> str:
    """Home's button says which way to go, so a double click or a retry proposes (or
    withdraws) once rather than flipping back."""
    return f"{pairing_id}:{'on' if share else 'off'}"


def parse_share_value(value: str) -> tuple[int, bool] | None:
    pairing, _, state = value.partition(":")
    if not pairing.isdigit() or len(pairing) > 18 or state not in ("on", "off"):
        return None
    return int(pairing), state == "on"


def _confirm(title: str, text: str, confirm: str) -> ConfirmObject:
    return ConfirmObject(
        title=title, text=PlainTextObject(text=text), confirm=confirm, deny="Cancel"
    )


def _home_button(pairing_id: int, share: bool) -> ButtonElement:
    if share:
        return ButtonElement(
            text="Propose sharing",
            action_id=ids.HOME_SHARE,
            value=share_value(pairing_id, True),
            confirm=_confirm(
                "Share with coordinators?",
                "The other member will be asked to agree. Coordinators see your goals and open "
                "tasks only while you both agree, and either of you can stop at any time.",
                "Propose",
            ),
        )
    return ButtonElement(
        text="Stop sharing",
        action_id=ids.HOME_SHARE,
        value=share_value(pairing_id, False),
        confirm=_confirm(
            "Stop sharing?",
            "Coordinators will see counts only again, from now on. The other member is told.",
            "Stop sharing",
        ),
    )


def home_sharing_blocks(
    pairing_id: int, other_id: str, state: SharingState, proposal: str | None
) -> list[Block]:
    """Where sharing stands for this pairing, in words, with what the viewer can do about it.
    ``proposal`` names the other member's open proposal (for Agree / Not now)."""
    other = mention(other_id)
    block_id = f"home-share-{pairing_id}"
    if state is SharingState.PROPOSED_TO_VIEWER and proposal is not None:
        return [
            section(
                fmt(
                    "🤝 *{other} proposed sharing with coordinators* {what}.\n"
                    "_Nothing is shown unless you agree._",
                    other=other,
                    what=WHAT_IS_SHARED,
                ),
                block_id=block_id,
            ),
            _answer_buttons(f"home-sharing-{pairing_id}", pairing_id, proposal),
        ]
    if state is SharingState.SHARED:
        text = fmt(
            "🔓 *Shared with coordinators: you both agreed.*\n"
            "_They can see {what}. Either of you can stop at any time._",
            what=WHAT_IS_SHARED,
        )
        accessory = _home_button(pairing_id, False)
    elif state is SharingState.WAITING_FOR_OTHER:
        text = fmt(
            "⏳ *Shared with coordinators: you agreed, waiting for {other}.*\n"
            "_Nothing is shown until they agree._",
            other=other,
        )
        accessory = ButtonElement(
            text="Withdraw", action_id=ids.HOME_SHARE, value=share_value(pairing_id, False)
        )
    else:
        text = md(
            "🔒 *Not shared with coordinators.*\n"
            "_They see counts only, never your goal or task text, unless you both agree._"
        )
        accessory = _home_button(pairing_id, True)
    return [SectionBlock(block_id=block_id, text=mrkdwn_text(text), accessory=accessory).to_dict()]
