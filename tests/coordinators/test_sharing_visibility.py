"""What coordinators see of a pair's goals and tasks, end to end: nothing but counts until both
members agree (digest, preview, at-risk row, Details, CSVs), the goals and open tasks while
they do, and nothing again from the moment either withdraws."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from bot.jobs import run_tick
from bot.slack_client import make_web_client
from handlers import ids
from handlers.flows.digest import post_weekly_digest
from tests.conftest import COORDINATOR, COORDINATOR_CHANNEL, MENTEE, MENTOR, MENTOR2, STRANGER
from tests.handlers.helpers import (
    all_text,
    buttons,
    ephemeral_replies,
    modal_values,
    selected,
    typed,
)
from tests.handlers.test_pairings import pair
from tests.handlers.test_sharing import answer_in_dm, home_share, proposal_dm
from tests.harness import Harness

GOAL = "Cope with night-shift burnout & <sleep>"
TASK = "Read the sepsis guideline"
SECRETS = ("burnout", "sepsis")


def stalled_pair_with_work(harness: Harness) -> int:
    """A pair with a goal (competency, target date) and a task that has become overdue, all
    through the real commands and forms; at risk for the digest."""
    pairing_id = pair(harness)
    harness.command("goal add", user_id=MENTEE)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.GOAL_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            text=(ids.GOAL_TEXT_BLOCK, ids.GOAL_TEXT_INPUT, typed(GOAL)),
            target=(
                ids.TARGET_DATE_BLOCK,
                ids.TARGET_DATE_INPUT,
                {"type": "datepicker", "selected_date": "2027-03-01"},
            ),
            competency=(ids.COMPETENCY_BLOCK, ids.COMPETENCY_INPUT, selected("1")),
        ),
    )
    harness.command(f"task add {TASK} due friday", user_id=MENTOR)
    # An introduction whose why is the pair's own, like their goals.
    harness.command(f"introduce <@{MENTOR2}> she studies sepsis outcomes", user_id=MENTOR)
    harness.clock.advance(timedelta(days=6))  # Friday has passed: the task is overdue
    return pairing_id


def preview(harness: Harness) -> list[dict[str, object]]:
    harness.command("digest", user_id=COORDINATOR)
    blocks: list[dict[str, object]] = harness.fake.calls_to("response_url")[-1].args["blocks"]
    return blocks


def details(harness: Harness, pairing_id: int, user: str = COORDINATOR) -> str:
    opened = len(harness.fake.calls_to("views.open"))
    harness.block_action(user_id=user, action_id=ids.DIGEST_DETAILS, value=str(pairing_id))
    calls = harness.fake.calls_to("views.open")
    if len(calls) == opened:
        return ""
    assert calls[-1].ok, calls[-1].error
    return all_text(calls[-1].args["view"]["blocks"])


def report(harness: Harness) -> dict[str, str]:
    before = len(harness.fake.files)
    harness.command("report", user_id=COORDINATOR)
    return {f.filename: f.content.decode() for f in harness.fake.files[before:]}


def everything_coordinators_see(harness: Harness, pairing_id: int) -> str:
    files = report(harness)
    return "\n".join([all_text(preview(harness)), details(harness, pairing_id), *files.values()])


def shows_text(seen: str) -> bool:
    return any(secret in seen for secret in SECRETS)


@pytest.mark.parametrize("proposer", [MENTEE, MENTOR])
def test_one_member_alone_never_shows_text(harness: Harness, proposer: str) -> None:
    pairing_id = stalled_pair_with_work(harness)
    home_share(harness, proposer, pairing_id, on=True)

    blocks = preview(harness)
    row = next(b for b in blocks if b.get("block_id") == f"digest.pair.{pairing_id}")
    accessory = dict(row["accessory"])  # type: ignore[call-overload]
    assert (accessory["action_id"], accessory["value"]) == (ids.DIGEST_DETAILS, str(pairing_id))
    seen = everything_coordinators_see(harness, pairing_id)
    assert not shows_text(seen)
    assert "shared with coordinators" not in all_text(blocks)
    # Details shows the numbers, and says why there is no text.
    shown = details(harness, pairing_id)
    assert "*Goals:* 1 open, 0 achieved, 0 dropped" in shown
    assert "*Tasks:* 1 open (1 overdue), 0 done" in shown
    assert "*Introductions to colleagues:* 1 made, 0 accepted" in shown
    assert "haven't both agreed" in shown
    files = report(harness)
    comment = harness.fake.calls_to("files.completeUploadExternal")[-1].args
    assert "No pair shares its goals" in str(comment.get("initial_comment"))
    assert files["shared-goals.csv"].splitlines() == [
        "pairing_id,mentor,mentee,focus,item,text,competency,status,target_or_due,assignee"
    ]
    # The weekly digest in the coordinators' channel too.
    run_tick(
        harness.ctx, make_web_client(harness.settings), harness.clock(), steps=[post_weekly_digest]
    )
    posted = [m for m in harness.fake.messages(COORDINATOR_CHANNEL) if m.get("blocks")]
    assert posted
    assert f"digest.pair.{pairing_id}" in str(posted[-1]["blocks"])
    assert not shows_text(all_text(posted[-1]["blocks"]) + str(posted[-1].get("text")))


def test_both_agreeing_shows_goals_and_open_tasks_and_withdrawal_hides_them_at_once(
    harness: Harness,
) -> None:
    pairing_id = stalled_pair_with_work(harness)
    home_share(harness, MENTEE, pairing_id, on=True)
    answer_in_dm(harness, proposal_dm(harness, MENTOR), ids.SHARING_AGREE, user=MENTOR)

    # The digest itself stays counts only, and marks the pair as sharing.
    blocks = preview(harness)
    assert not shows_text(all_text(blocks))
    assert "goals shared with coordinators" in all_text(blocks)

    shown = details(harness, pairing_id)
    assert "Cope with night-shift burnout &amp; &lt;sleep&gt;" in shown  # escaped, never parsed
    assert "Medical knowledge" in shown
    assert "by Mon 1 Mar 2027" in shown
    assert TASK in shown
    assert "overdue" in shown
    assert f"<@{MENTOR2}> (no answer yet): she studies sepsis outcomes" in shown

    files = report(harness)
    rows = list(csv.DictReader(io.StringIO(files["shared-goals.csv"])))
    assert [(r["item"], r["text"], r["status"]) for r in rows] == [
        ("goal", GOAL, "open"),
        ("task", TASK, "open"),
    ]
    assert rows[0]["competency"] == "Medical knowledge"
    assert rows[0]["target_or_due"] == "2027-03-01"
    assert rows[1]["target_or_due"] == "2026-12-04"
    assert rows[1]["assignee"] == MENTEE
    assert {r["mentor"] for r in rows} == {MENTOR}
    comment = harness.fake.calls_to("files.completeUploadExternal")[-1].args
    assert "the 1 pair whose members both agree" in str(comment.get("initial_comment"))
    # The other CSVs stay counts only.
    assert not shows_text(files["pairings.csv"] + files["teaching-record.csv"])

    # Either withdraws: from that moment, nothing.
    home_share(harness, MENTEE, pairing_id, on=False)
    assert not shows_text(everything_coordinators_see(harness, pairing_id))
    assert "haven't both agreed" in details(harness, pairing_id)


def test_details_are_for_coordinators_only(harness: Harness) -> None:
    pairing_id = stalled_pair_with_work(harness)
    home_share(harness, MENTEE, pairing_id, on=True)
    answer_in_dm(harness, proposal_dm(harness, MENTOR), ids.SHARING_AGREE, user=MENTOR)
    for user in (STRANGER, MENTOR, MENTEE):
        assert details(harness, pairing_id, user) == ""
    assert sum("program coordinators" in r for r in ephemeral_replies(harness)) >= 1
    # A pairing that doesn't exist is a kind refusal, not a failure; the same one a pairing of
    # another program gets, so a forged id can't tell which ids exist.
    before = len(ephemeral_replies(harness))
    assert details(harness, pairing_id + 1000) == ""
    assert any("program coordinators" in r for r in ephemeral_replies(harness)[before:])


def test_an_ended_pairing_shares_nothing(harness: Harness) -> None:
    pairing_id = stalled_pair_with_work(harness)
    home_share(harness, MENTEE, pairing_id, on=True)
    answer_in_dm(harness, proposal_dm(harness, MENTOR), ids.SHARING_AGREE, user=MENTOR)
    assert shows_text(details(harness, pairing_id))
    before = len(harness.fake.calls_to("response_url"))
    blocks = preview(harness)
    assert len(harness.fake.calls_to("response_url")) == before + 1
    assert ids.DIGEST_CLOSE in buttons(blocks)
    harness.block_action(
        user_id=COORDINATOR, action_id=ids.DIGEST_CLOSE, value=str(pairing_id), ephemeral=True
    )
    assert not shows_text(everything_coordinators_see(harness, pairing_id))
