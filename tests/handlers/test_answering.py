"""Answering a request: accept, decline, suggest someone else; forged and repeated clicks."""

from __future__ import annotations

from structlog.testing import capture_logs

from handlers import ids
from tests.conftest import COORDINATOR, MENTEE, MENTOR, MENTOR2, STRANGER
from tests.handlers.helpers import (
    all_text,
    buttons,
    count_pairings,
    count_requests,
    dms_to,
    ephemeral_replies,
    last_dm,
    modal_values,
    only_pairing,
    typed,
)
from tests.harness import Harness
from tests.scheduler.helpers import sql_statements


def ask(harness: Harness, mentor: str = MENTOR, focus: str = "research", note: str = "") -> int:
    harness.command(f"ask <@{mentor}> {focus} {note}".strip(), user_id=MENTEE)
    button = buttons(last_dm(harness, mentor).args["blocks"])[ids.REQUEST_ACCEPT]
    return int(button["value"])


def click(harness: Harness, user_id: str, action_id: str, value: str) -> None:
    assert harness.block_action(user_id=user_id, action_id=action_id, value=value).status == 200


def test_accept_creates_the_pairing_and_tells_both(harness: Harness) -> None:
    request_id = ask(harness)
    click(harness, MENTOR, ids.REQUEST_ACCEPT, str(request_id))

    pairing = only_pairing(harness)
    assert (pairing.mentor_id, pairing.mentee_id, pairing.focus) == (MENTOR, MENTEE, "research")
    assert pairing.status == "active"
    assert count_requests(harness, status="accepted") == 1

    updated = harness.fake.calls_to("chat.update")
    assert len(updated) == 1
    assert "now mentoring" in all_text(updated[0].args["blocks"])
    assert ids.REQUEST_ACCEPT not in buttons(updated[0].args["blocks"])

    to_mentee = last_dm(harness, MENTEE)
    assert "accepted" in all_text(to_mentee.args["blocks"])
    assert buttons(to_mentee.args["blocks"])[ids.COMMUNICATION_OPEN]["value"] == str(pairing.id)


def test_accepting_twice_has_the_effect_of_once(harness: Harness) -> None:
    request_id = ask(harness)
    click(harness, MENTOR, ids.REQUEST_ACCEPT, str(request_id))
    click(harness, MENTOR, ids.REQUEST_ACCEPT, str(request_id))
    assert count_pairings(harness) == 1
    assert len(dms_to(harness, MENTEE)) == 1
    assert len(harness.fake.calls_to("chat.update")) == 1


def test_a_forged_accept_from_someone_else_changes_nothing(harness: Harness) -> None:
    request_id = ask(harness)
    with capture_logs() as logs:
        click(harness, STRANGER, ids.REQUEST_ACCEPT, str(request_id))
        click(harness, MENTEE, ids.REQUEST_ACCEPT, str(request_id))
    assert count_pairings(harness) == 0
    assert count_requests(harness, status="pending") == 1
    assert sum("Only the person who was asked" in r for r in ephemeral_replies(harness)) == 2
    refused = [e for e in logs if e["event"] == "slack.request" and e["outcome"] == "forbidden"]
    assert {e["user"] for e in refused} == {STRANGER, MENTEE}


def test_a_tampered_button_value_is_refused(harness: Harness) -> None:
    ask(harness)
    before = len(ephemeral_replies(harness))  # the asker's own confirmation
    click(harness, MENTOR, ids.REQUEST_ACCEPT, "1; DROP TABLE pairings")
    click(harness, MENTOR, ids.REQUEST_ACCEPT, "999999")
    assert count_pairings(harness) == 0
    assert count_requests(harness, status="pending") == 1
    tampered, unknown = ephemeral_replies(harness)[before:]
    assert "didn't carry what I expected" in tampered
    assert "can't find that request" in unknown


def test_decline_with_a_private_note(harness: Harness) -> None:
    request_id = ask(harness)
    click(harness, MENTOR, ids.REQUEST_DECLINE, str(request_id))
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.DECLINE_VIEW

    harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.DECLINE_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("Full this term <!here>"))),
    )
    assert count_requests(harness, status="declined") == 1
    assert count_pairings(harness) == 0
    shown = all_text(last_dm(harness, MENTEE).args["blocks"])
    assert "can't take on" in shown
    assert "Full this term &lt;!here&gt;" in shown
    assert "<!here>" not in shown


def test_decline_submitted_by_someone_else_is_refused(harness: Harness) -> None:
    request_id = ask(harness)
    harness.view_submission(
        user_id=STRANGER,
        callback_id=ids.DECLINE_VIEW,
        private_metadata=str(request_id),
        values=modal_values(note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("no"))),
    )
    assert count_requests(harness, status="pending") == 1
    assert "Only the person who was asked" in all_text(
        last_dm(harness, STRANGER).args.get("blocks")
    ) or any(
        "Only the person who was asked" in str(c.args.get("text"))
        for c in dms_to(harness, STRANGER)
    )


def test_suggest_someone_else_then_ask_them_in_one_tap(harness: Harness) -> None:
    request_id = ask(harness, note="help with my protocol")
    click(harness, MENTOR, ids.REQUEST_REDIRECT, str(request_id))
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.REDIRECT_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            who=(
                ids.SUGGEST_BLOCK,
                ids.SUGGEST_INPUT,
                {"type": "users_select", "selected_user": MENTOR2},
            ),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("Carol runs the research office")),
        ),
    )
    assert count_requests(harness, status="redirected") == 1
    assert dms_to(harness, MENTOR2) == []  # nothing forwarded by itself

    offer = last_dm(harness, MENTEE)
    assert f"<@{MENTOR2}>" in all_text(offer.args["blocks"])
    ask_button = buttons(offer.args["blocks"])[ids.REQUEST_ASK_SUGGESTED]
    assert "carol" in ask_button["text"]["text"].lower()

    click(harness, STRANGER, ids.REQUEST_ASK_SUGGESTED, ask_button["value"])
    assert dms_to(harness, MENTOR2) == []

    click(harness, MENTEE, ids.REQUEST_ASK_SUGGESTED, ask_button["value"])
    to_carol = last_dm(harness, MENTOR2)
    assert "help with my protocol" in all_text(to_carol.args["blocks"])
    assert count_requests(harness, status="pending", mentor_id=MENTOR2, focus="research") == 1

    click(harness, MENTEE, ids.REQUEST_ASK_SUGGESTED, ask_button["value"])
    assert len(dms_to(harness, MENTOR2)) == 1


