"""Editions, tracks, topics, rooms, languages, speakers and organizations: the things sessions
use. Each is created, changed, deleted and restored only here, with the acting user's right to
that model, the object's own validation and the rules (sessions.rules) that keep every session
using it valid, in one transaction, with its history (who, when, why).

What happens to the sessions concerned, per case (the README's "The one door" lists it too):
- moving a track, a room or a topic elsewhere (another edition, another track) while sessions
  use it, changing an edition's days or zone so that sessions fall outside, and deleting an
  edition, track, topic, room or language that sessions use are refused, naming the sessions;
- deleting a speaker who sits on a panel attendees can see is refused, naming the sessions; their
  seats on drafts are taken off those panels through session_save (a version of each draft);
- deleting an organization clears it from its speakers, each with a version of its own."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from speakers.models import Organization, Speaker
from tracks.models import Conference, Topic, Track

from .. import rules, texts
from ..models import Language, Room, Session
from .history import (
    REASON_ADDED,
    REASON_EDITED,
    REASON_PANEL_CHANGED,
    REASON_RESTORED,
    Related,
    Seat,
)
from .rights import may_change_in_part, require_part_change
from .session import session_save

NOT_ALLOWED_HERE = {
    "add": _("You are not allowed to add %(things)s."),
    "change": _("You are not allowed to change %(things)s."),
    "delete": _("You are not allowed to delete %(things)s."),
}
REASON_DELETED = _("Deleted")
REASON_ORGANIZATION_DELETED = _("Organization deleted")


def no_rule(*args):
    return []


def sessions_of_language(language):
    return Session.objects.filter(Q(languages=language) | Q(interpretation_languages=language))


@dataclass(frozen=True)
class Kind:
    """The rules a kind of object keeps, and what its deletion carries along."""

    change_errors: object = no_rule  # (obj, original) -> [ValidationError]
    delete_errors: object = no_rule  # (obj) -> [ValidationError]
    carry_along: object = no_rule  # (user, obj), before it is deleted


def take_off_draft_panels(user, speaker):
    for session in Session.objects.filter(pk__in=speaker.panel_memberships.values("session")):
        panel = [
            Seat(speaker=seat.speaker, role=seat.role, order=seat.order)
            for seat in session.panel.select_related("speaker").exclude(speaker=speaker)
        ]
        session_save(
            user=user, session=session, related=Related(panel=panel), reason=REASON_PANEL_CHANGED
        )


def clear_organization(user, organization):
    for speaker in organization.speakers.all():
        speaker.organization = None
        _write(user, speaker, REASON_ORGANIZATION_DELETED)


KINDS = {
    Conference: Kind(rules.edition_change_errors, rules.edition_delete_errors),
    Track: Kind(rules.track_change_errors, lambda track: rules.still_used(track, track.sessions)),
    Topic: Kind(rules.topic_change_errors, lambda topic: rules.still_used(topic, topic.sessions)),
    Room: Kind(rules.room_change_errors, lambda room: rules.still_used(room, room.sessions)),
    Language: Kind(
        delete_errors=lambda language: rules.still_used(language, sessions_of_language(language))
    ),
    Speaker: Kind(delete_errors=rules.speaker_delete_errors, carry_along=take_off_draft_panels),
    Organization: Kind(carry_along=clear_organization),
}


def kind_of(obj):
    try:
        return KINDS[type(obj)]
    except KeyError:
        raise TypeError(f"{type(obj).__name__} is not changed through program_object_*") from None


def require_right(user, obj, action):
    meta = obj._meta
    if user.is_active and user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}"):
        return
    raise PermissionDenied(NOT_ALLOWED_HERE[action] % {"things": meta.verbose_name_plural})


def _write(user, obj, reason):
    obj._history_user = user
    obj._change_reason = str(reason)
    obj.save()


def stored(obj):
    if obj.pk is None or obj._state.adding:
        return None
    return type(obj).objects.filter(pk=obj.pk).first()


def program_object_check(*, user, obj):
    """The rights and rules program_object_save runs, without saving: for a form that shows
    every problem on the page. Raises as program_object_save does."""
    original = stored(obj)
    if original is not None and may_change_in_part(user, original):
        # A translator (its texts), a track chair (a speaker of their panels).
        if not user.has_perm(f"{obj._meta.app_label}.change_{obj._meta.model_name}"):
            require_part_change(user, obj, original)
    else:
        require_right(user, obj, "change" if original else "add")
    errors = kind_of(obj).change_errors(obj, original)
    if errors:
        raise ValidationError(errors)


def program_object_save(*, user, obj, reason=None):
    """Create `obj` (an edition, track, topic, room, language, speaker or organization), or save
    it as it now is. Returns it."""
    with transaction.atomic():
        original = stored(obj)
        program_object_check(user=user, obj=obj)
        obj.full_clean(exclude=texts.translated_fields(type(obj)))
        if reason is None:
            reason = REASON_ADDED if original is None else REASON_EDITED
        _write(user, obj, reason)
    return obj


def program_object_delete(*, user, obj):
    """Delete `obj`, refused while sessions depend on it (see the module's docstring)."""
    program_objects_delete(user=user, objects=[obj])


def program_objects_delete(*, user, objects):
    """Delete every one of `objects`, or none: each refusal names the sessions concerned."""
    with transaction.atomic():
        errors = []
        for obj in objects:
            require_right(user, obj, "delete")
            errors += kind_of(obj).delete_errors(obj)
        if errors:
            raise ValidationError(errors)
        for obj in objects:
            kind_of(obj).carry_along(user, obj)
            obj._history_user = user
            obj._change_reason = str(REASON_DELETED)
            obj.delete()


def program_object_restore(*, user, record):
    """Bring an object back to a version in its history, as a change like any other. A track's
    chairs are not part of its versions, so restoring never changes who chairs it."""
    obj = record.instance
    # A version is built as a new object; it is the stored one while that row exists.
    obj._state.adding = not type(obj).objects.filter(pk=obj.pk).exists()
    return program_object_save(user=user, obj=obj, reason=REASON_RESTORED)
