"""Releasing the program: a preview of what changed, then the release; later, its name and
note corrected."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracks.models import Conference

from .. import released, releases, texts
from ..models import Release
from .rights import may_release, may_translate, require_part_change

RELEASE_ORGANIZERS_ONLY = _("Only organizers may release the program.")
RELEASE_CHANGE_ORGANIZERS_ONLY = _("Only organizers may change a release's name or note.")
NOTHING_TO_RELEASE = _(
    "Nothing attendees can see has changed since “%(previous)s”: there is nothing to release."
)
NOTHING_PUBLISHED = _("This edition has no published session yet: there is nothing to release.")
RELEASE_WITHDRAW_ORGANIZERS_ONLY = _("Only organizers may withdraw a release.")
ONLY_THE_LATEST = _("Only the latest release in force can be withdrawn.")
NOTHING_TO_WITHDRAW_AT_ONCE = _(
    "This edition publishes each change at once: withdrawing a release would change nothing "
    "attendees see."
)
BEFORE_COPIES = _(
    "“%(release)s” was made before releases could be withdrawn: it cannot be put back. Make a "
    "new release instead."
)


def release_preview(*, user, conference):
    """(the edition's release in force or None, what a release now would list as changed)."""
    if not may_release(user):
        raise PermissionDenied(RELEASE_ORGANIZERS_ONLY)
    with released.consistent_read():
        previous = conference.releases.in_force().order_by("-number").first()
        snapshot = releases.program_snapshot(conference)
    return previous, releases.changes_between(previous and previous.snapshot, snapshot)


def notes_of(note):
    """{language: text} of a note given as one text (the default language's, which every other
    falls back to) or as {language: text}."""
    if isinstance(note, dict):
        return {code: (note.get(code) or "").strip() for code in texts.SITE_LANGUAGES}
    return {texts.DEFAULT_LANGUAGE: (note or "").strip()}


def set_notes(release, note):
    for code, text in notes_of(note).items():
        setattr(release, texts.localized("note", code), text)


def full_clean(release):
    """Release.full_clean, each problem said once, on the field a form shows: the note in the
    default language is `note` (modeltranslation checks it as note and as note_<code>)."""
    try:
        release.full_clean()
    except ValidationError as error:
        default_note = texts.localized("note", texts.DEFAULT_LANGUAGE)
        by_field = {}
        for field, errors in error.error_dict.items():
            said = by_field.setdefault("note" if field == default_note else field, [])
            said.extend(each for each in errors if each.messages not in [s.messages for s in said])
        raise ValidationError(by_field) from None


def program_release(*, user, conference, name, note=""):
    """Release the edition's working program as it now stands, named `name` (e.g. "v3") with a
    public `note` (one text, or {language: text}): attendees, feeds and apps see it from the
    moment it commits, and the release lists what changed since the release in force before. It
    reads one consistent state (an edit committed meanwhile is wholly in it or wholly out).
    Refused when nothing attendees can see would change. Returns the Release."""
    if not may_release(user):
        raise PermissionDenied(RELEASE_ORGANIZERS_ONLY)
    return _release(user, conference, name, note)


def first_release_by_command(conference, *, name="v1", note=""):
    """The first release of an edition that a management command loaded or generated (whoever
    runs it has the server's shell, so no user's rights apply): `make run` and `make bench`
    show a program. None when the edition has a release in force already."""
    if conference.releases.in_force().exists():
        return None
    return _release(None, conference, name, note)


def _release(user, conference, name, note):
    with released.consistent_read():
        conference = Conference.objects.get(pk=conference.pk)
        previous = conference.releases.in_force().order_by("-number").first()
        last_number = conference.releases.aggregate(last=Max("number"))["last"] or 0
        snapshot = releases.program_snapshot(conference)
        changes = releases.changes_between(previous and previous.snapshot, snapshot)
        if previous is None and not snapshot:
            raise ValidationError(NOTHING_PUBLISHED)
        if not releases.has_changes(changes) and not _copies_differ(conference):
            raise ValidationError(NOTHING_TO_RELEASE % {"previous": previous.name})
        release = Release(
            conference=conference,
            number=last_number + 1,
            name=name.strip(),
            released_by=user,
            released_at=timezone.now(),
            snapshot=snapshot,
            changes=changes,
        )
        set_notes(release, note)
        full_clean(release)
        release.save()
        released.put_in_force(conference, snapshot)
    return release


def _copies_differ(conference):
    """Whether attendees would see anything new: a change the change log does not list (a
    description, a topic) is still worth releasing."""
    return bool(released.pending(conference))


def release_withdraw(*, user, release):
    """Withdraw `release`, the latest one in force of its edition: attendees, feeds and apps
    see the release before it again (none: no program), and the change log says so. Organizers
    only. Returns the Release as withdrawn."""
    if not may_release(user):
        raise PermissionDenied(RELEASE_WITHDRAW_ORGANIZERS_ONLY)
    with released.consistent_read():
        release = Release.objects.select_related("conference").get(pk=release.pk)
        conference = release.conference
        in_force = conference.releases.in_force().order_by("-number")
        if release.withdrawn_at is not None or in_force.first() != release:
            raise ValidationError(ONLY_THE_LATEST)
        if conference.publishes_at_once:
            raise ValidationError(NOTHING_TO_WITHDRAW_AT_ONCE)
        before = in_force.exclude(pk=release.pk).first()
        if before is not None and not released.can_be_put_back(before.snapshot):
            raise ValidationError(BEFORE_COPIES % {"release": before.name})
        release.withdrawn_at = timezone.now()
        release.withdrawn_by = user
        release.save(update_fields=["withdrawn_at", "withdrawn_by"])
        released.put_in_force(conference, before.snapshot if before else {})
    return release


def next_release_name(conference):
    """The name a release would take by default: v1, v2, …"""
    last = conference.releases.order_by("-number").values_list("number", flat=True).first()
    return f"v{(last or 0) + 1}"


def release_change(*, user, release, name, note):
    """Give a release a new name and note (a typo, a note that says too little or too much):
    what it froze and what it lists as changed stay as they were. Organizers only, as for
    releasing; a translator may change the note in their language only. `note`: one text (the
    default language's) or {language: text}. Returns the Release as saved; the public change
    log, its feed and the exports show the new texts from the next request (saving a release
    bumps the program version)."""
    with transaction.atomic():
        original = Release.objects.select_for_update().get(pk=release.pk)
        release = Release.objects.get(pk=release.pk)
        release.name = name.strip()
        set_notes(release, note)
        if not may_release(user):
            if not may_translate(user, original):
                raise PermissionDenied(RELEASE_CHANGE_ORGANIZERS_ONLY)
            require_part_change(user, release, original)
        full_clean(release)
        release.save(update_fields=["name", *texts.in_every_language("note")])
    return release
