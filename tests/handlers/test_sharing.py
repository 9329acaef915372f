"""Sharing with coordinators end to end, from the pair's side: a proposal the other member
answers in a DM or on Home, withdrawing, Home's words, and answers that must change nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from handlers import ids
from tests.conftest import MENTEE, MENTOR, STRANGER
from tests.handlers.helpers import (
    all_text,
    buttons,
    dms_to,
    ephemeral_replies,
    modal_values,
    only_pairing,
    selected,
)
from tests.handlers.test_pairings import pair
from tests.harness import Harness
from tests.slack.fake_slack import Call
from tests.slack.payloads import bot_message

HOME_VIEW = {"id": "V0HOME0001", "type": "home"}


def home_share(harness: Harness, user: str, pairing_id: int, on: bool) -> None:
    """The Home button: **Propose sharing** (on) or **Withdraw** / **Stop sharing** (off)."""
    value = f"{pairing_id}:{'on' if on else 'off'}"
    harness.block_action(user_id=user, action_id=ids.HOME_SHARE, value=value, view=HOME_VIEW)


def proposal_dm(harness: Harness, user: str) -> Call:
    """The latest DM to ``user`` asking them to agree to share."""
    asked = [c for c in dms_to(harness, user) if ids.SHARING_AGREE in buttons(c.args.get("blocks"))]
    assert asked, f"no proposal reached {user}"
    return asked[-1]


def answer_in_dm(harness: Harness, dm: Call, action_id: str, *, user: str) -> None:
    """``user`` taps Agree or Not now on the proposal ``dm`` as it was posted."""
    shown = bot_message(str(dm.response["ts"]), text=dm.args["text"], blocks=dm.args["blocks"])
    harness.block_action(
        user_id=user,
        action_id=action_id,
        value=buttons(dm.args["blocks"])[action_id]["value"],
        message=shown,
        channel_id=str(dm.response["channel"]),
    )


def consents(harness: Harness) -> tuple[bool, bool]:
    """(mentor agrees, mentee agrees), as stored."""
    pairing = only_pairing(harness)
    return pairing.mentor_shares_at is not None, pairing.mentee_shares_at is not None


def last_home(harness: Harness, user: str) -> list[dict[str, Any]]:
    calls = [c for c in harness.fake.calls_to("views.publish") if c.args["user_id"] == user]
    assert calls, f"no Home published for {user}"
    assert calls[-1].ok, calls[-1].error
    blocks: list[dict[str, Any]] = calls[-1].args["view"]["blocks"]
    return blocks


def sharing_words(harness: Harness, user: str, pairing_id: int) -> str:
    block = next(
        b for b in last_home(harness, user) if b.get("block_id") == f"home-share-{pairing_id}"
    )
    return str(block["text"]["text"])


def test_turning_sharing_on_is_a_proposal_the_other_member_agrees_to(harness: Harness) -> None:
    pairing_id = pair(harness)
    home_share(harness, MENTEE, pairing_id, on=True)
    assert consents(harness) == (False, True)

    dm = proposal_dm(harness, MENTOR)
    assert f"<@{MENTEE}> would like to share" in all_text(dm.args["blocks"])
    assert {ids.SHARING_AGREE, ids.SHARING_DECLINE} <= set(buttons(dm.args["blocks"]))
    assert f"<@{MENTEE}>" in dm.args["text"]
    # Home says where it stands, for each of them, in words.
    assert "Shared with coordinators: you agreed, waiting for" in sharing_words(
        harness, MENTEE, pairing_id
    )
    assert f"<@{MENTOR}>" in sharing_words(harness, MENTEE, pairing_id)
    assert f"<@{MENTEE}> proposed sharing with coordinators" in sharing_words(
        harness, MENTOR, pairing_id
    )
    home_buttons = buttons(last_home(harness, MENTOR))
    assert {ids.SHARING_AGREE, ids.SHARING_DECLINE} <= set(home_buttons)

    # A double click of Propose proposes once.
    home_share(harness, MENTEE, pairing_id, on=True)
    assert (
        len(
            [
                c
                for c in dms_to(harness, MENTOR)
                if ids.SHARING_AGREE in buttons(c.args.get("blocks"))
            ]
        )
        == 1
    )

    answer_in_dm(harness, dm, ids.SHARING_AGREE, user=MENTOR)
    assert consents(harness) == (True, True)
    # The proposal is redrawn in place without its buttons; the proposer is told.
    update = harness.fake.calls_to("chat.update")[-1].args
    assert update["ts"] == dm.response["ts"]
    assert ids.SHARING_AGREE not in buttons(update["blocks"])
    assert "You agreed" in all_text(update["blocks"])
    assert f"<@{MENTOR}> agreed" in dms_to(harness, MENTEE)[-1].args["text"]
    for user in (MENTOR, MENTEE):
        assert "Shared with coordinators: you both agreed" in sharing_words(
            harness, user, pairing_id
        )
    # Agreeing twice (a retry) changes nothing more and tells nobody again.
    told = len(dms_to(harness, MENTEE))
    answer_in_dm(harness, dm, ids.SHARING_AGREE, user=MENTOR)
    assert consents(harness) == (True, True)
    assert len(dms_to(harness, MENTEE)) == told


def test_agreeing_on_home_and_proposing_to_a_proposal(harness: Harness) -> None:
    pairing_id = pair(harness)
    home_share(harness, MENTOR, pairing_id, on=True)
    agree = buttons(last_home(harness, MENTEE))[ids.SHARING_AGREE]
    harness.block_action(
        user_id=MENTEE, action_id=ids.SHARING_AGREE, value=agree["value"], view=HOME_VIEW
    )
    assert consents(harness) == (True, True)
    assert f"<@{MENTEE}> agreed" in dms_to(harness, MENTOR)[-1].args["text"]

    # Stopping ends it for both; then both turning it on, one after the other, shares again.
    home_share(harness, MENTEE, pairing_id, on=False)
    assert consents(harness) == (False, False)
    home_share(harness, MENTOR, pairing_id, on=True)
    home_share(harness, MENTEE, pairing_id, on=True)
    assert consents(harness) == (True, True)


def test_not_now_ends_the_proposal_and_the_proposer_is_told_kindly(harness: Harness) -> None:
    pairing_id = pair(harness)
    home_share(harness, MENTOR, pairing_id, on=True)
    dm = proposal_dm(harness, MENTEE)
    answer_in_dm(harness, dm, ids.SHARING_DECLINE, user=MENTEE)
    assert consents(harness) == (False, False)
    told = dms_to(harness, MENTOR)[-1].args["text"]
    assert f"<@{MENTEE}> would rather not share" in told
    assert "nothing is shared" in told
    update = harness.fake.calls_to("chat.update")[-1].args
    assert ids.SHARING_AGREE not in buttons(update["blocks"])
    assert "not now" in all_text(update["blocks"]).lower()
    for user in (MENTOR, MENTEE):
        assert "Not shared with coordinators" in sharing_words(harness, user, pairing_id)
    # Agreeing afterwards on the same message changes nothing: that proposal is over.
    answer_in_dm(harness, dm, ids.SHARING_AGREE, user=MENTEE)
    assert consents(harness) == (False, False)
    assert any("no longer open" in reply for reply in ephemeral_replies(harness))


def test_withdrawing_tells_the_other_member_kindly(harness: Harness) -> None:
    pairing_id = pair(harness)
    home_share(harness, MENTEE, pairing_id, on=True)
    answer_in_dm(harness, proposal_dm(harness, MENTOR), ids.SHARING_AGREE, user=MENTOR)
    home_share(harness, MENTOR, pairing_id, on=False)
    assert consents(harness) == (False, False)
    told = dms_to(harness, MENTEE)[-1].args["text"]
    assert f"<@{MENTOR}> stopped sharing" in told
    assert "counts only" in told
    for user in (MENTOR, MENTEE):
        assert "Not shared with coordinators" in sharing_words(harness, user, pairing_id)

    # A proposal withdrawn before anyone agreed: the other is told nothing was shared.
    home_share(harness, MENTOR, pairing_id, on=True)
    home_share(harness, MENTOR, pairing_id, on=False)
    assert consents(harness) == (False, False)
    assert "Nothing was shared" in dms_to(harness, MENTEE)[-1].args["text"]


def test_forged_and_stale_answers_change_nothing(harness: Harness) -> None:
    pairing_id = pair(harness)
    home_share(harness, MENTEE, pairing_id, on=True)
    dm = proposal_dm(harness, MENTOR)
    value = buttons(dm.args["blocks"])[ids.SHARING_AGREE]["value"]
    updates = len(harness.fake.calls_to("chat.update"))

    def agree(user: str, forged: str = value) -> None:
        harness.block_action(user_id=user, action_id=ids.SHARING_AGREE, value=forged)

    # Someone outside the pair.
    agree(STRANGER)
    harness.block_action(user_id=STRANGER, action_id=ids.SHARING_DECLINE, value=value)
    assert consents(harness) == (False, True)
    assert sum("not part of" in reply for reply in ephemeral_replies(harness)) == 2
    # The proposer agreeing to (or declining) their own proposal.
    agree(MENTEE)
    harness.block_action(user_id=MENTEE, action_id=ids.SHARING_DECLINE, value=value)
    assert consents(harness) == (False, True)
    assert sum("You proposed this yourself" in r for r in ephemeral_replies(harness)) == 2
    # A value that names no proposal, or nothing at all.
    agree(MENTOR, f"{pairing_id}:12345")
    agree(MENTOR, f"{pairing_id + 1000}:12345")
    agree(MENTOR, "everything")
    assert consents(harness) == (False, True)
    assert len(harness.fake.calls_to("chat.update")) == updates
    replies = ephemeral_replies(harness)
    assert any("no longer open" in r for r in replies)
    assert any("didn't carry what I expected" in r for r in replies)

    # Withdrawn, then proposed again later: the first proposal's Agree is stale.
    home_share(harness, MENTEE, pairing_id, on=False)
    redrawn_when_withdrawn = harness.fake.calls_to("chat.update")[-1]
    answer_in_dm(harness, dm, ids.SHARING_AGREE, user=MENTOR)
    assert consents(harness) == (False, False)
    # Told privately; the DM keeps what the withdrawal drew (a refused tap redraws nothing).
    assert "no longer open" in ephemeral_replies(harness)[-1]
    assert harness.fake.calls_to("chat.update")[-1] == redrawn_when_withdrawn
    harness.clock.advance(timedelta(minutes=5))
    home_share(harness, MENTEE, pairing_id, on=True)
    answer_in_dm(harness, dm, ids.SHARING_AGREE, user=MENTOR)
    assert consents(harness) == (False, True)
    # The new proposal's own Agree works.
    answer_in_dm(harness, proposal_dm(harness, MENTOR), ids.SHARING_AGREE, user=MENTOR)
    assert consents(harness) == (True, True)


def test_an_ended_mentorship_cannot_start_sharing(harness: Harness) -> None:
    pairing_id = pair(harness)
    home_share(harness, MENTEE, pairing_id, on=True)
    dm = proposal_dm(harness, MENTOR)
    harness.command(f"end <@{MENTEE}>", user_id=MENTOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.END_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            outcome=(ids.OUTCOME_BLOCK, ids.OUTCOME_INPUT, selected("completed", "radio_buttons"))
        ),
    )
    assert only_pairing(harness).status == "completed"
    answer_in_dm(harness, dm, ids.SHARING_AGREE, user=MENTOR)
    assert consents(harness) == (False, True)
    assert any("has ended" in reply for reply in ephemeral_replies(harness))


def _updates_of(harness: Harness, dm: Call) -> list[dict[str, Any]]:
    ts = str(dm.response["ts"])
    return [c.args for c in harness.fake.calls_to("chat.update") if c.args.get("ts") == ts]


def test_a_withdrawn_proposal_dm_is_redrawn_without_its_buttons(harness: Harness) -> None:
    pairing_id = pair(harness)
    home_share(harness, MENTEE, pairing_id, on=True)
    dm = proposal_dm(harness, MENTOR)
    assert _updates_of(harness, dm) == []
    home_share(harness, MENTEE, pairing_id, on=False)
    harness.wait_idle()
    (update,) = _updates_of(harness, dm)
    assert "no longer open" in update["text"]
    assert not {ids.SHARING_AGREE, ids.SHARING_DECLINE} & set(buttons(update["blocks"]))
    assert only_pairing(harness).share_proposal_ts is None


def test_a_proposal_answered_on_home_redraws_its_dm(harness: Harness) -> None:
    pairing_id = pair(harness)
    home_share(harness, MENTEE, pairing_id, on=True)
    dm = proposal_dm(harness, MENTOR)
    value = buttons(last_home(harness, MENTOR))[ids.SHARING_AGREE]["value"]
    harness.block_action(user_id=MENTOR, action_id=ids.SHARING_AGREE, value=value, view=HOME_VIEW)
    harness.wait_idle()
    assert consents(harness) == (True, True)
    (update,) = _updates_of(harness, dm)
    assert "You agreed" in update["text"]
    assert not {ids.SHARING_AGREE, ids.SHARING_DECLINE} & set(buttons(update["blocks"]))


def test_a_proposal_answered_in_its_dm_is_redrawn_once(harness: Harness) -> None:
    pairing_id = pair(harness)
    home_share(harness, MENTEE, pairing_id, on=True)
    dm = proposal_dm(harness, MENTOR)
    answer_in_dm(harness, dm, ids.SHARING_DECLINE, user=MENTOR)
    harness.wait_idle()
    (update,) = _updates_of(harness, dm)
    assert "You said not now" in update["text"]
