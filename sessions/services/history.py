"""What a session holds beyond its row (topics, languages, panel), as its history records it, and
the reasons a change is recorded with."""

from dataclasses import dataclass
from functools import partial
from operator import attrgetter

from django.db import DEFAULT_DB_ALIAS, connections
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
    in one statement run for each: `kinds` "+", "~" or "-", or {id(object): kind}; `extra` gives
    other fields of some records, {id(object): {attname: value}}.

    Each record holds what bulk_create of the history model's instances would write: the tracked
    fields read off the object, any other field at its default, every value through its field's
    get_db_prep_save. The instances are not built: their constructors (and modeltranslation's)
    and bulk_create's compiler cost most of a large import's write."""
    objects = list(objects)
    if not objects:
        return
    # The connection itself: `connection` is a proxy that looks it up again on each use.
    db = connections[DEFAULT_DB_ALIAS]
    history = model.history.model
    tracked, others = _history_fields(history)
    names = [field.attname for field in tracked]
    read = attrgetter(*names) if len(names) > 1 else lambda obj: (getattr(obj, names[0]),)
    prepare = [partial(field.get_db_prep_save, connection=db) for field in tracked]
    # The values every record has, prepared once.
    same = {
        "history_date": when,
        "history_user_id": user.pk,
        "history_change_reason": str(reason),
        **({"history_type": kinds} if isinstance(kinds, str) else {}),
    }
    same = {
        field.attname: field.get_db_prep_save(same[field.attname], db)
        for field in others
        if field.attname in same
    }
    extra = extra or {}
    rows = []
    for obj in objects:
        own = extra.get(id(obj), {})
        if not isinstance(kinds, str):
            own = {**own, "history_type": kinds[id(obj)]}
        rows.append(
            [
                *(each(value) for each, value in zip(prepare, read(obj), strict=True)),
                *(
                    field.get_db_prep_save(own[field.attname], db)
                    if field.attname in own
                    else same[field.attname]
                    if field.attname in same
                    else field.get_db_prep_save(field.get_default(), db)
                    for field in others
                ),
            ]
        )
    _insert(db, history, [*tracked, *others], rows)


def _history_fields(history):
    """(the fields a record copies from its object, the history's own fields)."""
    fields = [field for field in history._meta.concrete_fields if not field.primary_key]
    tracked = [
        field
        for field in fields
        if not field.attname.startswith("history_") and field.attname != "related_snapshot"
    ]
    return tracked, [field for field in fields if field not in tracked]


def _insert(db, history, columns, rows):
    """One INSERT run for each row, its values in the order of `columns`."""
    quote = db.ops.quote_name
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)}"  # noqa: S608  (names, no input)
        f" ({', '.join(quote(field.column) for field in columns)})"
        f" VALUES ({', '.join('%s' for _ in columns)})"
    )
    with db.cursor() as cursor:
        cursor.executemany(sql, rows)
