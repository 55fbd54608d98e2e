"""The import pages of the admin, for sessions and for speakers alike: upload a spreadsheet, see
what it would do to every row (with each error next to its row, in words), then confirm.

One pipeline serves both sheets (a Sheet says which reader and which service): the file is read
into rows (sessions.importing.read_rows, speakers.resources.read_rows), and the services check
the user's rights and every rule for the whole file and write all of it or nothing
(services.sessions_import, services.speakers_import). The preview is the same call as a dry run.

What the preview read waits for the confirmation in Django's cache (Redis when configured, a
table of the database otherwise, so any app server can take the confirmation), under a random
token tied to the user who uploaded it and to the sheet: a confirmation form can name nothing
else. It is the file's cells, as read_dataset read them within its limits (compressed: a
5,000-row sheet is a few hundred KB), so that the confirmation does not read the file again;
and the version of every stored row the preview read, which the confirmation checks. Every
request this page cannot use (no file, a file it cannot read, a token that is malformed,
expired or someone else's) answers 400 with a message."""

import pickle
import re
import secrets
import zlib
from dataclasses import dataclass

import tablib
from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from speakers import resources as speaker_sheet
from speakers.spreadsheets import FileError, counts, read_dataset

from .. import importing as session_sheet
from .. import services

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
UPLOAD_SECONDS = 60 * 60
TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Sheet:
    """A kind of spreadsheet the admin imports, and how its page speaks of it."""

    key: str  # of its uploads in the cache
    read_rows: object  # dataset -> rows
    apply: object  # services.<things>_import(*, user, rows, dry_run)
    columns: list
    template: str
    title: str
    help_text: str
    changed_meanwhile: str
    imported: object  # (counts) -> the message once imported
    changelist: str
    # Whether the preview records each stored row's version, for the confirmation to check.
    versioned: bool = False


SESSIONS = Sheet(
    key="program-import",
    read_rows=session_sheet.read_rows,
    apply=services.sessions_import,
    columns=session_sheet.COLUMNS,
    template="admin/program/session/import.html",
    title=_("Import sessions"),
    help_text=_("CSV (UTF-8) or XLSX, at most 5 MB: one row per session."),
    changed_meanwhile=_(
        "Nothing was imported: the program changed since the preview, and some rows now "
        "break a rule. See why below."
    ),
    imported=lambda counts: (
        ngettext(
            "Imported: %(new)d new session, %(update)d updated.",
            "Imported: %(new)d new sessions, %(update)d updated.",
            counts["new"],
        )
        % counts
    ),
    changelist="admin:program_session_changelist",
    versioned=True,
)
SPEAKERS = Sheet(
    key="speaker-import",
    read_rows=speaker_sheet.read_rows,
    apply=services.speakers_import,
    columns=speaker_sheet.COLUMNS,
    template="admin/speakers/speaker/import.html",
    title=_("Import speakers"),
    help_text=_("CSV (UTF-8) or XLSX, at most 5 MB: one row per speaker."),
    changed_meanwhile=_(
        "Nothing was imported: the speakers changed since the preview, and some rows now have "
        "errors. See why below."
    ),
    imported=lambda counts: (
        ngettext(
            "Imported: %(new)d new speaker, %(update)d updated.",
            "Imported: %(new)d new speakers, %(update)d updated.",
            counts["new"],
        )
        % counts
    ),
    changelist="admin:speakers_speaker_changelist",
)


class UploadForm(forms.Form):
    spreadsheet = forms.FileField(label=_("Spreadsheet"))

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spreadsheet"].help_text = sheet.help_text

    def clean_spreadsheet(self):
        upload = self.cleaned_data["spreadsheet"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("This file is too large; import at most 5 MB at a time."), code="too_large"
            )
        return upload


def upload_key(sheet, user, token):
    return f"{sheet.key}:{user.pk}:{token}"


