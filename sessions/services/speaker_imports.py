"""A spreadsheet of speakers, the whole file at once (the reader: speakers.resources.read_rows)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from speakers.models import Organization, Speaker
from speakers.resources import BIOS, JOB_TITLES
from speakers.spreadsheets import same_value
from tracks.signals import program_changed

from .. import texts
from .history import REASON_IMPORTED, _bulk_history

NOT_ALLOWED_TO_IMPORT = _("You are not allowed to import speakers.")
NOT_ALLOWED_TO_ADD_ORGANIZATIONS = _("You are not allowed to add organizations.")
SPEAKERS_SAVED_MEANWHILE = _(
    "Someone else added or changed speakers at the same moment. Nothing was saved; upload the "
    "file again."
)
# Fields a spreadsheet row may change (the slug is how a row finds its speaker).
ROW_FIELDS = ["name", "pronouns", *JOB_TITLES, "organization", "website", *BIOS]


def may_import_speakers(user):
    """An import may add any speaker and change any other: organizers only."""
    return user.is_active and user.has_perms(["speakers.add_speaker", "speakers.change_speaker"])


def speakers_import(*, user, rows, dry_run=False):
    """Apply the rows of a spreadsheet of speakers: the user's right is checked, then every row
    (full_clean() of the speaker and of any organization it adds), and the file is written in
    bulk, in one transaction, with its history, only if no row has an error: all rows or none.
    Each row's errors are added to it, by column. The same few queries whatever the number of
    rows. Returns the rows that are not blank."""
    if not may_import_speakers(user):
        raise PermissionDenied(NOT_ALLOWED_TO_IMPORT)
    rows = [row for row in rows if not row.blank]
    _check_rows(user, [row for row in rows if row.speaker is not None and not row.errors])
    for row in rows:
        valid = row.speaker is not None and not row.errors
        row.settle(subject=row.speaker, is_new=row.is_new, changes=_changes(row) if valid else {})
    if dry_run or any(row.errors for row in rows):
        return rows
    try:
        with transaction.atomic():
            _write_rows(user, [row for row in rows if row.action in ("new", "update")])
    except IntegrityError:
        # A slug taken meanwhile: another import or a form saved the same speaker.
        for row in rows:
            row.add_error("slug", SPEAKERS_SAVED_MEANWHILE)
            row.action = "error"
    return rows


def _check_rows(user, rows):
    """full_clean() of each row's speaker and new organization. A row's slug finds its speaker
    (and the reader gives a new organization a slug nobody has), so the unique checks, a query
    a row, are left to the database; a photo is never in a file."""
    exclude = ["photo", "organization", *texts.translated_fields(Speaker)]
    may_add_organizations = user.has_perm("speakers.add_organization")
    for row in rows:
        try:
            row.speaker.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    row.add_error(name, message)
        organization = row.new_organization
        if organization is None:
            continue
        if not may_add_organizations:
            row.add_error("organization", NOT_ALLOWED_TO_ADD_ORGANIZATIONS)
        try:
            organization.full_clean(
                exclude=texts.translated_fields(Organization), validate_unique=False
            )
        except ValidationError as error:
            row.add_error(
                "organization",
                _("The new organization %(name)s cannot be created: %(reasons)s")
                % {"name": f"“{organization.name}”", "reasons": " ".join(error.messages)},
            )


def _changes(row):
    if row.is_new:
        return {"fields": True}
    speaker, original = row.speaker, row.original
    return {
        "fields": row.new_organization is not None
        or any(
            not same_value(
                getattr(speaker, Speaker._meta.get_field(name).attname),
                getattr(original, Speaker._meta.get_field(name).attname),
            )
            for name in ROW_FIELDS
        )
    }


def _write_rows(user, changed):
    """Bulk writes, which send no model signals: program_changed says that what the public
    sees changed (the site's caches listen)."""
    now = timezone.now()
    # One at a time, with their history: a file adds a few organizations, not hundreds.
    organizations = {id(row.new_organization): row.new_organization for row in changed}
    for organization in organizations.values():
        if organization is not None:
            organization._history_user = user
            organization._change_reason = str(REASON_IMPORTED)
            organization.save()
    for row in changed:
        if row.new_organization is not None:
            row.speaker.organization = row.new_organization  # now with its id
    Speaker.objects.bulk_create([row.speaker for row in changed if row.is_new])
    # Only the columns the file has: a column left out leaves that part of every speaker as
    # it is, whatever was saved since the file was read.
    columns = {column for row in changed for column in row.cells}
    fields = [name for name in ROW_FIELDS if name in columns]
    if fields:
        Speaker.objects.bulk_update(
            [row.speaker for row in changed if not row.is_new], fields, batch_size=500
        )
    _bulk_history(
        Speaker,
        [row.speaker for row in changed],
        user=user,
        reason=REASON_IMPORTED,
        when=now,
        kinds={id(row.speaker): "+" if row.is_new else "~" for row in changed},
    )
    program_changed.send(sender=Speaker)
