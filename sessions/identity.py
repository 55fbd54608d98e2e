"""What apps and calendars key a session on, and how it outlives edits and deletions.

Every session has, from its creation, a `guid` (a UUID) and a `public_id` (a number): the
exports' event id and guid, the frab slug and the calendar UID are made of them, never of the
session's title, slug or track. A retitle, a slug edit or a move to another track leaves them
as they are.

FormerSlug keeps, per edition, each slug a session no longer holds with the session's identity:

- a slug edit keeps the old slug, whose address then redirects to the session's current one;
- a deletion keeps the session's slug and marks its identity as free (`deleted`);
- a session created again in the edition (by an import, the admin or a restore from history)
  whose guid, or else whose slug, is a deleted session's takes back that session's guid,
  public id and database id, and goes on from its version. Keeping the database id too means
  that everything else that names sessions by id (agendas saved in browsers, the change log,
  the released copies) keeps its hold on it.

Sessions created otherwise get a new identity: a guid of their own and, as public id, their
database id (which the database never hands out twice)."""

import uuid

from django.db import models

from .models import FormerSlug, Session


def _matching_former(sessions):
    """{id(session): FormerSlug} of deleted sessions' identities these new sessions take back:
    by guid first, then by slug, each identity once. One query."""
    editions = {session.conference_id for session in sessions}
    guids = {session.guid for session in sessions if session.guid}
    slugs = {session.slug for session in sessions if session.slug}
    found = list(
        FormerSlug.objects.filter(conference_id__in=editions, deleted=True).filter(
            models.Q(guid__in=guids) | models.Q(slug__in=slugs)
        )
    )
    by_guid = {(row.conference_id, row.guid): row for row in found}
    by_slug = {(row.conference_id, row.slug): row for row in found}
    taken, matches = set(), {}
    for session in sessions:
        row = by_guid.get((session.conference_id, session.guid)) or by_slug.get(
            (session.conference_id, session.slug)
        )
        if row is not None and row.guid not in taken:
            taken.add(row.guid)
            matches[id(session)] = row
    return matches


def give_identities(sessions):
    """Before new sessions are inserted: each takes back a deleted session's identity when its
    guid or slug is one (see above), else keeps a new one: its guid unless another session holds
    it (a duplicated session carries its original's), a public id given by the insert."""
    sessions = list(sessions)
    if not sessions:
        return
    matches = _matching_former(sessions)
    held = set(
        Session.objects.filter(
            guid__in=[session.guid for session in sessions if id(session) not in matches]
        ).values_list("guid", flat=True)
    )
    for session in sessions:
        former = matches.get(id(session))
        if former is None:
            if session.guid is None or session.guid in held:
                session.guid = uuid.uuid4()
            held.add(session.guid)
            session.public_id = None
            continue
        session.guid = former.guid
        session.public_id = former.public_id
        if not Session.objects.filter(pk=former.database_id).exists():
            session.pk = former.database_id
        session.version = max(session.version or 1, former.version + 1)
    taken_back = [former.guid for former in matches.values()]
    if taken_back:
        FormerSlug.objects.filter(guid__in=taken_back).update(deleted=False)


def keep_former_slug(session, slug):
    """`session` leaves `slug` for another: its address redirects to the session's new one."""
    FormerSlug.objects.update_or_create(
        conference_id=session.conference_id,
        slug=slug,
        defaults={
            "guid": session.guid,
            "public_id": session.public_id,
            "database_id": session.pk,
            "version": session.version,
            "deleted": False,
        },
    )


def retire(session):
    """`session` is being deleted: its identity waits, with its slugs, for a session created
    again with its guid or one of them."""
    keep_former_slug(session, session.slug)
    FormerSlug.objects.filter(guid=session.guid).update(deleted=True, version=session.version)


def current_slug(sessions, conference, slug):
    """The slug under which `sessions` (a public queryset: the released program, or the
    working one for staff previewing) has the session that once had `slug` in the edition;
    None when it has none. Nothing unreleased is revealed: only a session the queryset shows."""
    guids = FormerSlug.objects.filter(conference=conference, slug=slug).values("guid")
    return (
        sessions.for_edition(conference)
        .filter(guid__in=models.Subquery(guids))
        .values_list("slug", flat=True)
        .first()
    )