def packed(dataset):
    """The cells of `dataset` (texts, numbers, dates and times, as read_dataset read them),
    compressed for the cache."""
    table = (list(dataset.headers or []), [list(row) for row in dataset])
    return zlib.compress(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpacked(cells):
    """The Dataset packed() packed."""
    headers, table = pickle.loads(zlib.decompress(cells))  # noqa: S301  (our own cache entry)
    return tablib.Dataset(*table, headers=headers)


def versions_read(sheet, rows):
    """{session id: version} of the stored sessions the preview read, for the confirmation."""
    if not sheet.versioned:
        return None
    return {row.original.pk: row.original.version for row in rows if row.original is not None}


def session_import(request, model_admin):
    return import_page(request, model_admin, SESSIONS)


def speaker_import(request, model_admin):
    return import_page(request, model_admin, SPEAKERS)


def import_page(request, model_admin, sheet):
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return confirm(request, model_admin, sheet)
    if request.method != "POST":
        return page(request, model_admin, sheet, form=UploadForm(sheet=sheet))
    form = UploadForm(request.POST, request.FILES, sheet=sheet)
    if not form.is_valid():
        return page(request, model_admin, sheet, form=form, status=400)
    upload = form.cleaned_data["spreadsheet"]
    try:
        dataset = read_dataset(upload.read(), upload.name)
        cells = packed(dataset)  # as read, before read_rows looks at it
        rows = sheet.read_rows(dataset)
    except FileError as error:
        form.add_error("spreadsheet", str(error))
        return page(request, model_admin, sheet, form=form, status=400)
    rows = sheet.apply(user=request.user, rows=rows, dry_run=True)
    token = secrets.token_hex(16)
    # (name, file: None, versions, cells): an upload stored before the cells were kept has
    # the file's content in the second place, and no cells.
    cache.set(
        upload_key(sheet, request.user, token),
        (upload.name, None, versions_read(sheet, rows), cells),
        UPLOAD_SECONDS,
    )
    return page(request, model_admin, sheet, rows=rows, token=token, file_name=upload.name)


def confirm(request, model_admin, sheet):
    token = request.POST.get("token", "")
    key = upload_key(sheet, request.user, token)
    stored = cache.get(key) if TOKEN.match(token) else None
    if stored is None:
        problem = _(
            "This upload cannot be found: it expired after an hour, or was made by someone "
            "else. Upload the file again."
        )
        return page(
            request, model_admin, sheet, form=UploadForm(sheet=sheet), problem=problem, status=400
        )
    # An upload stored before versions, or cells, were kept has none: its file is read again.
    file_name, content, versions, cells = (*stored, None, None)[:4]
    try:
        dataset = read_dataset(content, file_name) if cells is None else unpacked(cells)
        rows = sheet.read_rows(dataset)
    except FileError as error:
        form = UploadForm(sheet=sheet)
        return page(request, model_admin, sheet, form=form, problem=str(error), status=400)
    rows = sheet.apply(
        user=request.user, rows=rows, **({"versions": versions} if sheet.versioned else {})
    )
    if any(row.errors for row in rows):
        # The upload is spent: a new preview shows the program as it now is.
        cache.delete(key)
        model_admin.message_user(request, sheet.changed_meanwhile, messages.ERROR)
        return page(request, model_admin, sheet, rows=rows, file_name=file_name)
    cache.delete(key)
    model_admin.message_user(request, sheet.imported(counts(rows)), messages.SUCCESS)
    return HttpResponseRedirect(reverse(sheet.changelist))


def page(request, model_admin, sheet, *, status=200, **context):
    rows = context.get("rows")
    if rows is not None:
        tally = counts(rows)
        context.update(
            refused=any(row.errors for row in rows),
            new_count=tally["new"],
            update_count=tally["update"],
            unchanged_count=tally["unchanged"],
            error_count=sum(bool(row.errors) for row in rows),
            new_speakers=sorted(
                {speaker.name for row in rows for speaker in getattr(row, "new_speakers", [])}
            ),
            new_organizations=sorted(
                {
                    row.new_organization.name
                    for row in rows
                    if getattr(row, "new_organization", None)
                }
            ),
        )
    return TemplateResponse(
        request,
        sheet.template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": sheet.title,
            "columns": sheet.columns,
            "import_url": request.path,
            **context,
        },
        status=status,
    )


class SpeakerImport:
    """The speaker list's Import page (a mixin of SpeakerAdmin), the same page as the
    sessions'; its Export stays django-import-export's."""

    change_list_template = "admin/speakers/speaker/change_list.html"

    def has_import_permission(self, request):
        return services.may_import_speakers(request.user)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="speakers_speaker_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        return speaker_import(request, self)
