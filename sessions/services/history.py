"""What a session holds beyond its row (topics, languages, panel), as its history records it, and
the reasons a change is recorded with."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from speakers.models import Speaker

from ..models import PanelMembership

# Reasons recorded in a session's history ("Change reason"), translated when shown.
REASON_EDITED = _("Edited")
REASON_ADDED = _("Added")
REASON_PUBLISHED = _("Published")
REASON_RETURNED_TO_DRAFT = _("Returned to draft")
REASON_CANCELLED = _("Cancelled")
REASON_DUPLICATED = _("Duplicated as a draft")
REASON_MOVED = _("Moved to another track")
REASON_RESTORED = _("Restored from an earlier version")
REASON_IMPORTED = _("Imported from a spreadsheet")
REASON_SPEAKERS_MERGED = _("Speakers merged")
REASON_PANEL_CHANGED = _("Panel changed")
REASON_MOVED_ON_BOARD = _("Moved on the schedule board")


@dataclass(frozen=True)
class Seat:
    speaker: Speaker
    role: str = PanelMembership.Role.PANELIST
    order: int = 0


@dataclass
class Related:
    """The topics, languages and panel a session is saved with; None leaves that part as it is."""

    topics: list | None = None
    languages: list | None = None
    interpretation: list | None = None
    panel: list | None = None  # [Seat], in panel order

    def speaker_ids(self, session):
        if self.panel is not None:
            return [seat.speaker.pk for seat in self.panel]
        if session.pk is None:
            return []
        return list(session.panel.values_list("speaker_id", flat=True))

    def topics_for(self, session):
        if self.topics is not None:
            return list(self.topics)
        return list(session.topics.all()) if session.pk else []


def snapshot(session):
    """The session's topics, languages and panel as stored, for its history."""
    return snapshot_of(
        topics=session.topics.all(),
        languages=session.languages.all(),
        interpretation=session.interpretation_languages.all(),
        seats=[
            Seat(speaker=seat.speaker, role=seat.role, order=seat.order)
            for seat in session.panel.select_related("speaker")
        ],
    )


def snapshot_of(*, topics, languages, interpretation, seats):
    """A history snapshot of these related values, as snapshot() records them."""

    def by_id(objects, label):
        return [[each.pk, getattr(each, label)] for each in sorted(objects, key=lambda o: o.pk)]

    in_panel_order = sorted(
        seats,
        key=lambda seat: (
            seat.role != PanelMembership.Role.MODERATOR,
            seat.order,
            seat.speaker.name,
        ),
    )
    return {
        "topics": by_id(topics, "name"),
        "languages": by_id(languages, "code"),
        "interpretation": by_id(interpretation, "code"),
        "panel": [
            {
                "speaker": seat.speaker.pk,
                "name": seat.speaker.name,
                "role": seat.role,
                "order": seat.order,
            }
            for seat in in_panel_order
        ],
    }


def _bulk_history(model, objects, *, user, reason, when, kinds, extra=None):
    """Historical records for objects written in bulk (which django-simple-history does not see),
    in one query: `kinds` "+", "~" or "-", or {id(object): kind}."""
    history = model.history.model
    tracked = [
        field.attname
        for field in history._meta.fields
        if not field.attname.startswith("history_") and field.attname != "related_snapshot"
    ]
    records = []
    for obj in objects:
        record = history(
            **{name: getattr(obj, name) for name in tracked},
            history_date=when,
            history_type=kinds if isinstance(kinds, str) else kinds[id(obj)],
            history_user_id=user.pk,
            history_change_reason=str(reason),
            **((extra or {}).get(id(obj), {})),
        )
        records.append(record)
    history.objects.bulk_create(records)
