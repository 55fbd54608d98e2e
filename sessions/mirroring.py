"""Receivers that keep the released copies of an edition that publishes each change at once
equal to its working program (see sessions.released). A write to an edition behind a release
step costs one look at its edition (usually already loaded) and copies nothing."""

from .models import PanelMembership, Session
from .released import mirror, mirror_editions


def _publishes_at_once(session):
    try:
        return session.conference.publishes_at_once
    except Session.conference.RelatedObjectDoesNotExist:
        return False


def session_written(sender, instance, raw=False, **kwargs):
    if raw:
        return  # loaddata: fixtures say what they hold
    if isinstance(instance, PanelMembership):
        session = Session.objects.select_related("conference").filter(pk=instance.session_id)
        session = session.first()
        if session is None:  # the seat goes with its session, which mirrors itself
            return
    else:
        session = instance
    if _publishes_at_once(session):
        mirror([session.pk])


def relation_written(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        if _publishes_at_once(instance):
            mirror([instance.pk])
    elif pk_set:
        mirror(pk_set)
    else:  # a topic or a language cleared of all its sessions
        mirror_editions()


def written_in_bulk(sender=None, **kwargs):
    # Sessions written in bulk (an import): every edition that publishes at once is copied
    # anew. Speakers and tracks written in bulk change no copy (copies name them by id).
    if sender is Session:
        mirror_editions()


def edition_written(sender, instance, raw=False, **kwargs):
    """An edition switched to publishing each change at once shows its working program now."""
    from .released import copies_of, put_in_force

    if instance.publishes_at_once and not raw:
        put_in_force(instance, copies_of(Session.objects.filter(conference=instance)))
