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
HOME_ASK_OPEN = "home.ask"  # Home's "Ask someone you know": the ask form with a people picker
ASK_MENTOR_BLOCK, ASK_MENTOR_INPUT = "ask_mentor", "ask_mentor_input"
# A coordinator's Home: **Assign…** beside a trainee without a mentor (value "program:user").
COVERAGE_ASSIGN = "coverage.assign"
COVERAGE_INVITE = "coverage.invite"  # value: the program id
COVERAGE_MORE, COVERAGE_BACK = "coverage.more", "coverage.back"  # value: "program:first shown"
# The coordinator's Home: which program it shows (a select), and its Actions row (value: the
# program id): each opens the modal or flow the typed command opens.
HOME_PROGRAM_PICK = "home.program"
HOME_MATCH, HOME_SURVEY, HOME_REPORT = "home.match", "home.survey", "home.report"
HOME_DIGEST, HOME_MEMBERS, HOME_SETTINGS = "home.digest", "home.members", "home.settings"
ASSIGN_MENTOR_BLOCK, ASSIGN_MENTOR_INPUT = "assign_mentor", "assign_mentor_input"
ASSIGN_VIEW = "assign.submit"
DECLINE_VIEW = "decline.submit"
REDIRECT_VIEW = "redirect.submit"
END_VIEW = "end.submit"
COMMUNICATION_VIEW = "communication.submit"
DECLINE_ASSIGNMENT_VIEW = "assignment.decline.submit"

FOCUS_BLOCK, FOCUS_INPUT = "focus", "focus_input"
# The program picker of the ask and assign modals, for people in (or coordinating) several
# programs: choosing one dispatches a block action so the focus options follow it.
PROGRAM_BLOCK = "program"
ASK_PROGRAM_INPUT, ASSIGN_PROGRAM_INPUT = "ask.program", "assign.program"
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

# Goals and tasks (buttons carry the goal or task id as their value).
GOAL_ADD_OPEN = "goal.add.open"  # value: pairing id
GOAL_ACHIEVED = "goal.achieved"
GOAL_EDIT_OPEN = "goal.edit.open"
GOAL_DROP_OPEN = "goal.drop.open"
GOAL_REOPEN = "goal.reopen"
TASK_ADD_OPEN = "task.add.open"  # value: pairing id
TASK_COMPLETE = "task.complete"
TASK_UNDO = "task.undo"
GOAL_VIEW = "goal.submit"
GOAL_EDIT_VIEW = "goal.edit.submit"
GOAL_DROP_VIEW = "goal.drop.submit"
TASK_VIEW = "task.submit"
GOAL_TEXT_BLOCK, GOAL_TEXT_INPUT = "goal_text", "goal_text_input"
TARGET_DATE_BLOCK, TARGET_DATE_INPUT = "target_date", "target_date_input"
COMPETENCY_BLOCK, COMPETENCY_INPUT = "competency", "competency_input"
TASK_TEXT_BLOCK, TASK_TEXT_INPUT = "task_text", "task_text_input"
DUE_DATE_BLOCK, DUE_DATE_INPUT = "due_date", "due_date_input"
GOAL_LINK_BLOCK, GOAL_LINK_INPUT = "goal_link", "goal_link_input"
ASSIGNEE_BLOCK, ASSIGNEE_INPUT = "assignee", "assignee_input"

# Reassess and refine.
REASSESS_OPEN = "reassess.open"  # value: pairing id
REASSESS_VIEW = "reassess.submit"
NEW_GOALS_BLOCK, NEW_GOALS_INPUT = "new_goals", "new_goals_input"

# App Home buttons on each pairing (value: pairing id).
HOME_CADENCE = "home.cadence"
HOME_PAUSE = "home.pause"
HOME_END = "home.end"
HOME_SHARE = "home.share"  # value: "<pairing id>:on" (propose) or ":off" (withdraw)
HOME_MORE = "home.more"

# Answering a proposal to share goal and task text with coordinators (the DM and Home).
SHARING_AGREE = "sharing.agree"  # value: "<pairing id>:<proposal stamp>"
SHARING_DECLINE = "sharing.decline"

