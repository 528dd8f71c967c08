"""The fortnightly meeting pack's sections, in order: pinned once for the core's Markdown
(tests/core/test_followup.py) and the Meeting screen (tests/tui/test_meeting.py)."""

PACK_SECTIONS = [
    "Upcoming visits (next fortnight)",
    "Visits cancelled since the last meeting",
    "New suggestions awaiting triage",
    "Top-voted open suggestions",
    "Actions overdue or at risk",
    "Actions completed since the last meeting",
    "Service-level breaches",
    "Whose turn it is",
    "Kudos to announce",
]
