"""Messages about someone who left the workspace or asked to be forgotten: the partner's kind
note, the note to a mentee whose waiting request could no longer be answered, and the asked
person's request DM once the one who asked has gone."""

from __future__ import annotations

from bot.text import fmt, md, mention
from handlers.blocks.common import MessageBody, context, section


def build_partner_left(
    left_id: str, focus_label: str, *, partner_is_mentee: bool, erased: bool = False
) -> MessageBody:
    """To the other member of a mentorship that ended because ``left_id`` left (or asked the
    app to forget them): neutral and kind, with the way to find someone else."""
    who = md("the other member") if erased else mention(left_id)
    summary = fmt(
        "Your mentorship with {who} for *{focus_label}* has ended: they are no longer taking "
        "part in the program.",
        who=who,
        focus_label=focus_label,
    )
    blocks = [
        section(fmt("{summary} Thank you for the time you gave it.", summary=summary)),
        context(md("Your own goals, tasks and history are kept.")),
    ]
    if partner_is_mentee:
        blocks.append(
            section(
                md(
                    "Would you like to find someone else? Ask a new mentor with "
                    "`/mentor ask @person`, or reply to your program coordinator and they "
                    "will help you find one."
                )
            )
        )
    else:
        blocks.append(
            section(
                md("When you're ready to mentor someone new, they can ask you with `/mentor ask`.")
            )
        )
    return MessageBody(summary, blocks)


def build_request_closed_for_mentee(
    mentor_id: str, focus_label: str, *, erased: bool
) -> MessageBody:
    """To a mentee whose request waited on someone who left: it is withdrawn, ask another."""
    who = md("the person you asked") if erased else mention(mentor_id)
    summary = fmt(
        "Your request to {who} for *{focus_label}* was withdrawn: they are no longer taking "
        "part in the program.",
        who=who,
        focus_label=focus_label,
    )
    return MessageBody(
        summary,
        [
            section(summary),
            section(md("Would you like to ask someone else? `/mentor ask @person` is open.")),
        ],
    )


def build_request_withdrawn_for_mentor(
    mentee_id: str, focus_label: str, *, erased: bool
) -> MessageBody:
    """The asked person's request DM, redrawn without its buttons (or the note, which may be
    gone with its writer) once the one who asked left or was forgotten."""
    who = md("Someone") if erased else mention(mentee_id)
    summary = fmt(
        "{who} asked you to be their mentor for *{focus_label}*. The request was withdrawn: "
        "they are no longer taking part in the program.",
        who=who,
        focus_label=focus_label,
    )
    return MessageBody(summary, [section(summary)])