# Check-ins (the scheduler's DMs) and pausing.
CHECKIN_MET = "checkin.met"  # value: check-in id
CHECKIN_RESCHEDULED = "checkin.rescheduled"
CHECKIN_SKIPPED = "checkin.skipped"
CHECKIN_MET_VIEW = "checkin.met.submit"
# How useful a met check-in was (1-5), once per member: a tap, or the modal with a note.
# One button per score (action ids are unique within a block): "checkin.rate.<score>".
CHECKIN_RATE = "checkin.rate"  # value: "<check-in id>,<score>"
CHECKIN_RATE_NOTE = "checkin.rate.note"  # value: check-in id
CHECKIN_RATE_VIEW = "checkin.rate.submit"
RATING_BLOCK, RATING_INPUT = "rating", "rating_input"


def checkin_rate_action(score: int) -> str:
    return f"{CHECKIN_RATE}.{score}"


# The survey at the end of a mentorship (the DM's button opens it), and program pulses.
EXIT_SURVEY_OPEN = "exit.open"  # value: exit survey id
EXIT_SURVEY_VIEW = "exit.submit"
GOALS_MET_BLOCK, GOALS_MET_INPUT = "goals_met", "goals_met_input"
RECOMMEND_BLOCK, RECOMMEND_INPUT = "recommend", "recommend_input"
HELPED_BLOCK, HELPED_INPUT = "helped", "helped_input"
CHANGE_BLOCK, CHANGE_INPUT = "change", "change_input"
SHARE_TEXT_BLOCK, SHARE_TEXT_INPUT = "share_text", "share_text_input"
PULSE_VIEW = "pulse.submit"  # private_metadata: program id
PULSE_QUESTIONS_BLOCK, PULSE_QUESTIONS_INPUT = "pulse_questions", "pulse_questions_input"
PULSE_DAYS_BLOCK, PULSE_DAYS_INPUT = "pulse_days", "pulse_days_input"
PULSE_OPEN = "pulse.open"  # value: pulse id
PULSE_ANSWER_VIEW = "pulse.answer.submit"
PULSE_ANSWER_BLOCK, PULSE_ANSWER_INPUT = "pulse_answer", "pulse_answer_input"
PAUSE_VIEW = "pause.submit"
PAUSE_RESUME = "pause.resume"  # value: pairing id
MINUTES_BLOCK, MINUTES_INPUT = "minutes", "minutes_input"
UNTIL_BLOCK, UNTIL_INPUT = "until", "until_input"

# The coordinators' digest.
DIGEST_NUDGE = "digest.nudge"  # value: pairing id
DIGEST_REASSIGN = "digest.reassign"
DIGEST_CLOSE = "digest.close"
DIGEST_DETAILS = "digest.details"
DIGEST_REASSIGN_VIEW = "digest.reassign.submit"
GOAL_MENU = "goal.menu"  # overflow on a goal row; option values are "<action>:<goal id>"

# Erasure: the confirmation modal of /mentor forget.
FORGET_VIEW = "forget.submit"
FORGET_REASON_BLOCK = "forget_reason"
FORGET_REASON_INPUT = "forget_reason_input"
# An admin opens a coordinator's request to erase someone.
FORGET_REVIEW = "forget.review"
# Profiles and the directory of mentors.
# Open a profile modal (Home, and /mentor profile's chooser).
PROFILE_MENTOR_OPEN, PROFILE_TRAINEE_OPEN = "profile.mentor.open", "profile.trainee.open"
MENTOR_PROFILE_VIEW = "profile.mentor.submit"
TRAINEE_PROFILE_VIEW = "profile.trainee.submit"
LISTED_BLOCK, LISTED_INPUT = "listed", "listed_input"
OPEN_BLOCK, OPEN_INPUT = "open", "open_input"
FOCUSES_BLOCK, FOCUSES_INPUT = "focuses", "focuses_input"
SPECIALTY_BLOCK, SPECIALTY_INPUT = "specialty", "specialty_input"
SPECIALTY_OTHER_BLOCK, SPECIALTY_OTHER_INPUT = "specialty_other", "specialty_other_input"
STAGES_BLOCK, STAGES_INPUT = "stages", "stages_input"
STAGE_BLOCK, STAGE_INPUT = "stage", "stage_input"
FORMATS_BLOCK, FORMATS_INPUT = "formats", "formats_input"
LANGUAGES_BLOCK, LANGUAGES_INPUT = "languages", "languages_input"
BIO_BLOCK, BIO_INPUT = "bio", "bio_input"
CONFLICTS_BLOCK, CONFLICTS_INPUT = "conflicts", "conflicts_input"
OVERRIDE_BLOCK, OVERRIDE_INPUT = "override", "override_input"
DIRECTORY_VIEW = "directory.results"  # the results modal (no submit)
DIRECTORY_FIND = "directory.find"  # Home's "Find a mentor"
DIRECTORY_ASK = "directory.ask"  # value: mentor user id (the search is in the view's metadata)
DIRECTORY_MORE = "directory.more"  # value: page number
DIRECTORY_FILTERS_OPEN = "directory.filters.open"
DIRECTORY_FILTERS_VIEW = "directory.filters.submit"
DIRECTORY_WAIT = "directory.wait"  # join the waiting list for the search's program and focus
WAITING_ASK = "waiting.ask"  # value: waiting list entry id (the DM when a place frees)
WAITING_LEAVE = "waiting.leave"  # value: waiting list entry id (confirmation or notice)
# The results modal's program picker (someone in several programs); value: program id.
DIRECTORY_PROGRAM_BLOCK, DIRECTORY_PROGRAM = "directory_program", "directory.program"

# Matching rounds (/mentor match): the coordinator's modal, trainees' and mentors' answers.
MATCH_VIEW = "match.submit"
MATCH_RANK_VIEW = "match.rank.submit"
MATCH_RATHER_NOT_VIEW = "match.rather_not.submit"
MATCH_CHANGE_VIEW = "match.change.submit"
MATCH_RANK_OPEN = "match.rank.open"
MATCH_RATHER_NOT_OPEN = "match.rather_not.open"
MATCH_CLOSE = "match.close"
MATCH_APPROVE = "match.approve"
MATCH_CHANGE_OPEN = "match.change.open"
MATCH_CSV = "match.csv"
MATCH_CANCEL = "match.cancel"
MATCH_TRAINEES_BLOCK, MATCH_TRAINEES_INPUT = "match_trainees", "match_trainees_input"
MATCH_CHANNEL_BLOCK, MATCH_CHANNEL_INPUT = "match_channel", "match_channel_input"
MATCH_USERGROUP_BLOCK, MATCH_USERGROUP_INPUT = "match_usergroup", "match_usergroup_input"
MATCH_MENTORS_BLOCK, MATCH_MENTORS_INPUT = "match_mentors", "match_mentors_input"
MATCH_DEADLINE_BLOCK, MATCH_DEADLINE_INPUT = "match_deadline", "match_deadline_input"
MATCH_CHOICE_BLOCK, MATCH_CHOICE_INPUT = "match_choice_", "match_choice_input"
MATCH_PAIR_BLOCK, MATCH_PAIR_INPUT = "match_pair", "match_pair_input"
MATCH_NEW_MENTOR_BLOCK, MATCH_NEW_MENTOR_INPUT = "match_new_mentor", "match_new_mentor_input"

