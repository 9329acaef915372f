"""The one form field that lets a coordinator pair a mentor with someone they have a conflict
with (they assess or supervise them, or said "rather not"), knowingly and on the record."""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.models.blocks import CheckboxesElement, InputBlock, Option

from handlers import ids

PAIR_ANYWAY = "pair_anyway"


def override_input() -> InputBlock:
    return InputBlock(
        block_id=ids.OVERRIDE_BLOCK,
        label="Conflict of interest",
        optional=True,
        hint="Only when you know of the conflict and it doesn't apply here; it is recorded.",
        element=CheckboxesElement(
            action_id=ids.OVERRIDE_INPUT,
            options=[Option(value=PAIR_ANYWAY, text="I know, pair them anyway")],
        ),
    )


def overridden(values: Mapping[str, Mapping[str, Mapping[str, object]]]) -> bool:
    """Whether the coordinator ticked "I know, pair them anyway"."""
    picked = (values.get(ids.OVERRIDE_BLOCK) or {}).get(ids.OVERRIDE_INPUT) or {}
    options = picked.get("selected_options")
    return isinstance(options, list) and any(
        isinstance(o, dict) and o.get("value") == PAIR_ANYWAY for o in options
    )
