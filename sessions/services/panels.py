"""Panel seats one at a time (the panel seats admin)."""

from django.core.exceptions import PermissionDenied

from ..models import PanelMembership, Session
from .history import REASON_PANEL_CHANGED, Related, Seat
from .rights import NOT_YOUR_TRACK, may_edit
from .session import session_save


def panel_seat_save(*, user, seat):
    session = Session.objects.get(pk=seat.session_id)
    panel = [
        Seat(speaker=other.speaker, role=other.role, order=other.order)
        for other in session.panel.select_related("speaker").exclude(pk=seat.pk)
        if other.speaker_id != seat.speaker_id
    ]
    panel.append(Seat(speaker=seat.speaker, role=seat.role, order=seat.order))
    if seat.pk:
        previous = PanelMembership.objects.select_related("session").get(pk=seat.pk)
        if previous.session_id != session.pk:
            # Moving a seat to another session takes it off the first one too.
            if not may_edit(user, previous.session):
                raise PermissionDenied(NOT_YOUR_TRACK)
            panel_seat_delete(user=user, seat=previous)
    session_save(
        user=user, session=session, related=Related(panel=panel), reason=REASON_PANEL_CHANGED
    )
    return session.panel.get(speaker=seat.speaker)


def panel_seat_delete(*, user, seat):
    session = Session.objects.get(pk=seat.session_id)
    panel = [
        Seat(speaker=other.speaker, role=other.role, order=other.order)
        for other in session.panel.select_related("speaker").exclude(pk=seat.pk)
    ]
    session_save(
        user=user, session=session, related=Related(panel=panel), reason=REASON_PANEL_CHANGED
    )


# Speakers