# Programs: the admin's add/edit modal and the coordinator's members modal (private_metadata
# carries the program id; every submission re-checks who acts).
PROGRAM_VIEW = "program.submit"
PROGRAM_MEMBERS_VIEW = "program.members.submit"
PROGRAM_NAME_BLOCK, PROGRAM_NAME_INPUT = "program_name", "program_name_input"
PROGRAM_COORDINATORS_BLOCK, PROGRAM_COORDINATORS_INPUT = (
    "program_coordinators",
    "program_coordinators_input",
)
PROGRAM_DIGEST_CHANNEL_BLOCK, PROGRAM_DIGEST_CHANNEL_INPUT = (
    "program_digest_channel",
    "program_digest_channel_input",
)
PROGRAM_FOCUS_BLOCK, PROGRAM_FOCUS_INPUT = "program_focus", "program_focus_input"
PROGRAM_COMPETENCIES_BLOCK, PROGRAM_COMPETENCIES_INPUT = (
    "program_competencies",
    "program_competencies_input",
)
PROGRAM_SPECIALTIES_BLOCK, PROGRAM_SPECIALTIES_INPUT = (
    "program_specialties",
    "program_specialties_input",
)
PROGRAM_CADENCE_BLOCK, PROGRAM_CADENCE_INPUT = "program_cadence", "program_cadence_input"
PROGRAM_REASSESS_BLOCK, PROGRAM_REASSESS_INPUT = "program_reassess", "program_reassess_input"
PROGRAM_REMINDER_BLOCK, PROGRAM_REMINDER_INPUT = "program_reminder", "program_reminder_input"
PROGRAM_EXPIRY_BLOCK, PROGRAM_EXPIRY_INPUT = "program_expiry", "program_expiry_input"
# Required mentorship: a mentor within N days of joining, or by a date.
PROGRAM_WITHIN_BLOCK, PROGRAM_WITHIN_INPUT = "program_within", "program_within_input"
PROGRAM_BY_BLOCK, PROGRAM_BY_INPUT = "program_by", "program_by_input"
PROGRAM_WEEKDAY_BLOCK, PROGRAM_WEEKDAY_INPUT = "program_weekday", "program_weekday_input"
PROGRAM_TIME_BLOCK, PROGRAM_TIME_INPUT = "program_time", "program_time_input"
PROGRAM_ZONE_BLOCK, PROGRAM_ZONE_INPUT = "program_zone", "program_zone_input"
PROGRAM_OPEN_BLOCK, PROGRAM_OPEN_INPUT = "program_open", "program_open_input"
PROGRAM_RATING_BLOCK, PROGRAM_RATING_INPUT = "program_rating", "program_rating_input"
PROGRAM_USERGROUP_BLOCK, PROGRAM_USERGROUP_INPUT = "program_usergroup", "program_usergroup_input"
PROGRAM_CHANNEL_BLOCK, PROGRAM_CHANNEL_INPUT = "program_channel", "program_channel_input"
PROGRAM_ADD_MEMBERS_BLOCK, PROGRAM_ADD_MEMBERS_INPUT = "program_add", "program_add_input"
PROGRAM_REMOVE_MEMBERS_BLOCK, PROGRAM_REMOVE_MEMBERS_INPUT = (
    "program_remove",
    "program_remove_input",
)
# Members declared trainees (held to required mentorship), and no longer.
PROGRAM_ADD_TRAINEES_BLOCK, PROGRAM_ADD_TRAINEES_INPUT = (
    "program_trainees",
    "program_trainees_input",
)
PROGRAM_UNMARK_TRAINEES_BLOCK, PROGRAM_UNMARK_TRAINEES_INPUT = (
    "program_untrainees",
    "program_untrainees_input",
)

# Home's **Report…**: which report, and the days it covers.
REPORT_VIEW = "report.submit"
REPORT_KIND_BLOCK, REPORT_KIND_INPUT = "report_kind", "report_kind_input"
REPORT_FROM_BLOCK, REPORT_FROM_INPUT = "report_from", "report_from_input"
REPORT_TO_BLOCK, REPORT_TO_INPUT = "report_to", "report_to_input"
# Home's **Digest preview**: the digest in a modal (its at-risk buttons act as on the digest).
DIGEST_PREVIEW_VIEW = "digest.preview"

# Introductions: a mentor introduces their mentee to a colleague in a group DM.
INTRO_OPEN = "intro.open"  # Home's "Introduce to a colleague…"; value: pairing id
INTRO_FROM_ASK = "intro.from_ask"  # the mentor's "Introduce…" on a mentee's ask; value: ask id
INTRO_ASK_OPEN = "intro.ask.open"  # Home's "Ask for an introduction"; value: pairing id
INTRO_HAPPY = "intro.happy"  # the colleague's answers; value: introduction id
INTRO_NOT_NOW = "intro.not_now"
INTRO_VIEW = "intro.submit"
INTRO_ASK_VIEW = "intro.ask.submit"
INTRO_COLLEAGUE_BLOCK, INTRO_COLLEAGUE_INPUT = "intro_colleague", "intro_colleague_input"
INTRO_LOOKING_BLOCK, INTRO_LOOKING_INPUT = "intro_looking", "intro_looking_input"

# Plan our next meeting: times offered to the other member, who picks one.
MEETING_PLAN = "meeting.plan"  # Home card and check-in; value: pairing id
MEETING_PICK = "meeting.pick"  # one per time, "meeting.pick.0"…; value: "<plan id>:<epoch>"
MEETING_OTHER = "meeting.other"  # value: plan id
MEETING_WITHDRAW = "meeting.withdraw"  # the planner takes back their offer; value: plan id
