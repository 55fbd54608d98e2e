"""Several sessions at once (the admin's actions): a preview, then all or nothing."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from .. import texts
from ..models import Session, StaleSessionError
from .history import (
    REASON_CANCELLED,
    REASON_DUPLICATED,
    REASON_MOVED,
    REASON_PUBLISHED,
    REASON_RETURNED_TO_DRAFT,
    Related,
    Seat,
)
from .rights import NOT_ALLOWED
from .session import session_save, unique_slug


@dataclass
class Outcome:
    """What a change does, or would do, to one session: the session after it, or why not."""

    session: Session
    errors: list = field(default_factory=list)  # messages, as ValidationErrors

    @property
    def ok(self):
        return not self.errors


class Refused(Exception):
    """A change of several sessions that was refused as a whole; `outcomes` say why, each."""

    def __init__(self, outcomes):
        self.outcomes = outcomes
        super().__init__(gettext("Nothing was changed."))


def each_error(error):
    """A ValidationError or PermissionDenied as a flat list of ValidationErrors."""
    if isinstance(error, PermissionDenied):
        return [ValidationError(str(error) or NOT_ALLOWED)]
    if isinstance(error, StaleSessionError):
        return [ValidationError(str(error))]
    if hasattr(error, "error_dict"):
        return [each for errors in error.error_dict.values() for each in errors]
    return error.error_list


def _for_each(sessions, change, *, dry_run):
    """Apply `change` to each session in a fixed order (time, then id); keep all or none."""
    ordered = sorted(sessions, key=lambda session: (session.starts_at, session.pk))
    outcomes = []
    with transaction.atomic():
        for session in ordered:
            try:
                with transaction.atomic():
                    result = change(session)
                outcomes.append(Outcome(result or session))
            except (ValidationError, PermissionDenied, StaleSessionError) as error:
                outcomes.append(Outcome(session, each_error(error)))
        refused = any(not outcome.ok for outcome in outcomes)
        if dry_run or refused:
            transaction.set_rollback(True)
    if refused and not dry_run:
        raise Refused(outcomes)
    return outcomes


def _with_status(user, session, status, reason, **fields):
    session.status = status
    for name, value in fields.items():
        setattr(session, name, value)
    return session_save(user=user, session=session, reason=reason)


def sessions_publish(*, user, sessions, dry_run=False):
    return _for_each(
        sessions,
        lambda session: _with_status(user, session, Session.Status.PUBLISHED, REASON_PUBLISHED),
        dry_run=dry_run,
    )


def sessions_return_to_draft(*, user, sessions, dry_run=False):
    return _for_each(
        sessions,
        lambda session: _with_status(user, session, Session.Status.DRAFT, REASON_RETURNED_TO_DRAFT),
        dry_run=dry_run,
    )


def sessions_cancel(*, user, sessions, note="", dry_run=False):
    return _for_each(
        sessions,
        lambda session: _with_status(
            user, session, Session.Status.CANCELLED, REASON_CANCELLED, cancellation_note=note
        ),
        dry_run=dry_run,
    )


def sessions_move_to_track(*, user, sessions, track, dry_run=False):
    def move(session):
        session.track = track
        return session_save(
            user=user, session=session, related=Related(topics=[]), reason=REASON_MOVED
        )

    return _for_each(sessions, move, dry_run=dry_run)


def sessions_duplicate(*, user, sessions, dry_run=False):
    def duplicate(session):
        copy = Session.objects.get(pk=session.pk)
        related = Related(
            topics=list(session.topics.all()),
            languages=list(session.languages.all()),
            interpretation=list(session.interpretation_languages.all()),
            panel=[
                Seat(speaker=seat.speaker, role=seat.role, order=seat.order)
                for seat in session.panel.select_related("speaker")
            ],
        )
        copy.pk = None
        copy._state.adding = True
        copy.slug = unique_slug(session.conference, f"{session.slug}-copy")
        for language, title in texts.texts(session, "title").items():
            with translation.override(language):
                copied = gettext("%(title)s (copy)") % {"title": title}
            setattr(copy, texts.localized("title", language), copied)
        copy.status = Session.Status.DRAFT
        for column in texts.in_every_language("cancellation_note"):
            setattr(copy, column, "")
        copy.version = 1
        return session_save(user=user, session=copy, related=related, reason=REASON_DUPLICATED)

    return _for_each(sessions, duplicate, dry_run=dry_run)