def test_accepting_offers_to_withdraw_other_requests_for_that_focus(harness: Harness) -> None:
    first = ask(harness, MENTOR)
    ask(harness, MENTOR2)
    click(harness, MENTOR, ids.REQUEST_ACCEPT, str(first))

    offer = [
        m
        for m in dms_to(harness, MENTEE)
        if ids.REQUEST_WITHDRAW_OTHERS in buttons(m.args.get("blocks"))
    ]
    assert len(offer) == 1
    value = buttons(offer[0].args["blocks"])[ids.REQUEST_WITHDRAW_OTHERS]["value"]

    click(harness, STRANGER, ids.REQUEST_WITHDRAW_OTHERS, value)
    assert count_requests(harness, status="pending") == 1

    click(harness, MENTEE, ids.REQUEST_WITHDRAW_OTHERS, value)
    assert count_requests(harness, status="withdrawn", mentor_id=MENTOR2) == 1
    carol_update = [
        c for c in harness.fake.calls_to("chat.update") if "withdrew" in all_text(c.args["blocks"])
    ]
    assert len(carol_update) == 1


def test_withdraw_command(harness: Harness) -> None:
    ask(harness, MENTOR)
    harness.command(f"withdraw <@{MENTOR}>", user_id=MENTEE)
    assert count_requests(harness, status="withdrawn") == 1
    assert any(
        "withdrew" in all_text(c.args["blocks"]) for c in harness.fake.calls_to("chat.update")
    )
    harness.command("withdraw", user_id=MENTEE)
    assert any("no requests" in reply for reply in ephemeral_replies(harness))


def test_answering_a_withdrawn_request_is_refused(harness: Harness) -> None:
    request_id = ask(harness, MENTOR)
    harness.command(f"withdraw <@{MENTOR}>", user_id=MENTEE)
    click(harness, MENTOR, ids.REQUEST_ACCEPT, str(request_id))
    assert count_pairings(harness) == 0
    assert any("withdrawn" in reply for reply in ephemeral_replies(harness))


def test_one_tap_withdraws_every_request_the_button_carries_and_only_the_tappers(
    harness: Harness,
) -> None:
    first = ask(harness, MENTOR)
    ask(harness, MENTOR2)
    ask(harness, COORDINATOR)
    click(harness, MENTOR, ids.REQUEST_ACCEPT, str(first))
    (offer,) = [
        m
        for m in dms_to(harness, MENTEE)
        if ids.REQUEST_WITHDRAW_OTHERS in buttons(m.args.get("blocks"))
    ]
    value = buttons(offer.args["blocks"])[ids.REQUEST_WITHDRAW_OTHERS]["value"]
    assert len(value.split(",")) == 2

    # Someone else's pending request smuggled into the value: refused, and nothing changes.
    harness.command(f"ask <@{MENTOR2}> career", user_id=STRANGER)
    strangers = buttons(last_dm(harness, MENTOR2).args["blocks"])[ids.REQUEST_ACCEPT]["value"]
    click(harness, MENTEE, ids.REQUEST_WITHDRAW_OTHERS, f"{value},{strangers}")
    assert any("requests you made yourself" in r for r in ephemeral_replies(harness))
    assert count_requests(harness, status="withdrawn") == 0
    assert count_requests(harness, status="pending") == 3

    click(harness, MENTEE, ids.REQUEST_WITHDRAW_OTHERS, value)
    assert count_requests(harness, status="withdrawn", mentee_id=MENTEE) == 2
    assert count_requests(harness, status="pending", mentee_id=STRANGER) == 1


def test_a_forged_suggestion_from_someone_else_looks_nobody_up(harness: Harness) -> None:
    request_id = ask(harness)
    click(harness, MENTOR, ids.REQUEST_REDIRECT, str(request_id))
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    looked_up = len(harness.fake.calls_to("users.info"))
    harness.view_submission(
        user_id=STRANGER,
        callback_id=ids.REDIRECT_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            who=(
                ids.SUGGEST_BLOCK,
                ids.SUGGEST_INPUT,
                {"type": "users_select", "selected_user": MENTOR2},
            ),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("")),
        ),
    )
    # Refused before anything reaches Slack on the stranger's behalf.
    assert len(harness.fake.calls_to("users.info")) == looked_up
    assert count_requests(harness, status="pending") == 1


def test_accepting_reads_the_programs_settings_once(harness: Harness) -> None:
    request_id = ask(harness)
    published = len(harness.fake.calls_to("views.publish"))
    with sql_statements(harness.engine) as sent:
        click(harness, MENTOR, ids.REQUEST_ACCEPT, str(request_id))
    homes = len(harness.fake.calls_to("views.publish")) - published
    coordinator_reads = [
        s for s, _ in sent if "FROM program_members" in s and "program_members.role" in s
    ]
    # Once for the accept itself (its card and its notices share the focus label), and once
    # for each Home it redraws.
    assert homes == 2
    assert len([s for s in coordinator_reads if "program_id IN" in s]) == 1 + homes
