"""One session at a time: save with its panel, move, delete."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from .. import rules, texts
from ..models import PanelMembership, Session
from .history import REASON_ADDED, REASON_EDITED, REASON_MOVED_ON_BOARD, Related, snapshot
from .locks import SAVED_MEANWHILE, check_rooms_now, lock_schedule
from .rights import NOT_ALLOWED, may_edit, require_rights


def rule_errors(session, related, *, original):
    """{field: [ValidationError]} for `session` as it is about to be saved with `related`."""
    errors = rules.status_change_errors(original.status if original else None, session.status)
    try:
        session.full_clean(exclude=texts.translated_fields(Session))
    except ValidationError as error:
        rules.merge_errors(errors, error.error_dict)
    strays = rules.stray_topics(related.topics_for(session), session.track)
    if strays:
        errors.setdefault("topics", []).append(rules.topics_error(strays, session.track))
    if session.status == Session.Status.PUBLISHED and not errors.get("starts_at"):
        speaker_ids = related.speaker_ids(session)
        clashes = rules.clash_errors(session, speaker_ids=speaker_ids)
        clashes.pop("room", None)  # full_clean() has already reported the room
        rules.merge_errors(errors, clashes)
    return errors


def _stored(session):
    if session.pk is None:
        return None
    return Session.objects.select_related("track").filter(pk=session.pk).first()


# Writing one session


def session_save(*, user, session, related=None, reason=None):
    """Create `session`, or save it as it now is, with its `related` topics, languages and panel
    (parts left None stay as they are). Returns the session."""
    related = related or Related()
    with transaction.atomic():
        original = _stored(session)
        if session.pk is not None and original is None:
            raise ValidationError(gettext("This session no longer exists."))
        require_rights(user, session, original, related)
        if session.status == Session.Status.PUBLISHED:
            lock_schedule(room_ids=[session.room_id], speaker_ids=related.speaker_ids(session))
        errors = rule_errors(session, related, original=original)
        if errors:
            raise ValidationError(errors)
        if reason is None:
            reason = REASON_ADDED if original is None else REASON_EDITED
        try:
            with transaction.atomic():
                _write(user, session, related, reason)
                check_rooms_now()
        except IntegrityError as error:
            # Only the database's own backstop (the rooms' exclusion constraint) gets here.
            raise ValidationError(SAVED_MEANWHILE) from error
    return session


def _write(user, session, related, reason):
    session._history_user = user
    session._change_reason = str(reason)
    session.save()
    if related.topics is not None:
        session.topics.set(related.topics)
    if related.languages is not None:
        session.languages.set(related.languages)
    if related.interpretation is not None:
        session.interpretation_languages.set(related.interpretation)
    if related.panel is not None:
        _write_panel(user, session, related.panel, reason)
    record = session.history.order_by("-history_date", "-history_id").first()
    record.related_snapshot = snapshot(session)
    record.save(update_fields=["related_snapshot"])


def _write_panel(user, session, panel, reason):
    current = {seat.speaker_id: seat for seat in session.panel.all()}
    wanted = {seat.speaker.pk for seat in panel}
    for speaker_id, seat in current.items():
        if speaker_id not in wanted:
            seat._history_user = user
            seat._change_reason = str(reason)
            seat.delete()
    for order, wanted_seat in enumerate(panel):
        seat = current.get(wanted_seat.speaker.pk) or PanelMembership(
            session=session, speaker=wanted_seat.speaker
        )
        order = wanted_seat.order if wanted_seat.order is not None else order
        if seat.pk and (seat.role, seat.order) == (wanted_seat.role, order):
            continue
        seat.role, seat.order = wanted_seat.role, order
        seat._history_user = user
        seat._change_reason = str(reason)
        seat.save()


def session_move(*, user, session, room, starts_at, ends_at):
    """Give `session` another room (None: none yet) and time, as the schedule board's drag and
    drop does, through the rights and rules of any change; its panel, topics and languages stay.
    `session` carries the version it was read at, so a move based on an older copy is refused
    (StaleSessionError). Returns the session."""
    session.room = room
    session.starts_at = starts_at
    session.ends_at = ends_at
    return session_save(user=user, session=session, reason=REASON_MOVED_ON_BOARD)


def session_delete(*, user, session):
    with transaction.atomic():
        original = _stored(session)
        if original is None:
            return
        if not (may_edit(user, original) and user.has_perm("program.delete_session")):
            raise PermissionDenied(NOT_ALLOWED)
        original._history_user = user
        original.delete()


# Several sessions at once: a preview, then all or nothing


def unique_slug(conference, base):
    base = slugify(base)[:95].strip("-") or "session"
    taken = set(
        Session.objects.filter(conference=conference, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug
