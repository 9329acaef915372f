"""Home's **Report…**: a modal to choose the report (the period's CSV files, the engagement
chart, or the audit log) and the days it covers, and the parser of what it sends back (the
same :class:`bot.commands.Report` that ``/mentor report`` parses to)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    Option,
    RadioButtonsElement,
)
from slack_sdk.models.views import View

from bot import commands as parsing
from bot.commands import years_before
from bot.text import fmt, plain
from handlers import ids
from handlers.blocks.common import context
from handlers.blocks.modals import InvalidSubmission, Values

KINDS = {
    "csv": "The period's files: pairings, teaching record, shared goals, feedback",
    "chart": "Weekly engagement chart (the last 12 weeks)",
    "audit": "Audit log: what the program's coordinators did",
}


def _option(kind: str) -> Option:
    return Option(value=kind, text=KINDS[kind])


def build_report_modal(program_id: int, program_name: str, today: date) -> dict[str, Any]:
    """The modal, for the program shown on Home; the period is the last seven days unless
    changed."""
    return View(
        type="modal",
        callback_id=ids.REPORT_VIEW,
        title="Report",
        submit="Send to my DM",
        close="Cancel",
        private_metadata=json.dumps({"program": program_id}),
        blocks=[
            context(fmt("*{program}*: the files arrive in our DM.", program=program_name)),
            InputBlock(
                block_id=ids.REPORT_KIND_BLOCK,
                label="Report",
                element=RadioButtonsElement(
                    action_id=ids.REPORT_KIND_INPUT,
                    options=[_option(kind) for kind in KINDS],
                    initial_option=_option("csv"),
                ),
            ),
            InputBlock(
                block_id=ids.REPORT_FROM_BLOCK,
                label="From",
                element=DatePickerElement(
                    action_id=ids.REPORT_FROM_INPUT,
                    initial_date=(today - timedelta(days=6)).isoformat(),
                ),
            ),
            InputBlock(
                block_id=ids.REPORT_TO_BLOCK,
                label="To (included)",
                hint=plain("The chart and the audit log don't use the dates."),
                element=DatePickerElement(
                    action_id=ids.REPORT_TO_INPUT, initial_date=today.isoformat()
                ),
            ),
        ],
    ).to_dict()


def _picked(values: Values, block: str, action: str) -> date | None:
    raw = (values.get(block, {}).get(action, {}) or {}).get("selected_date")
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def parse_report_submission(values: Values) -> parsing.Report:
    """The report asked for; every problem beside its field."""
    chosen = (values.get(ids.REPORT_KIND_BLOCK, {}).get(ids.REPORT_KIND_INPUT, {}) or {}).get(
        "selected_option"
    )
    kind = chosen.get("value") if isinstance(chosen, dict) else None
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors[ids.REPORT_KIND_BLOCK] = "Please pick a report."
    start = _picked(values, ids.REPORT_FROM_BLOCK, ids.REPORT_FROM_INPUT)
    end = _picked(values, ids.REPORT_TO_BLOCK, ids.REPORT_TO_INPUT)
    if start is None:
        errors[ids.REPORT_FROM_BLOCK] = "Please pick the first day."
    if end is None:
        errors[ids.REPORT_TO_BLOCK] = "Please pick the last day."
    if start is not None and end is not None:
        if end < start:
            errors[ids.REPORT_TO_BLOCK] = "The last day comes before the first."
        else:
            limit = years_before(end, parsing.MAX_REPORT_YEARS)
            if limit is not None and start <= limit:
                errors[ids.REPORT_FROM_BLOCK] = "A report covers at most five years."
    if errors:
        raise InvalidSubmission(errors)
    if kind != "csv":
        return parsing.Report(kind=str(kind))
    return parsing.Report(kind=str(kind), start=start, end=end)
