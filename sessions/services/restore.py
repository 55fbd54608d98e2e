"""Bringing a session back to a version in its history."""

from dataclasses import dataclass

from speakers.models import Speaker

from ..models import Language, Session
from .history import REASON_RESTORED, Related, Seat
from .session import session_save


@dataclass
class RestorePlan:
    """What restoring a version does: the session as it will be, the related values that come
    back, and what cannot (speakers, topics or languages deleted since)."""

    session: Session
    related: Related
    missing: list


def restore_plan(record):
    """The live session with the version's fields, and the version's topics, languages and panel
    where they were recorded (each part that was not stays as it is)."""
    session = Session.objects.get(pk=record.id)
    version = session.version
    for field_ in Session._meta.concrete_fields:
        if field_.name in ("id", "version", "created_at", "updated_at"):
            continue
        setattr(session, field_.attname, getattr(record, field_.attname))
    session.version = version
    stored = record.related_snapshot or {}
    related, missing = Related(), []
    # A part the version did not record (it was saved before parts were recorded, or by a
    # loader) stays as it is now: None, not an empty list, which would clear it.
    if "topics" in stored:
        related.topics = _still_there(session.topics.model, stored["topics"], missing)
    if "languages" in stored:
        related.languages = _still_there(Language, stored["languages"], missing)
    if "interpretation" in stored:
        related.interpretation = _still_there(Language, stored["interpretation"], missing)
    if "panel" in stored:
        speakers = Speaker.objects.in_bulk([seat["speaker"] for seat in stored["panel"]])
        related.panel = []
        for seat in stored["panel"]:
            speaker = speakers.get(seat["speaker"])
            if speaker is None:
                missing.append(seat["name"])
                continue
            related.panel.append(Seat(speaker=speaker, role=seat["role"], order=seat["order"]))
    return RestorePlan(session=session, related=related, missing=missing)


def _still_there(model, pairs, missing):
    found = model.objects.in_bulk([pk for pk, _label in pairs])
    missing.extend(label for pk, label in pairs if pk not in found)
    return [found[pk] for pk, _label in pairs if pk in found]


def session_restore(*, user, record):
    """Bring a session back to a version in its history: its fields and, where that version
    recorded them, its topics, languages and panel, through the same rights and rules as any
    change."""
    plan = restore_plan(record)
    return session_save(
        user=user, session=plan.session, related=plan.related, reason=REASON_RESTORED
    )
