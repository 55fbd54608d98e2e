"""Every change an organizer or a track chair makes to the program goes through this package.

Each function takes the acting user (keyword-only), checks that user's right to what it changes
(a track chair acts only on the sessions of the tracks they chair, organizers on every one), runs
the scheduling rules of sessions.rules against the program as it stands, and writes in one
transaction. A refusal is a ValidationError (a rule; its messages name the other session) or a
PermissionDenied (a right); either way nothing is saved. The admin, its actions, its history
pages and the spreadsheet import only call these functions.

Publishing cannot race. On PostgreSQL a change that leaves a session published first takes a
transaction-scoped advisory lock for its room and for each of its speakers, in a fixed order, so
that two changes touching the same room or speaker run one after the other and the second one
checks the rules against what the first committed; an exclusion constraint on rooms backs this
up. On SQLite every transaction takes the database's single write lock as it begins
(settings.DATABASES, transaction_mode IMMEDIATE), which serializes the same changes.

Each change to a session saves it once, after its panel, topics and languages are in place, and
records them with that version in its history (Session.history, related_snapshot), so that
history shows and restores the whole session.

The package by concern: `rights` (who may change what), `locks`, `history` (what a version
records), `session` (one session with its panel), `bulk` (the admin's actions), `restore`,
`panels` (one seat at a time), `program_objects` (editions, tracks, topics, rooms, languages,
speakers, organizations), `merging` (duplicate speakers), `releasing` and `imports`
(spreadsheets). Callers use the names below, never a module's private helpers.
"""

from .bulk import (
    Outcome,
    Refused,
    each_error,
    sessions_cancel,
    sessions_duplicate,
    sessions_move_to_track,
    sessions_publish,
    sessions_return_to_draft,
)
from .history import Related, Seat, snapshot
from .imports import sessions_import
from .invitations import notify_release, speaker_links_revoke, speakers_invite, speakers_remind
from .merging import (
    MERGED_FIELDS,
    MergePlan,
    records_for_merge,
    role_label,
    speakers_merge,
    speakers_merge_preview,
)
from .panels import panel_seat_delete, panel_seat_save
from .program_objects import (
    program_object_check,
    program_object_delete,
    program_object_restore,
    program_object_save,
    program_objects_delete,
)
from .releasing import (
    first_release_by_command,
    next_release_name,
    program_release,
    release_change,
    release_preview,
    release_withdraw,
)
from .restore import RestorePlan, restore_plan, session_restore
from .rights import (
    NOT_ALLOWED,
    NOT_YOUR_TRACK,
    changeable_fields,
    editable_sessions,
    is_organizer,
    may_change_in_part,
    may_correct_speaker,
    may_edit,
    may_release,
    may_see,
    may_translate,
    tracks_for,
    translation_fields,
    translator_languages,
    visible_condition,
    visible_sessions,
)
from .session import session_delete, session_move, session_save, unique_slug
from .speaker_imports import may_import_speakers, speakers_import
from .speaker_self import seat_answer, speaker_profile_save

__all__ = [
    "MERGED_FIELDS",
    "NOT_ALLOWED",
    "NOT_YOUR_TRACK",
    "MergePlan",
    "Outcome",
    "Refused",
    "Related",
    "RestorePlan",
    "Seat",
    "changeable_fields",
    "each_error",
    "editable_sessions",
    "first_release_by_command",
    "is_organizer",
    "may_change_in_part",
    "may_correct_speaker",
    "may_edit",
    "may_import_speakers",
    "may_release",
    "may_see",
    "may_translate",
    "next_release_name",
    "notify_release",
    "panel_seat_delete",
    "panel_seat_save",
    "program_object_check",
    "program_object_delete",
    "program_object_restore",
    "program_object_save",
    "program_objects_delete",
    "program_release",
    "records_for_merge",
    "release_change",
    "release_preview",
    "release_withdraw",
    "restore_plan",
    "role_label",
    "seat_answer",
    "session_delete",
    "session_move",
    "session_restore",
    "session_save",
    "sessions_cancel",
    "sessions_duplicate",
    "sessions_import",
    "sessions_move_to_track",
    "sessions_publish",
    "sessions_return_to_draft",
    "snapshot",
    "speaker_links_revoke",
    "speaker_profile_save",
    "speakers_import",
    "speakers_invite",
    "speakers_merge",
    "speakers_merge_preview",
    "speakers_remind",
    "tracks_for",
    "translation_fields",
    "translator_languages",
    "unique_slug",
    "visible_condition",
    "visible_sessions",
]
