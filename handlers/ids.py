"""Every action_id, callback_id and block_id the app uses: one source of truth."""

from __future__ import annotations

COMMAND = "/mentor"

# Answering a request (buttons in the asked person's DM) and what follows from it.
REQUEST_ACCEPT = "request.accept"
REQUEST_DECLINE = "request.decline"
REQUEST_REDIRECT = "request.redirect"
REQUEST_ASK_SUGGESTED = "request.ask_suggested"
REQUEST_WITHDRAW = "request.withdraw"
REQUEST_WITHDRAW_OTHERS = "request.withdraw_others"

# Modals, and the blocks and inputs inside them.
ASK_VIEW = "ask.submit"
ASSIGN_VIEW = "assign.submit"
DECLINE_VIEW = "decline.submit"
REDIRECT_VIEW = "redirect.submit"
END_VIEW = "end.submit"
COMMUNICATION_VIEW = "communication.submit"
DECLINE_ASSIGNMENT_VIEW = "assignment.decline.submit"

FOCUS_BLOCK, FOCUS_INPUT = "focus", "focus_input"
NOTE_BLOCK, NOTE_INPUT = "note", "note_input"
SUGGEST_BLOCK, SUGGEST_INPUT = "suggested", "suggested_input"
PAIRING_BLOCK, PAIRING_INPUT = "pairing", "pairing_input"
OUTCOME_BLOCK, OUTCOME_INPUT = "outcome", "outcome_input"
VISIBILITY_BLOCK, VISIBILITY_INPUT = "visibility", "visibility_input"
CADENCE_BLOCK, CADENCE_INPUT = "cadence", "cadence_input"
WEEKDAY_BLOCK, WEEKDAY_INPUT = "weekday", "weekday_input"
TIME_BLOCK, TIME_INPUT = "time", "time_input"
WEEK_OF_MONTH_BLOCK, WEEK_OF_MONTH_INPUT = "week_of_month", "week_of_month_input"
FORMAT_BLOCK, FORMAT_INPUT = "format", "format_input"

# Buttons on pairings.
COMMUNICATION_OPEN = "communication.open"
END_OPEN = "end.open"
ASSIGNMENT_DECLINE = "assignment.decline"
